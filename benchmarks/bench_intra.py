"""Cost of drawing the updates inside each epoch: payload bytes and build time, side by side.

Usage: python benchmarks/bench_intra.py [--n 200] [--epochs 1000] [--repeat 3]

For one dataset and budget, trains full batch, mini-batches of 16 and SGD, and prints for each:
the time to train (make_run), the time to replay the updates (intra_path), the points it keeps,
and the payload's size with and without them, with the ratios to full batch. Timings are this
machine's at this moment; run it twice when others share the machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lrviz.app.run import make_run
from lrviz.app.settings import RunSettings
from lrviz.core import TrainConfig, make_dataset
from lrviz.figures.intra import intra_path
from lrviz.figures.theme import DEFAULT_THEME
from lrviz.player.payload import encode, payload
from lrviz.player.plotly_js import INLINE


def best(repeat: int, fn) -> tuple[float, object]:
    """Fastest of `repeat` calls, in seconds, and the last result."""
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    x = rng.normal(size=args.n)
    data = make_dataset(x, 2 * x + rng.normal(size=args.n))
    rows = []
    for label, batch in (("full batch", None), ("batch 16", 16), ("SGD", 1)):
        settings = RunSettings(epochs=args.epochs, config=TrainConfig(0.01, batch_size=batch))
        t_run, run = best(args.repeat, lambda s=settings: make_run(data, s))
        h = run.scene.history
        t_intra, path = best(
            args.repeat, lambda r=run, s=settings: intra_path(data, s.config, r.scene.history)
        )
        body = payload(run, DEFAULT_THEME, INLINE)
        size = len(encode(body))
        without = len(encode({**body, "intra": None}))
        points = len(h.w) if path is None else len(path.t)
        rows.append((label, t_run, t_intra, points, size, without))
    base = rows[0]
    print(f"n = {args.n}, {args.epochs} epochs, best of {args.repeat}")
    print(
        f"{'run':<11}{'train s':>9}{'replay s':>10}{'points':>9}{'payload B':>11}"
        f"{'without B':>11}{'× full':>8}"
    )
    for label, t_run, t_intra, points, size, without in rows:
        print(
            f"{label:<11}{t_run:>9.3f}{t_intra:>10.3f}{points:>9}{size:>11}{without:>11}"
            f"{size / base[4]:>8.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
