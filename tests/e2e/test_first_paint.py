"""First paint: the status line shows the run's numbers before plotly.js has run; charts follow.

The first-paint timings themselves are measured by benchmarks/bench_playback.py; this checks the
order the page is built in, which holds on any machine: the cartesian plotly.js first, the full
one only once the 3D bowl is asked for.
"""

from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from lrviz.app.run import make_run
from lrviz.app.settings import RunSettings
from lrviz.core import train
from lrviz.core.dataset import make_dataset
from lrviz.data import DEFAULT_PRESET, get_preset
from lrviz.notation.numbers import fmt
from tests.e2e.browser import AppServer, open_app
from tests.e2e.test_playground import (
    ARTICLE_EPOCHS,
    ARTICLE_LR,
    ARTICLE_X,
    ARTICLE_Y,
    PLAYER,
    WAIT_MS,
    button,
    check_frame,
    snapshot,
    wait_ready,
    wait_server_echo,
)

# Installed before the page loads: what the page holds when the status line first shows numbers.
SEEN_JS = """
(() => {
  const seen = (window.__firstNumbers = {
    plotly: null, charts: null, loss: null, sidebarWidgets: null,
  });
  new MutationObserver(() => {
    if (seen.plotly !== null) return;
    const loss = document.querySelector('[data-field="loss"]');
    if (!loss || !/[0-9]/.test(loss.textContent)) return;
    seen.plotly = typeof window.Plotly !== "undefined";
    seen.charts = document.querySelectorAll(".lrviz-plot .main-svg").length;
    seen.loss = loss.textContent;
    // A session's first run draws the sidebar after the player (lrviz.ui.sidebar_ui).
    seen.sidebarWidgets = document.querySelectorAll(
      '[data-testid="stSidebarUserContent"] [data-testid="stElementContainer"]'
    ).length;
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
    assert seen == {
        "plotly": False,
        "charts": 0,
        "loss": fmt(run.scene.history.loss[0]),
        "sidebarWidgets": 0,
    }
    for name in ("fit", "contour", "loss"):
        page.locator(f'[data-plot="{name}"] .main-svg').first.wait_for(state="attached")
    # The sidebar follows, with the choices the run was made with.
    expect(page.get_by_test_id("stSidebarUserContent").get_by_text("Run settings")).to_be_visible(
        timeout=WAIT_MS
    )
    assert page.evaluate("typeof window.Plotly") == "object"


# Which plotly.js drew each chart (slot.lib), and the bowl's path as its own plotly.js drew it.
BOWL_JS = """
() => {
  const player = document.querySelector('[data-testid="lrviz-player"]').parentElement.__lrvizPlayer;
  const bowl = player.plots.bowl;
  const data = bowl.plot.data || [];
  const path = data[bowl.idx[player.p.uids.bowl[0]]];
  return {
    ready: player.bowlReady,
    flatCharts: ['fit', 'contour', 'loss'].every((n) => player.plots[n].lib === window.Plotly),
    ownPlotly: Boolean(bowl.lib) && bowl.lib !== window.Plotly,
    surface: data.some((t) => t.type === 'surface'),
    pathPoints: path ? path.x.length : null,
    lossAxis: player.plots.loss.plot._fullLayout.yaxis.type,
  };
}
"""


def test_the_3d_bowl_loads_the_full_plotly_js_when_asked_for_and_the_charts_keep_working(
    page: Page, app_server: AppServer
) -> None:
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(urlsplit(r.url).path))
    open_app(page, app_server.url)
    wait_ready(page)
    full = [path for path in fetched if path.endswith("/plotly.min.js")]
    assert full == []
    assert [path for path in fetched if path.endswith("/plotly-cartesian.min.js")]
    assert page.evaluate(BOWL_JS)["flatCharts"]
    # Every trace type of the flat charts is one the cartesian bundle registers.
    missing = page.evaluate(
        """() => {
          const p = document.querySelector('[data-testid="lrviz-player"]').parentElement
            .__lrvizPlayer.p;
          const known = window.Plotly.PlotSchema.get().traces;
          return ['fit', 'contour', 'loss'].flatMap((n) => p.figures[n].data)
            .map((t) => t.type || 'scatter').filter((type) => !(type in known));
        }"""
    )
    assert missing == []

    page.locator(f'{PLAYER} [data-ctl="bowl"]').click()
    page.wait_for_selector(f'{PLAYER} [data-plot="bowl"] canvas', timeout=WAIT_MS)
    page.wait_for_function(f"() => ({BOWL_JS})().ready", timeout=WAIT_MS)
    assert len([path for path in fetched if path.endswith("/plotly.min.js")]) == 1
    bowl = page.evaluate(BOWL_JS)
    # The flat charts keep the cartesian copy that drew them; the bowl has the full one.
    assert bowl["flatCharts"] and bowl["ownPlotly"] and bowl["surface"], bowl
    assert bowl["pathPoints"] == 1

    # Step moves the bowl (restyled by its own plotly.js) and, behind it, every flat chart.
    button(page, "Step").click()
    expect(page.locator(f'{PLAYER} [data-field="epoch"]')).to_have_text("1")
    page.wait_for_function(f"() => ({BOWL_JS})().pathPoints === 2", timeout=WAIT_MS)
    wait_server_echo(page, 1)
    page.locator(f'{PLAYER} [data-ctl="bowl"]').click()
    page.locator(f'{PLAYER} [data-plot="contour"]').wait_for(state="visible")
    history = train(ARTICLE_X, ARTICLE_Y, epochs=ARTICLE_EPOCHS, lr=ARTICLE_LR)
    frame = snapshot(page)
    assert frame["status"]["epoch"] == "1"
    assert check_frame(frame, history) == []
    # A flat chart's own relayout still works: the loss axis goes linear.
    page.locator(f'{PLAYER} [data-ctl="logy"]').click()
    page.wait_for_function(f"() => ({BOWL_JS})().lossAxis === 'linear'", timeout=WAIT_MS)
    button(page, "Step").click()
    expect(page.locator(f'{PLAYER} [data-field="epoch"]')).to_have_text("2")
    assert check_frame(snapshot(page), history) == []
    assert len([path for path in fetched if path.endswith("/plotly.min.js")]) == 1
