"""Fidelity check: a few real Chromium sessions against one lrviz server on 127.0.0.1.

Usage: python benchmarks/load_sessions.py [--sessions 5] [--browsers 2] [--steps 20]
           [--think 1.0] [--play-seconds 3] [--ramp 0.5] [--concurrent-loads 2]
           [--server-args "--runner.postScriptGC false"] [--max-seconds 900]
       python benchmarks/load_sessions.py --compare-protocol

Capacity (100 sessions) is measured by benchmarks/load_protocol.py, which speaks Streamlit's
protocol without browsers: on a 2-core machine, N Chromium renderers take the cores, so this
script measures the browsers more than the server. It stays for what only a browser shows: the
Step drawn on screen, Play, and what a real tab sends. `--compare-protocol` loads the app in one
headless Chromium tab and with one protocol-client session, Steps twice in each, and prints
their BackMsgs field by field (widget states, query string, page hash, cached-message hashes,
context info), with the ForwardMsgs and HTTP requests of each.

One Streamlit server; `--browsers` headless Chromium processes share the sessions round-robin,
each session a browser context of its own (own cookies, so its own Streamlit session, and its
own renderer process). Sessions load the app `--concurrent-loads` at a time (loading plotly.js
is the browsers' peak of work), wait until all have connected, then
presses → `--steps` times with a think time of 0.5-1.5x `--think` seconds between presses,
then plays for `--play-seconds` and pauses. Measured in each page (performance.now()):

  step draw    key-down -> the status line shows the new epoch (drawn in the browser)
  step send    key-down -> the epoch report leaves on the websocket
  server run   report sent -> the script run it caused has finished (websocket message)
  step echo    key-down -> the server's echo of the new epoch is in the page: the round trip
  pause echo   Space (pause) -> the server's echo equals the epoch on screen

Errors: failed loads, Streamlit exception boxes, console errors, uncaught page errors,
requests leaving this machine, waits that timed out, an echo that disagrees with the screen.
Server CPU is user+system time from /proc/<pid>/stat over wall time (1.00 = one core busy);
memory per session is the server's RSS with all sessions connected and stepped, minus its RSS
after one warm-up session had come and gone, divided by N. Browsers share the same two cores,
so every latency here includes waiting for the CPU behind N renderers.

Targets (issue 12, for the protocol client's 100 sessions): p95 Step <= 300 ms, zero errors,
<= 10 MB per session. Printed, not asserted. Nothing but 127.0.0.1 is contacted; every loop
and wait is bounded, and the run stops by itself (server and browsers included) after
--max-seconds at most.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.async_api import Browser, Route, async_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.e2e.browser import (  # noqa: E402  (the repo root is on the path only now)
    CHROMIUM_ARGS,
    FINISH_STATUS_JS,
    LOCAL_HOSTS,
    app_path,
    chromium_path,
    serve_app,
)

PLAYER = '[data-testid="lrviz-player"]'

# Installed before the app loads. Timestamps of key presses, of status-line changes, of the
# server's echo, of websocket sends, and of finished script runs (a ForwardMsg whose field 6,
# script_finished, is 0, 1 or 3; see RUN_COUNTER_JS in tests/e2e/browser.py).
PROBE_JS = """
(() => {
  const probe = window.__load = { keys: [], draws: [], echoes: [], sends: [], runs: [] };
  window.addEventListener('keydown', (e) => probe.keys.push([performance.now(), e.key]), true);
  const finish = FINISH_STATUS;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (!(event.data instanceof ArrayBuffer)) return;
        const status = finish(new Uint8Array(event.data));
        if (status === 0 || status === 1 || status === 3) probe.runs.push(performance.now());
      });
    }
    send(data) { probe.sends.push(performance.now()); return super.send(data); }
  };
  probe.watch = () => {
    const root = document.querySelector('[data-testid="lrviz-player"]');
    const epoch = root.querySelector('[data-field="epoch"]');
    new MutationObserver(() => probe.draws.push([performance.now(), Number(epoch.textContent)]))
      .observe(epoch, { childList: true, characterData: true, subtree: true });
    new MutationObserver(() => {
      probe.echoes.push([performance.now(), Number(root.dataset.serverEpoch)]);
    }).observe(root, { attributes: true, attributeFilter: ['data-server-epoch'] });
  };
})();
""".replace("FINISH_STATUS", FINISH_STATUS_JS.strip())

READY_JS = """
() => {
  const root = document.querySelector('[data-testid="lrviz-player"]');
  if (!root || !root.dataset.run || root.dataset.run !== root.dataset.serverRun) return false;
  return ['fit', 'contour', 'loss'].every((n) => {
    const gd = root.querySelector(`[data-plot="${n}"]`);
    return gd && gd.querySelector('.main-svg');
  });
}
"""

# After a key press at or after t0 that should show epoch `target`: the timestamps of the press,
# the status line showing target, the report leaving, the script run finishing, and the server's
# echo of target; null until all of them have happened.
STEP_JS = """
([t0, target]) => {
  const probe = window.__load;
  const key = (probe.keys.find((k) => k[0] >= t0) || [])[0];
  if (key === undefined) return null;
  const draw = (probe.draws.find((d) => d[0] >= key && d[1] === target) || [])[0];
  const echo = (probe.echoes.find((e) => e[0] >= key && e[1] === target) || [])[0];
  const send = probe.sends.find((t) => t >= key);
  const run = send === undefined ? undefined : probe.runs.find((t) => t >= send);
  if ([draw, echo, send, run].includes(undefined)) return null;
  return { key, draw, echo, send, run };
}
"""

# After Pause: once the server's echo equals the epoch on screen, the press and echo times.
PAUSE_JS = """
(t0) => {
  const probe = window.__load;
  const root = document.querySelector('[data-testid="lrviz-player"]');
  const shown = Number(root.querySelector('[data-field="epoch"]').textContent);
  const key = (probe.keys.find((k) => k[0] >= t0) || [])[0];
  if (key === undefined || root.dataset.serverEpoch !== String(shown)) return null;
  const echo = (probe.echoes.find((e) => e[0] >= key && e[1] === shown) || [])[0];
  return echo === undefined ? null : { key, echo, shown };
}
"""


@dataclass
class Session:
    """What one browser session measured."""

    index: int
    browser: int
    load_s: float = float("nan")
    draw_ms: list[float] = field(default_factory=list)
    send_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    echo_ms: list[float] = field(default_factory=list)
    pause_echo_ms: list[float] = field(default_factory=list)
    play_epochs_per_s: float = float("nan")
    errors: list[str] = field(default_factory=list)


def proc_stat(pid: int, children: bool = False) -> tuple[int, float]:
    """(parent pid, user+system CPU seconds) of a process, from /proc/<pid>/stat; with
    `children`, plus the CPU of its children that have exited (renderers of closed tabs)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(v) for v in fields[11 : 15 if children else 13])
    return int(fields[1]), ticks / os.sysconf("SC_CLK_TCK")


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def rss_mb(pid: int) -> float:
    """Resident set size of a process in MB, from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pss_mb(pid: int) -> float:
    """Proportional set size in MB (shared pages split among their users), or 0 if unreadable."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(root: int, skip: int) -> list[int]:
    """Every process below `root` (Playwright's driver, the browsers and their children),
    leaving out the subtree of `skip` (the app server)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = proc_stat(int(entry.name))[0]
            except (OSError, IndexError, ValueError):
                continue
    found: list[int] = []
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid != skip:
                found.append(pid)
                frontier.append(pid)
    return found


def clients_usage(server_pid: int) -> tuple[float, float]:
    """(CPU seconds, PSS MB) of all browser-side processes started by this script."""
    cpu = mem = 0.0
    for pid in descendants(os.getpid(), skip=server_pid):
        try:
            cpu += proc_stat(pid, children=True)[1]
            mem += pss_mb(pid)
        except (OSError, IndexError, ValueError):
            continue
    return cpu, mem


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def is_local(url: str) -> bool:
    """Whether a request stays on this machine (or is not a network request at all)."""
    parts = urlsplit(url)
    return parts.scheme not in {"http", "https", "ws", "wss"} or parts.hostname in LOCAL_HOSTS


class Phase:
    """A barrier: every live session arrives before any goes on (failed sessions leave)."""

    def __init__(self, parties: int) -> None:
        self.parties = parties
        self.arrived = 0
        self.event = asyncio.Event()

    def leave(self) -> None:
        """A session that failed will not arrive."""
        self.parties -= 1
        self._check()

    async def wait(self, timeout_s: float) -> None:
        """Arrive, and wait for the others."""
        self.arrived += 1
        self._check()
        await asyncio.wait_for(self.event.wait(), timeout_s)

    def _check(self) -> None:
        if self.arrived >= self.parties:
            self.event.set()


async def run_session(
    s: Session,
    browser: Browser,
    url: str,
    args: argparse.Namespace,
    phases: list[Phase],
    loading: asyncio.Semaphore,
) -> None:
    """One student: load, wait for everyone, step, play, pause."""
    rng = random.Random(s.index)
    context = await browser.new_context(
        viewport={"width": 1280, "height": 720}, service_workers="block"
    )
    arrived = 0
    try:
        await context.add_init_script(PROBE_JS)

        async def guard(route: Route) -> None:
            if is_local(route.request.url):
                await route.fallback()
            else:
                s.errors.append(f"request off this machine: {route.request.url}")
                await route.abort("blockedbyclient")

        await context.route("**/*", guard)
        page = await context.new_page()
        page.set_default_timeout(args.wait_seconds * 1000)
        page.on(
            "console",
            lambda msg: s.errors.append(f"console: {msg.text}") if msg.type == "error" else None,
        )
        page.on("pageerror", lambda err: s.errors.append(f"page error: {err}"))

        async with loading:  # a few pages load at a time: loading is the browsers' peak
            start = time.monotonic()
            await page.goto(url, timeout=args.wait_seconds * 1000)
            await page.wait_for_function(READY_JS, timeout=args.wait_seconds * 1000)
            s.load_s = time.monotonic() - start
        await page.evaluate("window.__load.watch()")
        arrived += 1
        await phases[0].wait(args.max_seconds)  # everyone connected: RSS is read now

        wait_ms = args.wait_seconds * 1000
        for i in range(args.steps):
            await asyncio.sleep(args.think * rng.uniform(0.5, 1.5))
            t0 = await page.evaluate("performance.now()")
            await page.keyboard.press("ArrowRight")
            handle = await page.wait_for_function(STEP_JS, arg=[t0, i + 1], timeout=wait_ms)
            t = await handle.json_value()
            s.draw_ms.append(t["draw"] - t["key"])
            s.send_ms.append(t["send"] - t["key"])
            s.server_ms.append(t["run"] - t["send"])
            s.echo_ms.append(t["echo"] - t["key"])
        arrived += 1
        await phases[1].wait(args.max_seconds)  # everyone stepped

        t0 = await page.evaluate("performance.now()")
        await page.keyboard.press(" ")  # Play
        await asyncio.sleep(args.play_seconds)
        t1 = await page.evaluate("performance.now()")
        await page.keyboard.press(" ")  # Pause
        handle = await page.wait_for_function(PAUSE_JS, arg=t1, timeout=wait_ms)
        t = await handle.json_value()
        s.pause_echo_ms.append(t["echo"] - t["key"])
        if t["shown"] <= args.steps:
            s.errors.append("Play did not move the epoch")
        draws = await page.evaluate("window.__load.draws")
        playing = [(when, e) for when, e in draws if t0 <= when < t["key"]]
        if len(playing) > 1:
            span = (playing[-1][0] - playing[0][0]) / 1000
            s.play_epochs_per_s = (len({e for _, e in playing}) - 1) / span if span else 0.0
        s.errors += [
            f"Streamlit exception: {text}"
            for text in await page.locator('[data-testid="stException"]').all_inner_texts()
        ]
        arrived += 1
        await phases[2].wait(args.max_seconds)  # everyone played: usage is read before closing
    except Exception as error:  # a failed session is counted, not fatal
        s.errors.append(f"{type(error).__name__}: {str(error).splitlines()[0][:200]}")
    finally:
        for phase in phases[arrived:]:
            phase.leave()
        await context.close()


async def warm_up(browser: Browser, url: str, timeout_s: float) -> None:
    """One session that loads the app and leaves: imports and caches are in place after it."""
    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = await context.new_page()
        await page.goto(url)
        await page.wait_for_function(READY_JS, timeout=timeout_s * 1000)
    finally:
        await context.close()


async def measure(args: argparse.Namespace, url: str, server_pid: int) -> dict[str, object]:
    """Drive the sessions; returns the sessions and the server and client usage figures."""
    out: dict[str, object] = {"load_start": load_average()}
    async with async_playwright() as pw:
        browsers = [
            await pw.chromium.launch(
                executable_path=str(chromium_path()), headless=True, args=list(CHROMIUM_ARGS)
            )
            for _ in range(min(args.browsers, args.sessions))
        ]
        await warm_up(browsers[0], url, args.wait_seconds)
        await asyncio.sleep(2)  # let the warm-up session's disconnect be handled
        out["rss_before"] = rss_mb(server_pid)
        sessions = [Session(i, i % len(browsers)) for i in range(args.sessions)]
        phases = [Phase(args.sessions) for _ in range(3)]
        loading = asyncio.Semaphore(args.concurrent_loads)
        marks: dict[str, tuple[float, float, float, float, float]] = {}

        def mark(name: str) -> None:
            cpu, mem = clients_usage(server_pid)
            now = (time.monotonic(), proc_stat(server_pid)[1], cpu, mem, machine_busy())
            marks[name] = now

        async def watch_phases() -> None:
            await phases[0].event.wait()
            out["rss_connected"] = rss_mb(server_pid)
            mark("connected")
            await phases[1].event.wait()
            out["rss_stepped"] = rss_mb(server_pid)
            mark("stepped")
            await phases[2].event.wait()
            mark("played")

        mark("start")
        watcher = asyncio.create_task(watch_phases())
        tasks = []
        for s in sessions:
            tasks.append(
                asyncio.create_task(run_session(s, browsers[s.browser], url, args, phases, loading))
            )
            await asyncio.sleep(args.ramp)
        await asyncio.gather(*tasks)
        watcher.cancel()
        out["client_pss_end"] = marks["played"][3] if "played" in marks else float("nan")
        for browser in browsers:
            await browser.close()
    await asyncio.sleep(2)
    out["rss_after_close"] = rss_mb(server_pid)
    out["sessions"] = sessions
    out["marks"] = marks
    return out


def usage(marks: dict[str, tuple[float, ...]], a: str, b: str) -> str:
    """CPU use between two marks in cores busy: the server, the browsers, everything else."""
    if a not in marks or b not in marks:
        return "n/a"
    wall = marks[b][0] - marks[a][0]
    server, client, machine = ((marks[b][i] - marks[a][i]) / wall for i in (1, 2, 4))
    return (
        f"server {server:.2f}, browsers {client:.2f}, other processes "
        f"{max(machine - server - client, 0.0):.2f} cores, over {wall:.1f} s"
    )


def report(args: argparse.Namespace, out: dict[str, object]) -> None:
    """Print the table."""
    sessions: list[Session] = out["sessions"]  # type: ignore[assignment]
    marks = out["marks"]  # type: ignore[assignment]
    n = len(sessions)

    def all_of(name: str) -> list[float]:
        return [v for s in sessions for v in getattr(s, name)]

    errors = [(s.index, e) for s in sessions for e in s.errors]
    failed = sum(1 for s in sessions if s.errors)
    before = float(out["rss_before"])  # type: ignore[arg-type]
    stepped = float(out.get("rss_stepped", float("nan")))  # type: ignore[arg-type]
    per_session = (stepped - before) / n
    echo = all_of("echo_ms")
    loads = [s.load_s for s in sessions if s.load_s == s.load_s]
    fps = [s.play_epochs_per_s for s in sessions if s.play_epochs_per_s == s.play_epochs_per_s]
    per_browser = [sum(1 for s in sessions if s.browser == b) for b in range(args.browsers)]
    print()
    flags = f" [server: {args.server_args}]" if args.server_args else ""
    print(f"lrviz load test{flags}: {n} sessions, {args.steps} steps each (think {args.think} s),")
    print(
        f"  play {args.play_seconds} s; {len(per_browser)} Chromium processes with "
        f"{'/'.join(map(str, per_browser))} contexts; server and browsers share {os.cpu_count()} "
        "cores"
    )
    print()
    print(f"{'measure':<34}{'p50':>10}{'p95':>10}{'max':>10}{'count':>8}")
    rows = [
        ("page load to charts drawn (s)", loads),
        ("step: key -> status line (ms)", all_of("draw_ms")),
        ("step: key -> report sent (ms)", all_of("send_ms")),
        ("step: sent -> script run done (ms)", all_of("server_ms")),
        ("step: key -> server echo (ms)", echo),
        ("pause: key -> server echo (ms)", all_of("pause_echo_ms")),
        ("play: distinct epochs per s", fps),
    ]
    for name, values in rows:
        print(
            f"{name:<34}{pct(values, 0.5):>10.1f}{pct(values, 0.95):>10.1f}"
            f"{(max(values) if values else float('nan')):>10.1f}{len(values):>8}"
        )
    print()
    print(f"errors: {len(errors)} in {failed} of {n} sessions")
    for index, text in errors[:15]:
        print(f"  session {index}: {text}")
    print(f"server CPU while connecting: {usage(marks, 'start', 'connected')}")
    print(f"server CPU while stepping:   {usage(marks, 'connected', 'stepped')}")
    print(f"server CPU play and pause:   {usage(marks, 'stepped', 'played')}")
    if "connected" in marks and "stepped" in marks:
        runs = sum(len(s.echo_ms) for s in sessions)
        cpu_ms = 1000 * (marks["stepped"][1] - marks["connected"][1]) / max(runs, 1)
        print(f"server CPU per Step (its script run and messages): {cpu_ms:.0f} ms")
    print(
        f"load average (1, 5, 15 min) at the end: {Path('/proc/loadavg').read_text().split()[:3]}"
    )
    print(
        f"server RSS: {before:.0f} MB after warm-up, "
        f"{float(out.get('rss_connected', float('nan'))):.0f} MB with {n} connected, "
        f"{stepped:.0f} MB after stepping, "
        f"{float(out['rss_after_close']):.0f} MB after all closed"  # type: ignore[arg-type]
    )
    print(f"server memory per session: {per_session:.2f} MB")
    print(f"browser-side memory (PSS) at the end: {float(out['client_pss_end']):.0f} MB")  # type: ignore[arg-type]
    p95 = pct(echo, 0.95)
    verdict = [
        ("sessions", n >= 5, f"{n} (a fidelity check: capacity is load_protocol.py's)"),
        ("p95 step echo < 300 ms", p95 < 300, f"{p95:.0f} ms"),
        ("zero errors", not errors, str(len(errors))),
        ("< 10 MB per session", per_session < 10, f"{per_session:.2f} MB"),
    ]
    print()
    for name, ok, value in verdict:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--browsers", type=int, default=2, help="Chromium processes")
    parser.add_argument("--steps", type=int, default=20, help="Step presses per session")
    parser.add_argument("--think", type=float, default=1.0, help="seconds between presses (mean)")
    parser.add_argument("--play-seconds", type=float, default=3.0)
    parser.add_argument("--ramp", type=float, default=0.5, help="seconds between session starts")
    parser.add_argument("--concurrent-loads", type=int, default=2, help="pages loading at once")
    parser.add_argument("--wait-seconds", type=float, default=120.0, help="limit of any one wait")
    parser.add_argument("--max-seconds", type=float, default=1200.0, help="limit of the whole run")
    parser.add_argument("--app", type=Path, default=None, help="default: streamlit_app.py")
    parser.add_argument(
        "--server-args",
        default="",
        help='extra `streamlit run` flags, e.g. "--runner.postScriptGC false"',
    )
    parser.add_argument(
        "--compare-protocol",
        action="store_true",
        help="print a real tab's Step BackMsg beside the protocol client's, field by field",
    )
    args = parser.parse_args()
    if not 1 <= args.sessions <= 200 or not 1 <= args.browsers <= 16 or args.steps > 1000:
        parser.error("sessions 1..200, browsers 1..16, steps up to 1000")
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"lrviz-load-{os.getpid()}.log"
    extra = tuple(args.server_args.split())
    with serve_app(args.app or app_path(), log_path=log, extra_args=extra) as server:
        url = server.url  # always http://127.0.0.1:<port>/
        pid = server.process.pid
        if args.compare_protocol:
            sys.path.insert(0, str(REPO / "benchmarks"))
            from load_protocol import compare  # a sibling script, not a package

            raise SystemExit(compare(url, args.wait_seconds, pid))
        try:
            out = asyncio.run(asyncio.wait_for(measure(args, url, pid), args.max_seconds))
        except TimeoutError:
            print(f"stopped after --max-seconds {args.max_seconds:.0f} s", file=sys.stderr)
            raise SystemExit(2) from None
        report(args, out)
        print(f"server log: {log}")


if __name__ == "__main__":
    main()
