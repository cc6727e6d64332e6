"""Data for lrviz: presets, a generator, the edit table, CSV in and out, and standardized x.

Pure Python + numpy, no streamlit. Every source returns Points (read-only float64 x, y of
shape (n,), plus names and a plain-text message) or a Preset, ready for
lrviz.core.make_dataset(points.x, points.y). Every refusal is a DataError (a ValueError) with
a human message; no other exception escapes for bad data. Text from files (column names,
cells, and the messages quoting them) is plain and unescaped: show it with
escape_markdown / escape_html. Details and usage sit in each module's docstring.
"""

from lrviz.data.csv_reader import (
    CsvTable,
    load_csv,
    parse_cell,
    read_csv,
    read_xy_file,
    select_xy,
)
from lrviz.data.csv_writer import HISTORY_COLUMNS, data_csv, history_csv
from lrviz.data.editing import edited_points
from lrviz.data.errors import DataError
from lrviz.data.escape import escape_html, escape_markdown
from lrviz.data.generator import MAX_N, MAX_SEED, MIN_N, GeneratorSpec, generate
from lrviz.data.limits import MAX_ABS_VALUE, MAX_COLUMNS, MAX_ROWS, MAX_UPLOAD_BYTES, MAX_UPLOAD_MB
from lrviz.data.points import Points, make_points
from lrviz.data.presets import DEFAULT_PRESET, PRESETS, Preset, get_preset, preset_names
from lrviz.data.standardize import (
    MIN_STD,
    Scaling,
    fit_scaling,
    standardize,
    standardize_problem,
    to_original,
    to_standardized,
    unstandardize,
)

__all__ = [
    "DEFAULT_PRESET",
    "HISTORY_COLUMNS",
    "MAX_ABS_VALUE",
    "MAX_COLUMNS",
    "MAX_N",
    "MAX_ROWS",
    "MAX_SEED",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_MB",
    "MIN_N",
    "MIN_STD",
    "PRESETS",
    "CsvTable",
    "DataError",
    "GeneratorSpec",
    "Points",
    "Preset",
    "Scaling",
    "data_csv",
    "edited_points",
    "escape_html",
    "escape_markdown",
    "fit_scaling",
    "generate",
    "get_preset",
    "history_csv",
    "load_csv",
    "make_points",
    "parse_cell",
    "preset_names",
    "read_csv",
    "read_xy_file",
    "select_xy",
    "standardize",
    "standardize_problem",
    "to_original",
    "to_standardized",
    "unstandardize",
]
