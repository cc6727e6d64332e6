"""Command line: ``python -m lrviz`` trains from the shell and prints what the article prints."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

import numpy as np

from lrviz.core import OPTIMIZERS, History, train

ARTICLE_X = "1,2,3,4,5"
REPORT_EVERY = 50


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
        description="Fit y_hat = w*x + b by gradient descent on MSE and print the training log. "
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
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default="gd")
    parser.add_argument(
        "--batch-size",
        type=_whole,
        default=None,
        help="points per update (default: all, as in the article)",
    )
    parser.add_argument("--seed", type=_whole, default=0, help="mini-batch shuffling seed (0)")
    parser.add_argument(
        "--json", action="store_true", help="write the whole history as JSON instead of the log"
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
