"""The scenario gallery's lessons: data, settings and runs to pin, computed from the data.

Pure (no streamlit). Learning rates come from the data's stable limit 2/λ_max
(lrviz.core.curvature), snapped to the sidebar's slider stops, so each lesson shows what its
title says on its own data: α too small crawls, near the limit zig-zags, too large diverges.
Every run a lesson shows, pinned ones included, uses only values a user can set in the sidebar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from lrviz.app.choices import LR_CHOICES
from lrviz.app.data_source import DataSource, preset_source, resolve
from lrviz.app.pins import Pin, data_id
from lrviz.app.run import make_run
from lrviz.app.settings import RunSettings
from lrviz.core import Dataset, TrainConfig, curvature, make_dataset, stable_lr
from lrviz.data import fit_scaling, standardize
from lrviz.notation.numbers import fmt

ARTICLE = "Article example"
UNSCALED = "Unscaled x"
OUTLIERS = "Outliers"
NOISY = "Noisy line"


# What a lesson's screen must make visible at its end. tests/test_lesson_shows.py checks each
# from the figures and the run the player is sent, so a lesson cannot quietly stop showing it.
SHORT_OF_FIT = "the line ends visibly short of the least-squares line"
ON_THE_FIT = "the line ends on the least-squares line"
ZIGZAG = "the path zig-zags across the valley"
DIVERGES = "the loss blows up and the run stops early"
PINNED_MOVES = "each pinned run moves with the epoch, beside the run on screen"
RAW_PATH = "the raw-x run's path is drawn on the contour beside the standardized one"
RINGS_WHOLE = "the optimum sits inside the view with whole rings round it, not in a corner"
NOISY_PATH = "the updates inside each epoch are drawn, so the batches' noise shows"
ROBUST_FIT = (
    "the MSE line ends pulled toward the outlier, the Huber line on the other points, and the "
    "legend names both losses"
)
SHOWS = (
    SHORT_OF_FIT,
    ON_THE_FIT,
    ZIGZAG,
    DIVERGES,
    PINNED_MOVES,
    RAW_PATH,
    RINGS_WHOLE,
    NOISY_PATH,
    ROBUST_FIT,
)


@dataclass(frozen=True)
class Lesson:
    """One prepared lesson: a title, its one-line caption (plain text), the data (source), the
    run's settings, runs to pin beside it (each with its own data), and what its screen shows
    (a tuple of the SHOWS sentences)."""

    key: str
    title: str
    caption: str
    source: DataSource
    settings: RunSettings
    pinned: tuple[tuple[DataSource, RunSettings], ...] = ()
    shows: tuple[str, ...] = ()


def data_label(src: DataSource) -> str:
    """A short name for the data of src, for legends: "Unscaled x, standardized"."""
    if src.kind == "preset":
        name = src.preset
    elif src.kind == "generator" and src.spec is not None:
        name = f"generated, seed {src.spec.seed}"
    elif src.kind == "upload":
        name = src.label or "uploaded file"
    elif src.kind == "edited":
        name = "edited table"
    else:
        name = "points from a link"
    return f"{name}, standardized" if src.standardize else name


def dataset_of(src: DataSource) -> Dataset:
    """The points src trains on: x standardized when src says so. DataError if not held."""
    points = resolve(src)
    x = standardize(points.x, fit_scaling(points.x)) if src.standardize else points.x
    return make_dataset(x, points.y)


def below(value: float) -> float:
    """The largest slider stop at or below value (the smallest stop if none is)."""
    return max((c for c in LR_CHOICES if c <= value), default=LR_CHOICES[0])


def above(value: float) -> float:
    """The smallest slider stop above value (the largest stop if none is)."""
    return min((c for c in LR_CHOICES if c > value), default=LR_CHOICES[-1])


def _gd(lr: float, epochs: int, **extra: object) -> RunSettings:
    return RunSettings(epochs=epochs, config=TrainConfig(lr=lr, **extra))  # type: ignore[arg-type]


def _ratio(lr: float, limit: float) -> str:
    return f"α = {fmt(lr)} is {fmt(lr / limit, 2)}× the stable limit {fmt(limit, 3)}"


def lessons() -> tuple[Lesson, ...]:
    """Every lesson, in teaching order."""
    article = preset_source(ARTICLE)
    limit = curvature(dataset_of(article)).max_stable_lr
    small, right = below(limit / 400), below(1 / curvature(dataset_of(article)).eigenvalues[1])
    near, large = below(0.96 * limit), above(1.1 * limit)
    base = below(limit / 8)
    unscaled = preset_source(UNSCALED)
    raw_limit = curvature(dataset_of(unscaled)).max_stable_lr
    scaled = unscaled.with_standardize(True)
    scaled_lr = below(0.3 * curvature(dataset_of(scaled)).max_stable_lr)
    outliers = preset_source(OUTLIERS)
    out_lr = below(0.5 * curvature(dataset_of(outliers)).max_stable_lr)
    # Huber's sufficient bound 4/λ_max (lrviz.core.stable_lr); with the outlier outside the
    # band its curvature is lower still, so 0.8 of it converges well within the budget.
    huber_limit = stable_lr(dataset_of(outliers), loss="huber") or 0.0
    huber_lr = below(0.8 * huber_limit)
    gd = _gd(base, 300)
    noisy = preset_source(NOISY)
    sgd_lr = below(0.3 * curvature(dataset_of(noisy)).max_stable_lr)
    adam = below(10 * base)
    return (
        Lesson(
            "small",
            "α too small",
            f"{_ratio(small, limit)}: every step is safe but tiny, so the path crawls and the "
            "budget runs out far from the minimum.",
            article,
            _gd(small, 300),
            shows=(SHORT_OF_FIT,),
        ),
        Lesson(
            "right",
            "α just right",
            f"{_ratio(right, limit)}, about 1/λ_max: the steep direction settles at once and the "
            "path runs straight down the valley.",
            article,
            _gd(right, 1000),
            shows=(ON_THE_FIT,),
        ),
        Lesson(
            "near",
            "α near the limit",
            f"{_ratio(near, limit)}: each step overshoots the valley floor, so the path "
            "zig-zags across it while it creeps down.",
            article,
            _gd(near, 200),
            shows=(ZIGZAG,),
        ),
        Lesson(
            "large",
            "α too large",
            f"{_ratio(large, limit)}: every step overshoots by more than it corrects, and the "
            "loss blows up.",
            article,
            _gd(large, 100),
            shows=(DIVERGES,),
        ),
        Lesson(
            "momentum",
            "momentum vs plain GD",
            f"Same α = {fmt(base)}: plain GD (pinned) crawls along the valley; momentum β = 0.9 "
            "builds up speed there, overshoots and swings in, far sooner.",
            article,
            _gd(base, 300, optimizer="momentum", momentum=0.9),
            ((article, gd),),
            shows=(PINNED_MOVES,),
        ),
        Lesson(
            "adam",
            "Adam",
            f"Adam divides each step by the gradient's running size: it moves about α = "
            f"{fmt(adam)} in w and b alike at first, whatever the slope. Plain GD pinned.",
            article,
            _gd(adam, 300, optimizer="adam"),
            ((article, gd),),
            shows=(PINNED_MOVES,),
        ),
        Lesson(
            "scaling",
            "unscaled vs standardized x",
            f"On raw x (100–1000) the stable α is tiny ({fmt(raw_limit, 2)}) and the loss stalls "
            f"(pinned); standardized, the bowl is round and α = {fmt(scaled_lr)} converges in a "
            "few epochs.",
            scaled,
            _gd(scaled_lr, 300),
            ((unscaled, _gd(below(0.5 * raw_limit), 300)),),
            shows=(RAW_PATH, RINGS_WHOLE, PINNED_MOVES),
        ),
        Lesson(
            "outlier",
            "one outlier",
            "One far point (x = 10, y = 24) drags the whole line towards it: its squared "
            "residual outweighs the other nine points' pull.",
            outliers,
            _gd(out_lr, 1000),
            shows=(ON_THE_FIT,),
        ),
        Lesson(
            "robust",
            "one outlier: MSE vs Huber",
            # Short: with the banner it must leave the projected chain-rule view room.
            f"Huber (δ = 1, α = {fmt(huber_lr)}) caps the far point's pull at 1, so its line "
            "stays on the other nine; the pinned MSE run is dragged toward it. The contour is "
            "Huber's loss.",
            outliers,
            _gd(huber_lr, 1500, loss="huber", huber_delta=1.0),
            ((outliers, _gd(out_lr, 1500)),),
            shows=(ROBUST_FIT, PINNED_MOVES),
        ),
        Lesson(
            "sgd",
            "SGD vs full batch",
            f"SGD (batch size 1) updates once per point, in shuffled order, at α = {fmt(sgd_lr)}: "
            "each point pulls its own way, so the path jitters round the minimum. Full batch "
            "pinned.",
            noisy,
            RunSettings(epochs=100, config=TrainConfig(lr=sgd_lr, batch_size=1)),
            ((noisy, _gd(sgd_lr, 100)),),
            shows=(NOISY_PATH, PINNED_MOVES),
        ),
    )


def lesson_pins(lesson: Lesson, name: Callable[[DataSource], str] = data_label) -> tuple[Pin, ...]:
    """Train the lesson's runs to pin (ValueError / DataError if their data cannot be had).

    A pinned run on the lesson's own points with raw x, beside a lesson on standardized x, is
    drawn as the same lines in z units (see in_z_units), so its path shares the contour.
    """
    pins = []
    for src, settings in lesson.pinned:
        pin = Pin.of(make_run(dataset_of(src), settings), name(src))
        if lesson.source.standardize and src == lesson.source.with_standardize(False):
            pin = in_z_units(pin, resolve(src).x, dataset_of(lesson.source), name(src))
        pins.append(pin)
    return tuple(pins)


RAW_IN_Z = "in z units"
"""Legend name of a raw-x run drawn on a standardized contour."""


def in_z_units(pin: Pin, raw_x: NDArray[np.float64], scaled: Dataset, name: str) -> Pin:
    """A run trained on raw x drawn on the contour of standardized x.

    The line y = w x + b is, with x = mean + std z, the line y = (w std) z + (b + w mean): the
    same predictions, so the same loss at every epoch, at a point of the z plane.
    """
    scaling = fit_scaling(raw_x)
    w = pin.w * scaling.std
    b = pin.b + pin.w * scaling.mean
    return Pin(pin.settings, data_id(scaled), f"{name.split(',')[0]} ({RAW_IN_Z})", w, b, pin.loss)
