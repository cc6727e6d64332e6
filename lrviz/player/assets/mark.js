// The data point to ring in the fit panel, {run, point: {i, x, y} | null}, handed to the player.
// A component of its own, like sync.js, so that choosing a point costs a few bytes, not a run.
export default function mark(component) {
  const page = (window.__lrviz = window.__lrviz || { player: null, sync: null, plotly: null });
  page.mark = component.data;
  if (page.player) page.player.setMark(component.data);
}
