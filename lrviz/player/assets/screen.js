// The page around the run, for the player: the banner at each stage of the run, the lesson's
// title and caption, the gallery's lessons and presentation mode. Sent on full page runs only.
export default function screen(component) {
  const page = (window.__lrviz = window.__lrviz || { player: null, sync: null, plotly: null });
  page.screen = component.data;
  if (page.player) page.player.setScreen(component.data);
}
