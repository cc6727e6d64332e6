"""CSV downloads: a data file uploads back unchanged; the history file has one row per epoch."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrviz.core import train
from lrviz.data import (
    HISTORY_COLUMNS,
    MAX_ABS_VALUE,
    DataError,
    data_csv,
    get_preset,
    history_csv,
    load_csv,
    parse_cell,
    preset_names,
    read_csv,
    select_xy,
)

finite = st.floats(
    min_value=-MAX_ABS_VALUE, max_value=MAX_ABS_VALUE, allow_nan=False, allow_infinity=False
)
# Names as the reader returns them: stripped, non-empty, not readable as a number, no controls.
reader_names = (
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=20)
    .map(str.strip)
    .filter(lambda name: name and parse_cell(name) is None and name[0] not in "=+-@")
)


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool((a.view(np.int64) == b.view(np.int64)).all())


@given(
    st.lists(st.tuples(finite, finite), min_size=1, max_size=60),
    st.tuples(reader_names, reader_names),
)
def test_downloaded_data_uploads_back_unchanged(
    pairs: list[tuple[float, float]], names: tuple[str, str]
) -> None:
    x = np.array([p[0] for p in pairs])
    y = np.array([p[1] for p in pairs])
    points = load_csv(data_csv(x, y, names=names))
    assert _same_bits(points.x, x)  # bit for bit, so -0.0 and the last digit survive
    assert _same_bits(points.y, y)
    assert (points.x_name, points.y_name) == names
    assert points.dropped == 0


@pytest.mark.parametrize("name", preset_names())
def test_every_preset_round_trips(name: str) -> None:
    preset = get_preset(name)
    points = load_csv(data_csv(preset.x, preset.y))
    assert _same_bits(points.x, preset.x)
    assert _same_bits(points.y, preset.y)


def test_round_trip_through_a_file_read_as_a_table_then_picked() -> None:
    x = np.array([0.1, 1 / 3, -2.5e-300])
    y = np.array([1e150, -1e150, 7.0])
    table = read_csv(data_csv(x, y, names=("hours", "score")))
    assert table.names == ("hours", "score")
    points = select_xy(table, 0, 1)
    assert _same_bits(points.x, x)
    assert _same_bits(points.y, y)


def test_data_file_layout() -> None:
    assert data_csv([1.0, 2.5], [3.0, -4.0]) == b"x,y\n1.0,3.0\n2.5,-4.0\n"


@pytest.mark.parametrize(
    ("names", "header"),
    [
        (("a;b", "c,d"), b'"a;b","c,d"'),
        (('say "hi"', "y"), b'"say ""hi""",y'),
        (("=HYPERLINK(1)", "@y"), b"'=HYPERLINK(1),'@y"),
        (("  padded  ", ""), b"padded,y"),
        (("1", "2"), b"x,y"),
        (("bell\x07", "y"), b"bell,y"),
    ],
)
def test_names_are_cleaned_so_the_file_reads_back(names: tuple[str, str], header: bytes) -> None:
    data = data_csv([1.0], [2.0], names=names)
    assert data.split(b"\n")[0] == header
    assert load_csv(data).y.tolist() == [2.0]


@pytest.mark.parametrize(
    ("x", "y", "fragment"),
    [
        ([1.0, np.nan], [1.0, 2.0], "finite"),
        ([1.0], [np.inf], "finite"),
        ([], [], "no points"),
        ([1.0, 2.0], [1.0], "pair up"),
        ([1e200], [1.0], "too large"),
    ],
)
def test_unwritable_data_is_refused(x: list[float], y: list[float], fragment: str) -> None:
    with pytest.raises(DataError, match=fragment):
        data_csv(x, y)


def test_history_file_has_one_row_per_epoch_with_the_core_values() -> None:
    hist = train([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], epochs=25, lr=0.01)
    table = read_csv(history_csv(hist))
    assert table.names == HISTORY_COLUMNS == ("epoch", "w", "b", "loss", "dL/dw", "dL/db")
    assert table.rows == hist.epochs_run + 1
    assert table.columns[0].tolist() == list(range(hist.epochs_run + 1))
    expected = [hist.w, hist.b, hist.loss, hist.dw, hist.db]
    for column, values in zip(table.columns[1:], expected, strict=True):
        assert _same_bits(column, values)


def test_history_file_stops_where_a_diverged_run_stopped() -> None:
    hist = train([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], epochs=200, lr=0.5)
    assert hist.diverged_at is not None
    table = read_csv(history_csv(hist))
    assert table.rows == len(hist.w)
    assert all(np.isfinite(c).all() for c in table.columns)
