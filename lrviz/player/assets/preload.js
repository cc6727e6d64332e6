// Starts fetching plotly.js as soon as the page's first script run begins, long before the run's
// payload reaches the player: the player's loadPlotly() then finds this request under
// window.__lrviz.plotly and waits on it instead of starting its own.
export default function preload(component) {
  const page = (window.__lrviz = window.__lrviz || { player: null, sync: null, plotly: null });
  const url = component.data && component.data.url;
  if (!url || window.Plotly || page.plotly) return;
  page.plotly = new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.async = true;
    script.onload = () => resolve(window.Plotly);
    script.onerror = () => {
      page.plotly = null; // the player tries again with its own request
      reject(new Error(`plotly.js did not load from ${url}`));
    };
    document.head.appendChild(script);
  });
  // Nobody may be waiting yet; the player reports a failure when it waits.
  page.plotly.catch(() => {});
}
