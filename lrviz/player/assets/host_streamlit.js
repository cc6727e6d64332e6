// The player's host in the Streamlit app: a v2 component. Streamlit calls mount() on each
// render with the run's payload bytes; the player reports the epoch at rest through the
// component state ("cursor") and choices through triggers ("pick", "point", "lesson").

export default function mount(component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  let player = parentElement.__lrvizPlayer;
  if (!player) {
    player = new Player(parentElement);
    parentElement.__lrvizPlayer = player;
  }
  PAGE.player = player;
  if (PAGE.sync) player.serverSync(PAGE.sync);
  if (PAGE.mark) player.setMark(PAGE.mark);
  if (PAGE.screen) player.setScreen(PAGE.screen);
  player.setState = setStateValue;
  player.setTrigger = setTriggerValue;
  if (data) player.load(data).catch((error) => player.fail(`The run could not be shown: ${error.message}`));
  return () => {
    // Streamlit also calls this when a newer render replaces this one; only an element that left
    // the page is torn down.
    setTimeout(() => {
      if (!parentElement.isConnected) {
        player.destroy();
        parentElement.__lrvizPlayer = null;
      }
    }, 0);
  };
}
