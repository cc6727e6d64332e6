"""Fixtures for end-to-end tests: one app server and one Chromium per session, a fresh tab per test.

Typical use::

    def test_step(app_page):                     # the app, loaded at 1280x720
        wait_for_rerun(app_page, lambda: app_page.get_by_role("button", name="Step").click())

    def test_query(goto_app):
        page = goto_app(lr=0.3)                  # http://127.0.0.1:PORT/?lr=0.3, first run done

    @pytest.mark.viewport(1920, 1080)
    def test_big(app_page, shots_dir): ...

After each test, every tab it opened is checked: a Streamlit exception box, a browser console
error, an uncaught page error or a request leaving this machine fails the test (tolerate a known
console message with ``@pytest.mark.allow_console_error("regex")``). A failing test leaves a
screenshot of each of its tabs in ``shots_dir/failures``.

Environment: LRVIZ_APP (app file, default streamlit_app.py), LRVIZ_CHROMIUM (default
/usr/bin/chromium), LRVIZ_SHOTS (screenshot folder, default a pytest temp folder).
"""

import itertools
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.browser import (
    PROJECTOR,
    AppServer,
    Viewport,
    WatchedPage,
    app_path,
    chromium_missing_message,
    chromium_path,
    launch_chromium,
    open_app,
    open_page,
    save_screenshot,
    serve_app,
    streamlit_exceptions,
)

E2E_DIR = Path(__file__).parent
WATCHED_KEY = pytest.StashKey[list[WatchedPage]]()
CALL_FAILED_KEY = pytest.StashKey[bool]()
SHOTS_KEY = pytest.StashKey[Path]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/e2e as `e2e`, so `-m "not e2e"` gives a quick unit run."""
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After a test body passes, fail it if any tab it opened shows a problem."""
    result = yield
    problems: list[str] = []
    allowed = [re.compile(m.args[0]) for m in item.iter_markers("allow_console_error")]
    for watched in item.stash.get(WATCHED_KEY, []):
        if watched.page.is_closed():
            continue
        problems += [f"Streamlit exception: {text}" for text in streamlit_exceptions(watched.page)]
        problems += [p for p in watched.problems if not any(rx.search(p) for rx in allowed)]
    if problems:
        server = getattr(item, "funcargs", {}).get("app_server")
        log = f"\n\nServer log (tail):\n{server.log_tail()}" if server else ""
        pytest.fail("Problems in the browser:\n- " + "\n- ".join(problems) + log, pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[object]:
    """Remember whether the test body failed, for the failure screenshots."""
    report = yield
    if call.when == "call":
        item.stash[CALL_FAILED_KEY] = report.failed  # type: ignore[attr-defined]
    return report


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Say where the screenshots went."""
    shots = config.stash.get(SHOTS_KEY, None)
    if shots is not None and shots.is_dir() and any(shots.rglob("*.png")):
        terminalreporter.write_line(f"e2e screenshots: {shots}")


@pytest.fixture(scope="session")
def shots_dir(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder for screenshots: $LRVIZ_SHOTS, else a `shots` folder in pytest's temp dir."""
    env = os.environ.get("LRVIZ_SHOTS")
    path = Path(env).resolve() if env else tmp_path_factory.getbasetemp() / "shots"
    path.mkdir(parents=True, exist_ok=True)
    pytestconfig.stash[SHOTS_KEY] = path
    return path


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The app (LRVIZ_APP or streamlit_app.py) on a free port of 127.0.0.1, for the session."""
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with serve_app(app_path(), log_path=log) as server:
        yield server


@pytest.fixture
def app_server_factory(tmp_path: Path) -> Iterator[Callable[..., AppServer]]:
    """Start extra servers for one test: factory(app=None, extra_args=()) -> AppServer.

    For tests that need another app file or other server flags; each is stopped after the test.
    """
    numbers = itertools.count()
    with ExitStack() as stack:

        def start(app: Path | None = None, extra_args: tuple[str, ...] = ()) -> AppServer:
            log = tmp_path / f"streamlit-{next(numbers)}.log"
            return stack.enter_context(serve_app(app, log_path=log, extra_args=extra_args))

        yield start


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium for the session; fails every e2e test clearly if it is missing."""
    executable = chromium_path()
    if not executable.is_file():
        pytest.fail(chromium_missing_message(executable), pytrace=False)
    with sync_playwright() as playwright, launch_chromium(playwright, executable) as launched:
        yield launched


@pytest.fixture
def new_page(
    request: pytest.FixtureRequest, browser: Browser, shots_dir: Path
) -> Iterator[Callable[..., Page]]:
    """Open more tabs: new_page(width=1280, height=720, touch=False) -> Page, each its own session.

    Every tab is checked after the test like `page`, and photographed if the test failed.
    """
    watched: list[WatchedPage] = []
    request.node.stash[WATCHED_KEY] = watched
    with ExitStack() as stack:

        def make(
            width: int = PROJECTOR.width, height: int = PROJECTOR.height, touch: bool = False
        ) -> Page:
            tab = stack.enter_context(open_page(browser, Viewport(width, height), touch=touch))
            watched.append(tab)
            return tab.page

        yield make
        if request.node.stash.get(CALL_FAILED_KEY, False):
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
            for i, tab in enumerate(watched):
                if not tab.page.is_closed():
                    save_screenshot(tab.page, shots_dir / "failures", f"{name}-{i}")


@pytest.fixture
def viewport(request: pytest.FixtureRequest) -> Viewport:
    """Viewport of `page`: from @pytest.mark.viewport(width, height), else 1280x720."""
    marker = request.node.get_closest_marker("viewport")
    return Viewport(*marker.args) if marker else PROJECTOR


@pytest.fixture
def page(new_page: Callable[..., Page], viewport: Viewport) -> Page:
    """A fresh blank tab (own Streamlit session) at `viewport`, checked after the test."""
    return new_page(viewport.width, viewport.height)


@pytest.fixture
def goto_app(page: Page, app_server: AppServer) -> Callable[..., Page]:
    """goto_app(query="", **params) -> `page` loaded at the app URL with that query string.

    Waits for the first script run: goto_app(lr=0.3), goto_app("lr=0.3&epochs=5"), goto_app().
    """

    def go(query: Mapping[str, object] | str = "", /, **params: object) -> Page:
        return open_app(page, app_server.url_for(query, **params))

    return go


@pytest.fixture
def app_page(goto_app: Callable[..., Page]) -> Page:
    """`page` with the app loaded at its default URL and the first script run finished."""
    return goto_app()
