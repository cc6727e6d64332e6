"""Sidebar run settings: start, learning rate beside its stable limit, budget, optimizer, batch,
loss (MSE, MAE or Huber with its δ).

Two rules are applied to the widgets' values before the widgets are drawn, so the sidebar always
shows the run on screen (and the URL, written from that run, agrees with both): a start whose
loss is not a finite number goes back to the last good start (or (0, 0)), and an epoch budget
above the work budget (lrviz.player.run.MAX_UPDATES) is cut to the epochs that fit. Each says so
in a note shown above the player (settings_notes_ui) while that run is on screen.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

import streamlit as st

from lrviz.core import LOSSES, Curvature, Dataset, TrainConfig
from lrviz.data import escape_markdown
from lrviz.explain.numbers import fmt
from lrviz.player.component import PLAYER_KEY
from lrviz.player.run import MAX_EPOCHS, Run, RunSettings, start_problem, work_budget
from lrviz.ui.number_box import box_value

# Learning rates on a log scale from 1e-8 to 2: 1, 1.5, 2, 3, ... 9 per decade, so the article's
# 0.01, the limit's neighbours 0.08 and 0.09, and round values a teacher types are all there;
# unscaled x in the thousands has a stable limit near 1e-7. Any other α is typed (LR_MIN..LR_MAX).
_MANTISSAS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0)
LR_CHOICES: tuple[float, ...] = (
    *(float(f"{m}e{e}") for e in range(-8, 0) for m in _MANTISSAS),
    1.0,
    1.5,
    2.0,
)
LR_MIN = 1e-305
"""Smallest α typed or linked: x within ±1e150 has a stable limit 2/λ_max of about 1e-300."""
LR_MAX = 2.0
"""Largest α: the slider's top stop."""
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
LOSS_CHOICES: Mapping[str, str] = MappingProxyType(
    {"mse": "MSE (squared)", "mae": "MAE (absolute)", "huber": "Huber"}
)
"""The sidebar's loss choices (lrviz.core.LOSSES) and how the radio names them."""
DELTA_MIN = 0.01
DELTA_MAX = 100.0
"""Huber's δ, in y's units: below 0.01 it is MAE in all but name, above 100 MSE on most data."""
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
        "loss": "mse",
        "huber_delta": 1.0,
    }
)


_NOTES = "lrviz_settings_notes"  # (settings the notes are about, tuple of plain-text notes)
_GOOD_START = "lrviz_settings_good_start"  # (w0, b0) of the last start accepted
_LR_TEXT = "lr_text"  # the typed-α box
_LR_PROBLEM = "lrviz_settings_lr_problem"  # why the last typed α was refused (plain text)
_RESTORE = "lrviz_settings_restore"  # widget values to put back before the widgets are drawn


def _lr_label(lr: float) -> str:
    return fmt(lr)


def lr_text(lr: float) -> str:
    """α as the typed box shows it: the shortest text that reads back to the same float."""
    text = repr(float(lr))
    return text[:-2] if text.endswith(".0") else text


def parse_lr(text: str) -> tuple[float | None, str]:
    """A typed learning rate: (α, "") when it is a number in LR_MIN..LR_MAX, else (None, why)."""
    raw = text.strip()
    try:
        value = float(raw) if len(raw) <= 40 else math.nan
    except ValueError:
        value = math.nan
    shown = raw if len(raw) <= 24 else raw[:24] + "…"
    if not math.isfinite(value):
        return None, f"α “{shown}” is not a number; type one such as 0.01 or 1e-7."
    if not LR_MIN <= value <= LR_MAX:
        return None, f"α must be between {fmt(LR_MIN)} and {fmt(LR_MAX)}; “{shown}” is not."
    return value, ""


def _on_lr_text() -> None:
    state = st.session_state
    value, why = parse_lr(str(state.get(_LR_TEXT, "")))
    if value is not None:
        state["lr"] = value
    # Shown while α stays what it was when the typing was refused.
    state[_LR_PROBLEM] = (why, state["lr"])


def restore_settings(values: Mapping[str, object]) -> None:
    """Put these widget values back at the start of the next script run (safe after the widgets
    were drawn): for a run refused after its settings were read."""
    st.session_state[_RESTORE] = dict(values)


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
    state = st.session_state
    for key, value in DEFAULTS.items():
        state.setdefault(key, value)
    restore = state.pop(_RESTORE, None)
    if isinstance(restore, Mapping):
        state.update(restore)
    lr = state["lr"]
    if isinstance(lr, bool) or not isinstance(lr, int | float) or not LR_MIN <= lr <= LR_MAX:
        state["lr"] = DEFAULTS["lr"]
    if state["loss"] not in LOSSES:
        state["loss"] = DEFAULTS["loss"]
    delta = state["huber_delta"]
    if isinstance(delta, bool) or not isinstance(delta, int | float):
        state["huber_delta"] = DEFAULTS["huber_delta"]
    elif not DELTA_MIN <= delta <= DELTA_MAX:  # nan included: it fails both comparisons
        state["huber_delta"] = min(max(delta, DELTA_MIN), DELTA_MAX) if delta == delta else 1.0


def batch_of(values: Mapping[str, object], n: int) -> int | None:
    """The batch size the widget values ask for on n points: None for the full batch."""
    mode = values.get("batch_mode", BATCH_MODES[0])
    if mode == BATCH_MODES[1]:
        return max(1, min(int(values.get("batch_size", 1)), max(n, 1)))  # type: ignore[call-overload]
    return 1 if mode == BATCH_MODES[2] else None


def settings_of(values: Mapping[str, object], n: int) -> RunSettings:
    """The run the widget values (keys of DEFAULTS) ask for on n points; ValueError if the core
    refuses them. The sidebar builds its run with this, from what its widgets return."""
    optimizer = str(values["optimizer"])
    extra: dict[str, float] = {}
    if optimizer in ("momentum", "nesterov"):
        extra["momentum"] = float(values["momentum"])  # type: ignore[arg-type]
    if optimizer == "adam":
        for name in ("beta1", "beta2", "eps"):
            extra[name] = float(values[name])  # type: ignore[arg-type]
    batch_size = batch_of(values, n)
    loss = str(values.get("loss", "mse"))
    # δ only shapes Huber: other losses keep the default, so runs that differ only in a δ
    # they do not use are one run (same run id, same link).
    delta = float(values.get("huber_delta", 1.0)) if loss == "huber" else 1.0  # type: ignore[arg-type]
    config = TrainConfig(
        lr=float(values["lr"]),  # type: ignore[arg-type]
        optimizer=optimizer,
        batch_size=batch_size,
        seed=int(values["seed"]),  # type: ignore[call-overload]
        loss=loss,
        huber_delta=delta,
        **extra,
    )
    return RunSettings(
        w0=float(values["w0"]),  # type: ignore[arg-type]
        b0=float(values["b0"]),  # type: ignore[arg-type]
        epochs=int(values["epochs"]),  # type: ignore[call-overload]
        config=config,
    )


def settle_values(
    values: Mapping[str, object],
    n: int,
    data: Dataset | None,
    good_start: tuple[float, float] = (0.0, 0.0),
) -> tuple[dict[str, object], list[str]]:
    """The start and work-budget rules on widget values: (values to change, notes saying why).

    A start whose loss is not finite on data goes back to good_start (or (0, 0) if that is not
    fine either); epochs above the work budget are cut to those that fit. Pure: the sidebar
    applies it to its widgets' values before drawing them, and tests apply it to links.
    """
    changes: dict[str, object] = {}
    notes: list[str] = []
    if data is not None:
        problem = start_problem(data, float(values["w0"]), float(values["b0"]))  # type: ignore[arg-type]
        if problem:
            good = good_start if not start_problem(data, *good_start) else (0.0, 0.0)
            changes["w0"], changes["b0"] = good
            notes.append(f"{problem} Starting from ({fmt(good[0])}, {fmt(good[1])}) instead.")
    epochs = int(values["epochs"])  # type: ignore[call-overload]
    if 0 <= epochs <= MAX_EPOCHS:
        loss = str(values.get("loss", "mse"))
        budget = work_budget(n, batch_of(values, n), epochs, loss=loss if loss in LOSSES else "mse")
        if budget.capped:
            changes["epochs"] = budget.epochs
            notes.append(budget.message)
    return changes, notes


def _settle(n: int, data: Dataset | None) -> list[str]:
    """Apply settle_values to the widget values, before the widgets are drawn."""
    state = st.session_state
    values = {key: state[key] for key in DEFAULTS}
    changes, notes = settle_values(values, n, data, state.get(_GOOD_START, (0.0, 0.0)))
    state.update(changes)
    state[_GOOD_START] = (float(state["w0"]), float(state["b0"]))
    return notes


def _remember_notes(settings: RunSettings | None, notes: list[str]) -> None:
    """Keep notes for these settings; drop older notes once the settings have changed."""
    state = st.session_state
    key = None if settings is None else _notes_key(settings)
    if notes:
        state[_NOTES] = (key, tuple(notes))
    elif state.get(_NOTES) is not None and state[_NOTES][0] != key:
        del state[_NOTES]


def _notes_key(settings: RunSettings) -> tuple[object, ...]:
    return (settings.w0, settings.b0, settings.epochs, settings.config)


def settings_notes(run: Run) -> tuple[str, ...]:
    """What the sidebar changed to make the run on screen (plain text), and the run's own cut."""
    stored = st.session_state.get(_NOTES)
    notes = stored[1] if stored is not None and stored[0] == _notes_key(run.settings) else ()
    if run.note and run.note not in notes:
        notes = (*notes, run.note)
    return notes


def settings_notes_ui(run: Run) -> None:
    """Show the notes of settings_notes above the player, while that run is on screen."""
    notes = settings_notes(run)
    if notes:
        st.warning("\n\n".join(escape_markdown(text) for text in notes))


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


def _batch_ui(n: int) -> tuple[str, int, int]:
    """(batch mode, points per batch, shuffle seed) as the widgets say."""
    state = st.session_state
    mode = str(st.radio("Batch", BATCH_MODES, key="batch_mode", horizontal=True))
    if mode == BATCH_MODES[0]:
        return mode, int(state["batch_size"]), int(state["seed"])
    if mode == BATCH_MODES[1]:
        if state["batch_size"] > n:
            state["batch_size"] = n
        top = max(n, 1)
        size = int(
            st.number_input(
                "Points per batch", 1, top, box_value("batch_size", 1, top), step=1,
                key="batch_size",
            )
        )  # fmt: skip
    else:
        size = 1
    most = 2**31 - 1
    seed = int(st.number_input("Shuffle seed", 0, most, box_value("seed", 0, most), key="seed"))
    return mode, size, seed


def stable_limit_text(lr: float, curv: Curvature, loss: str, delta: float = 1.0) -> str:
    """The sidebar's words on the stable α for this loss (markdown): 2/λ_max is MSE's exact
    bound; Huber's curvature is at most MSE's / 2, so α < 4/λ_max is enough (sufficient only);
    MAE has no stable α, as its gradient has a fixed size (lrviz.core.stable_lr)."""
    limit = curv.max_stable_lr
    if loss == "mae":
        return (
            f"MAE has no stable limit: each point's ∂Lᵢ/∂ŷᵢ is ±1 whatever the size of its "
            f"residual (0 only on the line), so the gradient does not shrink near the minimum. "
            f"Full-batch steps stay up to α·mean|x| in w and α in b: gradient descent never "
            f"diverges, but it never settles exactly either, and circles the minimum at a "
            f"distance proportional to α. (MSE's limit 2/λ_max here is {fmt(limit, 3)}.)"
        )
    if loss == "huber":
        huber = 2.0 * limit
        return (
            f"2/λ_max = {fmt(limit, 3)} is MSE's limit. Huber's curvature is at most half of "
            f"MSE's (it is quadratic only where |y − ŷ| ≤ δ = {fmt(delta)}), so full-batch "
            f"gradient descent is stable for α < 4/λ_max = **{fmt(huber, 3)}**; α is "
            f"**{fmt(lr / huber, 2)}×** that. A sufficient bound only: with points outside "
            "the band, larger α may converge too."
        )
    return (
        f"Stable limit 2/λ_max = **{fmt(limit, 3)}** (full-batch gradient descent on MSE); "
        f"α is **{fmt(lr / limit, 2)}×** the limit."
    )


def _stable_limit_caption(lr: float, curv: Curvature) -> None:
    state = st.session_state
    loss = str(state.get("loss", "mse"))
    text = stable_limit_text(lr, curv, loss, float(state.get("huber_delta", 1.0)))
    optimizer = state.get("optimizer", "gd")
    if loss != "mae" and (
        optimizer != "gd" or state.get("batch_mode", BATCH_MODES[0]) != BATCH_MODES[0]
    ):
        what = [] if optimizer == "gd" else [OPTIMIZER_NAMES.get(optimizer, optimizer)]
        if state.get("batch_mode", BATCH_MODES[0]) != BATCH_MODES[0]:
            what.append("mini-batches")
        text += (
            f" That bound is for plain full-batch gradient descent only: "
            f"{' with '.join(what)} can diverge below it or stay stable above it."
        )
    st.caption(text)


def _loss_ui() -> tuple[str, float]:
    """(loss, Huber δ) as the widgets say; the δ box is drawn for Huber only."""
    loss = str(
        st.radio(
            "Loss",
            tuple(LOSS_CHOICES),
            key="loss",
            horizontal=True,
            format_func=LOSS_CHOICES.get,
            help="The loss node of the chain: only ∂L/∂ŷ changes with it",
        )
    )
    if loss != "huber":
        return loss, float(st.session_state["huber_delta"])
    delta = st.number_input(
        "Huber δ (width of the quadratic band, in y's units)",
        DELTA_MIN,
        DELTA_MAX,
        box_value("huber_delta", DELTA_MIN, DELTA_MAX),
        step=0.1,
        format="%g",
        key="huber_delta",
        help="Residuals within ±δ are squared (halved); beyond it they count linearly",
    )
    return loss, float(delta)


def _lr_ui(curv: Curvature) -> float:
    """The learning-rate slider (stops 1e-8 … 2) and a box to type any α in LR_MIN … LR_MAX."""
    state = st.session_state
    lr = float(state["lr"])
    # A typed or linked α that is no stop joins the stops, so the slider can show it.
    choices = tuple(sorted({*LR_CHOICES, lr}))
    lr = st.select_slider("Learning rate α (log scale)", choices, key="lr", format_func=_lr_label)
    state[_LR_TEXT] = lr_text(lr)
    st.text_input(
        "Or type α",
        key=_LR_TEXT,
        on_change=_on_lr_text,
        help=f"Any α from {fmt(LR_MIN)} to {fmt(LR_MAX)}, e.g. 1.33e-6 or 0.0123",
    )
    problem = state.get(_LR_PROBLEM)
    if problem and problem[0] and problem[1] == lr:
        st.error(escape_markdown(problem[0]))
    _stable_limit_caption(lr, curv)
    return float(lr)


def settings_ui(n: int, curv: Curvature, data: Dataset | None = None) -> RunSettings | None:
    """Draw the run settings in the sidebar; None (with a message shown) if they are refused.

    n: number of data points (bounds the batch size and sets the work per epoch). curv: gives
    the stable limit 2/lambda_max. data: when given, a start whose loss is not finite on it is
    put back to the last good start before the widgets are drawn (see the module docstring).
    """
    _init_state()
    notes = _settle(n, data)
    settings = _settings_widgets(n, curv)
    _remember_notes(settings, notes)
    return settings


def _settings_widgets(n: int, curv: Curvature) -> RunSettings | None:
    with st.sidebar:
        st.subheader("Run settings")
        c1, c2 = st.columns(2)
        w0 = c1.number_input(
            "Start w₀",
            -START_LIMIT,
            START_LIMIT,
            box_value("w0", -START_LIMIT, START_LIMIT),
            step=0.1,
            format="%g",
            key="w0",
            help="Or click on the contour panel to start there",
        )
        b0 = c2.number_input(
            "Start b₀", -START_LIMIT, START_LIMIT, box_value("b0", -START_LIMIT, START_LIMIT),
            step=0.1, format="%g", key="b0",
        )  # fmt: skip
        loss, delta = _loss_ui()
        lr = _lr_ui(curv)
        epochs = int(
            st.number_input(
                "Epoch budget", 0, MAX_EPOCHS, box_value("epochs", 0, MAX_EPOCHS), step=100,
                key="epochs",
            )
        )  # fmt: skip
        optimizer = st.selectbox(
            "Optimizer", tuple(OPTIMIZER_NAMES), key="optimizer", format_func=OPTIMIZER_NAMES.get
        )
        extra = _optimizer_ui(optimizer)
        mode, size, seed = _batch_ui(n)
        values = {"w0": w0, "b0": b0, "lr": lr, "epochs": epochs, "optimizer": optimizer}
        values.update(extra, batch_mode=mode, batch_size=size, seed=seed)
        values.update(loss=loss, huber_delta=delta)
        try:
            return settings_of(values, n)
        except ValueError as error:
            st.error(escape_markdown(str(error)))
            return None
