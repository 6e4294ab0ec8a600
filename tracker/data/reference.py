"""Reference facts (2024 structure) read from ``data/reference/`` (source: Kartverket/SSB)."""

from __future__ import annotations

import functools

import pandas as pd

from tracker.data.settings import REFERENCE_DIR

SECTORS = ("helse_omsorg", "oppvekst_utdanning", "sosial", "kultur", "teknisk")
#: Sectors surveyed in every wave since 2018 (2018 covered only these two).
SECTORS_IN_EVERY_WAVE = ("helse_omsorg", "oppvekst_utdanning")
ROLES = ("chief_executive", "unit_leader")
PARTNERS = ("universitet_hogskole", "forskningsinstitutt", "annet")


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / name, dtype=str, keep_default_na=False, encoding="utf-8")


@functools.cache
def counties() -> pd.DataFrame:
    """county_code, county_name, official_name (15 counties)."""
    return _read("counties.csv")


@functools.cache
def municipalities() -> pd.DataFrame:
    """municipality_code, municipality_name, county_code, lon, lat (357 municipalities)."""
    frame = _read("municipalities.csv")
    return frame.astype({"lon": float, "lat": float})


@functools.cache
def municipalities_2020() -> pd.DataFrame:
    """The 2020–2023 structure: code_2020, name_2020, county_code_2020, ..., code_2024."""
    return _read("municipalities_2020.csv")


@functools.cache
def code_changes() -> pd.DataFrame:
    """old_code, new_code, changed_year, note: older codes and the 2024 code they map to.

    Users may append rows for codes older than 2020 (see README); the new code must be a 2024 code.
    """
    return _read("municipality_code_changes.csv").astype({"changed_year": int})


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
    return _read("waves.csv").astype({"wave_year": int})
