"""Edit table: numbers and blanks as st.data_editor returns them; invalid cells refused."""

import math

import numpy as np
import pytest

from lrviz.data import MAX_ROWS, DataError, edited_points


def test_numbers_pass_through_in_order() -> None:
    points = edited_points([1, 2.5, np.float64(3)], [4, np.int64(5), "6.5"])
    assert points.x.tolist() == [1.0, 2.5, 3.0]
    assert points.y.tolist() == [4.0, 5.0, 6.5]
    assert points.dropped == 0
    assert points.message == "3 points from the table."


def test_blank_rows_are_skipped_and_half_filled_rows_counted() -> None:
    points = edited_points([1.0, None, math.nan, 4.0, "  "], [2.0, None, 3.0, None, ""])
    assert points.x.tolist() == [1.0]
    assert points.dropped == 2
    assert "Left out 2 rows with an empty cell" in points.message


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("abc", "Row 2, y: 'abc' is not a number"),
        ("nan", "Row 2, y: 'nan' is not a finite number"),
        (math.inf, "Row 2, y: 'inf' is not a finite number"),
        (1e200, "Row 2, y: '1e+200' is too large"),
        ("1_0", "is not a number"),
        (True, "Row 2, y: 'True' is not a number"),
        ([1], "is not a number"),
    ],
)
def test_invalid_cells_are_refused_with_their_row(value: object, fragment: str) -> None:
    with pytest.raises(DataError) as info:
        edited_points([1.0, 2.0], [1.0, value])
    assert fragment in str(info.value)


def test_no_complete_row_is_refused() -> None:
    with pytest.raises(DataError, match="no complete row"):
        edited_points([1.0, None], [None, None])


def test_unequal_columns_are_refused() -> None:
    with pytest.raises(DataError, match="different lengths"):
        edited_points([1.0], [1.0, 2.0])


def test_too_many_rows_are_refused() -> None:
    with pytest.raises(DataError, match="more than 100,000 rows"):
        edited_points([1.0] * (MAX_ROWS + 1), [1.0] * (MAX_ROWS + 1))


def test_equal_x_is_accepted() -> None:
    assert edited_points([3.0, 3.0], [1.0, 2.0]).n == 2


def test_columns_of_an_edited_dataframe() -> None:
    # What st.data_editor hands back: a DataFrame, possibly with nullable dtypes and new rows.
    import pandas as pd

    frame = pd.DataFrame(
        {"x": pd.array([1.0, None, 3.0], dtype="Float64"), "y": [2.0, 5.0, float("nan")]}
    )
    points = edited_points(frame["x"].tolist(), frame["y"].tolist())
    assert points.x.tolist() == [1.0]
    assert points.dropped == 2
    assert edited_points([pd.NA, 1.0], [pd.NaT, 2.0]).x.tolist() == [1.0]
