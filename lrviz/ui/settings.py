"""Sidebar run settings: start, learning rate beside its stable limit, budget, optimizer, batch,
loss (MSE, MAE or Huber with its δ).

Two rules are applied to the widgets' values before the widgets are drawn, so the sidebar always
shows the run on screen (and the URL, written from that run, agrees with both): a start whose
loss is not a finite number goes back to the last good start (or (0, 0)), and an epoch budget
above the work budget (lrviz.app.run.MAX_UPDATES) is cut to the epochs that fit. Each says so
in a note shown above the player (settings_notes_ui) while that run is on screen.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

import streamlit as st

from lrviz.app.choices import BATCH_MODES, DEFAULTS, LOSS_CHOICES, LR_CHOICES
from lrviz.app.run import Run, start_problem, work_budget
from lrviz.app.settings import (
    DELTA_MAX,
    DELTA_MIN,
    LR_MAX,
    LR_MIN,
    MAX_EPOCHS,
    START_LIMIT,
    RunSettings,
)
from lrviz.catalog.optimizers import OPTIMIZER_NAMES, OPTIMIZER_TABLE, hypers_of
from lrviz.core import LOSSES, Curvature, Dataset, TrainConfig
from lrviz.data import MAX_SEED, escape_markdown
from lrviz.data.wording import quoted
from lrviz.notation.numbers import fmt
from lrviz.share.url_state import from_params, to_params
from lrviz.ui import state
from lrviz.ui.number_box import box_value
from lrviz.ui.state import (
    B0,
    BATCH_MODE,
    BATCH_SIZE,
    EPOCHS,
    HUBER_DELTA,
    LOSS,
    LR,
    LR_TEXT,
    OPTIMIZER,
    SEED,
    W0,
    LrProblem,
    SettingsNotes,
)


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
    if not math.isfinite(value):
        return None, f"α {quoted(raw)} is not a number; type one such as 0.01 or 1e-7."
    if not LR_MIN <= value <= LR_MAX:
        return None, f"α must be between {fmt(LR_MIN)} and {fmt(LR_MAX)}; {quoted(raw)} is not."
    return value, ""


def _on_lr_text() -> None:
    value, why = parse_lr(str(state.widget(LR_TEXT, "")))
    if value is not None:
        state.set_widget(LR, value)
    # Shown while α stays what it was when the typing was refused.
    state.SETTINGS.update(lr_problem=LrProblem(why, state.widget(LR)))


def restore_settings(values: Mapping[str, object]) -> None:
    """Put these widget values back at the start of the next script run (safe after the widgets
    were drawn): for a run refused after its settings were read."""
    state.SETTINGS.update(restore=dict(values))


def snap(value: float) -> float:
    """A clicked coordinate as a start value: 3 significant figures, within ±START_LIMIT."""
    if not math.isfinite(value):
        return 0.0
    value = min(max(value, -START_LIMIT), START_LIMIT)
    return float(f"{value:.3g}")


def apply_pick() -> None:
    """Callback for a click on the contour: start the run from the clicked (w, b)."""
    reported = state.player_state()
    pick = reported.get("pick") if isinstance(reported, Mapping) else None
    if not isinstance(pick, dict):
        return
    w, b = pick.get("w"), pick.get("b")
    if isinstance(w, int | float) and isinstance(b, int | float):
        state.set_widgets({W0: snap(float(w)), B0: snap(float(b))})


def _init_state() -> None:
    for key, value in DEFAULTS.items():
        state.default_widget(key, value)
    restore = state.SETTINGS.get().restore
    if restore is not None:
        state.SETTINGS.update(restore=None)
        state.set_widgets(restore)
    lr = state.widget(LR)
    if isinstance(lr, bool) or not isinstance(lr, int | float) or not LR_MIN <= lr <= LR_MAX:
        state.set_widget(LR, DEFAULTS[LR])
    if state.widget(LOSS) not in LOSSES:
        state.set_widget(LOSS, DEFAULTS[LOSS])
    delta = state.widget(HUBER_DELTA)
    if isinstance(delta, bool) or not isinstance(delta, int | float):
        state.set_widget(HUBER_DELTA, DEFAULTS[HUBER_DELTA])
    elif not DELTA_MIN <= delta <= DELTA_MAX:  # nan included: it fails both comparisons
        clamped = min(max(delta, DELTA_MIN), DELTA_MAX) if delta == delta else 1.0
        state.set_widget(HUBER_DELTA, clamped)


def batch_of(values: Mapping[str, object], n: int) -> int | None:
    """The batch size the widget values ask for on n points: None for the full batch."""
    mode = values.get(BATCH_MODE, BATCH_MODES[0])
    if mode == BATCH_MODES[1]:
        return max(1, min(int(values.get(BATCH_SIZE, 1)), max(n, 1)))  # type: ignore[call-overload]
    return 1 if mode == BATCH_MODES[2] else None


def settings_of(values: Mapping[str, object], n: int) -> RunSettings:
    """The run the widget values (keys of DEFAULTS) ask for on n points; ValueError if the core
    refuses them. The sidebar builds its run with this, from what its widgets return."""
    optimizer = str(values["optimizer"])
    extra = {h.field: float(values[h.field]) for h in hypers_of(optimizer)}  # type: ignore[arg-type]
    batch_size = batch_of(values, n)
    loss = str(values.get(LOSS, "mse"))
    # δ only shapes Huber: other losses keep the default, so runs that differ only in a δ
    # they do not use are one run (same run id, same link).
    delta = float(values.get(HUBER_DELTA, 1.0)) if loss == "huber" else 1.0  # type: ignore[arg-type]
    config = TrainConfig(
        lr=float(values[LR]),  # type: ignore[arg-type]
        optimizer=optimizer,
        batch_size=batch_size,
        seed=int(values[SEED]),  # type: ignore[call-overload]
        loss=loss,
        huber_delta=delta,
        **extra,
    )
    return RunSettings(
        w0=float(values[W0]),  # type: ignore[arg-type]
        b0=float(values[B0]),  # type: ignore[arg-type]
        epochs=int(values[EPOCHS]),  # type: ignore[call-overload]
        config=config,
    )


def widgets_of(fields: Mapping[str, object]) -> dict[str, object]:
    """Sidebar widget values for RunSettings / TrainConfig fields (a link's Parsed.fields): the
    same keys, but the batch size as the batch radio's mode plus the points box (not for the
    full batch)."""
    values = {key: value for key, value in fields.items() if key != "batch_size"}
    if "batch_size" in fields:
        size = fields["batch_size"]
        values["batch_mode"] = (
            BATCH_MODES[0] if size is None else BATCH_MODES[2] if size == 1 else BATCH_MODES[1]
        )
        if size is not None:
            values["batch_size"] = size
    return values


def widget_values(settings: RunSettings) -> Mapping[str, object]:
    """The run-settings widgets' values that make settings (for a lesson's run, a run put back):
    those its link writes, and the loss (links leave MSE out), so an MSE run's loss comes back."""
    values = widgets_of(from_params(to_params(settings)).fields)
    values["loss"] = settings.config.loss
    return MappingProxyType(values)


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
        problem = start_problem(data, float(values[W0]), float(values[B0]))  # type: ignore[arg-type]
        if problem:
            good = good_start if not start_problem(data, *good_start) else (0.0, 0.0)
            changes[W0], changes[B0] = good
            notes.append(f"{problem} Starting from ({fmt(good[0])}, {fmt(good[1])}) instead.")
    epochs = int(values[EPOCHS])  # type: ignore[call-overload]
    if 0 <= epochs <= MAX_EPOCHS:
        loss = str(values.get(LOSS, "mse"))
        budget = work_budget(n, batch_of(values, n), epochs, loss=loss if loss in LOSSES else "mse")
        if budget.capped:
            changes[EPOCHS] = budget.epochs
            notes.append(budget.message)
    return changes, notes


def _settle(n: int, data: Dataset | None) -> list[str]:
    """Apply settle_values to the widget values, before the widgets are drawn."""
    values = {key: state.widget(key) for key in DEFAULTS}
    changes, notes = settle_values(values, n, data, state.SETTINGS.get().good_start)
    state.set_widgets(changes)
    state.SETTINGS.update(good_start=(float(state.widget(W0)), float(state.widget(B0))))
    return notes


def _remember_notes(settings: RunSettings | None, notes: list[str]) -> None:
    """Keep notes for these settings; drop older notes once the settings have changed."""
    key = None if settings is None else _notes_key(settings)
    stored = state.SETTINGS.get().notes
    if notes:
        state.SETTINGS.update(notes=SettingsNotes(key, tuple(notes)))
    elif stored is not None and stored.about != key:
        state.SETTINGS.update(notes=None)


def _notes_key(settings: RunSettings) -> tuple[object, ...]:
    return (settings.w0, settings.b0, settings.epochs, settings.config)


def settings_notes(run: Run) -> tuple[str, ...]:
    """What the sidebar changed to make the run on screen (plain text), and the run's own cut."""
    stored = state.SETTINGS.get().notes
    notes = stored.texts if stored is not None and stored.about == _notes_key(run.settings) else ()
    if run.note and run.note not in notes:
        notes = (*notes, run.note)
    return notes


def settings_notes_ui(run: Run) -> None:
    """Show the notes of settings_notes above the player, while that run is on screen."""
    notes = settings_notes(run)
    if notes:
        st.warning("\n\n".join(escape_markdown(text) for text in notes))


def _optimizer_ui(optimizer: str) -> dict[str, float]:
    values: dict[str, float] = {}
    for h in hypers_of(optimizer):
        if h.choices:
            values[h.field] = st.select_slider(h.label, h.choices, key=h.field, format_func=fmt)
        else:
            values[h.field] = st.slider(
                h.label, h.low, h.high, step=h.step, key=h.field, help=h.help or None
            )
    return values


def _batch_ui(n: int) -> tuple[str, int, int]:
    """(batch mode, points per batch, shuffle seed) as the widgets say."""
    mode = str(st.radio("Batch", BATCH_MODES, key=BATCH_MODE, horizontal=True))
    if mode == BATCH_MODES[0]:
        return mode, int(state.widget(BATCH_SIZE)), int(state.widget(SEED))
    if mode == BATCH_MODES[1]:
        if state.widget(BATCH_SIZE) > n:
            state.set_widget(BATCH_SIZE, n)
        top = max(n, 1)
        size = int(
            st.number_input(
                "Points per batch", 1, top, box_value(BATCH_SIZE, 1, top), step=1, key=BATCH_SIZE
            )
        )
    else:
        size = 1
    seed = int(st.number_input("Shuffle seed", 0, MAX_SEED, box_value(SEED, 0, MAX_SEED), key=SEED))
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
    loss = str(state.widget(LOSS, "mse"))
    text = stable_limit_text(lr, curv, loss, float(state.widget(HUBER_DELTA, 1.0)))
    optimizer = state.widget(OPTIMIZER, "gd")
    info = OPTIMIZER_TABLE.get(str(optimizer))
    exact = info is None or info.stable_limit_exact
    batches = state.widget(BATCH_MODE, BATCH_MODES[0]) != BATCH_MODES[0]
    if loss != "mae" and (not exact or batches):
        what = [] if exact else [OPTIMIZER_NAMES.get(optimizer, optimizer)]
        if batches:
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
            key=LOSS,
            horizontal=True,
            format_func=LOSS_CHOICES.get,
            help="The loss node of the chain: only ∂L/∂ŷ changes with it",
        )
    )
    if loss != "huber":
        return loss, float(state.widget(HUBER_DELTA))
    delta = st.number_input(
        "Huber δ (width of the quadratic band, in y's units)",
        DELTA_MIN,
        DELTA_MAX,
        box_value(HUBER_DELTA, DELTA_MIN, DELTA_MAX),
        step=0.1,
        format="%g",
        key=HUBER_DELTA,
        help="Residuals within ±δ are squared (halved); beyond it they count linearly",
    )
    return loss, float(delta)


def _lr_ui(curv: Curvature) -> float:
    """The learning-rate slider (stops 1e-8 … 2) and a box to type any α in LR_MIN … LR_MAX."""
    lr = float(state.widget(LR))
    # A typed or linked α that is no stop joins the stops, so the slider can show it.
    choices = tuple(sorted({*LR_CHOICES, lr}))
    lr = st.select_slider("Learning rate α (log scale)", choices, key=LR, format_func=_lr_label)
    state.set_widget(LR_TEXT, lr_text(lr))
    st.text_input(
        "Or type α",
        key=LR_TEXT,
        on_change=_on_lr_text,
        help=f"Any α from {fmt(LR_MIN)} to {fmt(LR_MAX)}, e.g. 1.33e-6 or 0.0123",
    )
    problem = state.SETTINGS.get().lr_problem
    if problem is not None and problem.text and problem.lr == lr:
        st.error(escape_markdown(problem.text))
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


def settings_from_state(n: int, data: Dataset | None = None) -> RunSettings | None:
    """The settings settings_ui will return, read from the session state without drawing.

    For a session's first run, which draws the sidebar after the player (lrviz.ui.sidebar_ui).
    The same steps as settings_ui (defaults, settled start, notes) with the widgets' values
    taken from their keys; None if the core refuses them (settings_ui then says why).
    """
    _init_state()
    notes = _settle(n, data)
    try:
        settings: RunSettings | None = settings_of({key: state.widget(key) for key in DEFAULTS}, n)
    except ValueError:
        settings = None
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
            box_value(W0, -START_LIMIT, START_LIMIT),
            step=0.1,
            format="%g",
            key=W0,
            help="Or click on the contour panel to start there",
        )
        b0 = c2.number_input(
            "Start b₀", -START_LIMIT, START_LIMIT, box_value(B0, -START_LIMIT, START_LIMIT),
            step=0.1, format="%g", key=B0,
        )  # fmt: skip
        loss, delta = _loss_ui()
        lr = _lr_ui(curv)
        epochs = int(
            st.number_input(
                "Epoch budget", 0, MAX_EPOCHS, box_value(EPOCHS, 0, MAX_EPOCHS), step=100,
                key=EPOCHS,
            )
        )  # fmt: skip
        optimizer = st.selectbox(
            "Optimizer", tuple(OPTIMIZER_NAMES), key=OPTIMIZER, format_func=OPTIMIZER_NAMES.get
        )
        extra = _optimizer_ui(optimizer)
        mode, size, seed = _batch_ui(n)
        values = {W0: w0, B0: b0, LR: lr, EPOCHS: epochs, OPTIMIZER: optimizer}
        values.update(extra)
        values.update({BATCH_MODE: mode, BATCH_SIZE: size, SEED: seed})
        values.update({LOSS: loss, HUBER_DELTA: delta})
        try:
            return settings_of(values, n)
        except ValueError as error:
            st.error(escape_markdown(str(error)))
            return None
