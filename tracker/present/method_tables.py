"""The method page's tables of waves and imports, in the page language.

The wave facts (fieldwork period, note) come from ``data/reference/waves.csv`` in English. A wave
whose text in the database is still the reference's reads in the page language from the string
table (``wave_<column>_<year>``); any other text (a wave described by whoever imported it) is
shown as it is. Empty cells read "–", never "None" or "nan"; times read as dates in words.
"""

from __future__ import annotations

import math

import pandas as pd

from tracker.data import reference
from tracker.present import format as fmt
from tracker.present.i18n import TEXT, t

#: The reference's columns that have a translation per wave.
TRANSLATED = ("fieldwork", "note")
WAVE_COLUMNS = ("col_wave", "col_fieldwork", "col_source", "col_note")
IMPORT_COLUMNS = {
    "imported_at": "col_imported_at",
    "file_name": "col_file",
    "rows": "col_rows",
    "wave_years": "col_wave",
    "sha256": "col_sha256",
}


def _text(value: object) -> str:
    missing = value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
    return "–" if missing or not str(value).strip() else str(value)


def _fact(year: int, column: str, value: object, known: dict[int, dict], lang: str) -> str:
    key = f"wave_{column}_{year}"
    fact = known.get(year, {})
    # Only the reference's own text is translated: a different text is someone's own words.
    if key in TEXT and column in fact and _text(fact[column]) == _text(value):
        return t(key, lang)
    return _text(value)


def waves_display_table(waves: pd.DataFrame, lang: str) -> pd.DataFrame:
    """waves_by_year (wave_year, fieldwork, source, note) with translated headers and facts."""
    known = {int(r["wave_year"]): dict(r) for r in reference.waves().to_dict("records")}
    rows = []
    for row in waves.to_dict("records"):
        year = int(row["wave_year"])
        source = _text(row["source"])
        if source == f"KS Innovasjonsbarometer {year}":  # the survey's own name, translated
            source = t("wave_source", lang, year=year)
        rows.append(
            [
                year,
                _fact(year, "fieldwork", row["fieldwork"], known, lang),
                source,
                _fact(year, "note", row["note"], known, lang),
            ]
        )
    return pd.DataFrame(rows, columns=[t(key, lang) for key in WAVE_COLUMNS])


def imports_display_table(imports: pd.DataFrame, lang: str) -> pd.DataFrame:
    """imports_by_time with translated headers, Norwegian-time dates and listed waves."""
    table = pd.DataFrame(
        {
            "imported_at": [fmt.date_time(v, lang) for v in imports["imported_at"]],
            "file_name": [_text(v) for v in imports["file_name"]],
            "rows": [fmt.count(v, lang) for v in imports["rows"]],
            "wave_years": [fmt.join_list(_text(v).split(","), lang) for v in imports["wave_years"]],
            "sha256": [_text(v) for v in imports["sha256"]],
        }
    )
    return table.rename(columns={c: t(key, lang) for c, key in IMPORT_COLUMNS.items()})
