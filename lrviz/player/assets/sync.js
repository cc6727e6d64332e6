// The server's view of the epoch on screen, {run, epoch}, handed to the player on the page.
// A component of its own so that this echo, which changes with every report, costs a few bytes.
export default function sync(component) {
  const page = (window.__lrviz = window.__lrviz || { player: null, sync: null, plotly: null });
  page.sync = component.data;
  if (page.player) page.player.serverSync(component.data);
}
