"""Reference facts (2024 structure) read from ``data/reference/`` (source: Kartverket/SSB)."""

from __future__ import annotations

import functools

import pandas as pd

from tracker.data.settings import MEASURES, REFERENCE_DIR

SECTORS = ("helse_omsorg", "oppvekst_utdanning", "sosial", "kultur", "teknisk")
#: Sectors surveyed in every wave since 2018 (2018 covered only these two).
SECTORS_IN_EVERY_WAVE = ("helse_omsorg", "oppvekst_utdanning")
ROLES = ("chief_executive", "unit_leader")
PARTNERS = ("universitet_hogskole", "forskningsinstitutt", "annet")


def read_reference(name: str) -> pd.DataFrame:
    """A CSV file of data/reference/ as text columns (empty cells stay empty strings)."""
    return pd.read_csv(REFERENCE_DIR / name, dtype=str, keep_default_na=False, encoding="utf-8")


@functools.cache
def counties() -> pd.DataFrame:
    """county_code, county_name, official_name (15 counties)."""
    return read_reference("counties.csv")


@functools.cache
def municipalities() -> pd.DataFrame:
    """municipality_code, municipality_name, county_code, lon, lat (357 municipalities)."""
    frame = read_reference("municipalities.csv")
    return frame.astype({"lon": float, "lat": float})


@functools.cache
def municipalities_2020() -> pd.DataFrame:
    """The 2020–2023 structure: code_2020, name_2020, county_code_2020, ..., code_2024."""
    return read_reference("municipalities_2020.csv")


@functools.cache
def code_changes() -> pd.DataFrame:
    """old_code, new_code, changed_year, note: older codes and the 2024 code they map to.

    Users may append rows for codes older than 2020 (see README); the new code must be a 2024 code.
    """
    return read_reference("municipality_code_changes.csv").astype({"changed_year": int})


class ReferenceDataError(ValueError):
    """A reference file edited by a user does not hold together."""


@functools.cache
def code_mapping() -> dict[str, str]:
    """Every old code → its 2024 code, following chains (pre-2020 code → 2020 code → 2024)."""
    known = set(municipalities()["municipality_code"])
    direct = dict(zip(code_changes()["old_code"], code_changes()["new_code"], strict=True))
    resolved = {}
    for old, new in direct.items():
        seen = [old]
        while new not in known and new in direct and new not in seen:
            seen.append(new)
            new = direct[new]
        if new not in known:
            raise ReferenceDataError(
                f"data/reference/municipality_code_changes.csv maps {' → '.join(seen)} → {new}, "
                "which is not a 2024 municipality code; new_code must be a 2024 code or an old "
                "code that the file maps further"
            )
        resolved[old] = new
    return resolved


@functools.cache
def waves() -> pd.DataFrame:
    """Known survey waves with fieldwork period and source."""
    return read_reference("waves.csv").astype({"wave_year": int})


PUBLISHED_COLUMNS = ("source", "year", "wave", "measure", "value", "note")


def _whole_year(text: str) -> int | None:
    # A year is written as digits only: "2018.0" or "18" in a wave column is a typing slip that
    # should be fixed in the file, not silently read as some year.
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or not 2000 <= int(text) <= 2100:
        return None
    return int(text)


def _share_value(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if 0 <= value <= 1 else None  # NaN fails both comparisons


@functools.cache
def published_figures() -> pd.DataFrame:
    """The national figures actually published: source, year, wave, measure, value (0–1), note.

    A reality check for the database's own estimates (the trend chart and the method page). The
    file is meant to be extended by hand as new figures are published, so every row is checked
    and all problems are reported at once, naming the row (the header is row 1).
    """
    name = "published_figures.csv"
    frame = read_reference(name)
    if missing := [c for c in PUBLISHED_COLUMNS if c not in frame.columns]:
        raise ReferenceDataError(
            f"data/reference/{name} lacks the column(s) {', '.join(missing)}; "
            f"the columns are {','.join(PUBLISHED_COLUMNS)}"
        )
    problems = []
    typed: dict[str, list] = {"year": [], "wave": [], "value": []}
    for number, row in enumerate(frame.to_dict("records"), start=2):
        where = f"data/reference/{name} row {number}"
        if row["measure"] not in MEASURES:
            problems.append(
                f"{where}: measure {row['measure']!r} is not valid; use one of: "
                + ", ".join(MEASURES)
            )
        typed["value"].append(value := _share_value(row["value"]))
        if value is None:
            problems.append(
                f"{where}: value {row['value']!r} is not a share between 0 and 1 (0.15 means 15 %)"
            )
        for column in ("wave", "year"):
            typed[column].append(year := _whole_year(row[column]))
            if year is None:
                problems.append(
                    f"{where}: {column} {row[column]!r} is not a whole year between 2000 and 2100"
                )
    if problems:
        raise ReferenceDataError("\n".join(problems))
    table = frame[list(PUBLISHED_COLUMNS)].reset_index(drop=True)
    return table.assign(
        year=pd.Series(typed["year"], dtype=int),
        wave=pd.Series(typed["wave"], dtype=int),
        value=pd.Series(typed["value"], dtype=float),
    )
