// Phones and tablets. A swipe over a chart scrolls the page: on a coarse pointer plotly's drag
// (zoom, pan) is off and its mode bar hidden, until the "Zoom" toggle (shown on touch screens
// only, phone.css) turns them back on. plotly calls preventDefault on touch only while a drag
// mode is set, so with dragmode false the browser scrolls; the SVG layer above takes no events.

const COARSE = window.matchMedia ? window.matchMedia("(pointer: coarse)") : null;

function touchScreen() {
  return !!(COARSE && COARSE.matches);
}

function touchLayout(layout, player) {
  // layout: the plotly layout about to be drawn (changed in place and returned).
  if (touchScreen() && !player.zoomOn) layout.dragmode = false;
  return layout;
}

function touchConfig(config, player) {
  if (!touchScreen() || player.zoomOn) return config;
  return { ...config, scrollZoom: false, displayModeBar: false };
}

function addZoomToggle(player, controls) {
  const button = document.createElement("button");
  button.type = "button";
  button.dataset.act = "zoom";
  button.title = "Zoom and pan the charts by dragging (off: a swipe scrolls the page)";
  button.setAttribute("aria-pressed", "false");
  button.textContent = "⤢ Zoom";
  button.addEventListener("click", () => setZoom(player, !player.zoomOn));
  player.buttons.zoom = button;
  player.zoomOn = false;
  controls.append(button);
}

async function setZoom(player, on) {
  player.zoomOn = on;
  player.buttons.zoom.setAttribute("aria-pressed", on ? "true" : "false");
  player.dom.classList.toggle("lrviz-zooming", on);
  if (!player.p || !window.Plotly) return; // load() draws with the new setting
  // The mode bar and the drag mode are config and layout: each chart is drawn again.
  const names = ["fit", "contour", "loss"].concat(player.bowlReady ? ["bowl"] : []);
  try {
    await Promise.all(names.map((name) => player.plot(name)));
  } catch (error) {
    player.fail(`The charts could not be drawn: ${error.message}`);
    return;
  }
  player.applyHide();
  player.draw(true);
}
