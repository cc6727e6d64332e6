"""Plot builders: pure functions from a run (Scene) and an epoch to a plotly Figure."""

from lrviz.figures.bowl import plot_bowl
from lrviz.figures.contour import plot_contour
from lrviz.figures.fit import plot_fit
from lrviz.figures.loss_curve import plot_loss_curve
from lrviz.figures.scene import Scene, make_scene
from lrviz.figures.theme import DEFAULT_THEME, Theme

__all__ = [
    "DEFAULT_THEME",
    "Scene",
    "Theme",
    "make_scene",
    "plot_bowl",
    "plot_contour",
    "plot_fit",
    "plot_loss_curve",
]
