"""Lecture use in Chromium: the keyboard alone drives the player, a link reopens the same screen
in a fresh browser, and presentation mode fits a 1280x720 projector without scrolling.

Expected numbers come from lrviz.core on the link's data and settings, never from the page.
"""

from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page

from lrviz.core import curvature, make_dataset, train
from lrviz.data import get_preset
from lrviz.explain.numbers import fmt
from tests.e2e.browser import PROJECTOR, AppServer, save_screenshot
from tests.e2e.test_playground import PLAYER, READY_JS, WAIT_MS

ARTICLE = (1.0, 2.0, 3.0, 4.0, 5.0)

# The server's view of the epoch on screen (its echo) is the epoch the status line shows.
AGREED_JS = """
(epoch) => {
  const root = document.querySelector('[data-testid="lrviz-player"]');
  return root.dataset.epoch === String(epoch) && root.dataset.serverRun === root.dataset.run
    && root.dataset.serverEpoch === String(epoch);
}
"""


def wait_ready(page: Page) -> None:
    page.wait_for_function(READY_JS, timeout=WAIT_MS)


def status(page: Page) -> dict[str, str]:
    """The status line's fields: epoch, loss, w, b, dw, db."""
    return page.locator(f"{PLAYER} .lrviz-status").evaluate(
        "(s) => Object.fromEntries([...s.querySelectorAll('[data-field]')]"
        ".map((n) => [n.dataset.field, n.textContent]))"
    )


def press(page: Page, key: str, epoch: int) -> None:
    """Press key, then wait until the status line and the server both say epoch."""
    page.keyboard.press(key)
    page.wait_for_function(AGREED_JS, arg=epoch, timeout=WAIT_MS)


def title(page: Page, selector: str) -> str:
    return page.locator(f"{PLAYER} {selector}").get_attribute("title") or ""


@pytest.mark.parametrize("query", ["", "present=1"], ids=["normal", "presentation"])
def test_keyboard_steps_plays_and_resets(goto_app: Callable[..., Page], query: str) -> None:
    page = goto_app(query)
    wait_ready(page)
    # Each button says its key.
    assert "→" in title(page, '[data-act="step"]')
    assert "←" in title(page, '[data-act="back"]')
    assert "Space" in title(page, '[data-act="play"]')
    assert "Home" in title(page, '[data-act="reset"]')
    assert "+" in title(page, '[data-ctl="speed"]') and "−" in title(page, '[data-ctl="speed"]')

    press(page, "ArrowRight", 1)
    hist = train(ARTICLE, ARTICLE, epochs=3, lr=0.01)
    assert (status(page)["w"], status(page)["b"]) == (fmt(hist.w[1]), fmt(hist.b[1]))
    press(page, "ArrowRight", 2)
    press(page, "ArrowRight", 3)
    press(page, "ArrowLeft", 2)
    press(page, "Shift+ArrowRight", 12)
    press(page, "Shift+ArrowLeft", 2)
    press(page, "Home", 0)

    speed = page.locator(f'{PLAYER} [data-ctl="speed"]')
    options = [int(v) for v in speed.locator("option").evaluate_all("(o) => o.map((x) => x.value)")]
    before = options.index(int(speed.input_value()))
    page.keyboard.press("+")
    assert options.index(int(speed.input_value())) == before + 1
    page.keyboard.press("-")
    page.keyboard.press("-")
    assert options.index(int(speed.input_value())) == before - 1

    play = page.locator(f'{PLAYER} [data-act="play"]')
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=\"lrviz-player\"]').dataset.epoch) > 3",
        timeout=WAIT_MS,
    )
    assert play.get_attribute("aria-label") == "Pause"
    page.keyboard.press("Space")
    assert play.get_attribute("aria-label") == "Play"
    paused = int(status(page)["epoch"])
    page.wait_for_function(AGREED_JS, arg=paused, timeout=WAIT_MS)
    assert 0 < paused < 1000
    press(page, "Home", 0)


LINK = {
    "data": "preset",
    "preset": "Outliers",
    "lr": "0.02",
    "epochs": "200",
    "opt": "momentum",
    "beta": "0.5",
    "w0": "1",
    "b0": "-2",
    "epoch": "7",
}


def test_a_link_reopens_the_same_screen_in_a_fresh_browser(
    new_page: Callable[..., Page], app_server: AppServer, shots_dir: Path
) -> None:
    preset = get_preset("Outliers")
    hist = train(
        preset.x,
        preset.y,
        epochs=200,
        lr=0.02,
        w0=1.0,
        b0=-2.0,
        optimizer="momentum",
        momentum=0.5,
    )
    limit = curvature(make_dataset(preset.x, preset.y)).max_stable_lr
    page = new_page()
    page.goto(app_server.url_for(LINK))
    wait_ready(page)
    page.wait_for_function(AGREED_JS, arg=7, timeout=WAIT_MS)
    line = status(page)
    assert line["epoch"] == "7"
    assert (line["w"], line["b"], line["loss"]) == (
        fmt(hist.w[7]),
        fmt(hist.b[7]),
        fmt(hist.loss[7]),
    )
    assert page.locator(f"{PLAYER} .lrviz-of").inner_text().strip() == "/ 200"
    banner = page.locator('[data-testid="stAlertContainer"]').first.inner_text()
    assert f"α = 0.02 is {fmt(0.02 / limit, 2)}× the stable limit" in banner
    save_screenshot(page, shots_dir, "lecture-link-1280x720")
    # The page's URL still names the same screen, so copying it from the address bar works too.
    query = {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}
    assert {k: query.get(k) for k in LINK} == LINK

    # Step by keyboard: the URL follows the epoch; that URL in another fresh browser agrees.
    press(page, "ArrowRight", 8)
    page.wait_for_function("() => location.search.includes('epoch=8')", timeout=WAIT_MS)
    again = new_page()
    again.goto(page.url)
    wait_ready(again)
    again.wait_for_function(AGREED_JS, arg=8, timeout=WAIT_MS)
    assert status(again) == status(page)


def test_presentation_mode_fits_a_projector_without_scrolling(
    goto_app: Callable[..., Page], shots_dir: Path
) -> None:
    page = goto_app("present=1&lr=0.08&epochs=200&epoch=30")
    wait_ready(page)
    page.wait_for_function(AGREED_JS, arg=30, timeout=WAIT_MS)
    page.wait_for_timeout(300)  # let plotly finish its last resize before measuring
    save_screenshot(page, shots_dir, f"lecture-present-{PROJECTOR}")
    sizes = page.evaluate(
        """() => {
          const px = (node) => parseFloat(getComputedStyle(node).fontSize);
          const root = document.querySelector('[data-testid="lrviz-player"]');
          const ticks = [...root.querySelectorAll('.xtick text, .ytick text, .legendtext')];
          const box = (sel) => root.querySelector(sel).getBoundingClientRect();
          const main = document.querySelector('[data-testid="stMain"]');
          const sidebar = document.querySelector('[data-testid="stSidebar"]');
          return {
            status: px(root.querySelector('.lrviz-status')),
            smallestChartText: Math.min(...ticks.map(px)),
            chartTexts: ticks.length,
            bottoms: ['.lrviz-status', '.lrviz-controls', '.lrviz-panels']
              .map((s) => box(s).bottom),
            scroll: Math.max(main.scrollHeight - main.clientHeight,
                             document.documentElement.scrollHeight - innerHeight),
            sidebarWidth: sidebar ? sidebar.getBoundingClientRect().right : 0,
            height: innerHeight,
          };
        }"""
    )
    assert sizes["status"] >= 28
    assert sizes["chartTexts"] > 10 and sizes["smallestChartText"] >= 18
    assert max(sizes["bottoms"]) <= sizes["height"]
    assert sizes["scroll"] <= 0
    assert sizes["sidebarWidth"] <= 0  # folded away
    # Nothing but the player in the main area: no banner, no gallery.
    assert page.locator('[data-testid="stMain"] [data-testid="stAlertContainer"]').count() == 0
    assert page.locator('[data-testid="stMain"] [data-testid="stButton"]').count() == 0
