"""Lecture use in Chromium: the keyboard alone drives the player (after any click), a link
reopens the same screen in a fresh browser, and presentation mode fits a 1280x720 projector
without scrolling, for every lesson of the gallery at its start and its end.

Expected numbers come from lrviz.core on the link's data and settings, never from the page.
"""

from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page

from lrviz.core import curvature, make_dataset, train
from lrviz.data import get_preset
from lrviz.notation.numbers import fmt
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
    # 24 px keeps the six fixed-width fields of the status line on one line at 1280 px.
    assert sizes["status"] >= 24
    assert sizes["chartTexts"] > 10 and sizes["smallestChartText"] >= 18
    assert max(sizes["bottoms"]) <= sizes["height"]
    assert sizes["scroll"] <= 0
    assert sizes["sidebarWidth"] <= 0  # folded away
    # Nothing but the player in the main area: no banner, no gallery.
    assert page.locator('[data-testid="stMain"] [data-testid="stAlertContainer"]').count() == 0
    assert page.locator('[data-testid="stMain"] [data-testid="stButton"]').count() == 0


def test_keys_drive_the_player_after_any_click(goto_app: Callable[..., Page]) -> None:
    page = goto_app("lr=0.01&epochs=40")
    wait_ready(page)
    # A slider clicked in the sidebar does not take the player's keys (End once set α to 2).
    slider = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]')
    slider.first.locator("xpath=..").click(force=True)  # the thumb; its input takes the focus
    assert page.evaluate("document.activeElement.type") == "range"
    value = slider.first.input_value()
    press(page, "End", 40)
    press(page, "ArrowLeft", 39)
    press(page, "Home", 0)
    assert slider.first.input_value() == value
    # The player's own speed list, focused, leaves its arrows to the player.
    speed = page.locator(f'{PLAYER} [data-ctl="speed"]')
    chosen = speed.input_value()
    speed.focus()
    press(page, "ArrowRight", 1)
    assert speed.input_value() == chosen
    # A button of the page, clicked: Space plays and pauses instead of pressing it again.
    page.locator('[data-testid="stSidebar"] [role="tab"]').first.click()
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=\"lrviz-player\"]').dataset.epoch) > 2",
        timeout=WAIT_MS,
    )
    page.keyboard.press("Space")
    paused = int(status(page)["epoch"])
    page.wait_for_function(AGREED_JS, arg=paused, timeout=WAIT_MS)
    # A text field being edited keeps its keys.
    field = page.locator('[data-testid="stSidebar"] input[type="number"]:visible').first
    field.click()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("End")
    page.wait_for_timeout(300)
    assert int(status(page)["epoch"]) == paused


def _screen(page: Page) -> dict[str, object]:
    return page.evaluate(
        """() => {
          const root = document.querySelector('[data-testid="lrviz-player"]');
          const status = root.querySelector('.lrviz-status');
          const field = status.querySelector('.lrviz-field');
          const main = document.querySelector('[data-testid="stMain"]');
          const shown = (sel) => {
            const node = root.querySelector(sel);
            return node && node.checkVisibility() ? node.textContent : null;
          };
          const bottoms = [...root.querySelectorAll(
            '.lrviz-status, .lrviz-controls, .lrviz-info, .lrviz-panels, .lrviz-chain')]
            .filter((n) => n.checkVisibility()).map((n) => n.getBoundingClientRect().bottom);
          return {
            epoch: root.dataset.epoch,
            statusLines: Math.round(status.clientHeight / field.getBoundingClientRect().height),
            clipped: [...status.querySelectorAll('.lrviz-value')]
              .filter((n) => n.scrollWidth > n.clientWidth + 1).map((n) => n.textContent),
            statusFits: status.scrollWidth <= status.clientWidth + 1,
            banner: shown('[data-testid="lrviz-banner"]'),
            lesson: shown('[data-testid="lrviz-lesson"]'),
            bottom: Math.max(...bottoms),
            scroll: Math.max(main.scrollHeight - main.clientHeight,
                             document.documentElement.scrollHeight - innerHeight),
            height: innerHeight,
            chain: root.querySelector('.lrviz-chain').checkVisibility(),
            panels: root.querySelector('.lrviz-panels').checkVisibility(),
          };
        }"""
    )


def _chain_text_px(page: Page) -> float:
    """The smallest type of the large chain-rule view's graph, in CSS px."""
    return page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('[data-chain="graph"] .lrviz-eq')]
             .map((n) => parseFloat(getComputedStyle(n).fontSize)))"""
    )


def test_every_lesson_fits_the_projector_at_its_start_and_end(
    goto_app: Callable[..., Page], shots_dir: Path
) -> None:
    from lrviz.app.scenarios import lessons

    page = goto_app("present=1")
    wait_ready(page)
    for number, lesson in enumerate(lessons(), start=1):
        run_before = page.evaluate(f"document.querySelector('{PLAYER}').dataset.run")
        page.keyboard.press(str(number % 10))  # the gallery's number keys: 1-9, 0 the tenth
        page.wait_for_function(
            f"""(before) => {{
              const root = document.querySelector('{PLAYER}');
              return root.dataset.run !== before && root.dataset.epoch === '0';
            }}""",
            arg=run_before,
            timeout=WAIT_MS,
        )
        wait_ready(page)
        page.wait_for_timeout(300)  # plotly's last resize
        last = int(page.evaluate(f"document.querySelector('{PLAYER} [data-ctl=\"scrub\"]').max"))
        for moment in ("start", "end"):
            if moment == "end":
                page.keyboard.press("End")
                page.wait_for_function(
                    f"() => Number(document.querySelector('{PLAYER}').dataset.epoch) > 0",
                    timeout=WAIT_MS,
                )
                page.wait_for_timeout(200)
            shown = _screen(page)
            where = f"lesson {number} ({lesson.title}) at its {moment}"
            assert shown["bottom"] <= shown["height"] and shown["scroll"] <= 0, (where, shown)
            assert shown["statusLines"] == 1 and shown["statusFits"], (where, shown)
            assert shown["clipped"] == [], (where, shown["clipped"])
            assert shown["banner"], where
            assert shown["lesson"] and lesson.title in shown["lesson"], (where, shown["lesson"])
            if moment == "start":
                # Hidden future: no "/ last epoch" and no ending told before it is reached.
                assert page.locator(f"{PLAYER} .lrviz-of").inner_text().strip() == "", where
                assert "diverges at epoch" not in shown["banner"], where
        # At the end the last epoch is told: it has been reached.
        of = page.locator(f"{PLAYER} .lrviz-of").inner_text().strip()
        assert of == f"/ {shown['epoch']}" and int(shown["epoch"]) <= last, (where, of)
        # The key switches to the large chain-rule view and back.
        page.keyboard.press("c")
        shown = _screen(page)
        assert shown["chain"] and not shown["panels"], where
        assert _chain_text_px(page) >= 18
        assert shown["bottom"] <= shown["height"], (where, shown)
        if number == 1:
            save_screenshot(page, shots_dir, f"lecture-chain-{PROJECTOR}")
        page.keyboard.press("c")
        shown = _screen(page)
        assert shown["panels"] and not shown["chain"], where
