// The page around the run, for the player: the banner at each stage of the run, the lesson's
// title and caption, the gallery's lessons and presentation mode. Sent on full page runs only.
export default function screen(component) {
  PAGE.screen = component.data;
  if (PAGE.player) PAGE.player.setScreen(component.data);
}
