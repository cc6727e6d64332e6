// The one object the page's pieces of the player share, window.__lrviz: the player on the page,
// and what the server last told it (sync: the echo of its epoch, mark: the followed point,
// screen: the page around the run) in case it came before the player was mounted. Python joins
// this file ahead of every script that uses it (component.py, bundle.py), so it is made here only.
const PAGE = (window.__lrviz = window.__lrviz || {
  player: null,
  sync: null,
  mark: null,
  markBytes: null,
  screen: null,
  plotly: null,
  plotlyFull: null,
});
