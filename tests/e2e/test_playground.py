"""The playground in Chromium: Step, Play, Pause, a click on the contour, divergence, screenshots.

Every expected number comes from `lrviz.core` run on the article's data, never from the page.
What the panels draw is read back from the screen: the player draws each chart's moving traces
on an SVG layer above the plotly chart, so a mark's drawn position is mapped through the plotly
axes below it into data units and compared with the core's trajectory at the status line's epoch.
"""

import math
import re
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from lrviz.core import History, curvature, make_dataset, train
from lrviz.notation.numbers import fmt
from lrviz.ui.settings import snap
from tests.e2e.browser import (
    DESKTOP,
    PROJECTOR,
    REPO_ROOT,
    AppServer,
    Viewport,
    app_path,
    free_port,
    open_app,
    save_screenshot,
    streamlit_command,
    streamlit_exceptions,
    wait_for_app,
)

ARTICLE_X = (1.0, 2.0, 3.0, 4.0, 5.0)
ARTICLE_Y = (1.0, 2.0, 3.0, 4.0, 5.0)
ARTICLE_LR = 0.01
ARTICLE_EPOCHS = 1000

PLAYER = '[data-testid="lrviz-player"]'
WAIT_MS = 60_000
# A drawn mark may sit this far (CSS px) from where the plotly axes put its value: the layer
# rounds to 0.1 px and measures the plot area from the DOM, plotly from its own layout.
PIXEL_TOLERANCE = 2.0

# True once the player shows a run whose charts are drawn and the server has echoed that run.
READY_JS = """
() => {
  const root = document.querySelector('[data-testid="lrviz-player"]');
  if (!root || !root.dataset.run || root.dataset.run !== root.dataset.serverRun) return false;
  const plots = ['fit', 'contour', 'loss'].map((n) => root.querySelector(`[data-plot="${n}"]`));
  return plots.every((gd) => gd && gd._fullLayout && gd.querySelector('.main-svg'));
}
"""

# One consistent reading of the player (JS runs to completion, so no frame can land midway):
# the status line's fields, each panel's epoch, and the moving marks as drawn on screen in data
# units of the chart below them ("l" units: log10 of the value on a log axis).
SNAPSHOT_JS = """
() => {
  const root = document.querySelector('[data-testid="lrviz-player"]');
  const player = root.parentElement.__lrvizPlayer;
  const status = {};
  for (const node of root.querySelectorAll('.lrviz-status [data-field]')) {
    status[node.dataset.field] = node.textContent;
  }
  const panels = {};
  for (const node of root.querySelectorAll('.lrviz-panel')) {
    panels[node.dataset.panel] = node.dataset.epoch;
  }
  const groups = (d, pattern) =>
    [...(d || '').matchAll(pattern)].map((m) => m.slice(1).map(Number));
  const mark = (panel, uid, kind) => {
    const slot = player.plots[panel];
    const item = slot.over.items[uid];
    const d = (kind === 'line' ? item.line : item.markers).getAttribute('d');
    // Lines are subpaths "M x,y L x,y L ..." (a break where a segment is cut away); markers are
    // circles "M cx-r,cy a r,r ...". Lines become their segments, markers their centres.
    const points = kind === 'line'
      ? [...(d || '').matchAll(/M[^M]*/g)].flatMap((sub) => {
          const vertices = groups(sub[0], /[ML](-?[\\d.]+),(-?[\\d.]+)/g);
          return vertices.slice(1).map((v, i) => [...vertices[i], ...v]);
        })
      : groups(d, /M(-?[\\d.]+),(-?[\\d.]+)a([\\d.]+)/g).map(([x, y, r]) => [x + r, y]);
    const layer = slot.over.node.getBoundingClientRect();
    const chart = slot.plot.getBoundingClientRect();
    const xa = slot.plot._fullLayout.xaxis;
    const ya = slot.plot._fullLayout.yaxis;
    const toX = (px) => xa.p2l(layer.left + px - chart.left - xa._offset);
    const toY = (py) => ya.p2l(layer.top + py - chart.top - ya._offset);
    return {
      points: points.map((p) => p.map((v, i) => (i % 2 ? toY(v) : toX(v)))),
      log: [xa.type === 'log', ya.type === 'log'],
      range: [xa.range.slice().sort((a, b) => a - b), ya.range.slice().sort((a, b) => a - b)],
      tol: [TOL / Math.abs(xa._m), TOL / Math.abs(ya._m)],
    };
  };
  return {
    status,
    panels,
    server: root.dataset.serverEpoch === undefined ? null : Number(root.dataset.serverEpoch),
    current: mark('contour', 'contour.current', 'markers'),
    lossNow: mark('loss', 'loss.current', 'markers'),
    fitLine: mark('fit', 'fit.line', 'line'),
    path: mark('contour', 'contour.path', 'line'),
  };
}
""".replace("TOL", repr(PIXEL_TOLERANCE))

# Records a snapshot each time the status line changes (once per drawn frame during Play).
RECORD_JS = """
() => {
  const take = window.__lrvizSnapshot;
  const node = document.querySelector('[data-testid="lrviz-player"] .lrviz-status');
  window.__lrvizFrames = [];
  window.__lrvizRecorder = new MutationObserver(() => window.__lrvizFrames.push(take()));
  window.__lrvizRecorder.observe(node, {childList: true, characterData: true, subtree: true});
}
"""


@pytest.fixture(scope="module")
def history() -> History:
    """The article's run as the core computes it: what the default page must show."""
    return train(ARTICLE_X, ARTICLE_Y, epochs=ARTICLE_EPOCHS, lr=ARTICLE_LR)


def wait_ready(page: Page) -> None:
    """Wait until the player's charts are drawn and the server has echoed its run."""
    page.wait_for_function(READY_JS, timeout=WAIT_MS)


def snapshot(page: Page) -> dict[str, Any]:
    """The player's status fields, panel epochs and drawn marks, read in one go."""
    return page.evaluate(SNAPSHOT_JS)


def player_data(page: Page, name: str) -> str | None:
    """A data-* attribute of the player's root element (epoch, run, serverEpoch, serverRun)."""
    return page.locator(PLAYER).evaluate("(root, name) => root.dataset[name] ?? null", name)


def status_epoch(page: Page) -> int:
    """The epoch the status line shows."""
    return int(page.locator(f'{PLAYER} [data-field="epoch"]').inner_text())


def wait_server_echo(page: Page, epoch: int) -> None:
    """Wait until the server's own view of the epoch on screen (its echo) is `epoch`."""
    page.wait_for_function(
        """(epoch) => {
          const root = document.querySelector('[data-testid="lrviz-player"]');
          return root.dataset.serverRun === root.dataset.run
            && root.dataset.serverEpoch === String(epoch);
        }""",
        arg=epoch,
        timeout=WAIT_MS,
    )


def button(page: Page, name: str) -> Locator:
    """A transport button of the player, by its accessible name (Step, Play, Pause, ...)."""
    return page.locator(PLAYER).get_by_role("button", name=name, exact=True)


def close(got: float, want: float, tol: float) -> bool:
    return math.isfinite(got) and abs(got - want) <= tol


def inside(value: float, span: list[float]) -> bool:
    return span[0] <= value <= span[1]


def drawn_at(mark: dict[str, Any], xy: tuple[float, float]) -> bool:
    """Whether a mark's single drawn point is at data point xy (within the pixel tolerance).

    A point outside the chart's view must be drawn outside it too (clipped away).
    """
    assert len(mark["points"]) == 1, mark
    want = [math.log10(v) if log else v for v, log in zip(xy, mark["log"], strict=True)]
    got = mark["points"][0]
    if not all(inside(v, span) for v, span in zip(want, mark["range"], strict=True)):
        return not all(inside(v, span) for v, span in zip(got, mark["range"], strict=True))
    return all(close(g, v, t) for g, v, t in zip(got, want, mark["tol"], strict=True))


Point = tuple[float, float]


def clip(p: Point, q: Point, box: tuple[Point, Point]) -> tuple[Point, Point] | None:
    """The part of segment p-q inside box ((x0, x1), (y0, y1)), or None (Liang-Barsky)."""
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    (x0, x1), (y0, y1) = box
    for step, room in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if step == 0:
            if room < 0:
                return None
            continue
        t = room / step
        if step < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
    if t0 > t1:
        return None
    return (p[0] + t0 * dx, p[1] + t0 * dy), (p[0] + t1 * dx, p[1] + t1 * dy)


def polyline_matches(mark: dict[str, Any], xs: list[float], ys: list[float]) -> bool:
    """Whether the drawn line shows the polyline through (xs, ys) wherever it is in view.

    mark["points"] holds the drawn segments [x0, y0, x1, y1]. Both sides are clipped to the
    chart's view and compared in screen pixels, in either direction: every visible piece of the
    polyline is drawn, and nothing else is. A segment reaching far outside the view must still
    cross it in the right place.
    """
    scale = [PIXEL_TOLERANCE / t for t in mark["tol"]]  # px per data unit, x and y
    box = tuple((lo * k, hi * k) for (lo, hi), k in zip(mark["range"], scale, strict=True))

    def seen(x0: float, y0: float, x1: float, y1: float) -> tuple[float, ...] | None:
        part = clip((x0 * scale[0], y0 * scale[1]), (x1 * scale[0], y1 * scale[1]), box)
        return None if part is None else (*part[0], *part[1])

    def same(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
        forward = all(abs(u - v) <= PIXEL_TOLERANCE for u, v in zip(a, b, strict=True))
        backward = all(abs(u - v) <= PIXEL_TOLERANCE for u, v in zip(a, b[2:] + b[:2], strict=True))
        return forward or backward

    drawn = [part for seg in mark["points"] if (part := seen(*seg)) is not None]
    pairs = zip(zip(xs, ys, strict=True), zip(xs[1:], ys[1:], strict=True), strict=False)
    true = [part for (p, q) in pairs if (part := seen(*p, *q)) is not None]
    return all(any(same(t, d) for d in drawn) for t in true) and all(
        any(same(d, t) for t in true) for d in drawn
    )


def line_through(mark: dict[str, Any], w: float, b: float) -> bool:
    """Whether the drawn fit line is y = w x + b, between the x its end points are drawn at
    (across the whole view if nothing is drawn: then the line must not cross the view)."""
    if len(mark["points"]) > 1:
        return False
    if mark["points"]:
        x0, _, x1, _ = mark["points"][0]
    else:
        x0, x1 = mark["range"][0]
    return polyline_matches(mark, [x0, x1], [w * x0 + b, w * x1 + b])


def check_frame(frame: dict[str, Any], hist: History) -> list[str]:
    """What in one reading of the player disagrees with the core's epoch k, k from its status."""
    k = int(frame["status"]["epoch"])
    w, b, loss = float(hist.w[k]), float(hist.b[k]), float(hist.loss[k])
    wrong = []
    for name, value in (("w", w), ("b", b), ("loss", loss)):
        if frame["status"][name] != fmt(value):
            wrong.append(f"epoch {k}: status {name} {frame['status'][name]!r} != {fmt(value)!r}")
    if frame["panels"] != {"fit": str(k), "contour": str(k), "loss": str(k)}:
        wrong.append(f"epoch {k}: panels show epochs {frame['panels']}")
    if not drawn_at(frame["current"], (w, b)):
        wrong.append(f"epoch {k}: contour marker at {frame['current']['points']}, not ({w}, {b})")
    if not drawn_at(frame["lossNow"], (k, loss)):
        wrong.append(f"epoch {k}: loss marker at {frame['lossNow']['points']}, not ({k}, {loss})")
    if not line_through(frame["fitLine"], w, b):
        wrong.append(f"epoch {k}: fit line {frame['fitLine']['points']} is not y = {w}x + {b}")
    if not polyline_matches(frame["path"], hist.w[: k + 1].tolist(), hist.b[: k + 1].tolist()):
        wrong.append(f"epoch {k}: contour path {frame['path']['points']} is not the run's path")
    return wrong


def test_first_load_shows_the_article_start_in_every_panel(app_page: Page, history: History):
    wait_ready(app_page)
    frame = snapshot(app_page)
    assert frame["status"]["epoch"] == "0"
    assert frame["status"]["dw"] == fmt(float(history.dw[0]))
    assert frame["status"]["db"] == fmt(float(history.db[0]))
    assert check_frame(frame, history) == []
    assert frame["server"] == 0


def test_step_moves_the_status_line_and_the_panels_to_epoch_1(app_page: Page, history: History):
    wait_ready(app_page)
    button(app_page, "Step").click()
    expect(app_page.locator(f'{PLAYER} [data-field="epoch"]')).to_have_text("1")
    frame = snapshot(app_page)
    # The article: one step from w = b = 0 with alpha = 0.01 gives w = 0.22, b = 0.06.
    assert (frame["status"]["w"], frame["status"]["b"]) == (
        fmt(float(history.w[1])),
        fmt(float(history.b[1])),
    )
    assert check_frame(frame, history) == []
    wait_server_echo(app_page, 1)


def test_play_stays_in_step_and_pause_lands_where_the_server_agrees(
    app_page: Page, history: History
):
    wait_ready(app_page)
    app_page.evaluate(f"window.__lrvizSnapshot = {SNAPSHOT_JS}")
    app_page.evaluate(RECORD_JS)
    button(app_page, "Play").click()
    # Play for about 2 s. Playback is paced by the clock, so how far it gets is not checked;
    # that it moves at all is waited for, however slow the machine.
    app_page.wait_for_timeout(2000)
    app_page.wait_for_function(
        "() => window.__lrvizFrames.filter((f) => f.status.epoch !== '0').length >= 2",
        timeout=WAIT_MS,
    )
    button(app_page, "Pause").click()
    expect(button(app_page, "Play")).to_be_visible()
    paused = status_epoch(app_page)
    frames = app_page.evaluate(
        "() => { window.__lrvizRecorder.disconnect(); return window.__lrvizFrames; }"
    )

    epochs = [int(f["status"]["epoch"]) for f in frames]
    assert 0 < paused < ARTICLE_EPOCHS
    assert epochs == sorted(epochs), f"Play went backwards: {epochs}"
    assert len(set(epochs)) >= 2, epochs
    assert epochs[-1] == paused
    problems = [p for frame in frames for p in check_frame(frame, history)]
    assert problems == [], "\n".join(problems[:20])
    # Pause reports the epoch on screen; the script run it causes echoes the server's view.
    wait_server_echo(app_page, paused)
    assert status_epoch(app_page) == paused
    assert check_frame(snapshot(app_page), history) == []


def test_end_of_the_budget_reaches_the_server_rendered_banner(app_page: Page):
    wait_ready(app_page)
    alerts = app_page.locator('[data-testid="stMain"] [data-testid="stAlert"]')
    expect(alerts.filter(has_text="End of the budget")).to_have_count(0)
    app_page.locator(PLAYER).get_by_role("slider", name="Epoch").focus()
    app_page.keyboard.press("End")  # the scrubber's own key: its last epoch
    expect(app_page.locator(f'{PLAYER} [data-field="epoch"]')).to_have_text(str(ARTICLE_EPOCHS))
    # The banner is drawn by the script from the epoch the server believes is on screen.
    banner = alerts.filter(has_text=f"End of the budget, {ARTICLE_EPOCHS} epochs")
    expect(banner).to_be_visible(timeout=WAIT_MS)
    wait_server_echo(app_page, ARTICLE_EPOCHS)


def grid_point_near(page: Page, fw: float, fb: float) -> dict[str, float]:
    """The contour's click-grid point nearest the fractions (fw, fb) of the axes' spans: its (w, b),
    its screen position (x, y), and how far one marker reaches in data units (rw, rb)."""
    return page.evaluate(
        """([fw, fb]) => {
          const gd = document.querySelector('[data-testid="lrviz-player"] [data-plot="contour"]');
          const grid = gd.data.find((t) => t.uid === 'contour.grid');
          const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
          const px = xa._offset + fw * xa._length, py = ya._offset + (1 - fb) * ya._length;
          const far = (i) => Math.hypot(xa._offset + xa.d2p(grid.x[i]) - px,
                                        ya._offset + ya.d2p(grid.y[i]) - py);
          let best = 0;
          grid.x.forEach((_, i) => { if (far(i) < far(best)) best = i; });
          const box = gd.getBoundingClientRect();
          const w = grid.x[best], b = grid.y[best];
          const size = grid.marker.size;
          return {
            w, b, x: box.left + xa._offset + xa.d2p(w), y: box.top + ya._offset + ya.d2p(b),
            rw: size / Math.abs(xa._m), rb: size / Math.abs(ya._m),
          };
        }""",
        [fw, fb],
    )


def test_click_on_the_contour_starts_the_run_there(app_page: Page):
    wait_ready(app_page)
    button(app_page, "Step").click()
    wait_server_echo(app_page, 1)
    old_run = player_data(app_page, "run")
    target = grid_point_near(app_page, 0.6, 0.7)

    app_page.mouse.click(target["x"], target["y"])
    app_page.wait_for_function(
        """(old) => {
          const root = document.querySelector('[data-testid="lrviz-player"]');
          return root.dataset.run !== old && root.dataset.serverRun === root.dataset.run;
        }""",
        arg=old_run,
        timeout=WAIT_MS,
    )
    wait_ready(app_page)
    sidebar = app_page.locator('[data-testid="stSidebar"]')
    w0 = float(sidebar.get_by_role("spinbutton", name=re.compile(r"^Start w")).input_value())
    b0 = float(sidebar.get_by_role("spinbutton", name=re.compile(r"^Start b")).input_value())
    # Plotly picks among the grid markers under the pointer; they overlap, so the start is the
    # clicked point give or take one marker, rounded to 3 significant figures.
    assert abs(w0 - target["w"]) <= target["rw"], (w0, target)
    assert abs(b0 - target["b"]) <= target["rb"], (b0, target)
    assert (w0, b0) == (snap(w0), snap(b0))
    start = train(ARTICLE_X, ARTICLE_Y, epochs=ARTICLE_EPOCHS, lr=ARTICLE_LR, w0=w0, b0=b0)
    frame = snapshot(app_page)
    assert frame["status"]["epoch"] == "0"
    assert (frame["status"]["w"], frame["status"]["b"]) == (fmt(w0), fmt(b0))
    assert check_frame(frame, start) == []
    wait_server_echo(app_page, 0)


def set_lr_by_slider(page: Page) -> float:
    """Move the sidebar's learning-rate slider to its largest rate with the mouse; returns it.

    (End, Home and the arrows drive the player even while a slider has the focus.)
    """
    old_run = player_data(page, "run")
    slider = page.locator('[data-testid="stSidebar"]').get_by_role(
        "slider", name=re.compile("Learning rate")
    )
    slider.locator("xpath=..").scroll_into_view_if_needed()
    thumb = slider.locator("xpath=..").bounding_box()
    track = slider.locator('xpath=ancestor::*[@data-testid="stSlider"]').bounding_box()
    assert thumb is not None and track is not None
    y = thumb["y"] + thumb["height"] / 2
    page.mouse.move(thumb["x"] + thumb["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] + 40, y, steps=8)  # drag the thumb to the end
    page.mouse.up()
    expect(slider).not_to_have_attribute("aria-valuetext", fmt(ARTICLE_LR))
    page.wait_for_function(
        "(old) => document.querySelector('[data-testid=\"lrviz-player\"]').dataset.run !== old",
        arg=old_run,
        timeout=WAIT_MS,
    )
    return float(slider.get_attribute("aria-valuetext") or "nan")


@pytest.mark.parametrize("via", ["link", "slider"])
def test_a_learning_rate_above_the_limit_shows_the_divergence_banner(
    via: str, goto_app: Callable[..., Page]
):
    limit = curvature(make_dataset(ARTICLE_X, ARTICLE_Y)).max_stable_lr
    if via == "link":
        lr = 0.3  # the example: diverges at epoch 8, above the stable limit 0.0845
        app_page = goto_app(lr=lr)
    else:
        app_page = goto_app()
        wait_ready(app_page)
        lr = set_lr_by_slider(app_page)
    assert lr > limit
    diverged = train(ARTICLE_X, ARTICLE_Y, epochs=ARTICLE_EPOCHS, lr=lr)
    assert diverged.diverged_at is not None

    wait_ready(app_page)
    alerts = app_page.locator('[data-testid="stMain"] [data-testid="stAlert"]')
    warning = alerts.filter(has_text=f"diverges at epoch {diverged.diverged_at}")
    expect(warning).to_be_visible(timeout=WAIT_MS)

    # Play stops by itself at the last finite epoch, and the banner then says what happened.
    last = diverged.epochs_run
    button(app_page, "Play").click()
    expect(app_page.locator(f'{PLAYER} [data-field="epoch"]')).to_have_text(str(last))
    expect(button(app_page, "Play")).to_be_visible()
    banner = alerts.filter(has_text=f"Diverged at epoch {diverged.diverged_at}")
    expect(banner).to_be_visible(timeout=WAIT_MS)
    expect(banner).to_contain_text(f"α = {fmt(lr)} is above the stable limit {fmt(limit, 3)}")
    wait_server_echo(app_page, last)
    frame = snapshot(app_page)
    shown = " ".join(frame["status"].values()).lower()
    assert "nan" not in shown and "inf" not in shown, frame["status"]
    assert check_frame(frame, diverged) == []


def test_a_far_start_draws_the_fit_line_where_it_crosses_the_view(app_page: Page):
    """ŷ = 10⁶x − 10⁶ crosses the data panel's view near x = 1, steep: it must be drawn there."""
    wait_ready(app_page)
    w0, b0 = 1e6, -1e6  # the sidebar's largest start, with the line through (1, 0)
    sidebar = app_page.locator('[data-testid="stSidebar"]')
    for name, value in (("Start w", w0), ("Start b", b0)):
        old_run = player_data(app_page, "run")
        field = sidebar.get_by_role("spinbutton", name=re.compile(f"^{name}"))
        field.fill(f"{value:g}")
        field.press("Enter")
        app_page.wait_for_function(
            "(old) => document.querySelector('[data-testid=\"lrviz-player\"]').dataset.run !== old",
            arg=old_run,
            timeout=WAIT_MS,
        )
        wait_ready(app_page)
    start = train(ARTICLE_X, ARTICLE_Y, epochs=ARTICLE_EPOCHS, lr=ARTICLE_LR, w0=w0, b0=b0)
    frame = snapshot(app_page)
    assert (frame["status"]["w"], frame["status"]["b"]) == (fmt(w0), fmt(b0))
    assert check_frame(frame, start) == []


@pytest.mark.parametrize("size", [PROJECTOR, DESKTOP], ids=str)
def test_screenshots_show_status_controls_and_panels_without_scrolling(
    size: Viewport,
    new_page: Callable[..., Page],
    app_server: AppServer,
    shots_dir: Path,
    history: History,
):
    page = open_app(new_page(size.width, size.height), app_server.url)
    wait_ready(page)
    button(page, "Step ×10").click()
    expect(page.locator(f'{PLAYER} [data-field="epoch"]')).to_have_text("10")
    wait_server_echo(page, 10)
    wait_for_app(page)  # the rest of the page redrawn too, not greyed out as stale
    save_screenshot(page, shots_dir, f"playground-{size}")
    assert check_frame(snapshot(page), history) == []
    parts = [f"{PLAYER} .lrviz-status", f"{PLAYER} .lrviz-controls"] + [
        f'{PLAYER} [data-plot="{name}"]' for name in ("fit", "contour", "loss")
    ]
    for selector in parts:
        box = page.locator(selector).bounding_box()
        assert box is not None, selector
        inside = (
            box["x"] >= 0
            and box["y"] >= 0
            and box["x"] + box["width"] <= size.width
            and box["y"] + box["height"] <= size.height
        )
        assert inside, f"{selector} is not wholly on a {size} screen: {box}"


@contextmanager
def serve_under_prefix(prefix: str, log_path: Path) -> Iterator[str]:
    """The app served with --server.baseUrlPath prefix on 127.0.0.1; yields its URL.

    The shared fixtures' health check asks for /_stcore/health, which a prefixed server does not
    answer, so this one asks for /<prefix>/_stcore/health.
    """
    port = free_port()
    command = streamlit_command(app_path(), port, ("--server.baseUrlPath", prefix))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    url = f"http://127.0.0.1:{port}/{prefix}/"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with opener.open(f"{url}_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            assert process.poll() is None, log_path.read_text(errors="replace")
            assert time.monotonic() < deadline, "the prefixed server did not become healthy"
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def test_the_app_and_plotly_js_are_served_under_a_base_url_path(
    new_page: Callable[..., Page], tmp_path: Path
):
    """docs/hosting.md: behind a proxy at /lrviz/, the player works and plotly.js is served
    under the prefix by the component route."""
    prefix = "lrviz"
    page = new_page()
    plotly: list[tuple[int, str]] = []
    page.on(
        "response",
        lambda r: plotly.append((r.status, r.url)) if "plotly" in r.url.lower() else None,
    )
    with serve_under_prefix(prefix, tmp_path / "prefixed.log") as url:
        open_app(page, url)
        wait_ready(page)
        assert page.evaluate("() => typeof window.Plotly.react") == "function"
        # The player asks for its own copy unless the page already loaded plotly.js (Streamlit
        # does for an st.plotly_chart): fetch it as the player would, to check the route.
        # The cartesian bundle for the flat charts, the full plotly.js for the 3D bowl.
        sent = page.locator(PLAYER).evaluate(
            "(root) => { const p = root.parentElement.__lrvizPlayer.p;"
            " return [p.plotly_url, p.plotly_full_url]; }"
        )
        for own, name in zip(sent, ("/plotly-cartesian.min.js", "/plotly.min.js"), strict=True):
            assert urlsplit(own).path.startswith(f"/{prefix}/component/"), own
            assert own.endswith(name), own
            assert page.evaluate("async (url) => (await fetch(url)).status", own) == 200
        assert all(status == 200 for status, _ in plotly), plotly
        button(page, "Step").click()
        wait_server_echo(page, 1)
        assert streamlit_exceptions(page) == []
        page.close()  # before its server stops, so no reconnect attempts count as errors
