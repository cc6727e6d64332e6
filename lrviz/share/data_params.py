"""The data source in a link: DataSource <-> query parameters, hostile values clamped or dropped.

Use:

    params = data_source_to_params(src)             # {"data": "preset", "preset": "Outliers"}
    src, notices = data_source_from_params(params)  # never raises; notices are plain text

Query values are hostile input: numbers that are not numbers, 1e400, HTML, huge strings and
values out of range are clamped or ignored, each with a notice that quotes the value (cut to a
few dozen characters, unescaped: show notices with escape_markdown).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from lrviz.app.data_source import (
    GEN_LIMIT,
    MAX_INLINE_POINTS,
    DataSource,
    generator_source,
    points_source,
    preset_source,
)
from lrviz.data import (
    DEFAULT_PRESET,
    MAX_N,
    MAX_SEED,
    MIN_N,
    DataError,
    GeneratorSpec,
    make_points,
    parse_cell,
    preset_names,
)
from lrviz.data.wording import number, quoted

# Longest query value read: 50 numbers of up to 25 characters each, with their commas.
MAX_POINTS_CHARS = MAX_INLINE_POINTS * 26
MAX_VALUE_CHARS = 100

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})
_GEN_KEYS = ("gen_n", "gen_w", "gen_b", "gen_noise", "gen_xmin", "gen_xmax", "gen_seed")
_DATA_KEYS = ("data", "preset", "xs", "ys", "standardize", *_GEN_KEYS)


def _text(value: float) -> str:
    """Shortest text that reads back to the same float ('1' rather than '1.0')."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def data_source_to_params(src: DataSource) -> dict[str, str]:
    """Query parameters describing src; {} when it cannot be shared (see share_notice).

    Keys: data (preset | generator | points), preset; gen_n, gen_w, gen_b, gen_noise, gen_xmin,
    gen_xmax, gen_seed; xs, ys (comma-separated numbers); standardize ("1", only when on).
    """
    params: dict[str, str]
    if src.kind == "preset":
        params = {"data": "preset", "preset": src.preset}
    elif src.kind == "generator" and src.spec is not None:
        s = src.spec
        values = (s.n, s.true_w, s.true_b, s.noise, s.x_min, s.x_max, s.seed)
        params = {"data": "generator"}
        params.update({k: _text(v) for k, v in zip(_GEN_KEYS, values, strict=True)})
        params["gen_n"], params["gen_seed"] = str(s.n), str(s.seed)
    elif src.x:
        params = {"data": "points", "xs": ",".join(map(_text, src.x))}
        params["ys"] = ",".join(map(_text, src.y))
    else:
        return {}
    if src.standardize:
        params["standardize"] = "1"
    return params


def _number(key: str, raw: str, notices: list[str]) -> float | None:
    """A finite number from a query value, or None with a notice."""
    if len(raw) > MAX_VALUE_CHARS:
        notices.append(f"Ignored {key}: the value is {len(raw):,} characters long.")
        return None
    value = parse_cell(raw.strip()) if raw.strip() else None
    if value is None:
        notices.append(f"Ignored {key} = {quoted(raw)}: not a number.")
        return None
    if not math.isfinite(value):
        notices.append(f"Ignored {key} = {quoted(raw)}: not a finite number.")
        return None
    return value


def _clamped(key: str, value: float, lo: float, hi: float, notices: list[str]) -> float:
    if lo <= value <= hi:
        return value
    inside = min(max(value, lo), hi)
    notices.append(f"{key} = {number(value)} is out of range; using {number(inside)}.")
    return inside


def _generator(params: Mapping[str, str], notices: list[str]) -> GeneratorSpec:
    """The spec from gen_* values: each missing or bad one takes the default, clamped ones a
    notice."""
    default = GeneratorSpec()
    bounds = {
        "gen_n": (MIN_N, MAX_N, default.n),
        "gen_w": (-GEN_LIMIT, GEN_LIMIT, default.true_w),
        "gen_b": (-GEN_LIMIT, GEN_LIMIT, default.true_b),
        "gen_noise": (0.0, GEN_LIMIT, default.noise),
        "gen_xmin": (-GEN_LIMIT, GEN_LIMIT, default.x_min),
        "gen_xmax": (-GEN_LIMIT, GEN_LIMIT, default.x_max),
        "gen_seed": (0, MAX_SEED, default.seed),
    }
    values: dict[str, float] = {}
    for key, (lo, hi, fallback) in bounds.items():
        raw = params.get(key)
        value = None if raw is None else _number(key, raw, notices)
        if value is not None and key in ("gen_n", "gen_seed") and not value.is_integer():
            notices.append(f"Ignored {key} = {quoted(raw or '')}: not a whole number.")
            value = None
        values[key] = fallback if value is None else _clamped(key, value, lo, hi, notices)
    if not values["gen_xmin"] < values["gen_xmax"]:
        notices.append(
            f"gen_xmin ({number(values['gen_xmin'])}) must be below gen_xmax "
            f"({number(values['gen_xmax'])}); using {number(default.x_min)} to "
            f"{number(default.x_max)}."
        )
        values["gen_xmin"], values["gen_xmax"] = default.x_min, default.x_max
    return GeneratorSpec(
        n=int(values["gen_n"]),
        true_w=values["gen_w"],
        true_b=values["gen_b"],
        noise=values["gen_noise"],
        x_min=values["gen_xmin"],
        x_max=values["gen_xmax"],
        seed=int(values["gen_seed"]),
    )


def _numbers(key: str, raw: str) -> list[float]:
    """Comma-separated numbers; DataError naming the first bad one."""
    if len(raw) > MAX_POINTS_CHARS:
        raise DataError(f"{key} is {len(raw):,} characters long")
    cells = raw.split(",")
    if len(cells) > MAX_INLINE_POINTS:
        raise DataError(f"{key} has {len(cells):,} values; a link holds {MAX_INLINE_POINTS}")
    values: list[float] = []
    for i, cell in enumerate(cells, start=1):
        value = parse_cell(cell.strip()) if cell.strip() else None
        if value is None or not math.isfinite(value):
            raise DataError(f"{key} value {i} ({quoted(cell)}) is not a finite number")
        values.append(value)
    return values


def _points(params: Mapping[str, str], notices: list[str]) -> DataSource | None:
    try:
        xs = _numbers("xs", params.get("xs", ""))
        ys = _numbers("ys", params.get("ys", ""))
        return points_source(make_points(xs, ys))
    except DataError as error:
        notices.append(f"Ignored the points in the link: {str(error).rstrip('.')}.")
        return None


def _flag(raw: str | None, notices: list[str]) -> bool:
    if raw is None:
        return False
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text not in _FALSE:
        notices.append(f"Ignored standardize = {quoted(raw)}: use 1 or 0.")
    return False


def _kind(params: Mapping[str, str], notices: list[str]) -> str | None:
    raw = params.get("data")
    if raw is not None:
        kind = raw.strip().lower()
        if kind in ("preset", "generator", "points"):
            return kind
        notices.append(f"Ignored data = {quoted(raw)}: use preset, generator or points.")
        return None
    if "preset" in params:
        return "preset"
    if any(key in params for key in _GEN_KEYS):
        return "generator"
    if "xs" in params or "ys" in params:
        return "points"
    return "preset" if "standardize" in params else None


def _preset_name(raw: str | None, notices: list[str]) -> str | None:
    if raw is None:
        return DEFAULT_PRESET
    wanted = raw.strip().casefold()
    for name in preset_names():
        if name.casefold() == wanted:
            return name
    notices.append(f"Ignored preset = {quoted(raw)}: there is no preset of that name.")
    return None


def data_source_from_params(params: Mapping[str, str]) -> tuple[DataSource | None, list[str]]:
    """The source described by query params, and plain-text notices about values ignored or
    clamped. None when the params name no data, or name it too badly to use. Never raises."""
    notices: list[str] = []
    try:
        kind = _kind(params, notices)
        standardize = _flag(params.get("standardize"), notices)
        src: DataSource | None = None
        if kind == "preset":
            name = _preset_name(params.get("preset"), notices)
            src = preset_source(name) if name is not None else None
        elif kind == "generator":
            src = generator_source(_generator(params, notices))
        elif kind == "points":
            src = _points(params, notices)
        return (src.with_standardize(standardize) if src is not None else None), notices
    except Exception as error:  # a link is typed by anyone: what slips past must not break
        notices.append(f"Ignored the data in the link ({type(error).__name__}).")
        return None, notices


def data_params_keys() -> tuple[str, ...]:
    """Every query key this module reads or writes, so a URL module can clear them."""
    return _DATA_KEYS
