"""Named datasets, each with one sentence on what it teaches; "Article example" is the default.

Use:
    names = preset_names()                      # sidebar options, in teaching order
    preset = get_preset(DEFAULT_PRESET)         # Preset(name, lesson, x, y)
    dataset = make_dataset(preset.x, preset.y)  # lrviz.core
"""

from __future__ import annotations

from dataclasses import dataclass

from lrviz.data.errors import DataError
from lrviz.data.points import FloatArray, make_points


@dataclass(frozen=True, eq=False)
class Preset:
    """A named dataset: read-only float64 x, y of shape (n,) and a one-sentence lesson."""

    name: str
    lesson: str
    x: FloatArray
    y: FloatArray


def _preset(name: str, lesson: str, x: list[float], y: list[float]) -> Preset:
    points = make_points(x, y)
    return Preset(name, lesson, points.x, points.y)


# Anscombe, F. J. (1973), "Graphs in Statistical Analysis", The American Statistician 27(1).
_ANSCOMBE_X = [10.0, 8.0, 13.0, 9.0, 11.0, 14.0, 6.0, 4.0, 12.0, 7.0, 5.0]
_ANSCOMBE_Y1 = [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68]
_ANSCOMBE_Y2 = [9.14, 8.14, 8.74, 8.77, 9.26, 8.10, 6.13, 3.10, 9.13, 7.26, 4.74]
_ANSCOMBE_Y3 = [7.46, 6.77, 12.74, 7.11, 7.81, 8.84, 6.08, 5.39, 8.15, 6.42, 5.73]
_ANSCOMBE_X4 = [8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 19.0, 8.0, 8.0, 8.0]
_ANSCOMBE_Y4 = [6.58, 5.76, 7.71, 8.84, 8.47, 7.04, 5.25, 12.50, 5.56, 7.91, 6.89]

# Fixed values (not drawn at import) so a preset never changes with a numpy upgrade.
_NOISY_X = [0.05, 2.25, 2.55, 2.78, 3.0, 3.03, 4.45, 4.68, 5.05, 5.53]
_NOISY_X += [6.22, 6.25, 7.76, 7.93, 7.97, 8.21, 8.74, 8.97, 9.89, 9.96]
_NOISY_Y = [-0.69, 5.02, 3.92, 6.58, 6.74, 6.26, 4.9, 8.21, 9.5, 10.46]
_NOISY_Y += [9.03, 10.66, 12.17, 12.68, 15.55, 13.1, 15.06, 16.78, 15.96, 16.77]

_OUTLIER_X = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
_OUTLIER_Y = [2.41, 1.83, 3.53, 4.03, 4.86, 5.74, 5.99, 7.33, 7.94, 24.0]

_UNSCALED_X = [120.0, 190.0, 260.0, 330.0, 410.0, 480.0, 550.0, 620.0, 700.0, 770.0, 840.0]
_UNSCALED_X += [910.0, 980.0]
_UNSCALED_Y = [2.22, 3.58, 4.21, 4.04, 4.95, 5.54, 6.78, 7.17, 8.37, 7.78, 10.18, 10.05, 11.14]

PRESETS: tuple[Preset, ...] = (
    _preset(
        "Article example",
        "Five points on y = x: gradient descent walks from (w, b) = (0, 0) to (1, 0), "
        "where the loss is exactly zero.",
        [1.0, 2.0, 3.0, 4.0, 5.0],
        [1.0, 2.0, 3.0, 4.0, 5.0],
    ),
    _preset(
        "Noisy line",
        "Real data scatter around the line, so the loss stops above zero at the "
        "least-squares compromise.",
        _NOISY_X,
        _NOISY_Y,
    ),
    _preset(
        "Outliers",
        "One far point drags the whole fit towards it: MSE squares its residual, so its "
        "pull on w and b outweighs all the other points.",
        _OUTLIER_X,
        _OUTLIER_Y,
    ),
    _preset(
        "Unscaled x",
        "With x between 100 and 1000 the loss is far steeper in w than in b: the contour "
        "is a long narrow valley and only a tiny learning rate is stable.",
        _UNSCALED_X,
        _UNSCALED_Y,
    ),
    _preset(
        "Anscombe's quartet I",
        "A plain noisy trend; all four Anscombe sets share their means, variances and "
        "least-squares line y ≈ 3.00 + 0.500x.",
        _ANSCOMBE_X,
        _ANSCOMBE_Y1,
    ),
    _preset(
        "Anscombe's quartet II",
        "A smooth curve with the same fitted line as set I: a straight line is the wrong "
        "model, and the loss cannot tell you so.",
        _ANSCOMBE_X,
        _ANSCOMBE_Y2,
    ),
    _preset(
        "Anscombe's quartet III",
        "A perfect line except one outlier, which tilts the fit away from the other ten points.",
        _ANSCOMBE_X,
        _ANSCOMBE_Y3,
    ),
    _preset(
        "Anscombe's quartet IV",
        "Every x is 8 except one point, which alone decides the slope of the same line.",
        _ANSCOMBE_X4,
        _ANSCOMBE_Y4,
    ),
    _preset(
        "Single point",
        "Every line through one point fits it perfectly, so the optimum is a whole line of "
        "(w, b) pairs, not a single point.",
        [2.0],
        [3.0],
    ),
)

DEFAULT_PRESET = "Article example"


def preset_names() -> tuple[str, ...]:
    """Names of all presets in teaching order; DEFAULT_PRESET is the first."""
    return tuple(p.name for p in PRESETS)


def get_preset(name: str) -> Preset:
    """The preset called name. Raises DataError for an unknown name."""
    for preset in PRESETS:
        if preset.name == name:
            return preset
    raise DataError(f"There is no preset called {name!r}.")


__all__ = ["DEFAULT_PRESET", "PRESETS", "Preset", "get_preset", "preset_names"]
