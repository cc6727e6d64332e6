"""The one table of optimizer metadata: names, hyper-parameters, ranges, stability guidance.

The core (lrviz.core.optimizers) holds the update rules; this table holds what the rest of the
app says and offers about them. The sidebar, the link format, the pinned runs' labels, the
chain-rule explanation and the command line read it, so a new optimizer is one row here (and
its rule in the core). Pure data: no import beyond the core's list of names.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from lrviz.core.optimizers import OPTIMIZERS


class Hyper(NamedTuple):
    """One hyper-parameter of an optimizer, as the app offers it.

    field: its lrviz.core.TrainConfig field, which is also its sidebar widget key. param: its
    link parameter. label: the sidebar widget's label. name: how a notice calls it. symbol: how
    labels and legends write it ("β₁ = 0.9"). default: the sidebar's value. low, high, step:
    the slider's range when choices is empty; choices: the select-slider's stops otherwise (a
    linked value snaps to the nearest on a log scale). help: the widget's tooltip ("" for none).
    """

    field: str
    param: str
    label: str
    name: str
    symbol: str
    default: float
    low: float = 0.0
    high: float = 0.0
    step: float = 0.0
    choices: tuple[float, ...] = ()
    help: str = ""


class OptimizerInfo(NamedTuple):
    """One optimizer: key (lrviz.core name, link value), name (sidebar), short (run labels),
    its hyper-parameters in sidebar order, and whether the stable limit 2/λ_max (plain
    full-batch gradient descent's bound) is its own bound (stable_limit_exact)."""

    key: str
    name: str
    short: str
    hypers: tuple[Hyper, ...]
    stable_limit_exact: bool


MAX_BETA = 0.99
"""Largest momentum β and Adam's β₁ offered: at 1 the velocity never forgets."""

MOMENTUM_BETA = Hyper(
    field="momentum",
    param="beta",
    label="Momentum β",
    name="Momentum β",
    symbol="β",
    default=0.9,
    low=0.0,
    high=MAX_BETA,
    step=0.01,
    help="Fraction of the velocity kept",
)
ADAM_BETA1 = Hyper(
    field="beta1",
    param="beta1",
    label="β₁ (first moment)",
    name="Adam's β₁",
    symbol="β₁",
    default=0.9,
    low=0.0,
    high=MAX_BETA,
    step=0.01,
)
ADAM_BETA2 = Hyper(
    field="beta2",
    param="beta2",
    label="β₂ (second moment)",
    name="Adam's β₂",
    symbol="β₂",
    default=0.999,
    choices=(0.9, 0.99, 0.999, 0.9999),
)
ADAM_EPS = Hyper(
    field="eps",
    param="eps",
    label="ε",
    name="Adam's ε",
    symbol="ε",
    default=1e-8,
    choices=(1e-10, 1e-8, 1e-6, 1e-4),
)

OPTIMIZER_TABLE: Mapping[str, OptimizerInfo] = MappingProxyType(
    {
        "gd": OptimizerInfo("gd", "Gradient descent", "GD", (), True),
        "momentum": OptimizerInfo("momentum", "Momentum", "momentum", (MOMENTUM_BETA,), False),
        "nesterov": OptimizerInfo(
            "nesterov", "Nesterov momentum", "Nesterov", (MOMENTUM_BETA,), False
        ),
        "adam": OptimizerInfo("adam", "Adam", "Adam", (ADAM_BETA1, ADAM_BETA2, ADAM_EPS), False),
    }
)
"""Every optimizer the app offers, in the sidebar's order (the core's OPTIMIZERS)."""

if tuple(OPTIMIZER_TABLE) != OPTIMIZERS:  # pragma: no cover - a row missing is a coding error
    raise ImportError("lrviz.catalog.optimizers must have one row per lrviz.core optimizer")

OPTIMIZER_NAMES: Mapping[str, str] = MappingProxyType(
    {key: info.name for key, info in OPTIMIZER_TABLE.items()}
)
"""Optimizer key -> the sidebar's name for it."""

HYPERS: Mapping[str, Hyper] = MappingProxyType(
    {h.field: h for info in OPTIMIZER_TABLE.values() for h in info.hypers}
)
"""Every hyper-parameter, by TrainConfig field, in sidebar order."""


def hypers_of(optimizer: str) -> tuple[Hyper, ...]:
    """The hyper-parameters optimizer uses (none for an unknown name)."""
    info = OPTIMIZER_TABLE.get(optimizer)
    return () if info is None else info.hypers


def uses(optimizer: str, field: str) -> bool:
    """Whether optimizer uses the TrainConfig field (momentum, beta1, beta2, eps)."""
    return any(h.field == field for h in hypers_of(optimizer))
