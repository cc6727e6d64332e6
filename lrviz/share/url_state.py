"""Run settings <-> URL query parameters; bad values are clamped or dropped, each with a notice.

Use:
    params = to_params(run.settings, present=True, epoch=12)   # {"w0": "0.0", "lr": "0.01", ...}
    parsed = from_params(st.query_params.to_dict())            # never raises
    settings = parsed.settings(base)                            # base with what the link sets
    for text in parsed.notices: st.warning(escape_markdown(text))

Links carry domain values: RunSettings (the fields of it and its TrainConfig that a link sets,
Parsed.fields), the lesson, pinned runs (RunSettings and their data's parameters). The sidebar
maps them to its widgets (lrviz.ui.settings).

Parameters (all optional; a missing one keeps the app's default):
    w0, b0     start, within ±START_LIMIT          lr      learning rate, LR_MIN..LR_MAX, exact
    epochs     budget, 0..MAX_EPOCHS               opt     an optimizer of lrviz.catalog
    beta, beta1, beta2, eps   the optimizer's hyper-parameters (lrviz.catalog.optimizers)
    batch      full | sgd | points per batch       seed    shuffle seed (mini-batches)
    loss       mse | mae | huber                   delta   Huber's δ, DELTA_MIN..DELTA_MAX
    present    1 for presentation mode             epoch   the epoch on screen
Notices are plain text, quoting what was given on one line cut short (lrviz.data.wording.quoted):
escape them (lrviz.data.escape_markdown) before showing them.

A link says the run on screen: when the epochs it asks for are above the work budget
(lrviz.app.run.MAX_UPDATES) the sidebar cuts them, with a note, and the URL is rewritten with
the epochs that ran, so the link opened again plays the same run and needs no cut.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from lrviz.app.choices import LOSS_CHOICES
from lrviz.app.scenarios import Lesson, lessons
from lrviz.app.settings import (
    DELTA_MAX,
    DELTA_MIN,
    LR_MAX,
    LR_MIN,
    MAX_BATCH,
    MAX_EPOCHS,
    START_LIMIT,
    RunSettings,
    normalized,
)
from lrviz.catalog.optimizers import HYPERS, OPTIMIZER_TABLE, hypers_of
from lrviz.data import MAX_SEED
from lrviz.data.wording import quoted

_HYPER_PARAMS = {h.param: h for h in HYPERS.values()}
RUN_KEYS = ("w0", "b0", "lr", "epochs", "opt", *_HYPER_PARAMS, "batch", "seed", "loss", "delta")
VIEW_KEYS = ("present", "epoch")
KEYS = RUN_KEYS + VIEW_KEYS
# No honest value is longer; a longer one is refused before any parsing.
MAX_VALUE_CHARS = 40
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})
# Two numbers this close (relative) are the same slider stop written differently.
_SAME = 1e-9
_SETTINGS_FIELDS = ("w0", "b0", "epochs")


@dataclass(frozen=True)
class Parsed:
    """What a query string asks for.

    fields: the run settings the link sets, by RunSettings field (w0, b0, epochs) or TrainConfig
    field (lr, optimizer, momentum, beta1, beta2, eps, batch_size with None for the full batch,
    seed, loss, huber_delta); a field the link leaves out keeps its value (see settings).
    present: presentation mode, or None if not given. epoch: the epoch to show (>= 0), or None.
    notices: one plain-text sentence per value clamped, snapped or ignored. unknown: keys not ours.
    """

    fields: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    present: bool | None = None
    epoch: int | None = None
    notices: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()

    def settings(self, base: RunSettings | None = None) -> RunSettings:
        """base (the default run if None) with the fields this link sets. ValueError if the
        core refuses the result (it does not for any value from_params keeps)."""
        return with_fields(RunSettings() if base is None else base, self.fields)


def with_fields(base: RunSettings, fields: Mapping[str, object]) -> RunSettings:
    """base with these RunSettings / TrainConfig fields replaced (see Parsed.fields)."""
    outer = {k: v for k, v in fields.items() if k in _SETTINGS_FIELDS}
    inner = {k: v for k, v in fields.items() if k not in _SETTINGS_FIELDS}
    config = replace(base.config, **inner) if inner else base.config  # type: ignore[arg-type]
    return replace(base, config=config, **outer)  # type: ignore[arg-type]


class _Refused(ValueError):
    """A value that cannot be used at all; its message says why."""


def _fmt(value: float) -> str:
    # Shortest text that reads back to the same float: a shared link reproduces the run exactly.
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _number(text: str) -> float:
    if len(text) > MAX_VALUE_CHARS:
        raise _Refused(f"is too long ({len(text):,} characters)")
    try:
        value = float(text.strip())
    except ValueError:
        raise _Refused("is not a number") from None
    if not math.isfinite(value):
        raise _Refused("is not a finite number")
    return value


def _whole(text: str, lo: int, hi: int, name: str, notices: list[str]) -> int:
    value = _number(text)
    whole = min(max(round(value), lo), hi)
    if whole != value:
        notices.append(
            f"{name} {quoted(text)} must be a whole number from {lo:,} to {hi:,}; using {whole:,}."
        )
    return whole


def _clamped(text: str, lo: float, hi: float, name: str, notices: list[str]) -> float:
    value = _number(text)
    kept = min(max(value, lo), hi)
    if kept != value:
        notices.append(
            f"{name} {quoted(text)} is outside {_fmt(lo)} to {_fmt(hi)}; using {_fmt(kept)}."
        )
    return kept


def _snapped(text: str, choices: Sequence[float], name: str, notices: list[str]) -> float:
    """The choice nearest to the value on a log scale (all choices > 0)."""
    value = _number(text)
    if value <= 0:
        raise _Refused("must be greater than 0")
    best = min(choices, key=lambda c: abs(math.log(c / value)))
    if abs(best - value) > _SAME * best:
        notices.append(
            f"{name} {quoted(text)} is not one of the choices; using the nearest, {_fmt(best)}."
        )
    return best


def _flag(text: str) -> bool:
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise _Refused("is not 1 or 0")


def _batch(text: str, notices: list[str]) -> int | None:
    """Points per update: None for the full batch, 1 for one point (SGD)."""
    word = text.strip().lower()
    if word == "full":
        return None
    if word == "sgd":
        return 1
    return _whole(text, 1, MAX_BATCH, "Batch size", notices)


def _choice(text: str, names: Collection[str]) -> str:
    """One of names, written in any case; raises _Refused otherwise."""
    name = text.strip().lower()
    if name not in names:
        raise _Refused(f"is not one of {', '.join(names)}")
    return name


def _read(key: str, text: str, out: dict[str, object], notices: list[str]) -> None:
    """Put the value of one parameter into out (by field); raises _Refused if it cannot be used."""
    if key in ("w0", "b0"):
        name = "Start w₀" if key == "w0" else "Start b₀"
        out[key] = _clamped(text, -START_LIMIT, START_LIMIT, name, notices)
    elif key == "lr":
        if _number(text) <= 0:
            raise _Refused("must be greater than 0")
        # Any α the typed box accepts is kept exactly, so a link reproduces the run.
        out["lr"] = _clamped(text, LR_MIN, LR_MAX, "Learning rate α", notices)
    elif key == "epochs":
        out["epochs"] = _whole(text, 0, MAX_EPOCHS, "Epoch budget", notices)
    elif key == "opt":
        out["optimizer"] = _choice(text, OPTIMIZER_TABLE)
    elif key in _HYPER_PARAMS:
        hyper = _HYPER_PARAMS[key]
        if hyper.choices:
            out[hyper.field] = _snapped(text, hyper.choices, hyper.name, notices)
        else:
            # The slider's steps are hundredths.
            value = _clamped(text, hyper.low, hyper.high, hyper.name, notices)
            out[hyper.field] = round(value, 2)
    elif key == "batch":
        out["batch_size"] = _batch(text, notices)
    elif key == "seed":
        out["seed"] = _whole(text, 0, MAX_SEED, "Shuffle seed", notices)
    elif key == "loss":
        out["loss"] = _choice(text, LOSS_CHOICES)
    elif key == "delta":
        if _number(text) <= 0:
            raise _Refused("must be greater than 0")
        out["huber_delta"] = _clamped(text, DELTA_MIN, DELTA_MAX, "Huber δ", notices)
    elif key == "present":
        out["present"] = _flag(text)
    elif key == "epoch":
        out["epoch"] = _whole(text, 0, MAX_EPOCHS, "Epoch", notices)


def from_params(params: Mapping[str, str], other_keys: Sequence[str] = ()) -> Parsed:
    """Read a query string's parameters (last value of each). Never raises for any text.

    other_keys: parameters another part of the app reads (the data source); they are neither
    read here nor reported as unknown.
    """
    out: dict[str, object] = {}
    notices: list[str] = []
    unknown: list[str] = []
    for raw_key, raw_value in params.items():
        key, text = str(raw_key), str(raw_value)
        if key in other_keys:
            continue
        if key not in KEYS:
            unknown.append(key)
            continue
        try:
            _read(key, text, out, notices)
        except _Refused as why:
            notices.append(f"Link parameter {quoted(key)} = {quoted(text)} {why}; ignored.")
    if unknown:
        names = ", ".join(quoted(k) for k in unknown[:5]) + (", …" if len(unknown) > 5 else "")
        notices.append(f"Unknown link parameters ignored: {names}.")
    present = out.pop("present", None)
    epoch = out.pop("epoch", None)
    return Parsed(
        fields=MappingProxyType(out),
        present=present if isinstance(present, bool) else None,
        epoch=epoch if isinstance(epoch, int) else None,
        notices=tuple(notices),
        unknown=tuple(unknown),
    )


def to_params(settings: RunSettings, *, present: bool = False, epoch: int = 0) -> dict[str, str]:
    """The query parameters that reproduce settings, the presentation mode and the epoch shown.

    Optimizer settings are written only for the optimizer that uses them, the seed only for
    mini-batches, the loss only when it is not MSE (the default) and δ only for Huber, present
    and epoch only when they differ from the default (off, 0).
    """
    config = settings.config
    params = {
        "w0": _fmt(settings.w0),
        "b0": _fmt(settings.b0),
        "lr": _fmt(config.lr),
        "epochs": str(settings.epochs),
        "opt": config.optimizer,
    }
    for hyper in hypers_of(config.optimizer):
        params[hyper.param] = _fmt(getattr(config, hyper.field))
    size = config.batch_size
    params["batch"] = "full" if size is None else "sgd" if size == 1 else str(size)
    if size is not None:
        params["seed"] = str(config.seed)
    if config.loss != "mse":
        params["loss"] = config.loss
    if config.loss == "huber":
        params["delta"] = _fmt(config.huber_delta)
    if present:
        params["present"] = "1"
    if epoch > 0:
        params["epoch"] = str(epoch)
    return params


# A link's lesson and pinned runs. Each pinned run is one parameter, pin1..pinN, whose value is
# "key:value" items joined by ";": its run settings (the keys above) and, when it was trained
# on other data than the screen's, that data's parameters too (kept as given; the data source
# reads and checks them).
LESSON_PARAM = "lesson"
PIN_PARAMS = ("pin1", "pin2", "pin3")
LESSON_KEYS = (LESSON_PARAM, *PIN_PARAMS)
MAX_PIN_CHARS = 3_000


@dataclass(frozen=True)
class PinParsed:
    """One pinned run asked for by a link: its settings (None when all of it was refused; the
    batch is not yet cut to the data's points, see lrviz.app.settings.fitted), the parameters
    of its data ({} for the screen's data), and plain-text notices."""

    settings: RunSettings | None
    data: Mapping[str, str]
    notices: tuple[str, ...]


def pin_to_text(settings: RunSettings, data: Mapping[str, str] | None = None) -> str:
    """The value of a pinN parameter for a run pinned with settings, trained on data
    (query parameters of its data; None or {} for the screen's data)."""
    items = {**to_params(settings), **(data or {})}
    return ";".join(f"{key}:{value}" for key, value in items.items())


def pin_from_text(text: str, number: int, data_keys: Sequence[str]) -> PinParsed:
    """Read the value of parameter pin<number> (settings None when all of it is refused).

    data_keys: the parameters the data source reads. Never raises for any text; notices are
    prefixed with "Pinned run <number>: ".
    """
    where = f"Pinned run {number}"
    if len(text) > MAX_PIN_CHARS:
        return PinParsed(None, {}, (f"{where} is too long ({len(text):,} characters); ignored.",))
    run: dict[str, str] = {}
    data: dict[str, str] = {}
    other: list[str] = []
    for item in text.split(";"):
        key, sep, value = item.partition(":")
        key = key.strip()
        if not sep or not key:
            if item.strip():
                other.append(item.strip())
            continue
        if key in RUN_KEYS:
            run[key] = value
        elif key in data_keys:
            data[key] = value
        else:
            other.append(key)
    # A pinned run is not a slider: its α is any positive number up to the sliders' largest
    # (a lesson pins a run at a fraction of the stable limit).
    lr_text = run.pop("lr", None)
    parsed = from_params(run)
    values = dict(parsed.fields)
    notices = [f"{where}: {notice}" for notice in parsed.notices]
    if lr_text is not None:
        try:
            if _number(lr_text) <= 0:
                raise _Refused("must be greater than 0")
            values["lr"] = _clamped(lr_text, LR_MIN, LR_MAX, "α", notices)
        except _Refused as why:
            notices.append(f"{where}: α {quoted(lr_text)} {why}; ignored.")
        notices = [n if n.startswith(where) else f"{where}: {n}" for n in notices]
    if other:
        names = ", ".join(quoted(k) for k in other[:3]) + (", …" if len(other) > 3 else "")
        notices.append(f"{where}: unknown items ignored: {names}.")
    settings = None
    if values:
        try:
            settings = normalized(with_fields(RunSettings(), values))
        except ValueError as why:  # the core refused the mix; every value alone was in range
            notices.append(f"{where}: {why}; left out.")
    return PinParsed(settings, MappingProxyType(data), tuple(notices))


def lesson_from_text(text: str) -> tuple[Lesson | None, tuple[str, ...]]:
    """The gallery lesson a link's lesson parameter names, or None with a plain-text notice."""
    found = {lesson.key: lesson for lesson in lessons()}
    lesson = found.get(text.strip())
    if lesson is not None:
        return lesson, ()
    return None, (
        f"Link parameter {quoted(LESSON_PARAM)} = {quoted(text)} is not one of "
        f"{', '.join(sorted(found))}; ignored.",
    )
