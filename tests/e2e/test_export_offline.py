"""The exported HTML opens from file:// in Chromium with every request but file:// blocked, and
is the app's player: it opens at the exported epoch, steps, plays and takes the keys, its
chain-rule view follows, pinned runs are drawn, and its numbers are the app's at that epoch."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, Route

from lrviz.app.pins import Pin
from lrviz.app.run import Run, make_run
from lrviz.app.settings import RunSettings
from lrviz.core import TrainConfig, make_dataset
from lrviz.export import export_run
from tests.e2e.browser import save_screenshot
from tests.e2e.test_playground import PLAYER, READY_JS, WAIT_MS, button

X = [1.0, 2.0, 3.0, 4.0, 5.0]
ARTICLE = make_dataset(X, X)
CHAIN_TITLE = '[data-testid="lrviz-chain"] [data-chain="title"]'

# Function expressions, not bare ones: the page's security policy forbids eval, which Playwright
# would use to run a bare expression.
# Everything the test reads from the player in one call, so it all belongs to one frame.
READ_JS = """
() => {
  const root = document.querySelector('[data-testid="lrviz-player"]');
  const fields = Object.fromEntries([...root.querySelectorAll('.lrviz-status [data-field]')]
    .map((n) => [n.dataset.field, n.textContent]));
  const chain = root.querySelector('[data-testid="lrviz-chain"]');
  return {
    epoch: root.dataset.epoch, fields,
    chainTitle: chain.querySelector('[data-chain="title"]').textContent,
    chain: [...chain.querySelectorAll('.lrviz-v')].map((n) => n.textContent),
    subs: [...root.querySelectorAll('.lrviz-sub')].map((n) => n.textContent),
    panels: [...root.querySelectorAll('.lrviz-panel')].map((n) => n.dataset.epoch),
  };
}
"""
SHOWS_JS = """
(k) => {
  const root = document.querySelector('[data-testid="lrviz-player"]');
  const title = document.querySelector('[data-testid="lrviz-chain"] [data-chain="title"]');
  return root.dataset.epoch === String(k)
    && root.querySelector('[data-field="epoch"]').textContent === String(k)
    && title.textContent.startsWith(`Chain rule at epoch ${k}`);
}
"""


class Network:
    """Every request the page made, and those the test had to block."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.blocked: list[str] = []

    def route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.fallback()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def saw(self, request: Request) -> None:
        self.requests.append(request.url)


@pytest.fixture
def offline(page: Page) -> Iterator[Callable[[Page], Network]]:
    """offline(tab) routes every request of tab other than file:// to an abort, and records it.

    After the test, asserts that no such tab attempted any other request.
    """
    seen: list[Network] = []

    def block(tab: Page) -> Network:
        network = Network()
        tab.route("**/*", network.route)
        tab.on("request", network.saw)
        seen.append(network)
        return network

    yield block
    for network in seen:
        assert network.blocked == []
        assert network.requests and all(url.startswith("file://") for url in network.requests)


def open_export(page: Page, path: Path) -> None:
    page.goto(path.as_uri())
    page.wait_for_function(READY_JS, timeout=WAIT_MS)


def shows(page: Page, k: int) -> None:
    """Wait until the status line, the player and the chain-rule view all say epoch k."""
    page.wait_for_function(SHOWS_JS, arg=k, timeout=WAIT_MS)


def assert_numbers_at(read: dict, run: Run, k: int) -> None:
    """The status line holds the run's own numbers at epoch k, as formatted for the app."""
    from lrviz.notation.numbers import fmt

    h = run.scene.history
    assert read["epoch"] == str(k)
    assert read["fields"] == {
        "epoch": str(k),
        "loss": fmt(h.loss[k]),
        "w": fmt(h.w[k]),
        "b": fmt(h.b[k]),
        "dw": fmt(h.dw[k]),
        "db": fmt(h.db[k]),
    }
    assert read["chainTitle"].startswith(f"Chain rule at epoch {k}, for point 0")
    assert set(read["panels"]) == {str(k)}
    assert not any("NaN" in text for text in (*read["fields"].values(), *read["chain"]))


def test_export_opens_at_its_epoch_steps_plays_and_takes_the_keys(
    page: Page, offline: Callable[[Page], Network], tmp_path: Path, shots_dir: Path
) -> None:
    offline(page)
    run = make_run(ARTICLE, RunSettings(epochs=1000, config=TrainConfig(lr=0.01)))
    path = tmp_path / "run.html"
    path.write_text(export_run(run, title="Article example", epoch=37), encoding="utf-8")
    open_export(page, path)
    shows(page, 37)
    assert_numbers_at(page.evaluate(READ_JS), run, 37)
    save_screenshot(page, shots_dir, "export-article-epoch37")

    for name, k in (("Step", 38), ("Step ×10", 48), ("Back", 47), ("Reset", 0)):
        button(page, name).click()
        shows(page, k)
    assert_numbers_at(page.evaluate(READ_JS), run, 0)

    # The keys, after a click on the page (nothing focused that keeps them).
    page.locator("h1").click()
    for key, k in (("ArrowRight", 1), ("Shift+ArrowRight", 11), ("ArrowLeft", 10), ("End", 1000)):
        page.keyboard.press(key)
        shows(page, k)
    assert_numbers_at(page.evaluate(READ_JS), run, 1000)
    page.keyboard.press("Home")
    shows(page, 0)

    button(page, "Play").click()
    page.wait_for_function(
        "() => Number(document.querySelector('[data-field=\"epoch\"]').textContent) > 20",
        timeout=WAIT_MS,
    )
    save_screenshot(page, shots_dir, "export-article-playing")
    button(page, "Pause").click()
    paused = page.evaluate(READ_JS)
    page.wait_for_timeout(300)
    still = page.evaluate(READ_JS)
    assert still == paused
    k = int(still["epoch"])
    assert 20 < k <= 1000
    assert_numbers_at(still, run, k)
    page.keyboard.press("Space")  # Play again, from the keyboard
    page.wait_for_function(
        "(k) => Number(document.querySelector('[data-field=\"epoch\"]').textContent) > k",
        arg=k,
        timeout=WAIT_MS,
    )


def test_export_draws_its_pinned_run(
    page: Page, offline: Callable[[Page], Network], tmp_path: Path, shots_dir: Path
) -> None:
    offline(page)
    here = make_run(ARTICLE, RunSettings(epochs=300, config=TrainConfig(lr=0.02)))
    pinned = make_run(ARTICLE, RunSettings(epochs=300, config=TrainConfig(lr=0.005)))
    path = tmp_path / "pinned.html"
    html = export_run(here, title="Pinned", epoch=120, pins=[Pin.of(pinned, "Article")])
    path.write_text(html, encoding="utf-8")
    open_export(page, path)
    shows(page, 120)
    legend = page.locator(f'{PLAYER} [data-plot="contour"] .legend').text_content() or ""
    assert "pinned" in legend
    assert page.evaluate(
        """() => document.querySelector('[data-plot="contour"]').data
             .some((t) => String(t.uid || '').startsWith('pinned.'))"""
    )
    save_screenshot(page, shots_dir, "export-pinned-epoch120")


def test_diverged_export_ends_at_its_last_finite_epoch_and_says_so(
    page: Page, offline: Callable[[Page], Network], tmp_path: Path
) -> None:
    offline(page)
    run = make_run(ARTICLE, RunSettings(epochs=1000, config=TrainConfig(lr=0.1)))
    last = run.scene.last_epoch
    assert last < 1000
    path = tmp_path / "diverged.html"
    path.write_text(export_run(run, title="Too large a step", epoch=10**6), encoding="utf-8")
    open_export(page, path)
    shows(page, last)
    assert_numbers_at(page.evaluate(READ_JS), run, last)
    assert page.locator(f"{PLAYER} [data-act='step']").is_disabled()


def test_the_apps_export_shows_what_the_app_shows(
    app_page: Page, new_page: Callable[..., Page], offline: Callable[[Page], Network],
    tmp_path: Path, shots_dir: Path,
) -> None:  # fmt: skip
    app = app_page
    app.wait_for_function(READY_JS, timeout=WAIT_MS)
    app.locator(PLAYER).locator(".lrviz-status").click()
    for key, k in (("Shift+ArrowRight", 10), ("Shift+ArrowRight", 20), ("ArrowRight", 21)):
        app.keyboard.press(key)
        shows(app, k)
    # The server has the epoch at rest (its echo) before the page is asked for.
    app.wait_for_function(
        "() => document.querySelector('[data-testid=\"lrviz-player\"]').dataset.serverEpoch"
        " === '21'",
        timeout=WAIT_MS,
    )
    in_app = app.evaluate(READ_JS)
    with app.expect_download(timeout=WAIT_MS) as download:
        app.get_by_role("button", name="Interactive page (HTML)").click()
    path = tmp_path / "from-app.html"
    download.value.save_as(path)

    page = new_page()
    offline(page)
    open_export(page, path)
    shows(page, 21)
    exported = page.evaluate(READ_JS)
    assert exported == in_app
    save_screenshot(page, shots_dir, "export-from-app-epoch21")


def test_export_offers_the_3d_bowl_only_with_the_full_plotly_js_inside(
    page: Page, offline: Callable[[Page], Network], tmp_path: Path
) -> None:
    offline(page)
    run = make_run(ARTICLE, RunSettings(epochs=200, config=TrainConfig(lr=0.01)))
    toggle = page.locator(f'{PLAYER} [data-ctl="bowl"]')
    # The default page inlines the cartesian bundle: no 3D view to offer.
    flat = tmp_path / "flat.html"
    flat.write_text(export_run(run, title="Flat", epoch=5), encoding="utf-8")
    open_export(page, flat)
    shows(page, 5)
    assert not toggle.is_visible()
    # With the bowl, the one inlined plotly.js (the full one) draws it and the flat charts.
    bowl = tmp_path / "bowl.html"
    bowl.write_text(export_run(run, title="Bowl", epoch=5, bowl=True), encoding="utf-8")
    open_export(page, bowl)
    shows(page, 5)
    toggle.click()
    page.wait_for_selector(f'{PLAYER} [data-plot="bowl"] canvas', timeout=WAIT_MS)
    page.wait_for_function(
        """() => {
          const player = window.__lrviz.player;
          return player.bowlReady && player.plots.bowl.lib === window.Plotly;
        }""",
        timeout=WAIT_MS,
    )
    button(page, "Step").click()
    shows(page, 6)
    assert_numbers_at(page.evaluate(READ_JS), run, 6)
