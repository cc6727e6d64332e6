"""One training step explained from the core's StepRecord as LaTeX, DOT and tables; no streamlit."""

from lrviz.explain.equations import batch_tex
from lrviz.explain.gradcheck import Check, check_tex, gradient_check, verdict
from lrviz.explain.graph import CAPTION as GRAPH_CAPTION
from lrviz.explain.graph import graph_dot
from lrviz.explain.notes import optimum_note, overflow_note, step_overflow_note
from lrviz.explain.optimizer import batch_points, epoch_summary, update_table, update_tex
from lrviz.explain.perpoint import PerPoint
from lrviz.explain.single_point import point_label, single_point_tex
from lrviz.explain.table import Page, page_rows, pages, table_columns, top_rows

__all__ = [
    "GRAPH_CAPTION",
    "Check",
    "Page",
    "PerPoint",
    "batch_points",
    "batch_tex",
    "check_tex",
    "epoch_summary",
    "gradient_check",
    "graph_dot",
    "optimum_note",
    "overflow_note",
    "page_rows",
    "pages",
    "point_label",
    "single_point_tex",
    "step_overflow_note",
    "table_columns",
    "top_rows",
    "update_table",
    "update_tex",
    "verdict",
]
