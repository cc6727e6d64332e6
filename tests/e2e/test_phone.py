"""A phone (390x844, touch): swipes over the charts scroll the page, zooming is a deliberate
toggle, nothing overlaps or leaves the screen, and the player's buttons take a fingertip.

The page scrolls inside Streamlit's main area ([data-testid="stMain"]), not the window, so
"the page scrolled" is that element's scrollTop.
"""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.browser import AppServer, open_app, save_screenshot, wait_for_rerun
from tests.e2e.test_playground import PLAYER, READY_JS, WAIT_MS

PHONE = (390, 844)
SCROLLER = '[data-testid="stMain"]'

# Scroll so the chart's plot area (plotly's drag surface) is in the lower half of the screen;
# then the point where a swipe starts, what the browser finds there, the axis ranges, the scroll.
AIM_JS = """
(name) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const gd = document.querySelector(`[data-plot="${name}"]`);
  const drag = gd.querySelector('.nsewdrag');
  const box0 = drag.getBoundingClientRect();
  main.scrollTop += box0.top - window.innerHeight * 0.45;
  const box = drag.getBoundingClientRect();
  const x = box.left + box.width / 2;
  // Low in the chart (room to swipe up), on the chart's own drag layer: not on its legend.
  let y = Math.min(box.bottom - 10, window.innerHeight - 60);
  while (y > box.top + 20 && document.elementFromPoint(x, y) !== drag
         && document.elementFromPoint(x + 40, y) !== drag) y -= 10;
  const hit = document.elementFromPoint(x, y);
  return {
    x, y, inChart: gd.contains(hit), scroll: main.scrollTop,
    ranges: JSON.stringify([gd.layout.xaxis.range, gd.layout.yaxis.range]),
  };
}
"""

STATE_JS = """
(name) => {
  const gd = document.querySelector(`[data-plot="${name}"]`);
  return {
    scroll: document.querySelector('[data-testid="stMain"]').scrollTop,
    ranges: JSON.stringify([gd.layout.xaxis.range, gd.layout.yaxis.range]),
  };
}
"""

# Boxes of the elements a phone must show whole: [name, left, top, right, bottom] in viewport px.
BOXES_JS = """
(selectors) => {
  const out = [];
  for (const sel of selectors) {
    document.querySelectorAll(sel).forEach((node, i) => {
      const r = node.getBoundingClientRect();
      if (r.width && r.height) out.push([`${sel}#${i}`, r.left, r.top, r.right, r.bottom]);
    });
  }
  return out;
}
"""

# Each of these is laid out as a block of its own: none may overlap another of the list.
SEPARATE = (
    f"{PLAYER} .lrviz-status",
    f"{PLAYER} .lrviz-controls",
    f"{PLAYER} .lrviz-info",
    f"{PLAYER} .lrviz-panel",
    f"{PLAYER} .lrviz-graph",
    f"{PLAYER} .lrviz-chain-cols > *",
)
# And these must lie within the screen's width (content wider scrolls inside them).
INSIDE = (*SEPARATE, f"{PLAYER} .lrviz-eq", f"{PLAYER} .lrviz-pull", f"{PLAYER} button")


# Text of the chain-rule view cut off at the right: a graph node, an equation or a pull row that
# reaches past the screen without a box around it that scrolls sideways within the screen.
CUT_OFF_JS = """
(width) => [...document.querySelectorAll(
    '.lrviz-chain .lrviz-node, .lrviz-chain .lrviz-edge, .lrviz-eq, .lrviz-pull')]
  .filter((node) => {
    const r = node.getBoundingClientRect();
    if (!r.width || (r.left >= -0.5 && r.right <= width + 0.5)) return false;
    let box = node.parentElement;
    for (; box && !box.matches('.lrviz-player'); box = box.parentElement) {
      const b = box.getBoundingClientRect();
      const scrolls = /(auto|scroll)/.test(getComputedStyle(box).overflowX);
      if (scrolls && b.left >= -0.5 && b.right <= width + 0.5) return false;
    }
    return true;
  })
  .map((node) => node.className + ': ' + node.textContent.slice(0, 40))
"""


def overlap(a: list[float], b: list[float]) -> bool:
    """Do two [name, left, top, right, bottom] boxes share any area (1 px of rounding allowed)?"""
    return min(a[3], b[3]) - max(a[1], b[1]) > 1 and min(a[4], b[4]) - max(a[2], b[2]) > 1


def swipe(page: Page, x: float, y: float, dy: float) -> None:
    """A finger on (x, y) moving dy px (negative: up, which scrolls the page down), by CDP."""
    cdp = page.context.new_cdp_session(page)
    steps = 12
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for i in range(1, steps + 1):
        point = {"x": x, "y": y + dy * i / steps}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()
    page.wait_for_timeout(400)


@pytest.fixture
def phone(new_page: Callable[..., Page], app_server: AppServer) -> Page:
    """The app on a 390x844 touch screen, its three panels drawn."""
    page = new_page(*PHONE, touch=True)
    open_app(page, app_server.url)
    page.wait_for_function(READY_JS, timeout=WAIT_MS)
    return page


@pytest.mark.parametrize("chart", ["fit", "contour", "loss"])
def test_a_swipe_over_a_chart_scrolls_the_page_and_zoom_is_a_toggle(
    phone: Page, chart: str
) -> None:
    aim = phone.evaluate(AIM_JS, chart)
    assert aim["inChart"], f"the swipe would not start on the {chart} chart: {aim}"
    swipe(phone, aim["x"], aim["y"], -300)
    after = phone.evaluate(STATE_JS, chart)
    assert after["scroll"] > aim["scroll"] + 100, (aim, after)
    assert after["ranges"] == aim["ranges"], "the swipe changed the chart's axes"

    # With the zoom toggle on, the same gesture belongs to the chart: its axes change, the page
    # stays where it is.
    zoom = phone.locator(f'{PLAYER} button[data-act="zoom"]')
    zoom.scroll_into_view_if_needed()
    zoom.click()
    assert zoom.get_attribute("aria-pressed") == "true"
    phone.wait_for_function(
        "(n) => document.querySelector(`[data-plot='${n}']`)._fullLayout.dragmode === 'zoom'",
        arg=chart,
    )
    aim = phone.evaluate(AIM_JS, chart)
    swipe(phone, aim["x"] + 40, aim["y"], -200)
    after = phone.evaluate(STATE_JS, chart)
    assert abs(after["scroll"] - aim["scroll"]) < 5, (aim, after)
    assert after["ranges"] != aim["ranges"], "with zoom on, a drag did not zoom the chart"


def test_nothing_overlaps_or_leaves_the_screen(phone: Page, shots_dir: Path) -> None:
    width = PHONE[0]
    main = phone.locator(SCROLLER)
    # No sideways scrolling of the page itself.
    assert phone.evaluate("document.documentElement.scrollWidth") <= width
    assert main.evaluate("(m) => m.scrollWidth <= m.clientWidth")
    # The page's first lines (the banner) start below Streamlit's header.
    header = phone.locator('[data-testid="stHeader"]').bounding_box()
    banner = phone.locator('.st-key-lrviz_banner [data-testid="stAlert"]').first.bounding_box()
    assert header is not None and banner is not None
    assert banner["y"] >= header["y"] + header["height"] - 1, (header, banner)

    boxes = phone.evaluate(BOXES_JS, list(INSIDE))
    assert len([b for b in boxes if "lrviz-panel" in b[0]]) == 3
    assert any("lrviz-eq" in b[0] for b in boxes) and any("lrviz-pull" in b[0] for b in boxes)
    outside = [b for b in boxes if b[1] < -0.5 or b[3] > width + 0.5]
    assert not outside, outside
    cut = phone.evaluate(CUT_OFF_JS, width)
    assert not cut, cut
    separate = phone.evaluate(BOXES_JS, list(SEPARATE))
    clashes = [
        (a[0], b[0]) for i, a in enumerate(separate) for b in separate[i + 1 :] if overlap(a, b)
    ]
    assert not clashes, clashes
    # Inside each chart: the legend clear of the mode bar (hidden on touch unless zooming).
    for chart in ("fit", "contour", "loss"):
        parts = phone.evaluate(
            BOXES_JS, [f'[data-plot="{chart}"] .legend', f'[data-plot="{chart}"] .modebar']
        )
        legends = [p for p in parts if ".legend" in p[0]]
        bars = [p for p in parts if ".modebar" in p[0]]
        assert not [(a, b) for a in legends for b in bars if overlap(a, b)], chart

    # Every player button and select: at least 44 px each way.
    small = phone.evaluate(
        """(root) => [...document.querySelectorAll(
             `${root} .lrviz-controls button, ${root} .lrviz-controls select, ${root} select`)]
           .filter((n) => n.offsetParent !== null)
           .map((n) => [n.dataset.act || n.dataset.ctl || n.className,
                        n.getBoundingClientRect().width, n.getBoundingClientRect().height])
           .filter(([, w, h]) => w < 44 || h < 44)""",
        PLAYER,
    )
    assert not small, small
    zoom = phone.locator(f'{PLAYER} button[data-act="zoom"]')
    assert zoom.is_visible()

    main.evaluate("(m) => { m.scrollTop = 0; }")
    phone.wait_for_timeout(300)
    save_screenshot(phone, shots_dir, "phone-390x844")


def test_per_point_pull_chart_titles_do_not_run_together(phone: Page) -> None:
    switch = phone.get_by_text("Tables of one epoch")
    switch.scroll_into_view_if_needed()
    wait_for_rerun(phone, switch.click)
    chart = phone.locator('[data-testid="stPlotlyChart"]').filter(has_text="pull on w")
    chart.scroll_into_view_if_needed()
    phone.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stPlotlyChart] .annotation')]"
        ".filter((a) => a.textContent.includes('pull on')).length === 2",
        timeout=WAIT_MS,
    )
    titles = phone.evaluate(
        BOXES_JS,
        [
            '[data-testid="stPlotlyChart"] .annotation-text-g',
            '[data-testid="stPlotlyChart"] .modebar',
        ],
    )
    text = [t for t in titles if "annotation" in t[0]]
    names = phone.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stPlotlyChart] .annotation-text-g')]"
        ".map((a) => a.textContent)"
    )
    pulls = [box for box, name in zip(text, names, strict=True) if "pull on" in name]
    assert len(pulls) == 2
    assert not overlap(pulls[0], pulls[1]), pulls
    assert all(t[1] >= 0 and t[3] <= PHONE[0] for t in pulls), pulls
    bars = [t for t in titles if "modebar" in t[0]]
    assert not [(a, b) for a in pulls for b in bars if overlap(a, b)], (pulls, bars)


BOWL_AIM_JS = """
() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const gd = document.querySelector('[data-plot="bowl"]');
  main.scrollTop += gd.getBoundingClientRect().top - 200;
  const r = gd.getBoundingClientRect();
  const x = r.left + r.width / 2;
  const y = Math.min(r.bottom - 20, window.innerHeight - 60);
  return {x, y, inBowl: gd.contains(document.elementFromPoint(x, y)), scroll: main.scrollTop};
}
"""


def test_a_swipe_over_the_3d_bowl_scrolls_the_page_unless_zooming(phone: Page) -> None:
    phone.locator(f'{PLAYER} [data-ctl="bowl"]').click()
    phone.wait_for_selector(f'{PLAYER} [data-plot="bowl"] canvas', timeout=WAIT_MS)
    aim = phone.evaluate(BOWL_AIM_JS)
    assert aim["inBowl"], aim
    swipe(phone, aim["x"], aim["y"], -300)
    assert phone.locator(SCROLLER).evaluate("(m) => m.scrollTop") > aim["scroll"] + 100
    # Zoom on: the bowl's camera takes the drag, the page stays.
    zoom = phone.locator(f'{PLAYER} button[data-act="zoom"]')
    zoom.scroll_into_view_if_needed()
    zoom.click()
    phone.wait_for_function(
        "() => document.querySelector('.lrviz-player').classList.contains('lrviz-zooming')"
    )
    phone.wait_for_timeout(500)
    aim = phone.evaluate(BOWL_AIM_JS)
    swipe(phone, aim["x"], aim["y"], -200)
    assert abs(phone.locator(SCROLLER).evaluate("(m) => m.scrollTop") - aim["scroll"]) < 5
