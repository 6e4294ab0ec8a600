"""Import survey files: read, validate, harmonise, then write a new database file atomically.

:func:`import_files` is the whole path: :func:`check_files` reads and validates without touching
the database; then, holding the database's lock (:mod:`tracker.locking`), :func:`write_import`
reads the existing file and swaps in a new one. The demo build goes through these same two steps
(with ``kind="demo"``), so the demo exercises exactly the code real data takes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from tracker.data import reference
from tracker.data.db import DatabaseError, read_dataset_info, stored_version, write_database
from tracker.data.locking import database_lock
from tracker.data.reading import UnreadableFileError, read_table
from tracker.data.settings import Settings
from tracker.data.validation import IMPORT_COLUMNS, CheckedFile, Problem, check_file

#: Problems printed at most; the total is always stated.
MAX_PROBLEMS_SHOWN = 50

Progress = Callable[[str], None]
ARROW_TYPES = {
    "wave_year": pa.int32(),
    "respondent_id": pa.string(),
    "municipality_code": pa.string(),
    "respondent_role": pa.string(),
    "sector": pa.string(),
    "weight": pa.float64(),
    "innovated": pa.bool_(),
    "research_collaboration": pa.bool_(),
    "research_partner": pa.string(),
}


class ImportRejected(ValueError):
    """The input cannot be imported; the database was not changed."""

    def __init__(self, problems: Sequence[Problem], total: int | None = None) -> None:
        self.problems = list(problems)
        self.total = total if total is not None else len(self.problems)
        super().__init__(self.report())

    def report(self) -> str:
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        lines = [f"Import rejected: {self.total} problem(s) found. The database was not changed."]
        lines += [f"  - {p}" for p in shown]
        if len(self.problems) > len(shown):
            lines.append(f"  ... {len(self.problems) - len(shown)} more not shown")
        return "\n".join(lines)


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    db: Path
    files: list[str]
    rows: int
    waves: list[int]
    mapped_codes: int
    kind: str
    replaced_waves: list[int] = field(default_factory=list)
    started_new_database: bool = False
    dry_run: bool = False

    def summary(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        lines = [
            f"{verb} {self.rows} rows for wave(s) {', '.join(map(str, self.waves))} "
            f"from {len(self.files)} file(s) into {self.db} ({self.kind} data)."
        ]
        if self.mapped_codes:
            lines.append(
                f"{self.mapped_codes} rows had 2020–2023 municipality codes, mapped to 2024 codes."
            )
        if self.replaced_waves:
            replaced = "Would replace" if self.dry_run else "Replaced"
            lines.append(
                f"{replaced} existing wave(s): {', '.join(map(str, self.replaced_waves))}."
            )
        if self.started_new_database:
            started = "would be" if self.dry_run else "was"
            lines.append(
                f"The database held demo data; a new database with only real survey data {started} "
                "started (demo and real rows never mix)."
            )
        return "\n".join(lines)


def _noop(_: str) -> None:
    pass


@dataclass
class CheckedImport:
    """Survey files read and checked on their own, before the database is looked at."""

    files: list[CheckedFile]
    rows: pd.DataFrame
    hashes: dict[str, str]

    @property
    def waves(self) -> list[int]:
        return sorted(int(w) for w in self.rows["wave_year"].unique())


def check_files(
    files: Sequence[Path],
    *,
    wave: int | None = None,
    sheet: str | None = None,
    labels: Sequence[str] | None = None,
    progress: Progress = _noop,
) -> CheckedImport:
    """Read and validate ``files``; raise :class:`ImportRejected` listing every problem.

    Files are named by ``labels``, by default the paths as given (e.g. on the command line), so
    two files with the same name in different folders stay apart in messages and in the log.
    """
    if not files:
        raise ImportRejected([Problem("(command line)", "no files given to import")])
    checked: list[CheckedFile] = []
    hashes: dict[str, str] = {}
    problems: list[Problem] = []
    total = 0
    for path, label in zip(files, labels or list(map(str, files)), strict=True):
        progress(f"Reading {label}")
        try:
            frame = read_table(Path(path), sheet=sheet)
            hashes[label] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except UnreadableFileError as exc:
            problems.append(Problem(label, str(exc)))
            total += 1
            continue
        progress(f"Checking {len(frame)} rows of {label}")
        result = check_file(frame, label, wave=wave)
        checked.append(result)
        problems += result.problems
        total += result.problem_count
    repeated = sorted({str(p) for p in files if list(map(str, files)).count(str(p)) > 1})
    problems += [Problem(name, "is given more than once; give each file once") for name in repeated]
    total += len(repeated)
    if problems:
        raise ImportRejected(problems, total)

    incoming = pd.concat([c.rows for c in checked], ignore_index=True)
    incoming["_file"] = [c.file for c in checked for _ in range(len(c.rows))]
    if len(checked) > 1:  # each file was already checked on its own
        _check_across_files(incoming)
    return CheckedImport(files=checked, rows=incoming, hashes=hashes)


def import_files(
    files: Sequence[Path],
    db: Path,
    *,
    wave: int | None = None,
    replace: bool = False,
    dry_run: bool = False,
    sheet: str | None = None,
    kind: str = "survey",
    wait_seconds: float = Settings.import_wait_seconds,
    progress: Progress = _noop,
) -> ImportReport:
    """Validate ``files`` and add them to the database at ``db`` (created when missing).

    Raises :class:`ImportRejected` listing every problem, :class:`LockTimeout` when another
    import holds the database for longer than ``wait_seconds``, or :class:`DatabaseChanged` when
    the file was replaced behind the lock's back; the database is then unchanged.
    """
    checked = check_files(files, wave=wave, sheet=sheet, progress=progress)
    if dry_run:  # reads the database but writes nothing, so it needs no lock
        return write_import(checked, db, replace=replace, kind=kind, dry_run=True)
    with database_lock(db, wait_seconds, progress):
        return write_import(checked, db, replace=replace, kind=kind, progress=progress)


def write_import(
    checked: CheckedImport,
    db: Path,
    *,
    replace: bool = False,
    kind: str = "survey",
    dry_run: bool = False,
    progress: Progress = _noop,
) -> ImportReport:
    """Add checked files to the database at ``db``; the caller holds its lock (unless dry run).

    A demo build (``kind="demo"``) replaces whatever is there: :mod:`tracker.build` decides,
    under the same lock, whether that is safe.
    """
    builds_on = stored_version(db)
    existing = {} if kind == "demo" else _existing_dataset(db)
    started_new = existing.get("kind") == "demo"
    keep_existing = bool(existing) and not started_new and kind != "demo"
    old_waves = _existing_waves(db) if keep_existing else []
    new_waves = checked.waves
    clash = sorted(set(old_waves) & set(new_waves))
    names = [c.file for c in checked.files]
    if clash and not replace:
        raise ImportRejected(
            [
                Problem(
                    ", ".join(names),
                    f"wave(s) {', '.join(map(str, clash))} are already in {db}; "
                    "add --replace to replace them, or import a different wave",
                )
            ]
        )
    report = ImportReport(
        db=Path(db),
        files=names,
        rows=len(checked.rows),
        waves=new_waves,
        mapped_codes=sum(c.mapped_codes for c in checked.files),
        kind=kind,
        replaced_waves=clash,
        started_new_database=started_new,
        dry_run=dry_run,
    )
    if dry_run:
        return report
    progress(f"Writing {len(checked.rows)} rows to a new database file")
    with write_database(Path(db), builds_on=builds_on) as con:
        _write_reference(con)
        if keep_existing:
            _copy_existing(con, Path(db), drop_waves=new_waves)
        _write_import(con, checked, kind)
    progress("Done")
    return report


def _check_across_files(incoming: pd.DataFrame) -> None:
    dup = incoming.duplicated(["wave_year", "respondent_id"], keep=False)
    if not dup.any():
        return
    clashes = incoming[dup].groupby(["wave_year", "respondent_id"])["_file"].unique()
    problems = [
        Problem(
            " and ".join(files),
            f"respondent id {rid!r} appears in more than one file for wave {year}; "
            "ids must be unique within a wave",
        )
        for (year, rid), files in clashes.head(MAX_PROBLEMS_SHOWN).items()
    ]
    raise ImportRejected(problems, len(clashes))


def _existing_dataset(db: Path) -> dict[str, str]:
    try:
        return read_dataset_info(Path(db))
    except DatabaseError as exc:
        raise ImportRejected(
            [
                Problem(
                    str(db),
                    f"the existing file cannot be added to ({exc}); "
                    "choose another --db path or move the file away",
                )
            ]
        ) from None


def _existing_waves(db: Path) -> list[int]:
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH $path AS old (READ_ONLY)", {"path": str(db)})
        rows = con.execute("SELECT DISTINCT wave_year FROM old.response").fetchall()
        return [row[0] for row in rows]
    finally:
        con.close()


def _write_reference(con: duckdb.DuckDBPyConnection) -> None:
    for table, frame in (
        ("county", reference.counties()),
        ("municipality", reference.municipalities()),
        ("municipality_code_change", reference.code_changes()),
    ):
        con.register("incoming_reference", frame)
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_reference")
        con.unregister("incoming_reference")


def _copy_existing(con: duckdb.DuckDBPyConnection, db: Path, drop_waves: list[int]) -> None:
    con.execute("ATTACH $path AS old (READ_ONLY)", {"path": str(db)})
    con.execute(
        "INSERT INTO response SELECT * FROM old.response WHERE NOT list_contains($w, wave_year)",
        {"w": drop_waves},
    )
    con.execute(
        "INSERT INTO wave SELECT * FROM old.wave WHERE NOT list_contains($w, wave_year)",
        {"w": drop_waves},
    )
    con.execute("INSERT INTO import_log SELECT * FROM old.import_log")
    con.execute(
        "INSERT INTO dataset_info SELECT * FROM old.dataset_info "
        "WHERE key LIKE 'source_sha256:%' AND key NOT IN (SELECT key FROM dataset_info)"
    )
    con.execute("DETACH old")


def _write_import(con: duckdb.DuckDBPyConnection, checked: CheckedImport, kind: str) -> None:
    incoming = checked.rows.drop(columns="_file")
    hashes = checked.hashes
    # Handing DuckDB an Arrow table with the column types spelled out is several times faster
    # than letting it scan pandas' nullable booleans and string columns.
    rows = pa.table(
        {
            name: pa.array(incoming[name], type=ARROW_TYPES[name], from_pandas=True)
            for name in IMPORT_COLUMNS
        }
    )
    con.register("incoming_rows", rows)
    con.execute("INSERT INTO response BY NAME SELECT * FROM incoming_rows")
    con.unregister("incoming_rows")

    known = reference.waves().set_index("wave_year")
    for year in sorted(int(y) for y in incoming["wave_year"].unique()):
        info = known.loc[year] if year in known.index else None
        con.execute(
            "INSERT INTO wave VALUES ($y, $fieldwork, $source, $note)",
            {
                "y": int(year),
                "fieldwork": None if info is None else info["fieldwork"],
                "source": "survey file import" if info is None else info["source"],
                "note": None if info is None else info["note"] or None,
            },
        )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    for c in checked.files:
        years = sorted(int(y) for y in c.rows["wave_year"].unique())
        con.execute(
            "INSERT INTO import_log VALUES ($f, $h, $n, $w, $t)",
            {
                "f": c.file,
                "h": hashes[c.file],
                "n": len(c.rows),
                "w": ",".join(map(str, years)),
                "t": now,
            },
        )
        con.execute(
            "INSERT OR REPLACE INTO dataset_info VALUES ($k, $v)",
            {"k": f"source_sha256:{c.file}", "v": hashes[c.file]},
        )
    con.execute(
        "INSERT OR REPLACE INTO dataset_info VALUES ('kind', $kind), ('built_at', $t)",
        {"kind": kind, "t": now.isoformat(timespec="seconds") + "Z"},
    )
