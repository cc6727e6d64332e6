"""Points from the cells of the edit table (st.data_editor), refusing invalid cells.

Use:
    edited = st.data_editor(table, num_rows="dynamic")         # columns "x" and "y"
    try:
        points = edited_points(edited["x"].tolist(), edited["y"].tolist())
    except DataError as error:
        st.error(escape_markdown(str(error)))                   # keep the previous dataset
Row numbers in messages count from 1 in table order. A cell is empty when it is None, NaN
(how the editor marks a blank number cell), pandas' NA or blank text; rows with both cells
empty (a row just added) are skipped silently, rows with one empty cell are dropped and
counted.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

from lrviz.data.csv_reader import parse_cell
from lrviz.data.errors import DataError
from lrviz.data.limits import MAX_ABS_VALUE, MAX_ROWS
from lrviz.data.points import Points, make_points
from lrviz.data.wording import limit_phrase, plural, quoted

_PANDAS_MISSING = frozenset({"NAType", "NaTType"})


def _cell(row: int, label: str, value: object) -> float | None:
    """The number in one cell, None when it is empty; DataError when it is not a number."""
    # pandas marks missing cells of nullable columns with pd.NA / pd.NaT; recognised by type
    # name so lrviz.data need not import pandas.
    if value is None or type(value).__name__ in _PANDAS_MISSING:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        number = parse_cell(text)
        if number is None:
            raise DataError(f"Row {row}, {label}: {quoted(text)} is not a number.")
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        if math.isnan(number):
            return None
    else:
        raise DataError(f"Row {row}, {label}: {quoted(str(value))} is not a number.")
    if not math.isfinite(number):
        raise DataError(f"Row {row}, {label}: {quoted(str(value))} is not a finite number.")
    if abs(number) > MAX_ABS_VALUE:
        raise DataError(f"Row {row}, {label}: {quoted(str(value))} is too large: {limit_phrase()}.")
    return number


def edited_points(x_cells: Sequence[object], y_cells: Sequence[object]) -> Points:
    """Points from two equally long columns of cells (numbers, numeric text or empty).

    Raises DataError for a non-number, NaN text, inf, |value| > MAX_ABS_VALUE, more than
    MAX_ROWS rows, or when no complete row is left.
    """
    if len(x_cells) != len(y_cells):
        raise DataError("The x and y columns of the table have different lengths.")
    if len(x_cells) > MAX_ROWS:
        raise DataError(f"The table has more than {MAX_ROWS:,} rows; lrviz takes at most that.")
    xs: list[float] = []
    ys: list[float] = []
    dropped = 0
    for row, (x_value, y_value) in enumerate(zip(x_cells, y_cells, strict=True), start=1):
        x = _cell(row, "x", x_value)
        y = _cell(row, "y", y_value)
        if x is None and y is None:
            continue
        if x is None or y is None:
            dropped += 1
            continue
        xs.append(x)
        ys.append(y)
    if not xs:
        raise DataError("The table has no complete row: every point needs both x and y.")
    message = f"{plural(len(xs), 'point')} from the table."
    if dropped:
        message += f" Left out {plural(dropped, 'row')} with an empty cell."
    return make_points(xs, ys, dropped=dropped, message=message)
