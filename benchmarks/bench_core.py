"""Core speed, measured side by side: lrviz.core against the article's loop and naive broadcasting.

MSE, then MAE and Huber (surface, optimum and full-batch training on 10,000 points).

Run: python benchmarks/bench_core.py [--quick]

Prints wall-clock figures and ratios from one run on this machine. Nothing here is asserted in the
test suite: timings on a shared 2-core machine are too noisy for pass/fail thresholds.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lrviz.core import loss_surface, optimum, train
from lrviz.core.losses import dl_dyhat, pointwise


def best_of(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Fastest wall time in seconds over `repeats` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def article_loop(x: np.ndarray, y: np.ndarray, epochs: int, lr: float) -> tuple[float, float]:
    """The article's script, as written: every epoch touches every point several times."""

    def predict(X, w, b):
        return w * X + b

    def compute_loss(Y, Y_pred):
        return np.mean((Y - Y_pred) ** 2)

    def compute_gradients(X, Y, Y_pred):
        m = len(X)
        dw = -(2 / m) * np.sum(X * (Y - Y_pred))
        db = -(2 / m) * np.sum(Y - Y_pred)
        return dw, db

    w = b = 0.0
    for _ in range(epochs):
        y_pred = predict(x, w, b)
        dw, db = compute_gradients(x, y, y_pred)
        w -= lr * dw
        b -= lr * db
        compute_loss(y, y_pred)
    return w, b


def naive_surface(x: np.ndarray, y: np.ndarray, ws: np.ndarray, bs: np.ndarray) -> np.ndarray:
    """MSE on the grid by broadcasting the data against it, one row of b at a time.

    A single (len(bs), len(ws), n) broadcast would need 8 GB at 100x100 on 1e5 points; going row
    by row keeps the same O(grid * n) arithmetic within memory.
    """
    z = np.empty((len(bs), len(ws)))
    for j, b in enumerate(bs):
        z[j] = np.mean((y[None, :] - ws[:, None] * x[None, :] - b) ** 2, axis=1)
    return z


def naive_robust_surface(
    x: np.ndarray, y: np.ndarray, ws: np.ndarray, bs: np.ndarray, loss: str
) -> np.ndarray:
    """MAE or Huber on the grid by broadcasting the data against it, one row of b at a time."""
    z = np.empty((len(bs), len(ws)))
    for j, b in enumerate(bs):
        r = y[None, :] - ws[:, None] * x[None, :] - b
        z[j] = np.mean(pointwise(loss, r), axis=1)
    return z


def naive_robust_train(x: np.ndarray, y: np.ndarray, epochs: int, lr: float, loss: str) -> float:
    """Full-batch gradient descent written as the article writes MSE's: per point, every epoch."""
    w = b = 0.0
    for _ in range(epochs):
        y_pred = w * x + b
        g = dl_dyhat(loss, y - y_pred)  # dL_i/dy_hat_i
        dw, db = np.mean(g * x), np.mean(g)
        np.mean(pointwise(loss, y - y_pred))  # the loss the log would print
        w -= lr * dw
        b -= lr * db
    return w


def rel_err(a: np.ndarray | float, b: np.ndarray | float) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    rng = np.random.default_rng(0)

    print(f"lrviz core benchmark (best of {repeats}, wall clock)")
    print(f"numpy {np.__version__}, python {sys.version.split()[0]}")
    print()

    n, epochs, lr = 1_000_000, 200, 0.01
    x = rng.uniform(0.0, 5.0, n)
    y = 1.5 * x + 0.5 + rng.normal(0.0, 0.3, n)
    t_article, (w_a, b_a) = best_of(lambda: article_loop(x, y, epochs, lr), repeats)
    t_lrviz, hist = best_of(lambda: train(x, y, epochs=epochs, lr=lr), repeats)
    print(f"train: {epochs} full-batch epochs on n = {n:,}")
    print(f"  article loop       {t_article * 1e3:10.1f} ms")
    print(f"  lrviz.core.train   {t_lrviz * 1e3:10.1f} ms   ({t_article / t_lrviz:,.0f}x faster)")
    print(
        f"  agreement          w rel err {rel_err(hist.w[-1], w_a):.1e}, "
        f"b rel err {rel_err(hist.b[-1], b_a):.1e}   (target <= 1e-9, >= 100x)"
    )
    print()

    ws = np.linspace(-1.0, 4.0, 100)
    bs = np.linspace(-3.0, 4.0, 100)
    n = 100_000
    xs, ys = x[:n], y[:n]
    t_naive, z_naive = best_of(lambda: naive_surface(xs, ys, ws, bs), repeats)
    t_fast, z_fast = best_of(lambda: loss_surface(xs, ys, ws, bs), repeats)
    print(f"loss_surface: 100x100 grid on n = {n:,}")
    print(f"  naive broadcasting {t_naive * 1e3:10.1f} ms")
    print(f"  lrviz loss_surface {t_fast * 1e3:10.2f} ms   ({t_naive / t_fast:,.0f}x faster)")
    print(f"  agreement          max rel err {rel_err(z_fast, z_naive):.1e}   (target <= 1e-9)")
    t_big, _ = best_of(lambda: loss_surface(x, y, ws, bs), repeats)
    print(f"  on n = {len(x):,}      {t_big * 1e3:10.2f} ms   (target < 50 ms)")
    print()

    n = 10_000
    xs = x[:n]
    ys = y[:n].copy()
    ys[::97] += 25.0  # outliers, so Huber has points on both sides of its band
    for loss in ("mae", "huber"):
        t_naive, z_naive = best_of(
            lambda loss=loss: naive_robust_surface(xs, ys, ws, bs, loss), repeats
        )
        t_fast, z_fast = best_of(lambda loss=loss: loss_surface(xs, ys, ws, bs, loss=loss), repeats)
        print(f"loss_surface, {loss}: 100x100 grid on n = {n:,}")
        print(f"  naive broadcasting {t_naive * 1e3:10.1f} ms")
        print(
            f"  lrviz loss_surface {t_fast * 1e3:10.1f} ms   ({t_naive / t_fast:,.0f}x faster, "
            "target <= 200 ms)"
        )
        print(f"  agreement          max rel err {rel_err(z_fast, z_naive):.1e}   (target <= 1e-9)")
        t_opt, opt = best_of(lambda loss=loss: optimum(xs, ys, loss=loss), repeats)
        gap = z_naive.min() - opt.loss
        print(f"  optimum            {t_opt * 1e3:10.1f} ms   (grid minimum - optimum = {gap:.2e})")
    print()

    epochs = 1000
    for loss in ("mae", "huber"):
        lr = 0.01
        t_naive, w_naive = best_of(
            lambda loss=loss, lr=lr: naive_robust_train(xs, ys, epochs, lr, loss), repeats
        )
        t_fast, hist = best_of(
            lambda loss=loss, lr=lr: train(xs, ys, epochs=epochs, lr=lr, loss=loss), repeats
        )
        print(f"train, {loss}: {epochs} full-batch epochs on n = {n:,}")
        print(f"  per-point loop     {t_naive * 1e3:10.1f} ms")
        print(
            f"  lrviz.core.train   {t_fast * 1e3:10.1f} ms   ({t_naive / t_fast:,.1f}x faster, "
            "target <= 100 ms)"
        )
        print(f"  agreement          w rel err {rel_err(hist.w[-1], w_naive):.1e}")


if __name__ == "__main__":
    main()
