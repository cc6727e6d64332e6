"""Start the lrviz Streamlit app and Debian Chromium, for end-to-end tests and screenshots."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode, urlsplit

from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Route, sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_APP = REPO_ROOT / "streamlit_app.py"
DEFAULT_CHROMIUM = Path("/usr/bin/chromium")

# Headless Chromium on a machine with no network: without the background-networking flags
# Chromium keeps trying to reach update and sync servers; --no-proxy-server keeps loopback direct
# even when a proxy is set in the environment; the resolver rule makes every other host name fail
# at once, so not even a DNS query leaves the machine.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--no-proxy-server",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
)

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

APP_READY = '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
SCRIPT_DONE = (
    ':is([data-test-script-state="notRunning"], [data-test-script-state="compilationError"])'
)
EXCEPTION = '[data-testid="stException"]'

# Counts finished script runs in window.__lrvizRuns, so a test can wait for the run its click
# caused. The DOM cannot tell: React batches a quick rerun's "running" -> "notRunning" into no
# visible change at all. So this reads Streamlit's own messages: a ForwardMsg whose top-level
# field 6 (script_finished) is FINISHED_SUCCESSFULLY (0), FINISHED_WITH_COMPILE_ERROR (1) or
# FINISHED_FRAGMENT_RUN_SUCCESSFULLY (3) ends a run; FINISHED_EARLY_FOR_RERUN (2) does not. The
# count moves a task and a frame later, once the app has drawn what that run sent.
# The status of a ForwardMsg's script_finished (top-level field 6), read from its protobuf bytes
# with a minimal varint walk; -1 when the message has none.
FINISH_STATUS_JS = """
(bytes) => {
  let i = 0;
  const varint = () => {
    let value = 0, scale = 1, byte;
    do { byte = bytes[i++]; value += (byte & 0x7f) * scale; scale *= 128; } while (byte & 0x80);
    return value;
  };
  while (i < bytes.length) {
    const key = varint(), field = Math.floor(key / 8), wire = key % 8;
    if (wire === 0) { const v = varint(); if (field === 6) return v; }
    // Read the length first: in `i += varint()` JS would add it to i's old value.
    else if (wire === 2) { const length = varint(); i += length; }
    else if (wire === 1) { i += 8; }
    else if (wire === 5) { i += 4; }
    else { return -1; }
  }
  return -1;
}
"""

RUN_COUNTER_JS = """
(() => {
  window.__lrvizRuns = 0;
  const finishStatus = FINISH_STATUS;
  const count = () => setTimeout(() => requestAnimationFrame(() => setTimeout(() => {
    window.__lrvizRuns += 1;
  }, 0)), 0);
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (!(event.data instanceof ArrayBuffer)) return;
        const status = finishStatus(new Uint8Array(event.data));
        if (status === 0 || status === 1 || status === 3) count();
      });
    }
  };
})();
""".replace("FINISH_STATUS", FINISH_STATUS_JS.strip())


class Viewport(NamedTuple):
    """Browser viewport in CSS pixels."""

    width: int
    height: int

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"


PROJECTOR = Viewport(1280, 720)
DESKTOP = Viewport(1920, 1080)
LAPTOP = Viewport(1440, 900)
SCREEN_SIZES: tuple[tuple[str, Viewport], ...] = (
    ("projector", PROJECTOR),
    ("desktop", DESKTOP),
    ("laptop", LAPTOP),
)


def app_path() -> Path:
    """The app under test: $LRVIZ_APP if set, else streamlit_app.py at the repo root."""
    return Path(os.environ.get("LRVIZ_APP") or DEFAULT_APP).resolve()


def chromium_path() -> Path:
    """The Chromium binary: $LRVIZ_CHROMIUM if set, else Debian's /usr/bin/chromium."""
    return Path(os.environ.get("LRVIZ_CHROMIUM") or DEFAULT_CHROMIUM)


def chromium_missing_message(path: Path) -> str:
    """What to tell someone whose machine has no Chromium at `path`."""
    return (
        f"Chromium not found at {path}. The end-to-end tests drive Debian's Chromium; install it "
        "with `sudo apt-get update && sudo apt-get install -y chromium` (do not use "
        "`playwright install`), or point LRVIZ_CHROMIUM at another Chromium binary."
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def streamlit_command(app: Path, port: int, extra_args: Sequence[str] = ()) -> list[str]:
    """Command line serving `app` on 127.0.0.1:`port`, headless, with nothing fetched or sent."""
    return [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.showEmailPrompt", "false",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--browser.gatherUsageStats", "false",
        "--browser.serverAddress", "127.0.0.1",
        "--global.developmentMode", "false",
        *extra_args,
    ]  # fmt: skip


@dataclass(frozen=True)
class AppServer:
    """A running Streamlit server on 127.0.0.1, with its combined stdout/stderr in `log_path`."""

    port: int
    log_path: Path
    process: subprocess.Popen[bytes] = field(repr=False, compare=False)

    @property
    def url(self) -> str:
        """Base URL of the app, with a trailing slash."""
        return f"http://127.0.0.1:{self.port}/"

    def url_for(self, query: Mapping[str, object] | str = "", /, **params: object) -> str:
        """App URL with a query string: url_for(lr=0.3) or url_for("lr=0.3&epochs=10")."""
        if isinstance(query, str):
            text = query.lstrip("?")
            extra = urlencode({k: str(v) for k, v in params.items()})
            text = "&".join(part for part in (text, extra) if part)
        else:
            text = urlencode({k: str(v) for k, v in {**query, **params}.items()})
        return f"{self.url}?{text}" if text else self.url

    def log_tail(self, lines: int = 40) -> str:
        """Last `lines` lines the server printed."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])


def _health_ok(port: int) -> bool:
    # An opener without proxy handlers: a proxy from the environment must not see loopback traffic.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()  # Streamlit shuts down cleanly on SIGTERM
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


@contextmanager
def serve_app(
    app: Path | None = None,
    *,
    port: int | None = None,
    log_path: Path | None = None,
    extra_args: Sequence[str] = (),
    startup_timeout: float = 90.0,
) -> Iterator[AppServer]:
    """Run `streamlit run app` from the repo root until the block ends; yields once healthy.

    The repo root is the working directory so `.streamlit/config.toml` applies. Raises
    RuntimeError, with the server's output, if it exits or is not healthy within
    `startup_timeout` seconds.
    """
    app = (app or app_path()).resolve()
    if not app.is_file():
        raise FileNotFoundError(f"App not found: {app}")
    port = port or free_port()
    if log_path is None:
        log_path = Path(tempfile.mkdtemp(prefix="lrviz-server-")) / "streamlit.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            streamlit_command(app, port, extra_args),
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = AppServer(port=port, log_path=log_path, process=process)
    try:
        deadline = time.monotonic() + startup_timeout
        while not _health_ok(port):
            if process.poll() is not None:
                raise RuntimeError(
                    f"Streamlit exited with code {process.returncode} before it was healthy:\n"
                    + server.log_tail()
                )
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"Streamlit not healthy after {startup_timeout:.0f} s:\n" + server.log_tail()
                )
            time.sleep(0.1)
        yield server
    finally:
        _stop(process)


@contextmanager
def launch_chromium(playwright: Playwright, executable: Path | None = None) -> Iterator[Browser]:
    """Headless Debian Chromium driven by `playwright`; closed when the block ends.

    Playwright gives every launch a fresh temporary profile, so no state leaks between runs.
    Raises FileNotFoundError with install instructions if the binary is missing.
    """
    executable = executable or chromium_path()
    if not executable.is_file():
        raise FileNotFoundError(chromium_missing_message(executable))
    browser = playwright.chromium.launch(
        executable_path=str(executable), headless=True, args=list(CHROMIUM_ARGS)
    )
    try:
        yield browser
    finally:
        browser.close()


@contextmanager
def chromium(executable: Path | None = None) -> Iterator[Browser]:
    """Start Playwright and headless Chromium together, for scripts outside pytest."""
    with sync_playwright() as playwright, launch_chromium(playwright, executable) as browser:
        yield browser


@dataclass(frozen=True)
class WatchedPage:
    """A tab plus what went wrong in it so far: console errors, page errors, remote requests."""

    page: Page
    problems: list[str] = field(default_factory=list)


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in {"http", "https", "ws", "wss"} or parts.hostname in LOCAL_HOSTS


@contextmanager
def open_page(
    browser: Browser,
    viewport: Viewport = PROJECTOR,
    *,
    default_timeout_ms: float = 20_000,
    touch: bool = False,
) -> Iterator[WatchedPage]:
    """A tab in its own browser context (own cookies, so its own Streamlit session).

    touch: a phone's context (touch events, a coarse pointer, mobile viewport rules).
    Requests that would leave this machine are aborted and recorded as problems, as are console
    errors and uncaught page errors.
    """
    context = browser.new_context(
        viewport={"width": viewport.width, "height": viewport.height},
        device_scale_factor=1,
        service_workers="block",
        has_touch=touch,
        is_mobile=touch,
    )
    watched = WatchedPage(page=context.new_page())
    try:
        context.set_default_timeout(default_timeout_ms)
        context.add_init_script(RUN_COUNTER_JS)

        def on_route(route: Route) -> None:
            if _is_local(route.request.url):
                route.fallback()
            else:
                watched.problems.append(f"blocked request off this machine: {route.request.url}")
                route.abort("blockedbyclient")

        def on_console(msg: ConsoleMessage) -> None:
            if msg.type == "error":
                where = msg.location.get("url", "")
                watched.problems.append(
                    f"console error: {msg.text}" + (f" ({where})" if where else "")
                )

        context.route("**/*", on_route)
        watched.page.on("console", on_console)
        watched.page.on("pageerror", lambda err: watched.problems.append(f"page error: {err}"))
        yield watched
    finally:
        context.close()


def wait_for_app(page: Page, timeout_ms: float = 60_000) -> None:
    """Wait until the app is connected and its script run has finished.

    Raises AssertionError if the script failed to compile. An exception raised while the script
    ran still counts as finished: check `streamlit_exceptions(page)` for it.
    """
    page.wait_for_selector(APP_READY + SCRIPT_DONE, state="attached", timeout=timeout_ms)
    state = page.get_attribute('[data-testid="stApp"]', "data-test-script-state")
    if state == "compilationError":
        raise AssertionError("App failed to compile:\n" + "\n".join(streamlit_exceptions(page)))


def wait_for_rerun(page: Page, action: Callable[[], object], timeout_ms: float = 60_000) -> None:
    """Do `action` (a click, a key press) and wait for the script run it triggers to finish."""
    runs_before = page.evaluate("window.__lrvizRuns")
    action()
    page.wait_for_function("n => window.__lrvizRuns > n", arg=runs_before, timeout=timeout_ms)
    wait_for_app(page, timeout_ms)


def open_app(page: Page, url: str, timeout_ms: float = 60_000) -> Page:
    """Navigate `page` to `url` (an app URL, query string included) and wait for the first run."""
    page.goto(url)
    wait_for_app(page, timeout_ms)
    return page


def streamlit_exceptions(page: Page) -> list[str]:
    """Text of every exception box Streamlit shows on the page (empty when all is well)."""
    return page.locator(EXCEPTION).all_inner_texts()


def save_screenshot(page: Page, directory: Path, name: str) -> Path:
    """Save what the viewport shows as `directory/name.png` and return the path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    page.screenshot(path=path, animations="disabled")
    return path
