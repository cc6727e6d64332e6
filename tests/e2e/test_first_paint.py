"""First paint: the status line shows the run's numbers before plotly.js has run; charts follow.

The first-paint timings themselves are measured by benchmarks/bench_playback.py; this checks the
order the page is built in, which holds on any machine.
"""

from playwright.sync_api import Page

from lrviz.app.run import make_run
from lrviz.app.settings import RunSettings
from lrviz.core.dataset import make_dataset
from lrviz.data import DEFAULT_PRESET, get_preset
from lrviz.notation.numbers import fmt
from tests.e2e.browser import AppServer, open_app

# Installed before the page loads: what the page holds when the status line first shows numbers.
SEEN_JS = """
(() => {
  const seen = (window.__firstNumbers = { plotly: null, charts: null, loss: null });
  new MutationObserver(() => {
    if (seen.plotly !== null) return;
    const loss = document.querySelector('[data-field="loss"]');
    if (!loss || !/[0-9]/.test(loss.textContent)) return;
    seen.plotly = typeof window.Plotly !== "undefined";
    seen.charts = document.querySelectorAll(".lrviz-plot .main-svg").length;
    seen.loss = loss.textContent;
  }).observe(document, { childList: true, subtree: true, characterData: true });
})();
"""


def test_numbers_show_before_plotly_runs_and_the_charts_follow(
    page: Page, app_server: AppServer
) -> None:
    page.add_init_script(SEEN_JS)
    open_app(page, app_server.url)
    page.wait_for_function("window.__firstNumbers.plotly !== null")
    seen = page.evaluate("window.__firstNumbers")
    preset = get_preset(DEFAULT_PRESET)
    run = make_run(make_dataset(preset.x, preset.y), RunSettings())
    assert seen == {"plotly": False, "charts": 0, "loss": fmt(run.scene.history.loss[0])}
    for name in ("fit", "contour", "loss"):
        page.locator(f'[data-plot="{name}"] .main-svg').first.wait_for(state="attached")
    assert page.evaluate("typeof window.Plotly") == "object"
