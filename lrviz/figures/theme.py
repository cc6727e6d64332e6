"""Sizes and colours of every chart, as one frozen value the plot builders take as a parameter."""

from __future__ import annotations

from dataclasses import dataclass, replace

# Okabe-Ito: tells apart under every common colour-vision deficiency and on a washed-out projector.
BLUE = "#0072B2"
VERMILLION = "#D55E00"
GREEN = "#009E73"
PURPLE = "#CC79A7"
ORANGE = "#E69F00"
SKY = "#56B4E9"
INK = "#1f2328"
GREY = "#6b7280"


@dataclass(frozen=True)
class Theme:
    """Fonts in px, line widths in px, marker sizes in px (diameter), colours as CSS strings.

    A lecture theme is this with larger numbers: ``DEFAULT_THEME.scaled(1.3)``.
    """

    font_family: str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
    font_size: int = 15
    title_size: int = 17
    line_width: float = 3.0
    thin_width: float = 1.6
    marker_size: float = 11.0
    ink: str = INK
    grid: str = "#e4e7eb"
    background: str = "#ffffff"
    data: str = BLUE
    fit: str = VERMILLION
    residual: str = ORANGE
    reference: str = GREY
    path: str = INK
    current: str = VERMILLION
    arrow: str = PURPLE
    optimum: str = GREEN
    # Contour rings from the rim (light) to the valley floor (dark), so the floor stands out.
    contour_colors: tuple[str, ...] = (
        "#c6dbef",
        "#a9cce6",
        "#8cbcdc",
        "#6baed6",
        "#4f9bcb",
        "#3787c0",
        "#2171b5",
        "#135fa3",
        "#08519c",
        "#08306b",
    )
    bowl_colorscale: tuple[tuple[float, str], ...] = (
        (0.0, "#08306b"),
        (0.35, "#4292c6"),
        (0.7, "#c6dbef"),
        (1.0, "#f7fbff"),
    )

    def scaled(self, factor: float) -> Theme:
        """The same theme with fonts, lines and markers multiplied by factor (> 0)."""
        return replace(
            self,
            font_size=round(self.font_size * factor),
            title_size=round(self.title_size * factor),
            line_width=self.line_width * factor,
            thin_width=self.thin_width * factor,
            marker_size=self.marker_size * factor,
        )


DEFAULT_THEME = Theme()
