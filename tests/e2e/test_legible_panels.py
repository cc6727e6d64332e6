"""Every chart keeps a plot area a class can read, and no legend lies over it.

The rule checked, per chart (fit, contour, loss) as plotly drew it: its plot area (the drag
surface .nsewdrag, which covers exactly the axes' rectangle) is at least MIN_WIDTH of the
chart's width and MIN_HEIGHT of its height; the legend's box does not intersect the plot area,
so no entry hides a point, a path or a curve; the legend lies inside the chart, not cut off;
and the chart is laid out at the size it is shown at (else its axis labels are cut).
"""

from contextlib import suppress
from pathlib import Path
from typing import Any

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.browser import PROJECTOR, Viewport, save_screenshot
from tests.e2e.test_playground import PLAYER, WAIT_MS, wait_ready

MIN_WIDTH = 0.6
MIN_HEIGHT = 0.4
CHARTS = ("fit", "contour", "loss")

# [left, top, right, bottom] of each chart, its plot area and its legend, and the size plotly
# last laid the chart out at ([width, height]), which lags the chart's box while a resize is
# being drawn.
BOXES_JS = """
(names) => {
  const box = (n) => {
    if (!n) return null;
    const r = n.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  };
  const out = {};
  for (const name of names) {
    const gd = document.querySelector(`[data-plot="${name}"]`);
    const full = gd && gd._fullLayout;
    const legend = gd && (gd.querySelector('.legend .bg') || gd.querySelector('.legend'));
    out[name] = {
      chart: box(gd), plot: box(gd && gd.querySelector('.nsewdrag')), legend: box(legend),
      drawn: full ? [full.width, full.height] : null,
    };
  }
  return out;
}
"""

# True once every chart is laid out at the size it is shown at.
SIZED_JS = """
(names) => names.every((name) => {
  const gd = document.querySelector(`[data-plot="${name}"]`);
  const full = gd && gd._fullLayout;
  if (!full || !gd.querySelector('.nsewdrag')) return false;
  const r = gd.getBoundingClientRect();
  return Math.abs(r.width - full.width) <= 1 && Math.abs(r.height - full.height) <= 1;
})
"""
# A chart's relayout after its box changed is one animation frame or two; far longer means the
# chart stays drawn at a size it is not shown at, its axis labels cut or its plot off-centre.
SIZED_MS = 8_000


def boxes(page: Page) -> dict[str, dict[str, Any]]:
    """The charts' boxes, once every chart is drawn at its current size (or after SIZED_MS)."""
    # A chart still drawn at another size is reported by problems(), not a timeout.
    with suppress(PlaywrightTimeoutError):
        page.wait_for_function(SIZED_JS, arg=list(CHARTS), timeout=SIZED_MS)
    return page.evaluate(BOXES_JS, list(CHARTS))


def intersects(a: list[float], b: list[float], slack: float = 1.0) -> bool:
    """Whether boxes a and b overlap by more than slack px both ways."""
    across = a[0] < b[2] - slack and b[0] < a[2] - slack
    return across and a[1] < b[3] - slack and b[1] < a[3] - slack


def within(inner: list[float], outer: list[float], slack: float = 1.0) -> bool:
    """Whether box inner lies inside box outer, give or take slack px."""
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def problems(found: dict[str, Any], where: str) -> list[str]:
    """What breaks the rule in the module docstring, one line per chart and fault."""
    out = []
    for name, b in found.items():
        chart, plot, legend, drawn = b["chart"], b["plot"], b["legend"], b["drawn"]
        if chart is None or plot is None or drawn is None:
            out.append(f"{where}, {name}: not drawn")
            continue
        shown = [chart[2] - chart[0], chart[3] - chart[1]]
        if abs(shown[0] - drawn[0]) > 1 or abs(shown[1] - drawn[1]) > 1:
            out.append(f"{where}, {name}: drawn at {drawn} but shown at {shown}, so cut")
        width = (plot[2] - plot[0]) / (chart[2] - chart[0])
        height = (plot[3] - plot[1]) / (chart[3] - chart[1])
        if width < MIN_WIDTH or height < MIN_HEIGHT:
            out.append(f"{where}, {name}: plot area {width:.0%} x {height:.0%} of the chart")
        if legend and intersects(legend, plot):
            out.append(f"{where}, {name}: legend {legend} over the plot area {plot}")
        if legend and not within(legend, chart):
            out.append(f"{where}, {name}: legend {legend} cut by the chart {chart}")
    return out


def pick_lesson(page: Page, number: int) -> None:
    """Load gallery lesson `number` (1-10) with its key and wait until it is drawn."""
    before = page.evaluate(f"document.querySelector('{PLAYER}').dataset.run")
    page.keyboard.press(str(number % 10))
    page.wait_for_function(
        f"""(before) => {{
          const root = document.querySelector('{PLAYER}');
          return root.dataset.run !== before && root.dataset.serverRun === root.dataset.run;
        }}""",
        arg=before,
        timeout=WAIT_MS,
    )
    wait_ready(page)


def test_every_lesson_in_presentation_mode_keeps_its_plots_clear(goto_app, shots_dir: Path):
    from lrviz.app.scenarios import lessons

    page = goto_app("present=1")
    wait_ready(page)
    found: list[str] = []
    for number, lesson in enumerate(lessons(), start=1):
        pick_lesson(page, number)
        page.keyboard.press("End")  # the whole run drawn: every curve and path at full length
        found += problems(boxes(page), f"lesson {number} ({lesson.title})")
        save_screenshot(page, shots_dir, f"legible-lesson-{number}-{PROJECTOR}")
    assert not found, "\n".join(found)


SIZES = (PROJECTOR, Viewport(1440, 900), Viewport(1920, 1080), Viewport(390, 844))


def test_the_article_data_keeps_a_readable_loss_panel_at_every_size(app_page: Page, shots_dir):
    # The article's data has an optimum loss of exactly 0, which the loss panel's legend must
    # explain (drawn at the axis floor) without squeezing the plot.
    wait_ready(app_page)
    found: list[str] = []
    for size in SIZES:
        app_page.set_viewport_size({"width": size.width, "height": size.height})
        found += problems(boxes(app_page), f"article data at {size}")
        save_screenshot(app_page, shots_dir, f"legible-article-{size}")
    assert not found, "\n".join(found)


def test_a_chart_whose_resize_was_missed_is_laid_out_again(app_page: Page) -> None:
    # With the player's ResizeObserver cut off, a chart's box shrinks: only the player's own
    # check (twice a second) can notice, and the chart must follow its box.
    page = app_page
    wait_ready(page)
    before = page.evaluate(
        """() => {
          const player = document.querySelector('[data-testid="lrviz-player"]')
            .parentElement.__lrvizPlayer;
          player.resizer.disconnect();
          const gd = player.plots.fit.plot;
          const height = gd.getBoundingClientRect().height;
          gd.style.height = `${Math.round(height - 80)}px`;
          return Math.round(gd._fullLayout.height);
        }"""
    )
    page.wait_for_function(
        """() => {
          const gd = document.querySelector('[data-testid="lrviz-player"]')
            .parentElement.__lrvizPlayer.plots.fit.plot;
          return Math.abs(gd._fullLayout.height - gd.getBoundingClientRect().height) <= 1;
        }""",
        timeout=WAIT_MS,
    )
    after = page.evaluate(
        """() => document.querySelector('[data-testid="lrviz-player"]')
            .parentElement.__lrvizPlayer.plots.fit.plot._fullLayout.height"""
    )
    assert before - 82 <= after <= before - 78
