"""Sidebar run settings: start, learning rate beside its stable limit, budget, optimizer, batch."""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

import streamlit as st

from lrviz.core import Curvature, TrainConfig
from lrviz.explain.numbers import fmt
from lrviz.player.component import PLAYER_KEY
from lrviz.player.run import MAX_EPOCHS, RunSettings

# Learning rates on a log scale from 1e-4 to 2: 1, 1.5, 2, 3, ... 9 per decade, so the article's
# 0.01, the limit's neighbours 0.08 and 0.09, and round values a teacher types are all there.
_MANTISSAS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0)
LR_CHOICES: tuple[float, ...] = (
    *(float(f"{m}e{e}") for e in range(-4, 0) for m in _MANTISSAS),
    1.0,
    1.5,
    2.0,
)
START_LIMIT = 1e6
OPTIMIZER_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "gd": "Gradient descent",
        "momentum": "Momentum",
        "nesterov": "Nesterov momentum",
        "adam": "Adam",
    }
)
BATCH_MODES = ("Full batch", "Mini-batch", "One point (SGD)")
BETA2_CHOICES = (0.9, 0.99, 0.999, 0.9999)
EPS_CHOICES = (1e-10, 1e-8, 1e-6, 1e-4)
DEFAULTS: Mapping[str, object] = MappingProxyType(
    {
        "w0": 0.0,
        "b0": 0.0,
        "lr": 0.01,
        "epochs": 1000,
        "optimizer": "gd",
        "momentum": 0.9,
        "beta1": 0.9,
        "beta2": 0.999,
        "eps": 1e-8,
        "batch_mode": BATCH_MODES[0],
        "batch_size": 2,
        "seed": 0,
    }
)


def _lr_label(lr: float) -> str:
    return fmt(lr)


def snap(value: float) -> float:
    """A clicked coordinate as a start value: 3 significant figures, within ±START_LIMIT."""
    if not math.isfinite(value):
        return 0.0
    value = min(max(value, -START_LIMIT), START_LIMIT)
    return float(f"{value:.3g}")


def apply_pick() -> None:
    """Callback for a click on the contour: start the run from the clicked (w, b)."""
    state = st.session_state.get(PLAYER_KEY)
    pick = state.get("pick") if hasattr(state, "get") else None
    if not isinstance(pick, dict):
        return
    w, b = pick.get("w"), pick.get("b")
    if isinstance(w, int | float) and isinstance(b, int | float):
        st.session_state["w0"] = snap(float(w))
        st.session_state["b0"] = snap(float(b))


def _init_state() -> None:
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)


def _optimizer_ui(optimizer: str) -> dict[str, float]:
    if optimizer in ("momentum", "nesterov"):
        beta = st.slider(
            "Momentum β", 0.0, 0.99, step=0.01, key="momentum", help="Fraction of the velocity kept"
        )
        return {"momentum": beta}
    if optimizer == "adam":
        beta1 = st.slider("β₁ (first moment)", 0.0, 0.99, step=0.01, key="beta1")
        beta2 = st.select_slider("β₂ (second moment)", BETA2_CHOICES, key="beta2")
        eps = st.select_slider("ε", EPS_CHOICES, key="eps", format_func=fmt)
        return {"beta1": beta1, "beta2": beta2, "eps": eps}
    return {}


def _batch_ui(n: int) -> tuple[int | None, int]:
    mode = st.radio("Batch", BATCH_MODES, key="batch_mode", horizontal=True)
    if mode == BATCH_MODES[0]:
        return None, int(st.session_state["seed"])
    if mode == BATCH_MODES[1]:
        if st.session_state["batch_size"] > n:
            st.session_state["batch_size"] = n
        size = int(st.number_input("Points per batch", 1, max(n, 1), step=1, key="batch_size"))
    else:
        size = 1
    seed = int(st.number_input("Shuffle seed", 0, 2**31 - 1, step=1, key="seed"))
    return size, seed


def settings_ui(n: int, curv: Curvature) -> RunSettings | None:
    """Draw the run settings in the sidebar; None (with a message shown) if they are refused.

    n: number of data points (bounds the batch size). curv: gives the stable limit 2/lambda_max.
    """
    _init_state()
    with st.sidebar:
        st.subheader("Run settings")
        c1, c2 = st.columns(2)
        w0 = c1.number_input(
            "Start w₀",
            -START_LIMIT,
            START_LIMIT,
            step=0.1,
            format="%g",
            key="w0",
            help="Or click on the contour panel to start there",
        )
        b0 = c2.number_input("Start b₀", -START_LIMIT, START_LIMIT, step=0.1, format="%g", key="b0")
        if st.session_state["lr"] not in LR_CHOICES:
            st.session_state["lr"] = min(LR_CHOICES, key=lambda v: abs(math.log(v / 0.01)))
        lr = st.select_slider(
            "Learning rate α (log scale)", LR_CHOICES, key="lr", format_func=_lr_label
        )
        limit = curv.max_stable_lr
        st.caption(
            f"Stable limit 2/λ_max = **{fmt(limit, 3)}** (full-batch gradient descent); "
            f"α is **{fmt(lr / limit, 2)}×** the limit."
        )
        epochs = int(st.number_input("Epoch budget", 0, MAX_EPOCHS, step=100, key="epochs"))
        optimizer = st.selectbox(
            "Optimizer", tuple(OPTIMIZER_NAMES), key="optimizer", format_func=OPTIMIZER_NAMES.get
        )
        extra = _optimizer_ui(optimizer)
        batch_size, seed = _batch_ui(n)
        try:
            config = TrainConfig(
                lr=float(lr), optimizer=optimizer, batch_size=batch_size, seed=seed, **extra
            )
            return RunSettings(w0=float(w0), b0=float(b0), epochs=epochs, config=config)
        except ValueError as error:
            st.error(str(error))
            return None
