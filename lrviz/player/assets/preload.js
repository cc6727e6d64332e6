// Starts downloading plotly.js (the cartesian bundle the flat charts need) as soon as the page's
// first script run begins, long before the run's payload reaches the player. A <link
// rel=preload> downloads without running: the 1.5 MB script takes a good part of a second of the
// main thread to evaluate, and run now it would hold back the player's first numbers. The player's own <script> for the same URL (loadPlotly in player.js),
// added once those numbers are on screen, then takes the downloaded copy.
export default function preload(component) {
  const url = component.data && component.data.url;
  if (!url || window.Plotly) return;
  for (const link of document.head.querySelectorAll('link[rel="preload"]')) {
    if (link.getAttribute("href") === url) return;
  }
  const link = document.createElement("link");
  link.rel = "preload";
  link.as = "script";
  link.href = url;
  document.head.appendChild(link);
}
