// The server's view of the epoch on screen, {run, epoch}, handed to the player on the PAGE.
// A component of its own so that this echo, which changes with every report, costs a few bytes.
export default function sync(component) {
  PAGE.sync = component.data;
  if (PAGE.player) PAGE.player.serverSync(component.data);
}
