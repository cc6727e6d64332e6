"""Playback benchmark: starts the app on 127.0.0.1, drives headless Chromium, prints the numbers.

Usage: python benchmarks/bench_playback.py [--app streamlit_app.py] [--chromium /usr/bin/chromium]
                                           [--play-seconds 3] [--steps 40] [--pauses 10]

Measured in the page (performance.now(), MutationObserver on the status line):
  * Play: distinct epochs drawn per second at 30 and at 60 epochs/s, whether every panel showed
    the status line's epoch after every frame, and whether any chart node was removed (remount);
    fast-forward at 600 epochs/s (several epochs per frame).
  * Pause: |epoch on screen when Space went down - epoch it came to rest on|, and whether the
    server's echo (data-server-epoch) then agrees.
  * Step: key press (→) to the new epoch painted in the status line and all panels, p50 / p95.
  * Bytes over the websocket: the first load, per Step, and per epoch during Play; server CPU
    seconds and script runs during Play (the server should do nothing per frame).
  * First paint, in one run: a bare one-line Streamlit page (st.write("ready"), started from a
    temp script) and the app, each in a fresh browser context (cold cache): time to the bare
    page's text, to the player's first numbers (status line), to all three panels drawn, and the
    app's ratios to the bare page; the browser's performance timeline splits the app's time.
Targets (issue 3): >= 30 distinct epochs/s, pause within 1 epoch, Step p50 <= 50 ms; (issue 12)
first numbers <= 1.5x and all panels <= 3x the bare page. They are printed, not asserted: timings
belong to this machine and this moment.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, WebSocket, sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the browser flags live with the e2e helpers

from tests.e2e.browser import CHROMIUM_ARGS, wait_for_app  # noqa: E402

PLAYER = '[data-testid="lrviz-player"]'

# Installed before the app loads: timestamps of key presses, and of every change of the status
# line's epoch with a check that each panel shows the same epoch at that moment.
PROBE_JS = """
(() => {
  const probe = window.__bench = {
    keys: [], frames: [], mismatches: 0, blank: 0, nodes: [], observing: false,
    chainFrames: 0, chainMismatches: 0,
  };
  window.addEventListener('keydown', (e) => {
    const node = document.querySelector('[data-field="epoch"]');
    const epoch = node ? Number(node.textContent) : -1;
    probe.keys.push({t: performance.now(), key: e.key, epoch});
  }, true);
  probe.start = () => {
    if (probe.observing) return;
    const node = document.querySelector('[data-field="epoch"]');
    const panels = [...document.querySelectorAll('.lrviz-panel')];
    const charts = [...document.querySelectorAll('.lrviz-plot:not([hidden])')];
    const layers = [...document.querySelectorAll('svg.lrviz-overlay')];
    const chain = document.querySelector('[data-testid="lrviz-chain"]');
    new MutationObserver(() => {
      const epoch = Number(node.textContent);
      const frame = {t: performance.now(), epoch, painted: null};
      probe.frames.push(frame);
      // The frame is on screen once the browser has painted: after the next animation frame.
      requestAnimationFrame(() => setTimeout(() => { frame.painted = performance.now(); }, 0));
      for (const panel of panels) {
        if (panel.dataset.epoch !== String(epoch)) probe.mismatches += 1;
      }
      // The chain-rule view, drawn in the same frame (while it is on screen).
      if (chain && chain.offsetParent !== null) {
        probe.chainFrames += 1;
        if (chain.dataset.epoch !== String(epoch)) probe.chainMismatches += 1;
      }
      // A chart without its plotly svg, or a moving layer with nothing drawn, is a blank.
      for (const chart of charts) if (!chart.querySelector('.main-svg')) probe.blank += 1;
      for (const layer of layers) if (!layer.querySelector('path[d^="M"]')) probe.blank += 1;
    }).observe(node, {childList: true, characterData: true, subtree: true});
    probe.observing = true;
  };
  // The player's chart elements present now; after Play, any that left the page was remounted.
  // (Only the player's: the chain-rule panel below redraws its own chart on the Pause rerun.)
  probe.mark = () => {
    const player = document.querySelector('[data-testid="lrviz-player"]');
    probe.nodes = [...player.querySelectorAll('.js-plotly-plot, .main-svg')];
  };
  probe.removed = () => probe.nodes.filter((n) => !n.isConnected).length;
})();
"""


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """`streamlit run app` on 127.0.0.1:port until the block ends."""
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        # Edits to the source during a run must not reload modules mid-measurement.
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    raise RuntimeError(f"the app server did not start:\n{err}") from None
                time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process pid so far, in seconds (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Wire:
    """Counts bytes and messages the page receives over Streamlit's websocket."""

    def __init__(self, page: Page) -> None:
        self.bytes = 0
        self.messages = 0
        page.on("websocket", self._attach)

    def _attach(self, ws: WebSocket) -> None:
        ws.on("framereceived", self._frame)

    def _frame(self, payload: bytes | str) -> None:
        self.bytes += len(payload)
        self.messages += 1


def shown(page: Page) -> int:
    """Epoch in the status line."""
    return int(page.locator('[data-field="epoch"]').inner_text())


def server_epoch(page: Page) -> int | None:
    """The server's echo of the epoch on screen, or None before the first echo."""
    value = page.get_attribute(PLAYER, "data-server-epoch")
    return int(value) if value is not None else None


def wait_server(page: Page, epoch: int, timeout_s: float = 10.0) -> float:
    """Seconds until the server's echo equals epoch; inf on timeout."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        if server_epoch(page) == epoch:
            return time.perf_counter() - start
        page.wait_for_timeout(5)
    return float("inf")


def settle(page: Page, wire: Wire, quiet_s: float = 0.4, timeout_s: float = 10.0) -> None:
    """Wait until no websocket message arrived for quiet_s seconds."""
    start = time.perf_counter()
    last_count, last_change = wire.messages, time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        page.wait_for_timeout(50)
        if wire.messages != last_count:
            last_count, last_change = wire.messages, time.perf_counter()
        elif time.perf_counter() - last_change >= quiet_s:
            return


def set_speed(page: Page, rate: int) -> None:
    """Choose rate epochs/s in the player's speed list."""
    page.select_option(f'{PLAYER} select[data-ctl="speed"]', str(rate))


def unfocus(page: Page) -> None:
    """Move keyboard focus off any control, so keys reach the player's shortcuts."""
    page.evaluate("document.activeElement && document.activeElement.blur()")


def reset(page: Page, wire: Wire) -> None:
    """Back to epoch 0 and wait for the server to agree."""
    page.locator(f'{PLAYER} button[data-act="reset"]').click(force=True)
    wait_server(page, 0)
    settle(page, wire)


def bench_steps(page: Page, wire: Wire, count: int, pid: int) -> dict[str, float]:
    """Press → count times; latency key-down -> new epoch everywhere, bytes, messages and server
    CPU per Step (from the key press until the websocket has been quiet for 0.15 s)."""
    reset(page, wire)
    unfocus(page)
    latencies, agree, sizes, messages, cpu = [], [], [], [], []
    for _ in range(count):
        before_frames = page.evaluate("window.__bench.frames.length")
        before_bytes, before_msgs, before_cpu = wire.bytes, wire.messages, cpu_seconds(pid)
        epoch = shown(page)
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            f"window.__bench.frames.length > {before_frames}"
            f" && window.__bench.frames[{before_frames}].painted !== null"
        )
        key_t = page.evaluate("window.__bench.keys.at(-1).t")
        frame = page.evaluate(f"window.__bench.frames[{before_frames}]")
        assert frame["epoch"] == epoch + 1, frame
        latencies.append(frame["painted"] - key_t)
        agree.append(wait_server(page, epoch + 1))
        settle(page, wire, quiet_s=0.15)
        sizes.append(wire.bytes - before_bytes)
        messages.append(wire.messages - before_msgs)
        cpu.append(cpu_seconds(pid) - before_cpu)
    latencies.sort()
    return {
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))],
        "server_p50_ms": 1000 * statistics.median(agree),
        "bytes_per_step": statistics.median(sizes),
        "messages_per_step": statistics.median(messages),
        # /proc counts CPU in clock ticks (10 ms): the mean over many Steps resolves below that.
        "server_cpu_ms_per_step": 1000 * statistics.mean(cpu),
    }


def bench_play(page: Page, wire: Wire, pid: int, rate: int, seconds: float) -> dict[str, float]:
    """Play at rate for `seconds`; distinct epochs per second, sync, remounts, server work."""
    reset(page, wire)
    set_speed(page, rate)
    unfocus(page)
    page.evaluate(
        "window.__bench.frames = []; window.__bench.mismatches = 0;"
        " window.__bench.chainFrames = 0; window.__bench.chainMismatches = 0;"
    )
    page.evaluate("window.__bench.blank = 0; window.__bench.mark()")
    bytes0, msgs0, cpu0 = wire.bytes, wire.messages, cpu_seconds(pid)
    page.keyboard.press(" ")
    page.wait_for_timeout(seconds * 1000)
    frames = page.evaluate("window.__bench.frames")
    bytes1, msgs1, cpu1 = wire.bytes, wire.messages, cpu_seconds(pid)
    page.keyboard.press(" ")  # pause
    page.wait_for_timeout(200)
    settle(page, wire)
    playing = [f for f in frames if f["t"] > frames[0]["t"] + 200] if frames else []
    span_s = (playing[-1]["t"] - playing[0]["t"]) / 1000 if len(playing) > 1 else 0.0
    epochs = {f["epoch"] for f in playing}
    played = frames[-1]["epoch"] - frames[0]["epoch"] if frames else 0
    return {
        "advance_per_s": (playing[-1]["epoch"] - playing[0]["epoch"]) / span_s if span_s else 0.0,
        "frames_per_s": (len(playing) - 1) / span_s if span_s else 0.0,
        "epochs_per_s": (len(epochs) - 1) / span_s if span_s else 0.0,
        "frames": len(frames),
        "panel_mismatches": page.evaluate("window.__bench.mismatches"),
        "chain_frames": page.evaluate("window.__bench.chainFrames"),
        "chain_mismatches": page.evaluate("window.__bench.chainMismatches"),
        "chart_nodes_removed": page.evaluate("window.__bench.removed()"),
        "blank_layers": page.evaluate("window.__bench.blank"),
        "ws_bytes_per_epoch": (bytes1 - bytes0) / max(played, 1),
        "ws_messages_during_play": msgs1 - msgs0,
        "server_cpu_s": cpu1 - cpu0,
    }


def bench_pause(page: Page, wire: Wire, count: int) -> dict[str, float]:
    """Play at 30/s and press Space at uneven moments; error and the server's agreement."""
    errors, agree = [], []
    set_speed(page, 30)
    for i in range(count):
        reset(page, wire)
        unfocus(page)
        page.keyboard.press(" ")
        page.wait_for_timeout(400 + 137 * i)
        n_keys = page.evaluate("window.__bench.keys.length")
        page.keyboard.press(" ")
        page.wait_for_timeout(150)
        at_press = page.evaluate(f"window.__bench.keys[{n_keys}].epoch")
        rest = shown(page)
        errors.append(abs(rest - at_press))
        agree.append(wait_server(page, rest))
    return {
        "max_error_epochs": max(errors),
        "mean_error_epochs": statistics.mean(errors),
        "server_agrees": all(t != float("inf") for t in agree),
        "server_p50_ms": 1000 * statistics.median(agree),
    }


# Installed before a page loads: the moments the page first shows what it is for.
FIRST_PAINT_JS = """
(() => {
  const seen = window.__paint = {ready: null, numbers: null, panels: null};
  const look = () => {
    const now = performance.now();
    if (seen.ready === null) {
      const md = document.querySelector('[data-testid="stMarkdownContainer"]');
      if (md && md.textContent.includes('ready')) seen.ready = now;
    }
    if (seen.numbers === null) {
      const loss = document.querySelector('[data-field="loss"]');
      if (loss && /[0-9]/.test(loss.textContent)) seen.numbers = now;
    }
    if (seen.panels === null) {
      const charts = ['fit', 'contour', 'loss'].map(
        (n) => document.querySelector(`[data-plot="${n}"] .main-svg`));
      const layers = [...document.querySelectorAll('svg.lrviz-overlay path[d^="M"]')];
      if (charts.every(Boolean) && layers.length) seen.panels = now;
    }
  };
  new MutationObserver(look).observe(document, {childList: true, subtree: true,
                                                characterData: true, attributes: true});
})();
"""

BARE_APP = 'import streamlit as st\n\nst.write("ready")\n'


def timeline(page: Page) -> dict[str, float]:
    """ms from navigation start: DOMContentLoaded, load, first contentful paint, the slowest
    script and the websocket's first message; bytes of scripts fetched."""
    return page.evaluate(
        """() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const fcp = performance.getEntriesByName('first-contentful-paint')[0];
          const res = performance.getEntriesByType('resource');
          const scripts = res.filter((r) => r.initiatorType === 'script');
          const plotly = res.find((r) => r.name.includes('plotly'));
          return {
            dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
            fcp: fcp ? fcp.startTime : NaN,
            scripts_kb: scripts.reduce((s, r) => s + r.encodedBodySize, 0) / 1e3,
            plotly_start: plotly ? plotly.startTime : NaN,
            plotly_end: plotly ? plotly.responseEnd : NaN,
            plotly_kb: plotly ? plotly.encodedBodySize / 1e3 : NaN,
          };
        }"""
    )


def first_paint(browser: Browser, url: str, wanted: tuple[str, ...]) -> dict[str, float]:
    """ms from navigation start until each wanted moment of FIRST_PAINT_JS, in a new context
    (its own empty cache), plus the performance timeline."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.add_init_script(FIRST_PAINT_JS)
        page.goto(url)
        cond = " && ".join(f"window.__paint.{name} !== null" for name in wanted)
        page.wait_for_function(cond, timeout=60_000)
        result = {name: float(page.evaluate(f"window.__paint.{name}")) for name in wanted}
        result.update(timeline(page))
        return result
    finally:
        context.close()


def bench_first_paint(browser: Browser, app_url: str, rounds: int) -> dict[str, Any]:
    """The bare page and the app, alternately, rounds times each; medians in ms, and each
    round's ratios (app / the bare page of the same round) as lists under "*_ratios"."""
    with tempfile.TemporaryDirectory() as tmp:
        bare_app = Path(tmp) / "bare_app.py"
        bare_app.write_text(BARE_APP, encoding="utf-8")
        with serve(bare_app, free_port()) as bare:
            bare_url = bare.args[bare.args.index("--server.port") + 1]
            bare_url = f"http://127.0.0.1:{bare_url}/"
            bares, apps = [], []
            for _ in range(rounds):
                bares.append(first_paint(browser, bare_url, ("ready",)))
                apps.append(first_paint(browser, app_url, ("numbers", "panels")))

    def med(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    out: dict[str, Any] = {"bare": med(bares, "ready"), "numbers": med(apps, "numbers")}
    out["panels"] = med(apps, "panels")
    for key in ("fcp", "dcl", "scripts_kb", "plotly_start", "plotly_end", "plotly_kb"):
        out[f"app_{key}"] = med(apps, key)
    out["bare_dcl"] = med(bares, "dcl")
    out["bare_runs"] = [b["ready"] for b in bares]
    # Side by side: each round's app against the bare page loaded just before it.
    for key in ("numbers", "panels"):
        out[f"{key}_ratios"] = [a[key] / b["ready"] for a, b in zip(apps, bares, strict=True)]
    return out


def main(argv: list[str] | None = None) -> int:
    """Run every measurement and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", type=Path, default=REPO / "streamlit_app.py")
    parser.add_argument("--chromium", default=os.environ.get("LRVIZ_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--play-seconds", type=float, default=3.0)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--pauses", type=int, default=10)
    parser.add_argument("--paint-rounds", type=int, default=5)
    parser.add_argument(
        "--first-paint-only", action="store_true", help="measure the first paint and stop"
    )
    args = parser.parse_args(argv)
    port = free_port()
    with serve(args.app, port) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        # A first visit warms the server (imports, caches) as the class's first student would.
        first_paint(browser, f"http://127.0.0.1:{port}/", ("numbers", "panels"))
        paint = bench_first_paint(browser, f"http://127.0.0.1:{port}/", args.paint_rounds)
        print_first_paint(paint)
        if args.first_paint_only:
            browser.close()
            return 0
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.add_init_script(PROBE_JS)
        wire = Wire(page)
        t0 = time.perf_counter()
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_selector(f'{PLAYER}[data-epoch="0"]', timeout=60_000)
        first_draw = time.perf_counter() - t0
        # The first run holds the page below the player for a while (lrviz/player/preload.py):
        # the first load's bytes are counted once that run has finished.
        wait_for_app(page)
        settle(page, wire)
        load_bytes = wire.bytes
        page.evaluate("window.__bench.start()")
        steps = bench_steps(page, wire, args.steps, server.pid)
        play30 = bench_play(page, wire, server.pid, 30, args.play_seconds)
        play60 = bench_play(page, wire, server.pid, 60, args.play_seconds)
        fast = bench_play(page, wire, server.pid, 600, 1.2)
        pause = bench_pause(page, wire, args.pauses)
        idle0 = cpu_seconds(server.pid)
        page.wait_for_timeout(args.play_seconds * 1000)
        idle = cpu_seconds(server.pid) - idle0
        browser.close()

    print_first_paint(paint)
    print("lrviz playback benchmark (headless Chromium, 1280x720, the app's default run)")
    print(f"  first load: charts drawn after {first_draw:.2f} s, {load_bytes / 1e3:.0f} kB over ws")
    for name, r in (("30/s", play30), ("60/s", play60)):
        print(
            f"  Play {name}: {r['epochs_per_s']:.1f} distinct epochs/s drawn "
            f"({r['frames']} frames); panels out of step: {r['panel_mismatches']}; "
            f"chart nodes removed: {r['chart_nodes_removed']}, blank charts: {r['blank_layers']}"
        )
        print(
            f"      chain-rule view: {r['chain_frames']} frames checked, "
            f"{r['chain_mismatches']} out of step with the status line"
        )
        print(
            f"      during Play: {r['ws_bytes_per_epoch']:.1f} ws bytes/epoch, "
            f"{r['ws_messages_during_play']} ws messages, server CPU {r['server_cpu_s']:.2f} s "
            f"(idle for as long: {idle:.2f} s)"
        )
    print(
        f"  Fast-forward 600/s: {fast['advance_per_s']:.0f} epochs/s in "
        f"{fast['frames_per_s']:.0f} frames/s; panels out of step: {fast['panel_mismatches']}"
    )
    print(
        f"  Pause: max error {pause['max_error_epochs']} epoch(s), "
        f"mean {pause['mean_error_epochs']:.2f}; server agrees: {pause['server_agrees']} "
        f"(echo after {pause['server_p50_ms']:.0f} ms p50)"
    )
    print(
        f"  Step (→): {steps['p50_ms']:.1f} ms p50, {steps['p95_ms']:.1f} ms p95 on screen; "
        f"server echo {steps['server_p50_ms']:.0f} ms p50"
    )
    print(
        f"  Per Step: {steps['bytes_per_step']:.0f} ws bytes, {steps['messages_per_step']:.0f} ws "
        f"messages, {steps['server_cpu_ms_per_step']:.1f} ms server CPU "
        f"(goal <= 3000 bytes, <= 10 ms)"
    )
    return 0


def _spread(values: list[float], fmt: str) -> str:
    """'median [min-max]' of values."""
    return f"{statistics.median(values):{fmt}} [{min(values):{fmt}}-{max(values):{fmt}}]"


def print_first_paint(r: dict[str, Any]) -> None:
    """The first-paint figures and their ratios to the bare page: medians of the rounds, and
    each round's ratio (app / the bare page loaded just before it) with their spread."""
    bare = r["bare"]
    rounds = len(r["numbers_ratios"])
    print(
        f"first paint (headless Chromium, 1280x720, cold cache, {rounds} rounds, "
        "ms from navigation, median [min-max]):"
    )
    print(
        f"  bare one-line page: text after {_spread(r['bare_runs'], '.0f')} ms "
        f"(DOMContentLoaded {r['bare_dcl']:.0f})"
    )
    print(
        f"  lrviz: first numbers after {r['numbers']:.0f} ms ({r['numbers'] / bare:.2f}x the bare "
        f"median), all three panels drawn after {r['panels']:.0f} ms ({r['panels'] / bare:.2f}x)"
    )
    print(
        f"  ratios to the bare page, side by side per round: first numbers "
        f"{_spread(r['numbers_ratios'], '.2f')}x (goal <= 1.5x), all three panels "
        f"{_spread(r['panels_ratios'], '.2f')}x (goal <= 3x)"
    )
    print(
        "    per round (numbers, panels): "
        + ", ".join(
            f"{n:.2f}/{p:.2f}" for n, p in zip(r["numbers_ratios"], r["panels_ratios"], strict=True)
        )
    )
    print(
        f"  lrviz timeline: first contentful paint {r['app_fcp']:.0f}, DOMContentLoaded "
        f"{r['app_dcl']:.0f}, plotly.js fetched {r['app_plotly_start']:.0f}-"
        f"{r['app_plotly_end']:.0f} ({r['app_plotly_kb']:.0f} kB), scripts "
        f"{r['app_scripts_kb']:.0f} kB"
    )


if __name__ == "__main__":
    raise SystemExit(main())
