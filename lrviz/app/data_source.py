"""Where the active dataset comes from, as a value that fits in a shareable URL and back.

Pure (no streamlit). A DataSource names a preset, a generator spec or up to MAX_INLINE_POINTS
inline points, plus whether x is standardized; an uploaded or edited dataset is described too,
and carries its points inline when it is small enough to share. Use:

    params = data_source_to_params(src)             # {"data": "preset", "preset": "Outliers"}
    src, notices = data_source_from_params(params)  # never raises; notices are plain text
    points = resolve(src)                           # Points, or DataError (e.g. a big upload)

Query values are hostile input: numbers that are not numbers, 1e400, HTML, huge strings and
values out of range are clamped or ignored, each with a notice that quotes the value (cut to a
few dozen characters, unescaped: show notices with escape_markdown).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass

from lrviz.data import (
    DEFAULT_PRESET,
    MAX_N,
    MAX_SEED,
    MIN_N,
    DataError,
    GeneratorSpec,
    Points,
    generate,
    get_preset,
    make_points,
    parse_cell,
    preset_names,
)
from lrviz.data.wording import number, plural, quoted

KINDS = ("preset", "generator", "points", "upload", "edited")
"""preset, generator and points can always be shared; upload and edited only with inline points."""

MAX_INLINE_POINTS = 50
"""Largest dataset written into a URL as its numbers."""

GEN_LIMIT = 1e6
"""Bound on |true w|, |true b|, |x min|, |x max| and the noise σ of the generator widgets."""

# Longest query value read: 50 numbers of up to 25 characters each, with their commas.
MAX_POINTS_CHARS = MAX_INLINE_POINTS * 26
MAX_VALUE_CHARS = 100

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})
_GEN_KEYS = ("gen_n", "gen_w", "gen_b", "gen_noise", "gen_xmin", "gen_xmax", "gen_seed")
_DATA_KEYS = ("data", "preset", "xs", "ys", "standardize", *_GEN_KEYS)


@dataclass(frozen=True)
class DataSource:
    """The active data: kind (one of KINDS) and what that kind needs.

    preset: a name from preset_names(). spec: the generator's settings. x, y: the points for
    kind "points", and for "upload" / "edited" when there are at most MAX_INLINE_POINTS of them
    (empty otherwise). label: the uploaded file's name (plain text). n: number of points.
    standardize: train on (x - mean)/std. Build with the *_source functions below.
    """

    kind: str
    preset: str = ""
    spec: GeneratorSpec | None = None
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()
    label: str = ""
    n: int = 0
    standardize: bool = False

    @property
    def shareable(self) -> bool:
        """True when data_source_to_params describes this data completely."""
        return self.kind in ("preset", "generator") or bool(self.x)

    def with_standardize(self, on: bool) -> DataSource:
        """The same data, with x standardized or not."""
        return dataclasses.replace(self, standardize=bool(on))

    def describe(self) -> str:
        """One line of plain text for the sidebar, e.g. "Preset 'Outliers', 10 points"."""
        if self.kind == "preset":
            text = f"Preset {quoted(self.preset)}, {plural(self.n, 'point')}"
        elif self.kind == "generator" and self.spec is not None:
            text = f"Generated, {plural(self.spec.n, 'point')} (seed {self.spec.seed})"
        elif self.kind == "upload":
            text = f"File {quoted(self.label)}, {plural(self.n, 'point')}"
        elif self.kind == "edited":
            text = f"Edited table, {plural(self.n, 'point')}"
        else:
            text = f"Points from a link, {plural(self.n, 'point')}"
        return text + (", x standardized" if self.standardize else "")


def preset_source(name: str, standardize: bool = False) -> DataSource:
    """A preset by name; DataError for an unknown name."""
    preset = get_preset(name)
    return DataSource("preset", preset=preset.name, n=len(preset.x), standardize=standardize)


def generator_source(spec: GeneratorSpec, standardize: bool = False) -> DataSource:
    """The generator with these settings (same spec, same points)."""
    return DataSource("generator", spec=spec, n=spec.n, standardize=standardize)


def points_source(
    points: Points, kind: str = "points", label: str = "", standardize: bool = False
) -> DataSource:
    """Points held by value: kind "points", "upload" or "edited".

    The numbers are kept only when there are at most MAX_INLINE_POINTS (kind "points" needs
    them: DataError when there are more).
    """
    if kind not in ("points", "upload", "edited"):
        raise DataError(f"Points cannot be a source of kind {kind!r}.")
    small = points.n <= MAX_INLINE_POINTS
    if kind == "points" and not small:
        raise DataError(f"A link holds at most {MAX_INLINE_POINTS} points; this has {points.n}.")
    x = tuple(points.x.tolist()) if small else ()
    y = tuple(points.y.tolist()) if small else ()
    return DataSource(kind, x=x, y=y, label=label, n=points.n, standardize=standardize)


def resolve(src: DataSource) -> Points:
    """The points of src. DataError when src does not hold them (a big upload or edit)."""
    if src.kind == "preset":
        preset = get_preset(src.preset)
        return make_points(preset.x, preset.y)  # its lesson is shown beside it
    if src.kind == "generator" and src.spec is not None:
        return generate(src.spec)
    if src.x:
        return make_points(src.x, src.y, message=f"{plural(len(src.x), 'point')} from a link.")
    raise DataError("This data is not held by value; upload the file again.")


def share_notice(src: DataSource) -> str:
    """Why a link cannot carry this data ("" when it can), plain text."""
    if src.shareable:
        return ""
    what = "uploaded file" if src.kind == "upload" else "edited table"
    return (
        f"The {what} has {src.n:,} points, more than the {MAX_INLINE_POINTS} a link can hold, "
        "so a link opens the default data instead. Share the CSV file (Download) with it."
    )


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
