"""Capacity without browsers: N sessions speak Streamlit's websocket protocol to one lrviz server.

Usage: python benchmarks/load_protocol.py [--sessions 100] [--join-seconds 20] [--steps 20]
           [--think 1.0] [--burst 100] [--assets all|none] [--server-args "..."]
           [--url http://127.0.0.1:PORT/base/] [--max-seconds 900]
       python benchmarks/load_protocol.py --compare     # one real Chromium tab beside one client

Each session does what a browser tab does, message for message, with no browser:

  load   GET the page and the files it names (its JS and CSS), /_stcore/health (which sets the
         XSRF cookie) and /_stcore/host-config; open the websocket /_stcore/stream with the
         subprotocols a tab offers ("streamlit", the XSRF token) and the same Origin; send the
         first rerun_script (empty widget states, the page's query string, the tab's context
         info); read ForwardMsgs until script_finished; fetch plotly.js from the URL in the
         player's payload, as the player does.
  Step   what the player sends when playback comes to rest one epoch later: a rerun_script
         holding every mounted widget's state, as Streamlit's frontend keeps them (defaults,
         values the server set, the player's component state {"cursor": {"run", "epoch"}}),
         the query string the app last wrote, the page's script hash, the fragment of the player
         when it sits in one, and the hashes of the cached ForwardMsgs (the frontend's cache,
         with its expiry after global.maxCachedMessageAge runs). Done when the run has finished
         and the lrviz_sync echo says the server is at the new epoch.

Widget states are derived from the element protos the server sends (checkbox, toggle,
selectbox, radio, number_input, slider, select_slider, file_uploader, bidi components); a widget
of another kind is reported, never guessed. `--compare` checks the derivation: it captures the
Step BackMsg a real headless Chromium tab sends and prints it beside the client's, field by
field, with the requests and ForwardMsgs of each.

Scenario: a warm-up session loads and leaves; N sessions join spread over --join-seconds; once
all are in, each presses Step --steps times with a think time of 0.5-1.5x --think seconds; they
close; then --burst new sessions load at once (a lecture's first minute). Printed: Step round
trip p50/p95/max, load times, errors, server RSS per session, server CPU per Step and per page
load (user+system time of the server process from /proc), the client's own CPU, the burst's
wall time and CPU. Targets (issue 12): 100 sessions, p95 Step <= 300 ms, 0 errors, <= 10 MB per
session; printed, not asserted.

Only 127.0.0.1 is contacted (a --url elsewhere is refused); every wait is bounded by
--wait-seconds and the whole run by --max-seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import http.cookiejar
import json
import os
import random
import re
import sys
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from google.protobuf.json_format import MessageToDict
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.e2e.browser import LOCAL_HOSTS, app_path, serve_app  # noqa: E402

PLAYER = "lrviz_player"
SYNC = "lrviz_sync"
# ScriptFinishedStatus: FINISHED_SUCCESSFULLY, FINISHED_WITH_COMPILE_ERROR,
# FINISHED_EARLY_FOR_RERUN, FINISHED_FRAGMENT_RUN_SUCCESSFULLY.
DONE, COMPILE_ERROR, EARLY, FRAGMENT_DONE = 0, 1, 2, 3
# What Debian's headless Chromium reports in its context info on this machine (see --compare).
CONTEXT = {"timezone": "UTC", "timezone_offset": 0, "locale": "en-US", "color_scheme": "light"}
ASSET = re.compile(r'(?:src|href)="([^"]+\.(?:js|css))"')
# The plotly.js a tab loads at once: the cartesian bundle (the full one only for the 3D bowl).
PLOTLY_URL = re.compile(rb'"([^"]*/component/[^"]*plotlyjs_cartesian/plotly-cartesian\.min\.js)"')


class ProtocolError(RuntimeError):
    """The server did something a tab would show as an error, or a wait ran out."""


# ---------------------------------------------------------------- HTTP, as the page loads


class Http:
    """Blocking GETs run in a thread pool, one cookie jar per session, never through a proxy."""

    def __init__(self, workers: int) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="http")

    async def get(
        self, url: str, jar: http.cookiejar.CookieJar, timeout: float
    ) -> tuple[int, bytes]:
        """(status, body decoded from gzip/deflate) of GET url; the jar keeps its cookies."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, _get, url, jar, timeout)

    def close(self) -> None:
        """Stop the pool's threads."""
        self.pool.shutdown(wait=False, cancel_futures=True)


def _get(url: str, jar: http.cookiejar.CookieJar, timeout: float) -> tuple[int, bytes]:
    if urlsplit(url).hostname not in LOCAL_HOSTS:
        raise ProtocolError(f"refusing a request off this machine: {url}")
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar)
    )
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, deflate"})
    try:
        with opener.open(request, timeout=timeout) as response:
            body, coding = response.read(), response.headers.get("Content-Encoding", "")
            status = response.status
    except urllib.error.HTTPError as error:
        return error.code, b""
    if coding == "gzip":
        body = gzip.decompress(body)
    elif coding == "deflate":
        body = zlib.decompress(body)
    return status, body


def cookie(jar: http.cookiejar.CookieJar, name: str) -> str | None:
    """The value of cookie name in jar, if any."""
    return next((c.value for c in jar if c.name == name), None)


# ---------------------------------------------------------------- a tab's state


@dataclass
class Widget:
    """A mounted widget: its id, kind, the fragment and script run that drew it."""

    id: str
    kind: str
    fragment: str
    run: str


@dataclass
class Tab:
    """One browser tab's view of its session, built from the ForwardMsgs it has received."""

    base: str  # http://127.0.0.1:PORT/<baseUrlPath>/
    query: str = ""
    ws: ClientConnection | None = None
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)
    nodes: dict[tuple[int, ...], Widget] = field(default_factory=dict)
    states: dict[str, WidgetState] = field(default_factory=dict)  # the frontend's widget states
    cache: dict[str, tuple[bytes, int, str]] = field(default_factory=dict)  # hash: msg, run, frag
    cache_runs: int = 0
    max_age: int = 2
    new_session: bool = False
    page_hash: str = ""
    run_id: str = ""
    run_fragments: tuple[str, ...] = ()
    finished: int = 0  # script runs finished (not early), as counted by the page
    last_status: int = -1
    echo: dict[str, object] = field(default_factory=dict)
    plotly_url: str | None = None
    unknown_widgets: set[str] = field(default_factory=set)
    exceptions: list[str] = field(default_factory=list)
    received: list[tuple[float, int, str]] = field(default_factory=list)  # (time, bytes, type)
    sent: list[BackMsg] = field(default_factory=list)
    requests: list[tuple[str, int, int]] = field(default_factory=list)  # (url, status, bytes)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    reader: asyncio.Task[None] | None = None
    closed: str = ""

    # ----- receiving

    def receive(self, raw: bytes) -> None:
        """Apply one ForwardMsg as the frontend does (cache, elements, widgets, run state)."""
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type") or ""
        self.received.append((time.monotonic(), len(raw), kind))
        if kind == "ref_hash":
            entry = self.cache.get(msg.ref_hash)
            if entry is None:
                raise ProtocolError(f"cached ForwardMsg miss {msg.ref_hash}")
            self.cache[msg.ref_hash] = (entry[0], self.cache_runs, entry[2])
            metadata = msg.metadata
            msg = ForwardMsg()
            msg.ParseFromString(entry[0])
            msg.metadata.CopyFrom(metadata)
            kind = msg.WhichOneof("type") or ""
        elif msg.metadata.cacheable and msg.hash:
            entry = self.cache.get(msg.hash)
            if entry is None:
                fragment = msg.delta.fragment_id if kind == "delta" else ""
                self.cache[msg.hash] = (raw, self.cache_runs, fragment)
            else:  # sent again in full: the frontend only refreshes the entry's age
                self.cache[msg.hash] = (entry[0], self.cache_runs, entry[2])
        if kind == "new_session":
            # Deltas carry no run of their own: they belong to the run this message opened.
            self.run_id = msg.metadata.run.script_run_id
            self.run_fragments = tuple(msg.metadata.run.fragment_ids)
            self.new_session = True
            self.max_age = msg.new_session.config.max_cached_message_age or self.max_age
            self.page_hash = msg.new_session.page_script_hash
        elif kind == "delta":
            self._delta(msg)
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "script_finished":
            self._finished(msg)

    def _delta(self, msg: ForwardMsg) -> None:
        path = tuple(msg.metadata.delta_path)
        delta = msg.delta
        run = self.run_id
        if delta.WhichOneof("type") != "new_element":
            self.nodes.pop(path, None)  # a block (or transient) now holds this place
            return
        for other in [p for p in self.nodes if p[: len(path)] == path and p != path]:
            del self.nodes[other]  # an element replaced the block these sat in
        element = delta.new_element
        kind = element.WhichOneof("type") or ""
        if kind == "exception":
            self.exceptions.append(element.exception.message[:200])
        if kind == "bidi_component":
            self._component(element.bidi_component)
        state = widget_state(element)
        widget_id = getattr(getattr(element, kind, None), "id", "") if kind else ""
        if (state is None and not widget_id) or kind in STATELESS:
            self.nodes.pop(path, None)
            return
        self.nodes[path] = Widget(widget_id, kind, delta.fragment_id, run)
        if state is not None:
            # The frontend keeps a mounted widget's value across runs unless the server sets one.
            kept = widget_id in self.states and not getattr(getattr(element, kind), "set_value", 0)
            if not kept:
                self.states[widget_id] = state
        elif kind not in STATE_LATER:
            self.unknown_widgets.add(kind)

    def _component(self, proto: object) -> None:
        wid = getattr(proto, "id", "")
        if wid.endswith("-" + SYNC) and proto.WhichOneof("data") == "json":  # type: ignore[attr-defined]
            self.echo = json.loads(proto.json)  # type: ignore[attr-defined]
        elif wid.endswith("-" + PLAYER) and proto.WhichOneof("data") == "bytes":  # type: ignore[attr-defined]
            found = PLOTLY_URL.search(proto.bytes)  # type: ignore[attr-defined]
            if found:
                self.plotly_url = found.group(1).decode()

    def _finished(self, msg: ForwardMsg) -> None:
        status = msg.script_finished
        self.last_status = status
        if status == EARLY:
            return
        run, fragments = msg.metadata.run.script_run_id, tuple(msg.metadata.run.fragment_ids)
        if status in (DONE, FRAGMENT_DONE) and (fragments or run == self.run_id):
            # clearStaleNodes: drop what this run (or these fragments) did not draw again.
            for path, widget in list(self.nodes.items()):
                if widget.run != run and (not fragments or widget.fragment in fragments):
                    del self.nodes[path]
            active = {w.id for w in self.nodes.values()}
            self.states = {k: v for k, v in self.states.items() if k in active}
        if self.new_session:  # incrementMessageCacheRunCount
            self.cache_runs += 1
            for key, (_, used, fragment) in list(self.cache.items()):
                if fragments and fragment not in fragments:
                    continue
                if self.cache_runs - used > self.max_age:
                    del self.cache[key]
        self.finished += 1

    # ----- sending

    def rerun(self, fragment: str = "", first: bool = False) -> BackMsg:
        """The rerun_script BackMsg the tab would send now."""
        msg = BackMsg()
        rs = msg.rerun_script
        rs.widget_states.SetInParent()
        if not first:
            active = {w.id for w in self.nodes.values()}
            rs.widget_states.widgets.extend(v for k, v in self.states.items() if k in active)
        rs.query_string = self.query
        rs.page_script_hash = "" if first else self.page_hash
        if fragment:
            rs.fragment_id = fragment
        rs.cached_message_hashes.extend(self.cache)
        info = rs.context_info
        info.timezone = str(CONTEXT["timezone"])
        info.timezone_offset = int(CONTEXT["timezone_offset"])  # type: ignore[call-overload]
        info.locale = str(CONTEXT["locale"])
        info.url = self.base
        info.is_embedded = False
        info.color_scheme = str(CONTEXT["color_scheme"])
        return msg

    async def send(self, msg: BackMsg) -> None:
        """Send msg (and forget the new-session flag, as the frontend does)."""
        assert self.ws is not None
        self.new_session = False
        self.sent.append(msg)
        await self.ws.send(msg.SerializeToString())

    async def wait(self, done: Callable[[], bool], timeout: float, what: str) -> None:
        """Wait until done() holds, reading messages meanwhile; ProtocolError after timeout."""
        deadline = time.monotonic() + timeout
        while not done():
            if self.closed:
                raise ProtocolError(f"websocket closed while waiting for {what}: {self.closed}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise ProtocolError(f"no {what} within {timeout:.0f} s")
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except TimeoutError:
                continue

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for raw in self.ws:
                if isinstance(raw, bytes):
                    self.receive(raw)
                self.changed.set()
        except ConnectionClosed as closed:
            self.closed = f"code {closed.code}"
        except Exception as error:  # a bad message ends this tab, counted as an error
            self.closed = f"{type(error).__name__}: {error}"
        self.closed = self.closed or "closed by the server"
        self.changed.set()

    # ----- what a user does

    async def load(self, http: Http, assets: Sequence[str] | None, timeout: float) -> float:
        """Open the page like a tab with a cold cache; seconds until the first run finished.

        assets: the files to fetch besides the page, as paths under the base URL (a real tab's,
        from record_assets), or None for the page, the files it names and plotly.js; an empty
        list for none at all (a warm cache).
        """
        start = time.monotonic()
        if assets is None or assets:
            url = self.base + (f"?{self.query}" if self.query else "")
            status, page = await self._fetch(http, url, timeout)
            if status != 200:
                raise ProtocolError(f"page answered HTTP {status}")
            names = assets or list(dict.fromkeys(ASSET.findall(page.decode("utf-8", "replace"))))
            for name in names:
                await self._fetch(http, urljoin(self.base, name), timeout)
        for route in ("_stcore/health", "_stcore/host-config"):
            status, _ = await self._fetch(http, self.base + route, timeout)
            if status != 200:
                raise ProtocolError(f"{route} answered HTTP {status}")
        parts = urlsplit(self.base)
        ws_url = f"ws://{parts.netloc}{parts.path}_stcore/stream"
        xsrf = cookie(self.jar, "_streamlit_xsrf") or "PLACEHOLDER_AUTH_TOKEN"
        jar_header = "; ".join(f"{c.name}={c.value}" for c in self.jar)
        self.ws = await connect(
            ws_url,
            origin=f"{parts.scheme}://{parts.netloc}",  # type: ignore[arg-type]
            subprotocols=["streamlit", xsrf],  # type: ignore[list-item]
            additional_headers={"Cookie": jar_header} if jar_header else None,
            proxy=None,
            max_size=None,
            ping_interval=None,
            open_timeout=timeout,
        )
        self.reader = asyncio.create_task(self._read())
        await self.send(self.rerun(first=True))
        await self.wait(lambda: self.finished >= 1, timeout, "first script run")
        self._check()
        if (assets is None or assets) and self.plotly_url:
            where = f"{parts.scheme}://{parts.netloc}{self.plotly_url}"
            status, _ = await self._fetch(http, where, timeout)
            if status != 200:
                raise ProtocolError(f"plotly.js answered HTTP {status}")
        return time.monotonic() - start

    async def step(self, timeout: float) -> float:
        """Step one epoch as the player does; ms until the run finished and the echo agrees."""
        run, epoch = self.echo.get("run"), self.echo.get("epoch")
        if not isinstance(run, str) or not isinstance(epoch, int):
            raise ProtocolError(f"no lrviz_sync echo to step from: {self.echo}")
        player = next((w for w in self.nodes.values() if w.id.endswith("-" + PLAYER)), None)
        if player is None:
            raise ProtocolError("no player on the page")
        cursor = {"cursor": {"run": run, "epoch": epoch + 1}}
        state = WidgetState(id=player.id, json_value=json.dumps(cursor, separators=(",", ":")))
        self.states[player.id] = state
        before = self.finished
        start = time.monotonic()
        await self.send(self.rerun(player.fragment))
        await self.wait(
            lambda: self.finished > before and self.echo == {"run": run, "epoch": epoch + 1},
            timeout,
            f"echo of epoch {epoch + 1}",
        )
        self._check()
        return 1000 * (time.monotonic() - start)

    def _check(self) -> None:
        if self.exceptions:
            raise ProtocolError(f"Streamlit exception on the page: {self.exceptions[0]}")
        if self.last_status == COMPILE_ERROR:
            raise ProtocolError("the script failed to compile")

    async def _fetch(self, http: Http, url: str, timeout: float) -> tuple[int, bytes]:
        status, body = await http.get(url, self.jar, timeout)
        self.requests.append((url, status, len(body)))
        return status, body

    async def close(self) -> None:
        """Close the websocket, as closing the tab does."""
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.wait([self.reader], timeout=5)


# Element kinds that never hold widget state, and kinds whose state the frontend sets only
# after the user acts (a click, an edit, a component's setStateValue).
STATELESS = frozenset({"button", "download_button", "link_button", "page_link"})
STATE_LATER = frozenset({"bidi_component", "arrow_data_frame", "button_group"})
UNKNOWN: set[str] = set()  # element kinds with an id whose state is not derived (reported)


def widget_state(element: object) -> WidgetState | None:
    """The WidgetState the frontend keeps for a freshly drawn widget element, None if none.

    The frontend starts a widget from the value the server set (set_value) or else its default,
    and sends option widgets' values as the option text.
    """
    kind = element.WhichOneof("type")  # type: ignore[attr-defined]
    proto = getattr(element, kind or "", None)
    if proto is None:
        return None
    state = WidgetState(id=getattr(proto, "id", ""))
    if kind == "checkbox":
        state.bool_value = proto.value if proto.set_value else proto.default
    elif kind in ("selectbox", "radio"):
        if proto.set_value and proto.HasField("raw_value"):
            state.string_value = proto.raw_value
        elif proto.HasField("default"):
            state.string_value = proto.options[proto.default]
        else:
            return None
    elif kind == "number_input":
        value = proto.value if proto.set_value and proto.HasField("value") else proto.default
        if not proto.HasField("default") and not proto.set_value:
            return None
        if proto.data_type == type(proto).INT:
            state.int_value = int(value)
        else:
            state.double_value = value
    elif kind == "slider":
        values = list(proto.value if proto.set_value and proto.value else proto.default)
        if proto.type != type(proto).SELECT_SLIDER:
            state.double_array_value.data.extend(values)
        elif proto.set_value and proto.raw_value:
            state.string_array_value.data.extend(proto.raw_value)  # the options' text
        else:
            state.string_array_value.data.extend(proto.options[int(i)] for i in values)
    elif kind == "file_uploader":
        state.file_uploader_state_value.SetInParent()
    else:
        return None
    return state


# ---------------------------------------------------------------- the server process


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process pid so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of process pid, MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def own_cpu() -> float:
    """User + system CPU seconds of this client process (all its threads)."""
    t = os.times()
    return t.user + t.system


def pct(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


# ---------------------------------------------------------------- the scenario


@dataclass
class Session:
    """What one protocol session measured."""

    index: int
    load_s: float = float("nan")
    step_ms: list[float] = field(default_factory=list)
    step_bytes: list[int] = field(default_factory=list)
    step_msgs: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Barrier:
    """Every live session arrives before any goes on; a failed session leaves."""

    def __init__(self, parties: int) -> None:
        self.parties, self.arrived, self.event = parties, 0, asyncio.Event()

    def leave(self) -> None:
        """A session that failed will not arrive."""
        self.parties -= 1
        if self.arrived >= self.parties:
            self.event.set()

    async def wait(self, timeout: float) -> None:
        """Arrive and wait for the others."""
        self.arrived += 1
        if self.arrived >= self.parties:
            self.event.set()
        await asyncio.wait_for(self.event.wait(), timeout)


async def run_session(
    s: Session, args: argparse.Namespace, http: Http, phases: list[Barrier]
) -> None:
    """One student: load, wait for everyone, Step --steps times, wait, close."""
    rng = random.Random(s.index)
    tab = Tab(args.url)
    passed = 0
    try:
        s.load_s = await tab.load(http, args.asset_list, args.wait_seconds)
        passed += 1
        await phases[0].wait(args.max_seconds)
        for _ in range(args.steps):
            await asyncio.sleep(args.think * rng.uniform(0.5, 1.5))
            mark = len(tab.received)
            s.step_ms.append(await tab.step(args.wait_seconds))
            s.step_bytes.append(sum(n for _, n, _ in tab.received[mark:]))
            s.step_msgs.append(len(tab.received) - mark)
        passed += 1
        await phases[1].wait(args.max_seconds)
    except Exception as error:  # a failed session is counted, not fatal
        s.errors.append(f"{type(error).__name__}: {str(error)[:200]}")
    finally:
        for phase in phases[passed:]:
            phase.leave()
        UNKNOWN.update(tab.unknown_widgets)
        await tab.close()


async def burst(args: argparse.Namespace, http: Http, pid: int) -> dict[str, float]:
    """--burst sessions load at the same moment; wall time, load times, server CPU."""
    tabs = [Tab(args.url) for _ in range(args.burst)]
    cpu0, wall0, own0 = cpu_seconds(pid), time.monotonic(), own_cpu()
    results = await asyncio.gather(
        *(t.load(http, args.asset_list, args.wait_seconds) for t in tabs),
        return_exceptions=True,
    )
    wall, cpu, own = time.monotonic() - wall0, cpu_seconds(pid) - cpu0, own_cpu() - own0
    loads = [r for r in results if isinstance(r, float)]
    errors = [r for r in results if not isinstance(r, float)]
    await asyncio.gather(*(t.close() for t in tabs))
    return {
        "n": float(len(tabs)),
        "wall": wall,
        "cpu": cpu,
        "own": own,
        "p50": pct(loads, 0.5),
        "p95": pct(loads, 0.95),
        "max": max(loads, default=float("nan")),
        "errors": float(len(errors)),
        "first_error": str(errors[0])[:200] if errors else "",  # type: ignore[dict-item]
    }


async def measure(args: argparse.Namespace, pid: int) -> dict[str, object]:
    """The whole scenario; returns what report() prints."""
    http = Http(workers=min(64, 2 * args.sessions + 4))
    out: dict[str, object] = {}
    try:
        warm = Tab(args.url)
        await warm.load(http, args.asset_list, args.wait_seconds)
        await warm.step(args.wait_seconds)
        await warm.close()
        await asyncio.sleep(2)
        out["rss_before"] = rss_mb(pid)
        sessions = [Session(i) for i in range(args.sessions)]
        phases = [Barrier(args.sessions), Barrier(args.sessions)]
        marks: dict[str, tuple[float, float, float]] = {}

        def mark(name: str) -> None:
            marks[name] = (time.monotonic(), cpu_seconds(pid), own_cpu())

        async def watch() -> None:
            await phases[0].event.wait()
            mark("joined")
            out["rss_joined"] = rss_mb(pid)
            await phases[1].event.wait()
            mark("stepped")
            out["rss_stepped"] = rss_mb(pid)

        mark("start")
        watcher = asyncio.create_task(watch())
        gap = args.join_seconds / max(args.sessions - 1, 1)
        tasks = []
        for s in sessions:
            tasks.append(asyncio.create_task(run_session(s, args, http, phases)))
            await asyncio.sleep(gap)
        await asyncio.gather(*tasks)
        await asyncio.wait([watcher], timeout=5)
        out["sessions"], out["marks"] = sessions, marks
        await asyncio.sleep(2)
        out["rss_closed"] = rss_mb(pid)
        if args.burst:
            out["burst"] = await burst(args, http, pid)
            out["rss_burst"] = rss_mb(pid)
    finally:
        http.close()
    return out


def report(args: argparse.Namespace, out: dict[str, object]) -> None:
    """Print the figures."""
    sessions: list[Session] = out["sessions"]  # type: ignore[assignment]
    marks: dict[str, tuple[float, float, float]] = out["marks"]  # type: ignore[assignment]
    n = len(sessions)
    steps = [v for s in sessions for v in s.step_ms]
    loads = [s.load_s for s in sessions if s.load_s == s.load_s]
    errors = [(s.index, e) for s in sessions for e in s.errors]
    print()
    flags = f" [server: {args.server_args}]" if args.server_args else ""
    print(
        f"lrviz protocol load{flags}: {n} sessions joining over {args.join_seconds:.0f} s, "
        f"{args.steps} Steps each (think {args.think} s), page assets: {args.assets}; "
        f"client and server share {os.cpu_count()} cores"
    )
    print(f"\n{'measure':<36}{'p50':>9}{'p95':>9}{'max':>9}{'count':>8}")
    rows = [
        ("page load to first run done (s)", loads),
        ("Step round trip: sent -> echo (ms)", steps),
        ("Step: bytes received", [float(v) for s in sessions for v in s.step_bytes]),
        ("Step: ForwardMsgs received", [float(v) for s in sessions for v in s.step_msgs]),
    ]
    for name, values in rows:
        top = max(values) if values else float("nan")
        print(
            f"{name:<36}{pct(values, 0.5):>9.1f}{pct(values, 0.95):>9.1f}{top:>9.1f}"
            f"{len(values):>8}"
        )
    print(f"\nerrors: {len(errors)} in {sum(1 for s in sessions if s.errors)} of {n} sessions")
    for index, text in errors[:10]:
        print(f"  session {index}: {text}")

    def span(a: str, b: str) -> tuple[float, float, float] | None:
        if a not in marks or b not in marks:
            return None
        wall = marks[b][0] - marks[a][0]
        return wall, marks[b][1] - marks[a][1], marks[b][2] - marks[a][2]

    joined = span("start", "joined")
    if joined:
        wall, cpu, own = joined
        print(
            f"joining:  {wall:.1f} s, server CPU {cpu:.1f} s ({cpu / wall:.2f} cores), "
            f"{1000 * cpu / max(len(loads), 1):.0f} ms per page load; client {own / wall:.2f} cores"
        )
    stepped = span("joined", "stepped")
    if stepped:
        wall, cpu, own = stepped
        print(
            f"stepping: {wall:.1f} s, {len(steps) / wall:.1f} Steps/s, server CPU {cpu:.1f} s "
            f"({cpu / wall:.2f} cores), {1000 * cpu / max(len(steps), 1):.1f} ms per Step; "
            f"client {own / wall:.2f} cores"
        )
    before = float(out["rss_before"])  # type: ignore[arg-type]
    after = float(out.get("rss_stepped", float("nan")))  # type: ignore[arg-type]
    per = (after - before) / n
    print(
        f"server RSS: {before:.0f} MB after warm-up, "
        f"{float(out.get('rss_joined', float('nan'))):.0f} MB with {n} joined, "  # type: ignore[arg-type]
        f"{after:.0f} MB after stepping, {float(out['rss_closed']):.0f} MB after all closed; "  # type: ignore[arg-type]
        f"{per:.2f} MB per session"
    )
    b: dict[str, float] | None = out.get("burst")  # type: ignore[assignment]
    if b:
        print(
            f"burst of {b['n']:.0f} first loads at once: all in after {b['wall']:.1f} s "
            f"(load p50 {b['p50']:.1f} s, p95 {b['p95']:.1f} s, max {b['max']:.1f} s), "
            f"{b['errors']:.0f} errors; server CPU {b['cpu']:.1f} s = "
            f"{1000 * b['cpu'] / b['n']:.0f} ms per load; client CPU {b['own']:.1f} s; "
            f"server RSS then {float(out['rss_burst']):.0f} MB"  # type: ignore[arg-type]
        )
        if b["errors"]:
            print(f"  first burst error: {b['first_error']}")
    print(f"load average at the end: {Path('/proc/loadavg').read_text().split()[:3]}")
    if UNKNOWN:
        print(f"elements with an id and no derived state (see --compare): {sorted(UNKNOWN)}")
    p95 = pct(steps, 0.95)
    print()
    for name, ok, value in [
        ("sessions", n >= 100, f"{n} (goal 100)"),
        ("Step p95 <= 300 ms", p95 <= 300, f"{p95:.0f} ms"),
        ("zero errors", not errors, str(len(errors))),
        ("<= 10 MB per session", per <= 10, f"{per:.2f} MB"),
    ]:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {value}")


# ---------------------------------------------------------------- fidelity: a real tab beside


def flatten(msg: BackMsg) -> dict[str, object]:
    """A rerun_script BackMsg as {field: value}; widget states keyed by widget id."""
    rs = MessageToDict(msg.rerun_script, preserving_proto_field_name=True)
    widgets = rs.pop("widget_states", {}).get("widgets", [])
    flat: dict[str, object] = {}
    for key, value in rs.items():
        if key == "cached_message_hashes":
            flat[key] = f"{len(value)} hashes: " + ", ".join(sorted(value))
        elif key == "context_info":
            flat.update({f"context_info.{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    for w in widgets:
        wid = w.pop("id")
        flat[f"widget {wid}"] = json.dumps(w, sort_keys=True)
    return flat


def record_assets(url: str, timeout: float) -> list[str]:
    """The files a real headless Chromium tab fetches from the server while it opens the app
    (Streamlit's JS chunks, CSS, fonts, icons...), as paths under url; the page itself, the
    health check, host config, websocket and plotly.js excluded (a Tab asks for those itself).
    """
    from tests.e2e.browser import chromium, open_page, wait_for_app

    seen: list[str] = []
    with chromium() as browser, open_page(browser) as watched:
        page = watched.page
        page.on("request", lambda r: seen.append(r.url))
        page.goto(url)
        wait_for_app(page, timeout * 1000)
        page.wait_for_function(
            "() => { const r = document.querySelector('[data-testid=\"lrviz-player\"]');"
            " return r && r.dataset.serverRun && r.dataset.run === r.dataset.serverRun; }",
            timeout=timeout * 1000,
        )
        page.wait_for_timeout(1000)
    return asset_paths(url, seen)


def asset_paths(url: str, seen: Sequence[str]) -> list[str]:
    """The URLs of seen under url, as paths under it, once each; without the page itself, the
    health check, host config, websocket and plotly.js."""
    paths = []
    for found in seen:
        plotly = found.endswith(("/plotly.min.js", "/plotly-cartesian.min.js"))
        if not found.startswith(url) or "_stcore/" in found or plotly:
            continue
        rest = found[len(url) :]
        if rest and not rest.startswith("?"):
            paths.append(rest)
    return list(dict.fromkeys(paths))


def compare(url: str, timeout: float, pid: int | None = None) -> int:
    """Load and Step twice in headless Chromium and with the client; print both sides' messages
    field by field, and (given the server's pid) the server CPU each side's load and Steps took.
    """
    from tests.e2e.browser import chromium, open_page, wait_for_app

    def cpu() -> float:
        return cpu_seconds(pid) if pid is not None else float("nan")

    async def warm_up() -> None:  # imports and caches: neither side pays for the first visit
        http = Http(4)
        tab = Tab(url)
        try:
            await tab.load(http, None, timeout)
        finally:
            await tab.close()
            http.close()

    asyncio.run(warm_up())
    time.sleep(1)
    sent: list[bytes] = []
    got: list[int] = []
    requests: list[str] = []
    with chromium() as browser, open_page(browser) as watched:
        page = watched.page
        page.on("request", lambda r: requests.append(r.url))

        def on_ws(ws: object) -> None:
            ws.on("framesent", lambda p: sent.append(p if isinstance(p, bytes) else p.encode()))  # type: ignore[attr-defined]
            ws.on("framereceived", lambda p: got.append(len(p)))  # type: ignore[attr-defined]

        page.on("websocket", on_ws)
        chromium_cpu = [cpu()]
        page.goto(url)
        wait_for_app(page, timeout * 1000)
        page.wait_for_function(
            "() => { const r = document.querySelector('[data-testid=\"lrviz-player\"]');"
            " return r && r.dataset.serverRun && r.dataset.run === r.dataset.serverRun; }",
            timeout=timeout * 1000,
        )
        page.wait_for_timeout(1500)
        chromium_cpu.append(cpu())
        first_sent, first_got = len(sent), len(got)
        for epoch in (1, 2):  # the second Step shows what the first run left in the page
            page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "e => document.querySelector('[data-testid=\"lrviz-player\"]')"
                ".dataset.serverEpoch === String(e)",
                arg=epoch,
                timeout=timeout * 1000,
            )
            page.wait_for_timeout(1500)
        chromium_cpu.append(cpu())
        problems = list(watched.problems)
    browser_msgs = []
    for raw in sent:
        msg = BackMsg()
        msg.ParseFromString(raw)
        browser_msgs.append(msg)

    client_cpu = [cpu()]

    async def client() -> Tab:
        http = Http(4)
        tab = Tab(url)
        try:
            await tab.load(http, asset_paths(url, requests), timeout)
            await asyncio.sleep(1.5)
            client_cpu.append(cpu())
            tab.received.append((time.monotonic(), 0, "(mark)"))
            for _ in range(2):
                await tab.step(timeout)
                await asyncio.sleep(1.5)
            client_cpu.append(cpu())
        finally:
            await tab.close()
            http.close()
        return tab

    tab = asyncio.run(client())
    mark = next(i for i, r in enumerate(tab.received) if r[2] == "(mark)")
    print(f"BackMsgs sent: Chromium {[m.WhichOneof('type') for m in browser_msgs]}")
    print(f"               client   {[m.WhichOneof('type') for m in tab.sent]}")
    print(
        f"ForwardMsgs for the load: Chromium {first_got}, client {mark}; for two Steps: "
        f"Chromium {len(got) - first_got}, client {len(tab.received) - mark - 1}"
    )
    here = [r for r in requests if urlsplit(r).hostname in LOCAL_HOSTS]
    here = [r for r in here if "_stcore/stream" not in r]
    print(
        f"HTTP requests for the load: Chromium {len(here)}, client {len(tab.requests)} (the "
        "client fetches the files the Chromium tab fetched)"
    )
    if pid is not None:
        c, p = chromium_cpu, client_cpu
        print(
            f"server CPU for the load: Chromium {1000 * (c[1] - c[0]):.0f} ms, client "
            f"{1000 * (p[1] - p[0]):.0f} ms; per Step: Chromium {500 * (c[2] - c[1]):.0f} ms, "
            f"client {500 * (p[2] - p[1]):.0f} ms (after a warm-up visit; idle waits included)"
        )
    if tab.unknown_widgets:
        print(
            "elements with an id whose state the client does not derive (none is sent for "
            f"them; the comparison below shows whether a tab sends one): "
            f"{', '.join(sorted(tab.unknown_widgets))}"
        )
    if problems:
        print("problems in the Chromium tab: " + "; ".join(problems))
    differ = 0
    for label, theirs, ours in [
        ("first rerun (load)", browser_msgs[0], tab.sent[0]),
        ("first Step", browser_msgs[first_sent], tab.sent[1]),
        ("second Step", browser_msgs[first_sent + 1], tab.sent[2]),
    ]:
        a, b = flatten(theirs), flatten(ours)
        print(f"\n{label}: {len(a)} fields from Chromium, {len(b)} from the client")
        print(f"{'field':<72} same  value (Chromium | client when they differ)")
        for key in sorted(set(a) | set(b)):
            va, vb = a.get(key, "(absent)"), b.get(key, "(absent)")
            same = va == vb
            differ += not same
            shown = str(va) if same else f"{va} | {vb}"
            print(f"{key[:72]:<72} {'yes ' if same else 'NO  '}  {shown[:160]}")
    print(f"\n{differ} field(s) differ")
    return 1 if differ else 0


# ---------------------------------------------------------------- entry point


@contextmanager
def target(args: argparse.Namespace) -> Iterator[int | None]:
    """Start the server unless --url names one; yields its pid (None for --url)."""
    if args.url:
        if urlsplit(args.url).hostname not in LOCAL_HOSTS:
            raise SystemExit("--url must be on 127.0.0.1")
        args.url = args.url.rstrip("/") + "/"
        yield None
        return
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"lrviz-protocol-{os.getpid()}.log"
    with serve_app(args.app or app_path(), log_path=log, extra_args=args.server_args.split()) as s:
        args.url = s.url
        print(f"server log: {log}")
        yield s.process.pid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--join-seconds", type=float, default=20.0)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between Steps")
    parser.add_argument("--burst", type=int, default=100, help="first loads at once; 0: none")
    parser.add_argument(
        "--assets",
        choices=("chromium", "page", "none"),
        default="chromium",
        help="files each session fetches: those a real Chromium tab fetched (recorded once at "
        "the start), the page's own list, or none (a warm cache)",
    )
    parser.add_argument("--wait-seconds", type=float, default=60.0, help="limit of one wait")
    parser.add_argument("--max-seconds", type=float, default=900.0, help="limit of the run")
    parser.add_argument("--app", type=Path, default=None, help="default: streamlit_app.py")
    parser.add_argument("--server-args", default="", help="extra `streamlit run` flags")
    parser.add_argument("--url", default="", help="a running server on 127.0.0.1 instead")
    parser.add_argument("--compare", action="store_true", help="fidelity check against Chromium")
    args = parser.parse_args()
    if not 1 <= args.sessions <= 500 or not 0 <= args.burst <= 500 or not 0 <= args.steps <= 1000:
        parser.error("sessions 1..500, burst 0..500, steps 0..1000")
    with target(args) as pid:
        if args.compare:
            raise SystemExit(compare(args.url, args.wait_seconds, pid))
        if pid is None:
            parser.error("the load run measures the server's process: omit --url")
        args.asset_list = {"page": None, "none": []}.get(args.assets)
        if args.assets == "chromium":
            args.asset_list = record_assets(args.url, args.wait_seconds)
            print(
                f"a Chromium tab fetched {len(args.asset_list)} files besides the page, health "
                "check, host config and plotly.js: each session fetches them too"
            )
        try:
            out = asyncio.run(asyncio.wait_for(measure(args, pid), args.max_seconds))
        except TimeoutError:
            print(f"stopped after --max-seconds {args.max_seconds:.0f} s", file=sys.stderr)
            raise SystemExit(2) from None
        report(args, out)


if __name__ == "__main__":
    main()
