"""The heaviest runs a page or a link can ask for: server CPU and payload size, after the cap.

Run: python benchmarks/bench_extremes.py [--quick] [--cap N] [--points N]

Rows: the largest data (the upload's row limit, the generator's n limit) x every loss x every
optimizer x every batch mode (full; mini-batches of 2, the most updates a mini-batch allows,
of 100, and of n - 1, the fewest updates for a full pass over the data each epoch; one point)
at the largest epoch budget (MAX_EPOCHS). Each run is first cut to the caps by the app's own
rule, lrviz.app.run.work_budget (the core's epochs_within on MAX_UPDATES and MAX_POINTS):
training costs a fixed time per update plus a fixed time per point visited, both weighted
for MAE and Huber (lrviz.core.budget). Each row
shows the CPU seconds of the core training alone, of lrviz.app.run.make_run (training + scene)
and of the payload the browser receives (lrviz.player.payload.payload + encode), the payload's
size, and the core's cost per update. Goals (issue 9): every row <= 0.5 s of CPU and payload
<= 2 MB. The figures are printed, not asserted: they belong to this machine and this moment.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lrviz.app import run as player_run
from lrviz.app import settings as app_settings
from lrviz.core import (
    LOSSES,
    OPTIMIZERS,
    TrainConfig,
    TrainState,
    epochs_within,
    init_state,
    loss_surface,
    make_dataset,
    optimum,
    record_at,
    run,
    step,
    total_updates,
)
from lrviz.data.generator import MAX_N
from lrviz.data.limits import MAX_ROWS
from lrviz.figures.theme import DEFAULT_THEME
from lrviz.player.payload import encode, payload
from lrviz.player.plotly_js import INLINE

MAX_EPOCHS = app_settings.MAX_EPOCHS
DEFAULT_CAP = 200_000
DEFAULT_POINTS = 10_000_000
BATCHES: tuple[tuple[str, int | None], ...] = (
    ("full", None),
    ("mini n-1", -1),
    ("mini 100", 100),
    ("mini 2", 2),
    ("one point", 1),
)
GRID_W = np.linspace(-1.0, 4.0, 100)
GRID_B = np.linspace(-3.0, 4.0, 100)
CPU_GOAL_S = 0.5
PAYLOAD_GOAL_B = 2_000_000


def cpu(fn):  # type: ignore[no-untyped-def]
    """(CPU seconds of this process, result)."""
    t0 = time.process_time()
    out = fn()
    return time.process_time() - t0, out


def per_update_cost(data, optimizer: str, batch: int | None, updates: int, loss: str) -> float:  # type: ignore[no-untyped-def]
    """Core CPU seconds per update, over a run of about ``updates`` updates."""
    config = TrainConfig(lr=1e-4, optimizer=optimizer, batch_size=batch, loss=loss)
    epochs = epochs_within(data.n, batch, 10**9, updates)
    t, _ = cpu(lambda: run(data, config, init_state(data, config), epochs))
    return t / total_updates(data.n, batch, epochs)


def step_repeated(data, config: TrainConfig, epochs: int) -> TrainState:  # type: ignore[no-untyped-def]
    """The way every epoch ran before the fast path: ``step`` with its records, repeated."""
    state = init_state(data, config)
    for _ in range(epochs):
        state, _ = step(state, data, config)
    return state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one optimizer per data size")
    parser.add_argument("--cap", type=int, default=None, help="updates cap (default MAX_UPDATES)")
    parser.add_argument(
        "--points", type=int, default=None, help="point-visits cap (default MAX_POINTS)"
    )
    args = parser.parse_args()
    cap = args.cap or getattr(player_run, "MAX_UPDATES", None)
    source = "lrviz.app.run.MAX_UPDATES"
    if cap is None:
        cap, source = DEFAULT_CAP, "not in lrviz.app.run yet: this script's default"
    points = args.points or getattr(player_run, "MAX_POINTS", None)
    p_source = "lrviz.app.run.MAX_POINTS"
    if points is None:
        points, p_source = DEFAULT_POINTS, "not in lrviz.app.run yet: this script's default"
    print(f"lrviz extremes: MAX_EPOCHS = {MAX_EPOCHS}, MAX_UPDATES = {cap:,} ({source}),")
    print(f"                MAX_POINTS = {points:,} ({p_source})")
    print(f"CPU seconds of this process (time.process_time); numpy {np.__version__}")
    print()

    rng = np.random.default_rng(0)
    sizes = (("upload", MAX_ROWS), ("generator", MAX_N))
    optimizers = ("adam",) if args.quick else OPTIMIZERS
    head = (
        f"{'data':>17} {'loss':>5} {'optimizer':>9} {'batch':>9} {'asked':>11} {'epochs':>6} "
        f"{'updates':>9} {'core s':>7} {'run s':>7} {'payload s':>9} {'total s':>7} "
        f"{'MB':>5} {'us/upd':>6}  goal"
    )
    print(head)
    print("-" * len(head))
    worst_cpu, worst_mb = 0.0, 0.0
    rows_ok, rows = 0, 0
    per_update: list[float] = []
    heaviest: list[tuple[float, object, object]] = []  # (total s, data, run)
    for label, n in sizes:
        x = rng.uniform(-3.0, 5.0, n)
        y = 1.5 * x + 0.5 + rng.normal(0.0, 0.5, n)
        data = make_dataset(x, y)
        for loss, optimizer, (mode, size) in itertools.product(LOSSES, optimizers, BATCHES):
            batch = n - 1 if size == -1 else size
            asked = total_updates(n, batch, MAX_EPOCHS)
            # The app's own rule (make_run cuts with it too): both bounds, for every loss.
            epochs = player_run.work_budget(n, batch, MAX_EPOCHS, cap, loss, points).epochs
            config = TrainConfig(lr=1e-3, optimizer=optimizer, batch_size=batch, loss=loss)
            settings = app_settings.RunSettings(epochs=epochs, config=config)
            refused = player_run.robust_size_problem(n, loss)
            if refused:
                # The app refuses this before any work: a row within the goal, at no cost.
                t_ref, _ = cpu(lambda n=n, loss=loss: player_run.robust_size_problem(n, loss))
                rows_ok, rows = rows_ok + 1, rows + 1
                print(
                    f"{label + f' n={n:,}':>17} {loss:>5} {optimizer:>9} {mode:>9} {asked:>11,} "
                    f"{'-':>6} {'-':>9} {'':>7} {'':>7} {'':>9} {t_ref:7.3f} {'':>5} {'':>6}  "
                    "ok (refused in words)"
                )
                continue
            t_core, _ = cpu(lambda d=data, c=config, e=epochs: run(d, c, init_state(d, c), e))
            t_run, the_run = cpu(lambda d=data, s=settings: player_run.make_run(d, s))
            t_pay, body = cpu(lambda r=the_run: encode(payload(r, DEFAULT_THEME, INLINE)))
            total = t_run + t_pay
            updates = total_updates(n, batch, epochs)
            mb = len(body) / 1e6
            ok = total <= CPU_GOAL_S and len(body) <= PAYLOAD_GOAL_B
            worst_cpu, worst_mb = max(worst_cpu, total), max(worst_mb, mb)
            rows_ok, rows = rows_ok + ok, rows + 1
            if updates >= 10_000:
                per_update.append(t_core / updates)
            heaviest = sorted([*heaviest, (total, data, the_run)], key=lambda r: -r[0])[:3]
            print(
                f"{label + f' n={n:,}':>17} {loss:>5} {optimizer:>9} {mode:>9} {asked:>11,} "
                f"{epochs:>6} {updates:>9,} {t_core:7.3f} {t_run:7.3f} {t_pay:9.3f} "
                f"{total:7.3f} {mb:5.2f} {t_core / updates * 1e6:6.2f}  "
                f"{'ok' if ok else 'OVER'}"
            )
    print()
    print(f"worst row: {worst_cpu:.3f} s CPU (goal <= {CPU_GOAL_S} s), {worst_mb:.2f} MB payload")
    print("record_at with the run's History (one Step of the chain-rule view), heaviest rows:")
    for _, d, r in heaviest:
        s = r.settings  # type: ignore[attr-defined]
        h = r.scene.history  # type: ignore[attr-defined]
        times = []
        for k in (1, h.epochs_run):
            t, _ = cpu(lambda k=k, d=d, s=s, h=h: record_at(d, s.config, s.w0, s.b0, k, history=h))
            times.append(t * 1e3)
        print(
            f"  {s.config.loss:>5} {s.config.optimizer:>9} batch {s.config.batch_size!s:>6} "
            f"n = {d.n:,}: epoch 1 {times[0]:.1f} ms, epoch {h.epochs_run} {times[1]:.1f} ms"
        )
    cost = np.median(per_update) * 1e6 if per_update else float("nan")
    print(
        f"VERDICT: {rows_ok}/{rows} rows within goal (<= {CPU_GOAL_S} s CPU and <= "
        f"{PAYLOAD_GOAL_B / 1e6:.0f} MB); core cost per update, median over rows of >= 10^4 "
        f"updates: {cost:.2f} us"
    )
    print()
    print(
        "Core cost per update, on n = 10,000 (runs of about 10^6 updates, 2*10^5 for MAE, Huber):"
    )
    data = make_dataset(*(lambda x: (x, 2 * x + 1))(rng.uniform(0, 5, 10_000)))
    for loss, optimizer in itertools.product(LOSSES, OPTIMIZERS):
        size = 10**6 if loss == "mse" else 2 * 10**5
        costs = [per_update_cost(data, optimizer, b, size, loss) * 1e6 for b in (1, 2, 100)]
        print(
            f"  {loss:>5} {optimizer:>9}: one point {costs[0]:.2f} us, batch 2 {costs[1]:.2f} us, "
            f"batch 100 {costs[2]:.2f} us"
        )
    print("Fast path against step repeated (records every update), one point on n = 10,000:")
    for optimizer in OPTIMIZERS:
        config = TrainConfig(lr=1e-4, optimizer=optimizer, batch_size=1)
        t_fast, _ = cpu(lambda c=config: run(data, c, init_state(data, c), 3))
        t_step, _ = cpu(lambda c=config: step_repeated(data, c, 3))
        print(
            f"  {optimizer:>9}: run {t_fast / 3e4 * 1e6:.2f} us/update, "
            f"step repeated {t_step / 3e4 * 1e6:.2f} us/update ({t_step / t_fast:.0f}x)"
        )
    config = TrainConfig(lr=1e-4, optimizer="adam", batch_size=1)
    hist = run(data, config, init_state(data, config), 20)
    print("record_at (one Step's chain-rule record), one point on n = 10,000, Adam:")
    for k in (1, 10, 20):
        t_hist, _ = cpu(lambda k=k: record_at(data, config, 0.0, 0.0, k, history=hist))
        t_replay, _ = cpu(lambda k=k: record_at(data, config, 0.0, 0.0, k))
        print(
            f"  epoch {k:>2}: with history= {t_hist * 1e3:6.1f} ms, "
            f"replayed {t_replay * 1e3:7.1f} ms"
        )
    trace = hist.trace
    assert trace is not None
    print(
        f"  trace held per epoch: {(trace.opt.nbytes + trace.rng.nbytes) / len(trace.opt):.0f} "
        "bytes (optimizer state and rng state)"
    )
    big = make_dataset(*(lambda x: (x, 2 * x + 1))(rng.uniform(0, 5, MAX_ROWS)))
    print("Landscape of the largest data for MAE and Huber (once per data and loss; the scene")
    print("in these rows still draws MSE's): 100x100 loss_surface and optimum, CPU ms")
    for label, n in sizes:
        xs = rng.uniform(-3.0, 5.0, n)
        d = make_dataset(xs, 1.5 * xs + 0.5 + rng.standard_t(2.0, n))
        for loss in ("mae", "huber"):
            t_s, _ = cpu(lambda d=d, loss=loss: loss_surface(d, None, GRID_W, GRID_B, loss=loss))
            t_o, _ = cpu(lambda d=d, loss=loss: optimum(d, loss=loss))
            print(
                f"  {label} n = {n:,}, {loss}: surface {t_s * 1e3:.0f} ms, "
                f"optimum {t_o * 1e3:.0f} ms"
            )
    print(f"Core cost per point visited, Adam on n = {MAX_ROWS:,}, 20 epochs:")
    for loss, batch in itertools.product(LOSSES, (None, 10, MAX_ROWS - 1)):
        config = TrainConfig(lr=1e-4, optimizer="adam", batch_size=batch, loss=loss)
        t, _ = cpu(lambda c=config: run(big, c, init_state(big, c), 20))
        print(f"  {loss:>5}, batch {batch!s:>6}: {t / (20 * MAX_ROWS) * 1e9:6.1f} ns")


if __name__ == "__main__":
    main()
