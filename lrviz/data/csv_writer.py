"""CSV downloads: the current data and the training history, as UTF-8 bytes.

Use:
    st.download_button("Data (CSV)", data_csv(points.x, points.y, names=(xn, yn)),
                       "lrviz-data.csv", "text/csv")
    st.download_button("History (CSV)", history_csv(history), "lrviz-history.csv", "text/csv")

Numbers are written with repr(), the shortest text that reads back to the same float64, so a
data file from data_csv uploads back (read_csv / load_csv) to exactly the same points.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from lrviz.core import History
from lrviz.data.csv_reader import CONTROL_CHARS, parse_cell
from lrviz.data.errors import DataError
from lrviz.data.points import make_points

HISTORY_COLUMNS = ("epoch", "w", "b", "loss", "dL/dw", "dL/db")

# Spreadsheets run a cell starting with one of these as a formula; a leading apostrophe makes
# them show it as text instead (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _header(names: tuple[str, str]) -> tuple[str, str]:
    # The reader refuses control characters and strips names; do the same here.
    cleaned = [CONTROL_CHARS.sub(" ", name).strip() for name in names]
    cleaned = [c or default for c, default in zip(cleaned, ("x", "y"), strict=True)]
    if all(parse_cell(c) is not None for c in cleaned):
        # A header of numbers would read back as a data row.
        return ("x", "y")
    safe = ["'" + c if c.startswith(_FORMULA_START) else c for c in cleaned]
    return safe[0], safe[1]


def _header_cell(name: str) -> str:
    # Quote more than csv.writer would: a ";" or tab in a name must not look like a delimiter
    # to the reader, which sniffs the first line with quoted text removed.
    if any(c in name for c in ',;\t"\r\n'):
        return '"' + name.replace('"', '""') + '"'
    return name


def _lines(header: tuple[str, ...], columns: list[list[float]] | list[list[int]]) -> bytes:
    head = ",".join(_header_cell(name) for name in header)
    body = "\n".join(",".join(map(repr, row)) for row in zip(*columns, strict=True))
    return f"{head}\n{body}\n".encode()


def data_csv(x: ArrayLike, y: ArrayLike, *, names: tuple[str, str] = ("x", "y")) -> bytes:
    """The points as CSV: a header line with the two names, then one "x,y" line per point.

    names are cleaned so the file reads back as it was written: control characters become
    spaces, surrounding whitespace goes, blank names become "x"/"y", a header of two numbers
    becomes "x,y", and a name starting with = + - @ gets a leading apostrophe.
    Raises DataError for data that make_points refuses (empty, unequal lengths, NaN/inf,
    too large).
    """
    points = make_points(x, y)
    return _lines(_header(names), [points.x.tolist(), points.y.tolist()])


def history_csv(history: History) -> bytes:
    """The run as CSV with columns epoch, w, b, loss, dL/dw, dL/db; row k is "after k epochs".

    Has history.epochs_run + 1 rows (epoch 0 is the start). Raises DataError if a value is not
    finite, which History never holds.
    """
    columns = [history.w, history.b, history.loss, history.dw, history.db]
    arrays = [np.asarray(c, dtype=np.float64) for c in columns]
    if len({len(a) for a in arrays}) != 1:
        raise DataError("The history arrays have different lengths.")
    values = [a.tolist() for a in arrays]
    if not all(math.isfinite(v) for column in values for v in column):
        raise DataError("The history holds a value that is not finite; it cannot be saved.")
    return _lines(HISTORY_COLUMNS, [list(range(len(arrays[0]))), *values])
