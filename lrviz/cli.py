"""Command line: ``python -m lrviz`` trains from the shell and prints what the article prints."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

import numpy as np

from lrviz.catalog.optimizers import OPTIMIZER_TABLE
from lrviz.core import (
    LOSSES,
    History,
    epochs_within,
    points_per_epoch,
    total_updates,
    train,
)

ARTICLE_X = "1,2,3,4,5"
REPORT_EVERY = 50

# A run is refused before it starts when it needs more than this many optimizer updates: about
# 0.2-0.5 us each here (benchmarks/bench_extremes.py), so a few seconds at most. Mini-batch
# epochs also shuffle and sum every point (about 20 ns each), hence the bound on point visits.
DEFAULT_MAX_UPDATES = 5_000_000
POINTS_PER_UPDATE = 20


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line on stderr and exit code 2, no usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"lrviz: error: {message}\n")


def _numbers(text: str) -> list[float]:
    try:
        return [float(part) for part in text.replace(";", ",").split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated numbers such as 1,2,3, got {text[:40]!r}"
        ) from None


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a finite number")
    return value


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m lrviz",
        description="Fit y_hat = w*x + b by gradient descent on MSE (or MAE, Huber) and print "
        "the training log. "
        "With no arguments it runs the article's example (X = Y = 1..5, w = b = 0, "
        "alpha = 0.01, 1000 epochs).",
    )
    data = parser.add_mutually_exclusive_group()
    data.add_argument("--x", type=_numbers, help="inputs, comma-separated (default 1,2,3,4,5)")
    data.add_argument(
        "--csv",
        metavar="FILE",
        help="read x and y from the first two numeric columns of a CSV file",
    )
    parser.add_argument("--y", type=_numbers, help="targets, comma-separated (default: as x)")
    parser.add_argument("--lr", type=_finite, default=0.01, help="learning rate alpha (0.01)")
    parser.add_argument("--epochs", type=_whole, default=1000, help="epochs to train (1000)")
    parser.add_argument("--w0", type=_finite, default=0.0, help="initial w (0)")
    parser.add_argument("--b0", type=_finite, default=0.0, help="initial b (0)")
    parser.add_argument("--optimizer", choices=tuple(OPTIMIZER_TABLE), default="gd")
    parser.add_argument(
        "--batch-size",
        type=_whole,
        default=None,
        help="points per update (default: all, as in the article)",
    )
    parser.add_argument("--seed", type=_whole, default=0, help="mini-batch shuffling seed (0)")
    parser.add_argument(
        "--loss",
        choices=LOSSES,
        default="mse",
        help="mse (the article's, default), mae (mean |y - y_hat|) or huber",
    )
    parser.add_argument(
        "--huber-delta",
        type=_finite,
        default=1.0,
        help="width of Huber's quadratic band, in y's units (1.0)",
    )
    parser.add_argument(
        "--json", action="store_true", help="write the whole history as JSON instead of the log"
    )
    parser.add_argument(
        "--max-updates",
        type=_whole,
        default=DEFAULT_MAX_UPDATES,
        metavar="N",
        help=f"refuse a run of more than N optimizer updates (epochs x batches per epoch) or "
        f"{POINTS_PER_UPDATE} N points visited by mini-batch epochs "
        f"(default {DEFAULT_MAX_UPDATES:,}, a few seconds); 0 lifts the limit",
    )
    return parser


def _read_csv(path: str) -> tuple[np.ndarray, np.ndarray]:
    from lrviz.data.csv_reader import DataError, read_xy_file

    try:
        return read_xy_file(path)
    except DataError as err:
        raise ValueError(f"{path}: {err}") from None


def _log(history: History, x: np.ndarray, out: TextIO) -> None:
    """The article's log: loss before each reported epoch's update, parameters after it."""
    for epoch in range(0, history.epochs_run, REPORT_EVERY):
        out.write(
            f"Epoch {epoch}, Loss={history.loss[epoch]:.6f}, "
            f"w={history.w[epoch + 1]:.6f}, b={history.b[epoch + 1]:.6f}\n"
        )
    w, b = history.w[-1], history.b[-1]
    out.write("\nTraining finished\n")
    out.write(f"Final parameters: w={w:.6f}, b={b:.6f}\n")
    print("Predictions:", w * x + b, file=out)


def _as_json(history: History) -> str:
    return json.dumps(
        {
            "epochs": history.epochs,
            "epochs_run": history.epochs_run,
            "diverged_at": history.diverged_at,
            **{k: getattr(history, k).tolist() for k in ("w", "b", "loss", "dw", "db")},
        }
    )


def _check_budget(
    n: int, batch_size: int | None, epochs: int, max_updates: int, loss: str = "mse"
) -> None:
    """Raise ValueError naming the numbers and the way out when the run is over the limit."""
    if max_updates < 0:
        raise ValueError(f"--max-updates must be 0 (no limit) or more, not {max_updates}")
    if max_updates == 0 or n == 0 or epochs < 0 or (batch_size is not None and batch_size < 1):
        return  # no limit, or arguments train() refuses with its own message
    max_points = POINTS_PER_UPDATE * max_updates
    fits = epochs_within(n, batch_size, epochs, max_updates, max_points, loss)
    if fits >= epochs:
        return
    updates = total_updates(n, batch_size, epochs)
    visits = epochs * points_per_epoch(n, batch_size, loss)
    raise ValueError(
        f"{epochs} epochs on {n:,} points with batches of {batch_size} make {updates:,} updates "
        f"and {visits:,} point visits, over the limit of {max_updates:,} updates and "
        f"{max_points:,} visits; {fits} epochs fit. Use fewer --epochs, a larger --batch-size, "
        f"or raise the limit with --max-updates (0 lifts it)."
    )


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 bad arguments or data)."""
    out = out or sys.stdout
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.csv is not None:
            if args.y is not None:
                parser.error("--y goes with --x, not with --csv")
            x, y = _read_csv(args.csv)
        else:
            x = np.array(args.x if args.x is not None else _numbers(ARTICLE_X))
            y = np.array(args.y) if args.y is not None else x
        _check_budget(len(x), args.batch_size, args.epochs, args.max_updates, args.loss)
        history = train(
            x,
            y,
            epochs=args.epochs,
            lr=args.lr,
            w0=args.w0,
            b0=args.b0,
            optimizer=args.optimizer,
            batch_size=args.batch_size,
            seed=args.seed,
            loss=args.loss,
            huber_delta=args.huber_delta,
        )
    except ValueError as err:
        parser.error(str(err))
    if args.json:
        out.write(_as_json(history) + "\n")
    elif history.epochs_run >= 0 and len(history.w):
        _log(history, np.asarray(x, dtype=np.float64), out)
    if history.diverged_at is not None:
        print(
            f"lrviz: diverged at epoch {history.diverged_at}; the log stops at the last finite "
            "epoch. Try a smaller --lr.",
            file=sys.stderr,
        )
    return 0
