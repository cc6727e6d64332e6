"""Property tests of the CSV reader: no input escapes as anything but DataError, and any valid
table written out in any accepted dialect reads back to the same numbers."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lrviz.data import MAX_ABS_VALUE, CsvTable, DataError, load_csv, parse_cell, read_csv

# Characters that make up CSV structure, so random text often gets deep into the parser.
CSV_ALPHABET = st.sampled_from([*'0123456789.,;\t\n\r "-+eE_naifINF', "\ufeff", "é", "<"])

finite = st.floats(
    min_value=-MAX_ABS_VALUE, max_value=MAX_ABS_VALUE, allow_nan=False, allow_infinity=False
)


def _read_or_refuse(data: bytes) -> None:
    try:
        table = read_csv(data)
    except DataError as error:
        message = str(error)
        assert message  # a refusal always says why
        return
    assert isinstance(table, CsvTable)
    assert len(table.names) == len(table.columns) >= 2
    for column in table.columns:
        assert column.shape == (table.rows,)
        finite_or_missing = np.isfinite(column) | np.isnan(column)
        assert finite_or_missing.all()
        assert (np.abs(column[~np.isnan(column)]) <= MAX_ABS_VALUE).all()
    try:
        points = load_csv(data)
    except DataError as error:
        message = str(error)
        assert message
        return
    assert np.isfinite(points.x).all()
    assert np.isfinite(points.y).all()
    assert points.n + points.dropped == table.rows


@settings(max_examples=400)
@given(st.binary(max_size=600))
def test_random_bytes_never_raise_anything_but_data_error(data: bytes) -> None:
    _read_or_refuse(data)


@settings(max_examples=400)
@given(st.text(CSV_ALPHABET, max_size=200))
def test_random_csv_like_text_never_raises_anything_but_data_error(text: str) -> None:
    _read_or_refuse(text.encode())


@settings(max_examples=200)
@given(st.binary(max_size=200), st.text(CSV_ALPHABET, max_size=200))
def test_valid_start_with_random_tail_never_raises_anything_but_data_error(
    tail: bytes, text: str
) -> None:
    _read_or_refuse(b"x,y\n1,2\n" + text.encode() + tail)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], np.ndarray]:
    """Column names (text, none readable as a number) and a (rows, cols) array of values."""
    n_cols = draw(st.integers(2, 4))
    n_rows = draw(st.integers(1, 30))
    names = draw(
        st.lists(
            st.from_regex(r"[A-Za-z][A-Za-z0-9 _()/<>*]{0,11}", fullmatch=True)
            .map(str.strip)
            .filter(lambda name: parse_cell(name) is None),  # "nan", "inf" read as numbers
            min_size=n_cols,
            max_size=n_cols,
        )
    )
    values = draw(st.lists(finite, min_size=n_rows * n_cols, max_size=n_rows * n_cols))
    return names, np.array(values, dtype=np.float64).reshape(n_rows, n_cols)


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool((a.view(np.int64) == b.view(np.int64)).all())


@given(
    tables(),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
    st.booleans(),
)
def test_valid_tables_parse_back_to_the_same_numbers(
    table: tuple[list[str], np.ndarray], sep: str, newline: str, bom: bool, header: bool
) -> None:
    names, values = table
    lines = [sep.join(names)] if header else []
    for row in values.tolist():
        cells = [repr(v) for v in row]
        if sep == ";":
            cells = [c.replace(".", ",") for c in cells]  # the decimal comma of such files
        lines.append(sep.join(cells))
    data = ("\ufeff" if bom else "") + newline.join(lines) + newline
    parsed = read_csv(data.encode())
    assert parsed.delimiter == sep
    assert parsed.has_header == header
    assert parsed.rows == values.shape[0]
    if header:
        assert list(parsed.names) == names
    for j in range(values.shape[1]):
        assert _same_bits(np.asarray(parsed.columns[j]), values[:, j].copy())
