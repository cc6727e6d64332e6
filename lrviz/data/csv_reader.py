"""Read an uploaded CSV file (bytes) into numeric columns, refusing bad files with DataError.

Use in the app:
    try:
        table = read_csv(uploaded.getvalue())          # CsvTable
        x_col, y_col = 0, 1                            # or let the user pick (table.needs_choice)
        points = select_xy(table, x_col, y_col)        # Points, ready for make_dataset
    except DataError as error:
        st.error(escape_markdown(str(error)))          # keep the previous dataset
    else:
        st.info(escape_markdown(points.message))       # mentions dropped rows, if any

Accepted: UTF-8 with or without BOM; comma, semicolon (then "1,5" is a decimal comma) or tab;
a header row or none (detected: a first row with no numbers, or one whose text sits above a
numeric column, is a header; without one, columns are named "column 1", "column 2", ...).
Empty cells are missing values: their rows are dropped by select_xy, which reports how many.
Columns holding only text are ignored and named in CsvTable.notes; a column mixing numbers and
text is refused at its first bad cell. Refused with a specific message: empty file, header
only, no (or one) numeric column, NaN/inf, |value| > MAX_ABS_VALUE, a single column, binary or
non-UTF-8 data, more than MAX_UPLOAD_BYTES bytes, MAX_ROWS rows or MAX_COLUMNS columns.

Column names and cells are returned and quoted exactly as in the file, never interpreted:
DataError messages, CsvTable.names, Points.x_name/y_name and Points.message may hold hostile
text such as "<img src=x onerror=alert(1)>". Show them with st.text / st.code / dataframe
headers, or pass them through escape_markdown() before any markdown element; never render
them with unsafe_allow_html.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lrviz.data.errors import DataError
from lrviz.data.limits import MAX_ABS_VALUE, MAX_COLUMNS, MAX_ROWS, MAX_UPLOAD_BYTES, MAX_UPLOAD_MB
from lrviz.data.points import FloatArray, Points, make_points
from lrviz.data.wording import limit_phrase, plural, quoted, quoted_list

DELIMITERS = (",", ";", "\t")

# C0 controls other than tab/newline/carriage return, and DEL: never in a text CSV.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_QUOTED = re.compile(r'"(?:[^"]|"")*"')
# Characters examined to pick the delimiter: the first line with content is in there.
_DELIMITER_SAMPLE = 65_536
_NON_FINITE_WORDS = frozenset({"nan", "inf", "infinity"})
# Rows read ahead to decide whether the first row is a header.
_HEADER_SAMPLE = 100


@dataclass(frozen=True, eq=False)
class CsvTable:
    """The numeric columns of a CSV file.

    names: one plain-text name per numeric column, in file order (from the header, or
    "column k" with k the 1-based position in the file). columns: read-only float64 arrays,
    all of shape (rows,), NaN where the cell was empty (NaN written in the file is refused,
    so NaN here always means "missing"). notes: plain-text remarks (ignored text columns).
    """

    names: tuple[str, ...]
    columns: tuple[FloatArray, ...]
    has_header: bool
    delimiter: str
    rows: int
    notes: tuple[str, ...] = ()

    @property
    def needs_choice(self) -> bool:
        """True when there are more than two numeric columns, so the user should pick x, y."""
        return len(self.names) > 2


def upload_limit_text() -> str:
    """The upload limit in words, the same for the caption and the refusal: '5 MB (5,000,000
    bytes)'; a megabyte here is 10^6 bytes, as Streamlit's maxUploadSize counts it."""
    return f"{MAX_UPLOAD_MB} MB ({MAX_UPLOAD_BYTES:,} bytes)"


def _too_big(size: int) -> str:
    return f"The file is {size / 1e6:.1f} MB ({size:,} bytes); the limit is {upload_limit_text()}."


def _decode(data: bytes) -> str:
    if len(data) > MAX_UPLOAD_BYTES:
        raise DataError(_too_big(len(data)))
    if data.startswith(b"PK\x03\x04"):
        raise DataError(
            "This is a zip archive (an Excel .xlsx workbook?), not a CSV text file. "
            "Save it as 'CSV UTF-8' and upload that."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError("The file is UTF-16 text; save it as 'CSV UTF-8' and upload that.")
    if b"\x00" in data:
        raise DataError("The file contains binary data (zero bytes), not CSV text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(
            f"The file is not UTF-8 text (byte {error.start + 1:,} cannot be read); it may be "
            "binary or saved in another encoding. Save it as 'CSV UTF-8'."
        ) from None
    if CONTROL_CHARS.search(text):
        raise DataError("The file contains control characters, so it is binary, not CSV text.")
    if not text.strip():
        raise DataError("The file is empty.")
    return text


def _detect_delimiter(text: str) -> str:
    # Decide on the first line with content, ignoring quoted text (a name such as "a;b").
    head = _QUOTED.sub("", text[:_DELIMITER_SAMPLE])
    first = next((line for line in head.splitlines() if line.strip()), "")
    # A semicolon means a semicolon file even when commas appear (as decimal commas).
    if ";" in first:
        return ";"
    if "\t" in first and "," not in first:
        return "\t"
    return ","


def _csv_problem(error: str, line: int) -> str:
    if "end of data" in error:
        return 'A quote (") opened in the file is never closed.'
    if "field limit" in error:
        return f"Line {line:,} has a cell longer than {csv.field_size_limit():,} characters."
    if "expected after" in error:
        return (
            f'Line {line:,} has text right after a closing quote ("); '
            "quote whole cells only, with nothing between the quote and the separator."
        )
    return f"Line {line:,} is not valid CSV ({error})."


def _split_rows(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """Rows with at least one non-blank cell (cells as in the file, not stripped) and the line
    each row ends on."""
    rows: list[list[str]] = []
    lines: list[int] = []
    # strict: a stray quote is an error, not silently glued text ("2"3 would read as 23).
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True, strict=True
    )
    try:
        for row in reader:
            # Blank lines and lines of bare separators carry no data.
            if not any(row) or not "".join(row).strip():
                continue
            if len(rows) > MAX_ROWS:  # a header and MAX_ROWS data rows are already read
                raise DataError(
                    f"The file has more than {MAX_ROWS:,} rows of data; "
                    f"lrviz reads at most {MAX_ROWS:,}."
                )
            if len(row) > MAX_COLUMNS:
                raise DataError(
                    f"Line {reader.line_num:,} has {len(row):,} columns; "
                    f"lrviz reads at most {MAX_COLUMNS:,}."
                )
            rows.append(row)
            lines.append(reader.line_num)
    except csv.Error as error:
        raise DataError(_csv_problem(str(error), reader.line_num)) from None
    return rows, lines


def parse_cell(cell: str, decimal_comma: bool = False) -> float | None:
    """The number in a stripped, non-empty cell (NaN/inf included), or None when not one.

    Exactly the rule read_csv uses: Python float syntax without underscores, and with a
    decimal comma when decimal_comma (semicolon files)."""
    if decimal_comma:
        cell = cell.replace(",", ".")
    if "_" in cell:  # float() accepts "1_000"; a CSV number never has underscores
        return None
    try:
        return float(cell)
    except ValueError:
        return None


def _is_header(rows: Sequence[list[str]], decimal_comma: bool) -> bool:
    first = [c.strip() for c in rows[0]]
    kinds = [
        "" if not c else ("n" if parse_cell(c, decimal_comma) is not None else "t") for c in first
    ]
    if "n" not in kinds:
        return True
    # A header may have a numeric-looking name ("2019"); it is still a header when one of its
    # text cells sits above a column of numbers.
    sample = rows[1 : 1 + _HEADER_SAMPLE]
    for j, kind in enumerate(kinds):
        if kind != "t":
            continue
        cells = [r[j].strip() for r in sample if j < len(r) and r[j].strip()]
        if cells and all(parse_cell(c, decimal_comma) is not None for c in cells):
            return True
    return False


@dataclass(frozen=True)
class _Column:
    kind: str  # "numeric", "text" or "empty"
    values: FloatArray | None


def _all_numbers(cells: Sequence[str]) -> FloatArray | None:
    """The cells as float64 when every one is a usable number, else None (no message)."""
    try:
        values = np.array([float(c) for c in cells], dtype=np.float64)
    except ValueError:  # an empty or text cell
        return None
    # float() accepts "1_000"; and NaN, inf and huge values fail the comparison.
    if "_" in "".join(cells) or not bool(np.all(np.abs(values) <= MAX_ABS_VALUE)):
        return None
    return values


def _parse_column(
    name: str, cells: Sequence[str], lines: Sequence[int], decimal_comma: bool
) -> _Column:
    converted = [c.replace(",", ".") for c in cells] if decimal_comma else cells
    fast = _all_numbers(converted)
    if fast is not None:
        fast.setflags(write=False)
        return _Column("numeric", fast)
    # Missing cells, text or a bad number: go cell by cell to classify and to name the cell.
    values = [math.nan] * len(cells)
    first_text = -1
    found_number = False
    for i, raw in enumerate(cells):
        cell = raw.strip()
        if not cell:
            continue
        v = parse_cell(cell, decimal_comma)
        if v is None:
            if first_text < 0:
                first_text = i
            continue
        found_number = True
        if not math.isfinite(v) and cell.lower().lstrip("+-") in _NON_FINITE_WORDS:
            raise DataError(
                f"Line {lines[i]:,}, column {quoted(name)}: {quoted(cell)} is not a finite "
                "number. Values must be finite; leave a cell empty if it is missing."
            )
        if not abs(v) <= MAX_ABS_VALUE:  # also catches 1e999, which float() reads as inf
            raise DataError(
                f"Line {lines[i]:,}, column {quoted(name)}: {quoted(cell)} is too large: "
                f"{limit_phrase()}."
            )
        values[i] = v
    if first_text >= 0:
        if found_number:
            raise DataError(
                f"Line {lines[first_text]:,}, column {quoted(name)}: "
                f"{quoted(cells[first_text].strip())} is not a number. "
                "Leave a cell empty if the value is missing."
            )
        return _Column("text", None)
    if not found_number:
        return _Column("empty", None)
    arr = np.array(values, dtype=np.float64)
    arr.setflags(write=False)
    return _Column("numeric", arr)


def read_csv(data: bytes) -> CsvTable:
    """Parse the bytes of a CSV file into its numeric columns (see the module docstring).

    Raises DataError with a specific, plain-text message for every kind of bad file; never
    raises anything else. Linear in the file size (100,000 rows take well under a second).
    """
    text = _decode(data)
    delimiter = _detect_delimiter(text)
    decimal_comma = delimiter == ";"
    rows, lines = _split_rows(text, delimiter)
    if not rows:
        raise DataError("The file is empty: it has no values, only separators.")
    has_header = _is_header(rows, decimal_comma)
    width = len(rows[0])
    header = [c.strip() for c in rows[0]] if has_header else [""] * width
    body, body_lines = (rows[1:], lines[1:]) if has_header else (rows, lines)
    if len(body) > MAX_ROWS:
        raise DataError(
            f"The file has more than {MAX_ROWS:,} rows of data; lrviz reads at most {MAX_ROWS:,}."
        )
    if set(map(len, body)) != {width}:
        for row, line in zip(body, body_lines, strict=True):
            if len(row) > width:
                if "".join(row[width:]).strip():
                    raise DataError(
                        f"Line {line:,} has {len(row)} values but the "
                        f"{'header' if has_header else 'first line'} has {width}."
                    )
                del row[width:]  # trailing separators
            elif len(row) < width:
                row.extend([""] * (width - len(row)))  # short rows: the missing cells are empty
    names = [h or f"column {j + 1}" for j, h in enumerate(header)]
    # Drop columns that are blank from top to bottom (a trailing separator on every line).
    used = [j for j in range(width) if header[j] or any(row[j].strip() for row in body)]
    if len(used) < 2:
        only = quoted(names[used[0]]) if used else "no name"
        raise DataError(
            f"The file has only one column ({only}). lrviz needs two columns, x and y, "
            "separated by commas or semicolons."
        )
    if not body:
        shown = quoted_list([names[j] for j in used])
        raise DataError(f"The file has a header ({shown}) but no rows of data below it.")
    numeric_names: list[str] = []
    columns: list[FloatArray] = []
    text_names: list[str] = []
    notes: list[str] = []
    for j in used:
        column = _parse_column(names[j], [row[j] for row in body], body_lines, decimal_comma)
        if column.values is not None:
            numeric_names.append(names[j])
            columns.append(column.values)
        elif column.kind == "text":
            text_names.append(names[j])
        else:
            notes.append(f"Column {quoted(names[j])} is empty and was ignored.")
    if len(columns) < 2:
        texts = quoted_list(text_names)
        if columns:
            lead = f"Only one column holds numbers ({quoted(numeric_names[0])})"
        else:
            lead = "No column holds numbers"
        detail = f"; {texts} {'is' if len(text_names) == 1 else 'are'} text" if texts else ""
        raise DataError(f"{lead}{detail}. lrviz needs two numeric columns, x and y.")
    if text_names:
        texts = quoted_list(text_names)
        notes.insert(0, f"Ignored text {'column' if len(text_names) == 1 else 'columns'} {texts}.")
    if not has_header:
        notes.insert(0, "The file has no header row, so its columns are numbered.")
    return CsvTable(
        tuple(numeric_names), tuple(columns), has_header, delimiter, len(body), tuple(notes)
    )


def select_xy(table: CsvTable, x_col: int = 0, y_col: int = 1) -> Points:
    """Points from two numeric columns of table, picked by index into table.names.

    Rows missing x or y are dropped; Points.dropped counts them and Points.message says so.
    Raises DataError for a bad index or when no complete row is left.
    """
    for label, col in (("x", x_col), ("y", y_col)):
        if isinstance(col, bool) or not isinstance(col, numbers.Integral):
            raise DataError(f"Pick the {label} column by its position, a whole number.")
        if not 0 <= int(col) < len(table.names):
            raise DataError(f"Pick the {label} column from the {len(table.names)} numeric columns.")
    x_name, y_name = table.names[int(x_col)], table.names[int(y_col)]
    x, y = table.columns[int(x_col)], table.columns[int(y_col)]
    keep = ~(np.isnan(x) | np.isnan(y))
    kept = int(np.count_nonzero(keep))
    dropped = table.rows - kept
    if kept == 0:
        raise DataError(
            f"Every row misses a value in {quoted(x_name)} or {quoted(y_name)}, so no points "
            "are left."
        )
    parts = [f"Loaded {plural(kept, 'point')}: x from {quoted(x_name)}, y from {quoted(y_name)}."]
    if dropped:
        parts.append(f"Dropped {plural(dropped, 'row')} with missing values.")
    parts.extend(table.notes)
    return make_points(
        x[keep], y[keep], x_name=x_name, y_name=y_name, dropped=dropped, message=" ".join(parts)
    )


def load_csv(data: bytes) -> Points:
    """read_csv then select_xy with the first two numeric columns as x and y."""
    return select_xy(read_csv(data), 0, 1)


def read_xy_file(path: str | os.PathLike[str]) -> tuple[FloatArray, FloatArray]:
    """x and y (the first two numeric columns) of the CSV file at path, for scripts and the CLI.

    Reads at most MAX_UPLOAD_BYTES + 1 bytes. Raises DataError for a file that cannot be
    opened or read as well as for every refusal of read_csv.
    """
    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            if size > MAX_UPLOAD_BYTES:
                raise DataError(_too_big(size))
            data = file.read(MAX_UPLOAD_BYTES + 1)
    except OSError as error:
        raise DataError(f"The file cannot be read: {error.strerror or error}.") from None
    points = load_csv(data)
    return points.x, points.y
