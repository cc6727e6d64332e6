// The player's host in an exported page (lrviz.export): no server behind it. The page carries
// the run's payload and what the app's small components would have told the player (the epoch
// it was exported at as the server's echo, the followed point, the banners) as JSON; nothing is
// reported or fetched. A new start (a click on the contour) needs training, so it is off here;
// the followed point is the one exported.

function pageText(id) {
  const node = document.getElementById(id);
  return node ? node.textContent : "";
}

function mountPage() {
  const root = document.getElementById("lrviz-root");
  let told;
  try {
    told = JSON.parse(pageText("lrviz-told"));
  } catch (error) {
    root.textContent = `This page is damaged: ${error.message}`;
    return;
  }
  const player = new Player(root);
  PAGE.player = player;
  PAGE.sync = told.sync;
  PAGE.mark = told.mark;
  PAGE.screen = told.screen;
  player.canPick = false;
  const only = "The point followed when the page was exported (choosing another needs the app)";
  for (const control of [player.chain.pointSelect, player.chain.pointNumber]) {
    control.disabled = true;
    control.title = only;
  }
  player.serverSync(PAGE.sync);
  if (PAGE.mark) player.setMark(PAGE.mark);
  if (PAGE.screen) player.setScreen(PAGE.screen);
  const payload = new TextEncoder().encode(pageText("lrviz-payload"));
  player.load(payload).catch((error) => player.fail(`The run could not be shown: ${error.message}`));
}

mountPage();
