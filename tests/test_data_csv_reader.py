"""CSV reader: every bad file is refused with its own message; good files parse exactly."""

from pathlib import Path

import numpy as np
import pytest

from lrviz.core import make_dataset, optimum
from lrviz.data import (
    MAX_ABS_VALUE,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    DataError,
    load_csv,
    read_csv,
    read_xy_file,
    select_xy,
)

BAD_CSV = Path(__file__).parent / "data" / "bad_csv"

# Each file of the corpus with a fragment of the message it must be refused with.
CORPUS = [
    ("empty.csv", "The file is empty."),
    ("blank_lines.csv", "The file is empty."),
    ("bom_only.csv", "The file is empty."),
    ("separators_only.csv", "no values, only separators"),
    ("header_only.csv", "header ('x', 'y') but no rows of data"),
    ("header_only_semicolon_crlf.csv", "header ('height', 'weight') but no rows of data"),
    ("text_columns.csv", "No column holds numbers; 'name', 'city' are text"),
    ("one_numeric_column.csv", "Only one column holds numbers ('score'); 'name' is text"),
    ("text_cell_in_numbers.csv", "Line 3, column 'y': 'abc' is not a number"),
    ("nan.csv", "Line 3, column 'y': 'NaN' is not a finite number"),
    ("inf.csv", "Line 2, column 'x': '-inf' is not a finite number"),
    ("infinity_semicolon.csv", "Line 3, column 'x': 'Infinity' is not a finite number"),
    ("square_overflows.csv", "Line 3, column 'x': '1e200' is too large: squares"),
    ("float_overflows.csv", "Line 3, column 'y': '1e999' is too large"),
    ("single_column.csv", "only one column ('x')"),
    ("single_column_no_header.csv", "only one column ('column 1')"),
    ("binary_png.csv", "binary data (zero bytes)"),
    ("binary_not_utf8.csv", "not UTF-8 text (byte 1 cannot be read)"),
    ("latin1.csv", "not UTF-8 text (byte 3 cannot be read)"),
    ("utf16.csv", "UTF-16"),
    ("xlsx_workbook.csv", "zip archive (an Excel .xlsx workbook?)"),
    ("control_characters.csv", "control characters"),
    ("row_too_long.csv", "Line 3 has 3 values but the header has 2"),
    ("all_rows_incomplete.csv", "Every row misses a value in 'x' or 'y'"),
    ("underscore_number.csv", "Line 2, column 'x': '1_000' is not a number"),
    ("thousands_separator.csv", "Line 2, column 'x': '1.234,5' is not a number"),
    ("unclosed_quote.csv", 'quote (") opened in the file is never closed'),
    ("text_after_quote.csv", "Line 2 has text right after a closing quote"),
    ("too_many_columns.csv", "Line 1 has 1,001 columns; lrviz reads at most 1,000"),
]


@pytest.mark.parametrize(("name", "fragment"), CORPUS, ids=[name for name, _ in CORPUS])
def test_bad_file_is_refused_with_its_message(name: str, fragment: str) -> None:
    with pytest.raises(DataError) as info:
        load_csv((BAD_CSV / name).read_bytes())
    assert fragment in str(info.value)
    assert "Traceback" not in str(info.value)


def test_every_corpus_file_has_an_expected_message() -> None:
    on_disk = {p.name for p in BAD_CSV.iterdir() if not p.name.startswith(".")}
    assert on_disk == {name for name, _ in CORPUS}


def test_data_error_is_a_value_error() -> None:
    # Callers that already catch ValueError (as for make_dataset) also catch reader refusals.
    assert issubclass(DataError, ValueError)


def test_file_over_the_size_limit_is_refused() -> None:
    row = b"1.0,2.0\n"
    data = b"x,y\n" + row * (MAX_UPLOAD_BYTES // len(row) + 1)
    assert len(data) > MAX_UPLOAD_BYTES
    limit = r"the limit is 5 MB \(5,000,000 bytes\)"
    with pytest.raises(DataError, match=r"MB \(\d[\d,]+ bytes\); " + limit):
        read_csv(data)


def test_file_at_the_row_limit_loads_and_one_more_row_is_refused() -> None:
    body = b"".join(b"%d,1\n" % i for i in range(MAX_ROWS))
    assert load_csv(b"x,y\n" + body).n == MAX_ROWS
    with pytest.raises(DataError, match=r"more than 100,000 rows"):
        read_csv(b"x,y\n" + body + b"1,1\n")
    with pytest.raises(DataError, match=r"more than 100,000 rows"):
        read_csv(body + b"1,1\n")  # no header: every row is data


def test_over_long_cell_is_refused() -> None:
    with pytest.raises(DataError, match=r"Line 2 has a cell longer than"):
        read_csv(b'x,y\n1,"' + b"9" * 200_000 + b'"\n')


def test_too_large_value_is_refused_just_past_the_core_limit() -> None:
    at_limit = repr(MAX_ABS_VALUE).encode()
    past = repr(float(np.nextafter(MAX_ABS_VALUE, np.inf))).encode()
    assert load_csv(b"x,y\n1," + at_limit + b"\n").y[0] == MAX_ABS_VALUE
    with pytest.raises(DataError, match="too large"):
        load_csv(b"x,y\n1,-" + past + b"\n")


# --- good files -------------------------------------------------------------------------


def test_comma_file_with_header() -> None:
    points = load_csv(b"x,y\n1,2\n3,4.5\n")
    assert points.x.tolist() == [1.0, 3.0]
    assert points.y.tolist() == [2.0, 4.5]
    assert (points.x_name, points.y_name, points.dropped) == ("x", "y", 0)


def test_semicolon_file_with_bom_crlf_and_decimal_commas() -> None:
    table = read_csv("\ufeffhöhe;gewicht\r\n1,5;-2,25\r\n3;4\r\n".encode())
    assert table.delimiter == ";"
    assert table.has_header
    assert table.names == ("höhe", "gewicht")
    assert table.columns[0].tolist() == [1.5, 3.0]
    assert table.columns[1].tolist() == [-2.25, 4.0]


def test_semicolon_file_with_decimal_points() -> None:
    assert load_csv(b"x;y\n1.5;2.5\n").x.tolist() == [1.5]


def test_tab_separated_file() -> None:
    points = load_csv(b"x\ty\n1\t2\n")
    assert (points.x.tolist(), points.y.tolist()) == ([1.0], [2.0])


def test_file_without_header_is_detected_and_named() -> None:
    table = read_csv(b"1,2\n3,4\n")
    assert not table.has_header
    assert table.names == ("column 1", "column 2")
    assert table.columns[0].tolist() == [1.0, 3.0]
    assert "no header row" in select_xy(table).message


def test_header_with_a_numeric_looking_name_is_still_a_header() -> None:
    table = read_csv(b"x,2019\n1,2\n3,4\n")
    assert table.has_header
    assert table.names == ("x", "2019")
    assert table.rows == 2


def test_single_data_row_without_header_is_one_point() -> None:
    points = load_csv(b"2,3\n")
    assert (points.x.tolist(), points.y.tolist()) == ([2.0], [3.0])


def test_rows_with_missing_values_are_dropped_and_counted() -> None:
    points = load_csv(b"x,y\n1,2\n3,\n,6\n7,8\n9\n")
    assert points.x.tolist() == [1.0, 7.0]
    assert points.y.tolist() == [2.0, 8.0]
    assert points.dropped == 3
    assert "Dropped 3 rows with missing values" in points.message


def test_one_dropped_row_is_singular() -> None:
    assert "Dropped 1 row with missing values." in load_csv(b"x,y\n1,2\n3,\n").message


def test_missing_value_in_an_unpicked_column_does_not_drop_the_row() -> None:
    table = read_csv(b"a,b,c\n1,2,\n3,4,5\n")
    assert select_xy(table, 0, 1).n == 2
    assert select_xy(table, 0, 2).n == 1


def test_more_than_two_numeric_columns_lets_the_caller_pick() -> None:
    table = read_csv(b"id,height,weight,age\n1,170,65,30\n2,180,80,40\n")
    assert table.needs_choice
    assert table.names == ("id", "height", "weight", "age")
    points = select_xy(table, 1, 2)
    assert (points.x_name, points.y_name) == ("height", "weight")
    assert points.x.tolist() == [170.0, 180.0]
    assert points.y.tolist() == [65.0, 80.0]


def test_two_numeric_columns_need_no_choice() -> None:
    assert not read_csv(b"x,y\n1,2\n").needs_choice


@pytest.mark.parametrize("bad", [-1, 2, 1.0, True, "x"])
def test_bad_column_pick_is_refused(bad: object) -> None:
    table = read_csv(b"x,y\n1,2\n")
    with pytest.raises(DataError, match="Pick the x column"):
        select_xy(table, bad, 1)  # type: ignore[arg-type]


def test_text_column_is_ignored_with_a_note() -> None:
    points = load_csv(b"city,x,y\nparis,1,2\nrome,3,4\n")
    assert (points.x_name, points.y_name) == ("x", "y")
    assert "Ignored text column 'city'." in points.message


def test_empty_named_column_is_ignored_with_a_note() -> None:
    table = read_csv(b"x,y,z\n1,2,\n3,4,\n")
    assert table.names == ("x", "y")
    assert "Column 'z' is empty" in " ".join(table.notes)


def test_trailing_separators_and_blank_lines_are_harmless() -> None:
    points = load_csv(b"\n\nx,y,\n1,2,\n\n3,4,\n,,\n")
    assert points.x.tolist() == [1.0, 3.0]
    assert points.dropped == 0


def test_spaces_quotes_and_notation() -> None:
    points = load_csv(b' x , "y"\n  1e-3 , "-2.5E+2"\n+.5,\t-0\n')
    assert points.x.tolist() == [0.001, 0.5]
    assert points.y.tolist() == [-250.0, 0.0]
    assert np.signbit(points.y[1])


def test_all_x_equal_loads_and_the_core_reports_a_non_unique_optimum() -> None:
    points = load_csv(b"x,y\n2,1\n2,3\n2,5\n")
    assert points.n == 3
    opt = optimum(points.x, points.y)
    assert not opt.unique
    make_dataset(points.x, points.y)


def test_hostile_header_is_kept_as_plain_text() -> None:
    header = "<img src=x onerror=alert(1)>"
    table = read_csv(f"{header},**y**\n1,2\n".encode())
    assert table.names == (header, "**y**")
    assert header in select_xy(table).message


def test_returned_arrays_are_read_only_float64() -> None:
    table = read_csv(b"x,y\n1,2\n3,\n")
    points = select_xy(table)
    for arr in (*table.columns, points.x, points.y):
        assert arr.dtype == np.float64
        assert not arr.flags.writeable


def test_messages_quote_file_text_on_one_line() -> None:
    with pytest.raises(DataError) as info:
        load_csv(b'"two\nlines",y\nabc,1\n')
    assert "\n" not in str(info.value)
    assert "'two lines'" in str(info.value)


def test_messages_cut_long_file_text() -> None:
    with pytest.raises(DataError) as info:
        load_csv(b"x,y\n1,2\n3," + b"z" * 500 + b"\n")
    assert len(str(info.value)) < 200
    assert "zzz…'" in str(info.value)


# --- files on disk (scripts and the command line) ----------------------------------------


def test_read_xy_file(tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    path.write_bytes(b"a;b\n1,5;2\n")
    x, y = read_xy_file(path)
    assert (x.tolist(), y.tolist()) == ([1.5], [2.0])


def test_read_xy_file_refuses_what_it_cannot_open(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot be read: No such file"):
        read_xy_file(tmp_path / "missing.csv")
    with pytest.raises(DataError, match="cannot be read"):
        read_xy_file(tmp_path)


def test_read_xy_file_refuses_a_big_file_before_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as file:
        file.truncate(MAX_UPLOAD_BYTES * 3)  # sparse: no disk space or reading needed
    words = r"The file is 15\.0 MB \(15,000,000 bytes\); the limit is 5 MB \(5,000,000 bytes\)"
    with pytest.raises(DataError, match=words):
        read_xy_file(path)


def test_a_long_list_of_text_columns_is_shortened() -> None:
    names = ",".join(f"t{k}" for k in range(40))
    cells = ",".join("a" for _ in range(40))
    with pytest.raises(DataError) as info:
        load_csv(f"{names}\n{cells}\n".encode())
    assert "'t4' and 35 more are text" in str(info.value)
