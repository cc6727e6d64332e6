"""The deployment docs/hosting.md describes, run for real: Debian's nginx, with the configuration
block from that file, in front of two app replicas served under a base URL path.

The configuration is read from docs/hosting.md, so the documentation cannot drift from what is
tested. Only what a test machine cannot have is changed, each change checked: TLS becomes a
plain listener on a free loopback port, and the replicas' ports are the ones started here.
nginx runs in the foreground with its pid, logs and temporary files in a fresh folder, and an
access log that records, per request, the affinity key and the replica that answered.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.browser import REPO_ROOT, free_port, wait_for_app
from tests.e2e.test_playground import serve_under_prefix

DOC = REPO_ROOT / "docs" / "hosting.md"
NGINX = Path(os.environ.get("LRVIZ_NGINX") or "/usr/sbin/nginx")
PREFIX = "lrviz"
COOKIE = "lrviz_replica"
PLOTLY = f"/{PREFIX}/component/lrviz.player.component.plotlyjs_cartesian/plotly-cartesian.min.js"
# The block docs/hosting.md gives for nginx's http{} context starts with this line.
MARKER = "# lrviz behind nginx"
LOG_FORMAT = "lrviz_test '$lrviz_replica $upstream_addr $status \"$request_uri\"'"

PLAYER_READY = """
() => {
  const root = document.querySelector('[data-testid="lrviz-player"]');
  if (!root || !root.dataset.run || root.dataset.run !== root.dataset.serverRun) return false;
  return ['fit', 'contour', 'loss'].every((n) => {
    const gd = root.querySelector(`[data-plot="${n}"]`);
    return gd && gd.querySelector('.main-svg');
  });
}
"""


def documented_config() -> str:
    """The nginx block of docs/hosting.md that starts with MARKER (exactly one)."""
    blocks = re.findall(r"```nginx\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    found = [b for b in blocks if b.startswith(MARKER)]
    assert len(found) == 1, f"docs/hosting.md must hold one nginx block starting {MARKER!r}"
    return found[0]


def replace_once(text: str, pattern: str, new: str, count: int = 1) -> str:
    """text with pattern (a regex) replaced; fails unless it matched exactly count times."""
    out, n = re.subn(pattern, new, text, flags=re.M)
    assert n == count, f"docs/hosting.md changed: {pattern!r} matched {n} times, not {count}"
    return out


def local_config(doc: str, listen: int, replicas: tuple[int, int]) -> str:
    """The documented block with TLS turned into a loopback listener and the replicas' ports."""
    text = replace_once(doc, r"^(\s*)listen 443 ssl;$", rf"\g<1>listen 127.0.0.1:{listen};")
    text = replace_once(text, r"^\s*ssl_certificate(_key)?\s.*\n", "", count=2)
    text = replace_once(text, r"server 127\.0\.0\.1:8501;", f"server 127.0.0.1:{replicas[0]};")
    return replace_once(text, r"server 127\.0\.0\.1:8502;", f"server 127.0.0.1:{replicas[1]};")


@dataclass(frozen=True)
class Proxy:
    """nginx on 127.0.0.1:port; access_log lines: key, replica address, status, URI."""

    port: int
    access_log: Path
    error_log: Path

    @property
    def url(self) -> str:
        """The app's URL through the proxy."""
        return f"http://127.0.0.1:{self.port}/{PREFIX}/"

    def entries_after(self, before: int, count: int) -> list[tuple[str, str, int, str]]:
        """The count entries logged after the first before ones (nginx writes a line just
        after the response is sent, so wait for it, at most 10 s)."""
        deadline = time.monotonic() + 10
        while len(self.entries()) < before + count:
            assert time.monotonic() < deadline, "nginx did not log the requests"
            time.sleep(0.05)
        return self.entries()[before : before + count]

    def entries(self) -> list[tuple[str, str, int, str]]:
        """(affinity key, replica, status, URI) of every request logged so far."""
        out = []
        for line in self.access_log.read_text(errors="replace").splitlines():
            found = re.fullmatch(r'(\S+) (\S+) (\d+) "(.*)"', line)
            if found:
                key, replica, status, uri = found.groups()
                out.append((key, replica, int(status), uri))
        return out


@contextmanager
def run_nginx(doc: str, replicas: tuple[int, int]) -> Iterator[Proxy]:
    """Foreground nginx serving the documented block doc, made local, until the block ends."""
    if not NGINX.is_file():
        pytest.fail(
            f"nginx not found at {NGINX}: install Debian's nginx (`apt-get install -y nginx`, "
            "as .ci/run does) or point LRVIZ_NGINX at an nginx binary.",
            pytrace=False,
        )
    root = Path(tempfile.mkdtemp(prefix="lrviz-nginx-"))
    try:
        # Run as root, nginx's workers switch to an unprivileged user, who must reach these.
        root.chmod(0o755)
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (root / name).mkdir(mode=0o777)
            (root / name).chmod(0o777)
        port = free_port()
        access, errors = root / "access.log", root / "error.log"
        temp = "\n".join(f"    {n}_temp_path {root / n};" for n in ("client_body", "proxy"))
        temp += "\n" + "\n".join(
            f"    {n}_temp_path {root / n};" for n in ("fastcgi", "uwsgi", "scgi")
        )
        conf = root / "nginx.conf"
        conf.write_text(
            f"daemon off;\nworker_processes 1;\npid {root / 'nginx.pid'};\n"
            f"error_log {errors} notice;\nevents {{ worker_connections 256; }}\n"
            f"http {{\n{temp}\n    log_format {LOG_FORMAT};\n"
            f"    access_log {access} lrviz_test;\n" + local_config(doc, port, replicas) + "}\n"
        )
        command = [str(NGINX), "-p", str(root), "-c", str(conf), "-e", str(errors)]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
        assert check.returncode == 0, f"nginx -t refused the configuration:\n{check.stderr}"
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    assert process.poll() is None, f"nginx exited: {errors.read_text()}"
                    assert time.monotonic() < deadline, "nginx did not start listening"
                    time.sleep(0.1)
            yield Proxy(port, access, errors)
        finally:
            process.terminate()  # SIGTERM: nginx's fast shutdown
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Proxy, tuple[str, str]]]:
    """nginx, configured as documented, in front of two replicas under /lrviz/; yields it and
    the replicas' addresses (127.0.0.1:port)."""
    logs = tmp_path_factory.mktemp("replicas")
    with ExitStack() as stack:
        urls = [
            stack.enter_context(serve_under_prefix(PREFIX, logs / f"replica-{i}.log"))
            for i in range(2)
        ]
        ports = tuple(int(re.search(r":(\d+)/", u).group(1)) for u in urls)  # type: ignore[union-attr]
        running = stack.enter_context(run_nginx(documented_config(), (ports[0], ports[1])))
        yield running, (f"127.0.0.1:{ports[0]}", f"127.0.0.1:{ports[1]}")


def get(url: str, cookie: str = "") -> tuple[int, str, bytes]:
    """(status, the affinity cookie the proxy set or "", body) of a GET, never via a proxy."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with opener.open(request, timeout=20) as response:
            cookies = response.headers.get_all("Set-Cookie") or []
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        return error.code, "", b""
    ours = [c.split(";")[0] for c in cookies if c.startswith(f"{COOKIE}=")]
    return status, (ours[0] if ours else ""), body


def test_the_page_plotly_js_and_a_step_go_through_the_proxy_to_one_replica(
    proxy: tuple[Proxy, tuple[str, str]], new_page: Callable[..., Page]
) -> None:
    running, replicas = proxy
    page = new_page()
    sockets: list[str] = []
    plotly: list[int] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.on("response", lambda r: plotly.append(r.status) if r.url.endswith(PLOTLY) else None)
    page.goto(running.url)
    wait_for_app(page)
    page.wait_for_function(PLAYER_READY, timeout=60_000)
    assert sockets == [f"ws://127.0.0.1:{running.port}/{PREFIX}/_stcore/stream"]
    assert page.evaluate("typeof window.Plotly") == "object"
    # The player's own plotly.js URL under the prefix (the page may have used the copy an
    # st.plotly_chart loaded), asked for with this browser's cookies.
    served = page.context.request.get(f"http://127.0.0.1:{running.port}{PLOTLY}")
    assert served.status == 200 and b"plotly.js" in served.body()[:2000]
    assert all(status in (200, 304) for status in plotly)
    # A Step: the player reports epoch 1 and the server's lrviz_sync echo comes back.
    root = page.locator('[data-testid="lrviz-player"]')
    assert root.get_attribute("data-server-epoch") == "0"
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"lrviz-player\"]')"
        ".dataset.serverEpoch === '1'",
        timeout=30_000,
    )
    page.goto("about:blank")  # closes the websocket, so nginx logs it
    deadline = time.monotonic() + 10
    while not any(uri.endswith("/_stcore/stream") for _, _, _, uri in running.entries()):
        assert time.monotonic() < deadline, "nginx never logged the websocket"
        time.sleep(0.1)
    log = running.entries()
    stream = [e for e in log if e[3] == f"/{PREFIX}/_stcore/stream"]
    assert [e[2] for e in stream] == [101]  # upgraded to a websocket, through the proxy
    key = stream[0][0]
    mine = [e for e in log if e[0] == key]
    uris = {e[3] for e in mine}
    assert f"/{PREFIX}/" in uris and PLOTLY in uris and f"/{PREFIX}/_stcore/host-config" in uris
    # Every request of this browser (page, scripts, plotly.js, websocket) reached one replica.
    assert {e[1] for e in mine} <= set(replicas) and len({e[1] for e in mine}) == 1
    assert all(e[2] in (101, 200, 304) for e in mine), mine


def test_each_browser_keeps_its_replica_and_browsers_spread_over_both(
    proxy: tuple[Proxy, tuple[str, str]],
) -> None:
    running, replicas = proxy
    health = running.url + "_stcore/health"
    first: dict[str, str] = {}  # replica -> the cookie of a browser it was given
    for _ in range(64):  # a fresh browser lands on either replica: both show within a few
        before = len(running.entries())
        status, cookie, body = get(health)
        assert (status, body) == (200, b"ok") and cookie.startswith(f"{COOKIE}=")
        replica = running.entries_after(before, 1)[0][1]
        first.setdefault(replica, cookie)
        if len(first) == 2:
            break
    assert set(first) == set(replicas)
    for replica, cookie in first.items():
        before = len(running.entries())
        for _ in range(5):
            status, again, _ = get(health, cookie)
            assert status == 200 and again == ""  # the proxy sets the cookie only once
        assert {e[1] for e in running.entries_after(before, 5)} == {replica}


def test_the_bare_prefix_redirects_and_the_health_check_answers_under_it(
    proxy: tuple[Proxy, tuple[str, str]],
) -> None:
    running, _ = proxy
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(running.url + "_stcore/health", timeout=20) as response:
        assert response.read() == b"ok"

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    bare = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect())
    with pytest.raises(urllib.error.HTTPError) as moved:
        bare.open(f"http://127.0.0.1:{running.port}/{PREFIX}", timeout=20)
    assert moved.value.code == 301
    assert moved.value.headers["Location"].endswith(f"/{PREFIX}/")
