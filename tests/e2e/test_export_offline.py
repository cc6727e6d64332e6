"""The exported HTML opens from file:// in Chromium with no network, plays, pauses and seeks."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, Route

from lrviz.core import History, make_dataset, train
from lrviz.export import export_html
from tests.e2e.browser import save_screenshot

X = [1.0, 2.0, 3.0, 4.0, 5.0]
FIELDS = {"loss": "loss", "w": "w", "b": "b", "dw": "dw", "db": "db"}

# Function expressions, not bare ones: the page's security policy forbids eval, which Playwright
# would use to run a bare expression.
DRAWN_JS = "() => document.getElementById('v-loss').textContent !== '\u2014'"
EPOCH_IS_JS = "(k) => document.getElementById('v-epoch').textContent === k"

# Everything a test needs from the page in one call, so the numbers belong to one frame.
SNAPSHOT_JS = """
() => {
  const text = (id) => document.getElementById(id).textContent;
  const plot = (id) => document.getElementById(id).data.map((t) => ({x: t.x, y: t.y}));
  const below = document.getElementById("plot-contour-background");
  return {
    epoch: Number(text("v-epoch")),
    values: {loss: text("v-loss"), w: text("v-w"), b: text("v-b"),
             dw: text("v-dw"), db: text("v-db")},
    status: document.getElementById("status").innerText,
    notes: document.getElementById("notes").innerText,
    slider: Number(document.getElementById("slider").value),
    data: plot("plot-data"),
    contour: plot("plot-contour"),
    loss: plot("plot-loss"),
    contourTraces: below.data.map((t) => t.type),
    contourPaths: below.querySelectorAll(".contourlayer path").length,
    scatterTraces: document.querySelectorAll("#plot-contour .scatterlayer .trace").length,
  };
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
def offline_page(page: Page) -> Iterator[tuple[Page, Network]]:
    """`page` with every request other than file:// aborted and recorded.

    After the test, asserts that the page attempted no other request.
    """
    network = Network()
    page.route("**/*", network.route)
    page.on("request", network.saw)
    yield page, network
    assert network.blocked == []
    assert network.requests and all(url.startswith("file://") for url in network.requests)


def write_export(tmp_path: Path, history: History, lr: float, title: str) -> Path:
    path = tmp_path / "run.html"
    html = export_html(make_dataset(X, X), history, title=title, lr=lr, optimizer="gd")
    path.write_text(html, encoding="utf-8")
    return path


def shown_number(text: str) -> float:
    return float(text.replace("\u2212", "-"))


def assert_status_matches(snap: dict, history: History, k: int) -> None:
    assert snap["epoch"] == k
    assert snap["status"].split()[:4] == ["Epoch", str(k), "/", str(history.epochs_run)]
    for field, name in FIELDS.items():
        text = snap["values"][field]
        expected = float(getattr(history, name)[k])
        # Four significant figures, three in exponent form.
        rel = 6e-3 if "e" in text else 6e-4
        assert shown_number(text) == pytest.approx(expected, rel=rel, abs=1e-300), field
    assert "NaN" not in snap["status"]


def assert_traces_at(snap: dict, history: History, k: int) -> None:
    """The moving traces show epoch k: path so far, current point, fit line, loss marker."""
    path, current = snap["contour"][2], snap["contour"][4]
    assert path["x"] == history.w[: k + 1].tolist()
    assert path["y"] == history.b[: k + 1].tolist()
    assert current == {"x": [history.w[k]], "y": [history.b[k]]}
    fit = snap["data"][2]
    w, b = history.w[k], history.b[k]
    assert fit["y"] == pytest.approx([w * x + b for x in fit["x"]])
    assert snap["loss"][1]["x"] == [k]
    # The contour stays drawn underneath, untouched by the frames.
    assert snap["contourTraces"] == ["contour"]
    assert snap["contourPaths"] > 0
    assert snap["scatterTraces"] == len(snap["contour"])


def test_export_plays_offline(
    offline_page: tuple[Page, Network], tmp_path: Path, shots_dir: Path
) -> None:
    page, _ = offline_page
    history = train(X, X, epochs=1000, lr=0.01)
    last = history.epochs_run
    page.goto(write_export(tmp_path, history, 0.01, "Article example").as_uri())

    page.wait_for_function(DRAWN_JS)
    start = page.evaluate(SNAPSHOT_JS)
    assert_status_matches(start, history, 0)
    assert_traces_at(start, history, 0)
    save_screenshot(page, shots_dir, "export-article-epoch0")

    page.get_by_role("button", name="Play").click()
    page.wait_for_timeout(1500)
    page.wait_for_function("() => Number(document.getElementById('v-epoch').textContent) > 0")
    playing = page.evaluate(SNAPSHOT_JS)
    assert 0 < playing["epoch"] <= last
    save_screenshot(page, shots_dir, "export-article-playing")

    page.get_by_role("button", name="Pause").click()
    paused = page.evaluate(SNAPSHOT_JS)
    page.wait_for_timeout(300)
    still = page.evaluate(SNAPSHOT_JS)
    assert still["epoch"] == paused["epoch"] > 0
    assert_status_matches(still, history, still["epoch"])
    assert_traces_at(still, history, still["epoch"])

    page.locator("#slider").focus()
    page.keyboard.press("End")  # the slider's own key: to its last value
    page.wait_for_function(EPOCH_IS_JS, arg=str(last))
    page.wait_for_timeout(100)  # the charts follow on the next animation frame
    end = page.evaluate(SNAPSHOT_JS)
    assert end["slider"] == last
    assert_status_matches(end, history, last)
    assert_traces_at(end, history, last)
    save_screenshot(page, shots_dir, "export-article-last")


def test_keyboard_steps_through_epochs(offline_page: tuple[Page, Network], tmp_path: Path) -> None:
    page, _ = offline_page
    history = train(X, X, epochs=40, lr=0.01)
    page.goto(write_export(tmp_path, history, 0.01, "Keys").as_uri())
    page.wait_for_function(DRAWN_JS)
    page.locator("body").click(position={"x": 5, "y": 5})
    for key, epoch in (("ArrowRight", 1), ("ArrowRight", 2), ("End", 40), ("ArrowLeft", 39)):
        page.keyboard.press(key)
        page.wait_for_function(EPOCH_IS_JS, arg=str(epoch))
    page.keyboard.press("Home")
    page.wait_for_function(EPOCH_IS_JS, arg="0")
    page.wait_for_timeout(100)
    snap = page.evaluate(SNAPSHOT_JS)
    assert_status_matches(snap, history, 0)
    assert_traces_at(snap, history, 0)


def test_diverged_export_says_so_and_ends_at_last_finite_epoch(
    offline_page: tuple[Page, Network], tmp_path: Path, shots_dir: Path
) -> None:
    page, _ = offline_page
    history = train(X, X, epochs=1000, lr=0.1)
    assert history.diverged_at is not None
    last = history.epochs_run
    page.goto(write_export(tmp_path, history, 0.1, "Too large a step").as_uri())
    page.wait_for_function(DRAWN_JS)
    assert f"at epoch {history.diverged_at}" in page.locator("#notes").inner_text()
    page.locator("#slider").focus()
    page.keyboard.press("End")
    page.wait_for_function(EPOCH_IS_JS, arg=str(last))
    page.wait_for_timeout(100)
    snap = page.evaluate(SNAPSHOT_JS)
    assert_status_matches(snap, history, last)
    assert_traces_at(snap, history, last)
    save_screenshot(page, shots_dir, "export-diverged-last")
