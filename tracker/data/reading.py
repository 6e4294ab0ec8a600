"""Read a survey file (CSV or XLSX) into a table of strings, detecting encoding and separator.

Everything is read as text so that validation, not the parser, decides what a value means and can
say exactly which row and column are wrong.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

SEPARATORS = (",", ";", "\t")
_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
#: A zip file (so an XLSX workbook) starts with a local file header.
_ZIP_MAGIC = b"PK\x03\x04"


class UnreadableFileError(ValueError):
    """The file cannot be read as a table at all."""


def decode(raw: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            f"the text is neither UTF-8 nor Windows-1252 (byte {exc.start}); "
            "save it as CSV UTF-8 from your spreadsheet program"
        ) from None


def detect_separator(text: str) -> str:
    """The separator of the header line: whichever of , ; tab splits it into most columns."""
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    if counts[best] == 0:
        raise UnreadableFileError(
            "the first line has no comma, semicolon or tab, so this is not a table with columns; "
            "the first line must name the columns, e.g. wave_year;respondent_id;municipality_code"
        )
    return best


def read_table(path: Path, sheet: str | None = None) -> pd.DataFrame:
    """The file's rows as strings with lower-cased, trimmed column names."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(f"cannot read the file: {exc.strerror}") from None
    if not raw.strip():
        raise UnreadableFileError(
            "the file is empty; it needs a header line and one row per answer"
        )
    if zipfile.is_zipfile(io.BytesIO(raw)):
        frame = _read_xlsx(raw, sheet)
    elif raw.startswith(_ZIP_MAGIC):
        raise UnreadableFileError(
            "this looks like an XLSX workbook (a zip file) but it is damaged or incomplete; "
            "save it again from the spreadsheet program, or export the survey as CSV (UTF-8)"
        )
    else:
        if sheet is not None:
            raise UnreadableFileError("--sheet only applies to XLSX files, and this is a text file")
        frame = _read_csv(raw)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    _reject_repeated_columns(list(frame.columns))
    if frame.empty:
        raise UnreadableFileError("the file has a header line but no rows of answers")
    return frame


def _reject_repeated_columns(names: list[str]) -> None:
    """Header names must be unique, ignoring case and spaces ("Innovated" and "innovated").

    pandas renames an exact repeat "innovated" to "innovated.1", so that counts as a repeat too.
    """
    seen = set(names)
    repeated = {name for name, count in Counter(names).items() if count > 1}
    repeated |= {
        base
        for name in names
        if (base := name.rpartition(".")[0]) in seen and name[len(base) + 1 :].isdigit()
    }
    if repeated:
        raise UnreadableFileError(
            f"the header names column(s) {', '.join(sorted(repeated))} more than once "
            "(letter case and spaces do not count); keep one column of each name"
        )


def _read_csv(raw: bytes) -> pd.DataFrame:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFileError(
            "the text is UTF-16 (Excel's 'Unicode text'), which is not supported; "
            "save it as CSV UTF-8 or XLSX from your spreadsheet program"
        )
    if b"\x00" in raw[:4096]:
        raise UnreadableFileError(
            "this is a binary file, not CSV or XLSX; export the survey as CSV (UTF-8) or XLSX"
        )
    text, encoding = decode(raw)
    sep = detect_separator(text)
    utf8 = raw.removeprefix(codecs.BOM_UTF8) if encoding == "utf-8" else text.encode("utf-8")
    fast = _read_csv_fast(utf8, sep)
    if fast is not None:
        return fast
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_MINIMAL,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise UnreadableFileError(
            f"the rows do not line up with the header ({_SEPARATOR_NAMES[sep]}-separated): "
            f"{str(exc).strip()}"
        ) from None
    _reject_short_rows(text, sep, len(frame.columns))
    # Blank lines (and lines of only separators) are dropped here rather than by the parser, so
    # that each row keeps its position and problems name the right line of the file.
    blank = frame.apply(lambda column: column.str.strip() == "").all(axis=1)
    return frame[~blank]


def _reject_short_rows(text: str, sep: str, width: int) -> None:
    """A row with fewer values than the header was cut off or lost a separator: say so.

    pandas would quietly fill the missing values with blanks, which then surface as confusing
    "is empty" messages in other columns. Only files that missed the fast path get here.
    """
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    next(reader, None)
    short = [
        (reader.line_num, len(row))
        for row in reader
        if 0 < len(row) < width and any(cell.strip() for cell in row)
    ]
    if short:
        listed = "; ".join(f"row {line} has {count}" for line, count in short[:10])
        more = f" (and {len(short) - 10} more rows)" if len(short) > 10 else ""
        raise UnreadableFileError(
            f"some rows have fewer values than the header's {width} columns ({listed}{more}); "
            "a line may have been cut off or lost a separator"
        )


def _read_csv_fast(data: bytes, sep: str) -> pd.DataFrame | None:
    """Parse a clean file with Arrow's multi-threaded reader (several times faster), or None.

    Only files the slower pandas path would read identically qualify: no blank lines (pandas
    keeps their line numbers for messages), no repeated header names, every row as wide as the
    header. Anything else returns None and takes the pandas path with its exact messages.
    """
    body = data.rstrip(b"\r\n")
    if b"\n\n" in body or b"\n\r\n" in body or body.startswith((b"\n", b"\r")):
        return None
    header = next(csv.reader([body.split(b"\n", 1)[0].decode("utf-8").rstrip("\r")], delimiter=sep))
    if len({h.strip().lower() for h in header}) != len(header):
        return None
    try:
        table = pa_csv.read_csv(
            io.BytesIO(body),
            read_options=pa_csv.ReadOptions(column_names=header, skip_rows=1),
            parse_options=pa_csv.ParseOptions(delimiter=sep, newlines_in_values=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    frame = table.to_pandas()
    # Row labels as the pandas path gives them: 0 for the first row after the header.
    frame.index = pd.RangeIndex(len(frame))
    return frame


def _read_xlsx(raw: bytes, sheet: str | None) -> pd.DataFrame:
    try:
        book = pd.ExcelFile(io.BytesIO(raw), engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for broken or foreign zip files
        raise UnreadableFileError(
            f"this is a zip file but not a readable XLSX workbook ({type(exc).__name__})"
        ) from None
    if sheet is not None and sheet not in book.sheet_names:
        raise UnreadableFileError(
            f"no sheet named {sheet!r}; the workbook has: {', '.join(book.sheet_names)}"
        )
    name = sheet if sheet is not None else book.sheet_names[0]
    try:
        frame = pd.read_excel(book, sheet_name=name, dtype=str, keep_default_na=False)
    except Exception as exc:  # sheets are parsed lazily: a damaged sheet fails only here
        raise UnreadableFileError(
            f"the sheet {name!r} of this XLSX workbook is damaged and cannot be read "
            f"({type(exc).__name__}); save it again from the spreadsheet program"
        ) from None
    if frame.columns.empty:
        others = [s for s in book.sheet_names if s != name]
        hint = (
            f"; name the survey's sheet with --sheet (the workbook also has: {', '.join(others)})"
        )
        raise UnreadableFileError(f"the sheet {name!r} is empty" + (hint if others else ""))
    # Excel stores numbers such as 2024 or 301 as floats; "2024.0" must read as "2024".
    return frame.map(_excel_text)


def _excel_text(value: object) -> str:
    text = "" if value is None else str(value).strip()
    if text.endswith(".0") and text[:-2].lstrip("-").isdigit():
        return text[:-2]
    return text
