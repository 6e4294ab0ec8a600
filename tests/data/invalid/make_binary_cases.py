"""Write the binary members of the invalid-input corpus (the text cases are plain files).

Run ``python tests/data/invalid/make_binary_cases.py`` to (re)create them next to this script.
Every byte is fixed (no timestamps, stored not compressed), so the output is the same on every
machine, and tests/test_invalid_corpus.py checks that the committed files match :data:`CASES`.
Real XLSX workbooks written by openpyxl embed the time they were saved, so those cases are
generated at test time instead.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: The earliest date a zip file can hold: a fixed timestamp for every member.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
SURVEY_CSV = (
    "wave_year,respondent_id,municipality_code,respondent_role,sector,weight,innovated,"
    "research_collaboration,research_partner\n"
    "2022,V-01,4601,chief_executive,,,ja,ja,universitet_hogskole\n"
)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_image() -> bytes:
    """A real 1×1 white PNG: someone attached a screenshot instead of the survey export."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\xff\xff", 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, text in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=ZIP_EPOCH), text)
    return buffer.getvalue()


def broken_zip() -> bytes:
    """The first half of an XLSX-like zip, as an interrupted download or e-mail leaves it."""
    whole = _zip(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types/>' + " " * 400,
            "xl/workbook.xml": '<?xml version="1.0"?><workbook/>' + " " * 400,
            "xl/worksheets/sheet1.xml": '<?xml version="1.0"?><worksheet/>' + " " * 400,
        }
    )
    return whole[: len(whole) // 2]


def zip_not_a_workbook() -> bytes:
    """A valid zip holding a CSV file, named .xlsx: not a workbook."""
    return _zip({"survey.csv": SURVEY_CSV})


def utf16_text() -> bytes:
    """The survey saved as Excel's 'Unicode text': UTF-16 with a byte order mark, tab-separated."""
    return SURVEY_CSV.replace(",", "\t").encode("utf-16")


#: file name in this folder → its bytes
CASES = {
    "png_image.bin": png_image(),
    "broken_zip.xlsx": broken_zip(),
    "zip_not_a_workbook.xlsx": zip_not_a_workbook(),
    "utf16_text.txt": utf16_text(),
}


def main() -> None:
    for name, data in CASES.items():
        (HERE / name).write_bytes(data)
        print(f"wrote {HERE / name} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
