"""Validate and normalise survey rows read by :mod:`tracker.reading` (import contract, guide §5).

All checks are vectorised and every problem is collected, so one run reports everything that is
wrong with a file (up to a cap) instead of stopping at the first error.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tracker.data import reference

#: The import format's columns in their documented order (README "Import format"); the
#: response table stores the same columns.
IMPORT_COLUMNS = (
    "wave_year",
    "respondent_id",
    "municipality_code",
    "respondent_role",
    "sector",
    "weight",
    "innovated",
    "research_collaboration",
    "research_partner",
)
REQUIRED = ("respondent_id", "municipality_code", "respondent_role", "innovated")
OPTIONAL = ("wave_year", "sector", "weight", "research_collaboration", "research_partner")
YES = frozenset({"ja", "yes", "1", "true", "j", "y"})
NO = frozenset({"nei", "no", "0", "false", "n"})
YES_NO_HELP = "use ja/nei, yes/no, 1/0 or true/false"
FIRST_WAVE_YEAR = 2015
#: Problems listed per check; the total count is always reported.
EXAMPLES_PER_CHECK = 10


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, in words a non-programmer can act on."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        shown = f"{self.value!r} " if self.value is not None else ""
        return f"{', '.join(where)}: {shown}{self.message}"


@dataclass
class CheckedFile:
    """The normalised rows of one file and what was found on the way."""

    file: str
    rows: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    mapped_codes: int = 0

    def add(self, mask: pd.Series, column: str, message: str, values: pd.Series) -> None:
        """Record a problem for every row where ``mask`` is true (listing the first few)."""
        bad = mask[mask].index
        self.problem_count += len(bad)
        for idx in bad[:EXAMPLES_PER_CHECK]:
            self.problems.append(
                Problem(self.file, message, int(idx) + 2, column, str(values.loc[idx]))
            )
        if len(bad) > EXAMPLES_PER_CHECK:
            self.problems.append(
                Problem(
                    self.file,
                    f"... and {len(bad) - EXAMPLES_PER_CHECK} more rows with the same problem",
                    column=column,
                )
            )


def per_unique(values: pd.Series, convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``convert`` applied to each distinct value once, spread back over the rows.

    Most columns hold a handful of distinct values (years, roles, yes/no, 357 municipality
    codes), so this turns a million-row parse into a few hundred.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    converted = convert(pd.Series(uniques, dtype=values.dtype)).reset_index(drop=True)
    return pd.Series(converted.take(codes).to_numpy(), index=values.index, dtype=converted.dtype)


def parse_yes_no(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(answer as True/False/NA, mask of values that are not blank and not yes/no)."""

    def answer_of(distinct: pd.Series) -> pd.Series:
        lowered = distinct.str.strip().str.lower()
        answer = pd.Series(pd.NA, index=distinct.index, dtype="boolean")
        answer[lowered.isin(YES)] = True
        answer[lowered.isin(NO)] = False
        return answer

    answer = per_unique(values, answer_of)
    invalid = (values.str.strip() != "") & answer.isna()
    return answer, invalid


def check_file(frame: pd.DataFrame, file: str, wave: int | None = None) -> CheckedFile:
    """Validate one file's string table; ``wave`` fills or must match the wave_year column."""
    checked = CheckedFile(file=file, rows=pd.DataFrame())
    missing = [c for c in REQUIRED if c not in frame.columns]
    if wave is None and "wave_year" not in frame.columns:
        missing.insert(0, "wave_year")
    if missing:
        found = ", ".join(frame.columns) or "none"
        checked.problems.append(
            Problem(
                file,
                f"missing required column(s): {', '.join(missing)} (found: {found}); "
                f"the first line must name the columns, see README 'Import format'",
            )
        )
        checked.problem_count += 1
        return checked

    text = {c: frame[c].astype(str).str.strip() for c in (*REQUIRED, *OPTIONAL) if c in frame}
    blank = pd.Series("", index=frame.index)
    out = pd.DataFrame(index=frame.index)

    out["wave_year"] = _wave_years(checked, text.get("wave_year"), wave, frame.index)

    ids = text["respondent_id"]
    checked.add(ids == "", "respondent_id", "is empty; every row needs a respondent id", ids)
    out["respondent_id"] = ids

    out["municipality_code"] = _municipality_codes(checked, text["municipality_code"])

    roles = text["respondent_role"].str.lower()
    checked.add(
        ~roles.isin(reference.ROLES),
        "respondent_role",
        f"is not a known role; use {' or '.join(reference.ROLES)}",
        text["respondent_role"],
    )
    out["respondent_role"] = roles

    sectors = text.get("sector", blank).str.lower()
    unit_leader = roles == "unit_leader"
    checked.add(
        unit_leader & (sectors == ""),
        "sector",
        f"is empty; unit leaders need a sector: {', '.join(reference.SECTORS)}",
        sectors,
    )
    checked.add(
        (sectors != "") & ~sectors.isin(reference.SECTORS),
        "sector",
        f"is not a known sector; use one of {', '.join(reference.SECTORS)}",
        text.get("sector", blank),
    )
    out["sector"] = sectors.where(sectors != "", None)

    out["weight"] = _weights(checked, text.get("weight", blank))

    innovated, bad_innovated = parse_yes_no(text["innovated"])
    checked.add(
        bad_innovated, "innovated", f"is not a yes/no answer; {YES_NO_HELP}", text["innovated"]
    )
    checked.add(
        text["innovated"] == "", "innovated", f"is empty; it is required ({YES_NO_HELP})", blank
    )
    out["innovated"] = innovated

    collab_text = text.get("research_collaboration", blank)
    collaboration, bad_collab = parse_yes_no(collab_text)
    checked.add(
        bad_collab,
        "research_collaboration",
        f"is not a yes/no answer; {YES_NO_HELP}, or leave blank for don't know",
        collab_text,
    )
    checked.add(
        (innovated == False) & (collaboration == True),  # noqa: E712 (nullable booleans)
        "research_collaboration",
        "says yes, but innovated says no; collaboration is asked only about an innovation "
        "(leave blank or answer no)",
        collab_text,
    )
    out["research_collaboration"] = collaboration

    partners = text.get("research_partner", blank).str.lower()
    checked.add(
        (partners != "") & ~partners.isin(reference.PARTNERS),
        "research_partner",
        f"is not a known partner type; use one of {', '.join(reference.PARTNERS)} or leave blank",
        text.get("research_partner", blank),
    )
    out["research_partner"] = partners.where(partners != "", None)

    _duplicates(checked, out, text["municipality_code"])
    checked.rows = out
    return checked


def _wave_years(
    checked: CheckedFile, years: pd.Series | None, wave: int | None, index: pd.Index
) -> pd.Series:
    last = dt.date.today().year + 1
    if years is None:
        return pd.Series(wave, index=index, dtype="Int64")
    numbers = per_unique(
        years, lambda distinct: pd.to_numeric(distinct.where(distinct != "", None), errors="coerce")
    )
    whole = numbers.notna() & (numbers == numbers.round())
    if wave is not None:
        years = years.where(years != "", str(wave))
        numbers = numbers.fillna(wave)
        whole = numbers == numbers.round()
    checked.add(~whole, "wave_year", "is not a year; use the wave's year, e.g. 2024", years)
    plausible = whole & numbers.between(FIRST_WAVE_YEAR, last)
    checked.add(
        whole & ~plausible,
        "wave_year",
        f"is not a plausible survey wave; use a year from {FIRST_WAVE_YEAR} to {last}",
        years,
    )
    if wave is not None:
        checked.add(
            plausible & (numbers != wave),
            "wave_year",
            f"differs from --wave {wave}; remove the column or the option, or fix the year",
            years,
        )
    return numbers.where(plausible).astype("Int64")


def _municipality_codes(checked: CheckedFile, codes: pd.Series) -> pd.Series:
    def pad(distinct: pd.Series) -> pd.Series:
        return distinct.where(~distinct.str.fullmatch(r"\d{1,4}"), distinct.str.zfill(4))

    padded = per_unique(codes, pad)
    known = set(reference.municipalities()["municipality_code"])
    try:
        changes = reference.code_mapping()
    except reference.ReferenceDataError as exc:
        checked.problems.append(Problem("municipality_code_changes.csv", str(exc)))
        checked.problem_count += 1
        return padded
    mapped = per_unique(padded, lambda distinct: distinct.map(changes))
    is_old = mapped.notna() & ~padded.isin(known)
    result = padded.where(~is_old, mapped)
    checked.mapped_codes = int(is_old.sum())
    unknown = ~result.isin(known)
    bad = unknown[unknown].index
    checked.problem_count += len(bad)
    for idx in bad[:EXAMPLES_PER_CHECK]:
        value = str(codes.loc[idx])
        checked.problems.append(
            Problem(
                checked.file,
                "is not a known municipality code (2024 codes, or 2020–2023 codes, which are "
                "mapped); " + suggest_municipalities(value),
                int(idx) + 2,
                "municipality_code",
                value,
            )
        )
    if len(bad) > EXAMPLES_PER_CHECK:
        checked.problems.append(
            Problem(
                checked.file,
                f"... and {len(bad) - EXAMPLES_PER_CHECK} more rows with unknown codes",
                column="municipality_code",
            )
        )
    return result


def suggest_municipalities(value: str) -> str:
    """A hint naming the nearest known codes or names to ``value``."""
    table = reference.municipalities()
    labels = {
        f"{row.municipality_code} {row.municipality_name}": (
            row.municipality_code,
            row.municipality_name.lower(),
        )
        for row in table.itertuples()
    }
    if value.strip().isdigit():
        keys = {code: label for label, (code, _) in labels.items()}
        close = difflib.get_close_matches(value.strip().zfill(4), list(keys), n=3, cutoff=0.5)
    else:
        keys = {name: label for label, (_, name) in labels.items()}
        close = difflib.get_close_matches(value.strip().lower(), list(keys), n=3, cutoff=0.6)
    if not close:
        return "see data/reference/municipalities.csv for the valid codes"
    return "did you mean " + " or ".join(keys[c] for c in close) + "?"


def _weights(checked: CheckedFile, weights: pd.Series) -> pd.Series:
    given = weights != ""
    numbers = per_unique(
        weights,
        lambda distinct: pd.to_numeric(
            distinct.str.replace(",", ".", regex=False), errors="coerce"
        ).astype(float),
    )
    checked.add(given & numbers.isna(), "weight", "is not a number; use e.g. 1.25", weights)
    finite = numbers.notna() & np.isfinite(numbers)
    checked.add(
        given & numbers.notna() & (~finite | (numbers <= 0)),
        "weight",
        "must be a positive number (leave blank for 1)",
        weights,
    )
    return numbers.where(given, 1.0).astype(float)


def _duplicates(checked: CheckedFile, out: pd.DataFrame, written_codes: pd.Series) -> None:
    # One wave per file is the usual case: then the id alone is the key (a cheaper hash).
    id_key = (
        ["respondent_id"]
        if out["wave_year"].nunique(dropna=False) <= 1
        else ["wave_year", "respondent_id"]
    )
    dup_id = out.duplicated(id_key, keep="first") & (out["respondent_id"] != "")
    checked.add(
        dup_id,
        "respondent_id",
        "appears more than once in this wave; respondent ids must be unique within a wave",
        out["respondent_id"],
    )
    # Compared after harmonising (2020 code 3001 is 2024 code 3101), but the code is shown as
    # written in the file, with the row of the first answer, so both rows can be found.
    chief = out["respondent_role"] == "chief_executive"
    key = ["wave_year", "municipality_code"]
    dup_chief = pd.Series(False, index=out.index)
    dup_chief[chief] = out.loc[chief, key].duplicated()
    first_row: dict[tuple[object, object], int] = {}
    for idx, wave_year, code in out.loc[chief & ~dup_chief, key].itertuples():
        first_row.setdefault((wave_year, code), int(idx) + 2)
    bad = dup_chief[dup_chief].index
    checked.problem_count += len(bad)
    for idx in bad[:EXAMPLES_PER_CHECK]:
        wave_year, code = out.at[idx, "wave_year"], out.at[idx, "municipality_code"]
        first = first_row.get((wave_year, code))
        checked.problems.append(
            Problem(
                checked.file,
                f"has a second chief executive answer for municipality {code} in this wave "
                f"(the first is in row {first}); a municipality's chief executive answers at "
                "most once per wave",
                int(idx) + 2,
                "municipality_code",
                str(written_codes.loc[idx]),
            )
        )
    if len(bad) > EXAMPLES_PER_CHECK:
        checked.problems.append(
            Problem(
                checked.file,
                f"... and {len(bad) - EXAMPLES_PER_CHECK} more rows with the same problem",
                column="municipality_code",
            )
        )
