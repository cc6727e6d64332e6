"""Where the active dataset comes from, as a value small enough to share in a link.

A DataSource names a preset, a generator spec or up to MAX_INLINE_POINTS inline points, plus
whether x is standardized; an uploaded or edited dataset is described too, and carries its
points inline when it is small enough to share. ``resolve(src)`` gives its Points (DataError
e.g. for a big upload). Links encode and decode it in lrviz.share.data_params.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from lrviz.data import (
    DataError,
    GeneratorSpec,
    Points,
    generate,
    get_preset,
    make_points,
)
from lrviz.data.wording import plural, quoted

KINDS = ("preset", "generator", "points", "upload", "edited")
"""preset, generator and points can always be shared; upload and edited only with inline points."""

MAX_INLINE_POINTS = 50
"""Largest dataset written into a URL as its numbers."""

GEN_LIMIT = 1e6
"""Bound on |true w|, |true b|, |x min|, |x max| and the noise σ of the generator widgets."""


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
        """True when a link can describe this data completely (lrviz.share.data_params)."""
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
