"""Property: whatever is done to a valid survey file, an import either succeeds or is rejected.

A valid CSV (10 rows, every column) is corrupted at random: rows deleted, duplicated or swapped,
cells (and header names) replaced by random text (unicode, control characters, very long text,
separators, quotes), a column dropped, header letter case shuffled; then written with a random
separator, quoting and line ending, in UTF-8 (with or without BOM), Windows-1252 or UTF-16, and
perhaps cut off at a random byte. :func:`tracker.importer.import_files` then runs against a copy
of an existing database. It must either

* succeed, leaving a valid tracker database holding the old rows plus the new ones, or
* raise :class:`tracker.importer.ImportRejected` (never another exception), leaving the database
  file byte-for-byte unchanged,

and in both cases leave no temporary file next to the database.
"""

from __future__ import annotations

import csv
import io
import math
import random
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from support.fixtures import HEADER, sha256

from tracker.data.db import open_snapshot
from tracker.data.importer import ImportRejected, import_files

#: Ten valid rows for wave 2022 (not in the base database): both roles, every sector, weights
#: blank/whole/decimal, yes/no spelled five ways, a 2020 code (3001) and a 3-digit code (301).
BASE_ROWS = [
    "2022,P-01,4601,chief_executive,,,ja,ja,universitet_hogskole",
    "2022,P-02,4602,chief_executive,,2,ja,nei,",
    "2022,P-03,0301,chief_executive,,,nei,,",
    "2022,P-04,3001,chief_executive,,,Yes,No,",
    "2022,P-05,4601,unit_leader,helse_omsorg,1.5,ja,ja,forskningsinstitutt",
    "2022,P-06,4601,unit_leader,oppvekst_utdanning,0.5,1,0,",
    "2022,P-07,1867,unit_leader,sosial,1,TRUE,,",
    "2022,P-08,301,unit_leader,kultur,3,nei,nei,",
    "2022,P-09,5001,unit_leader,teknisk,,ja,ja,annet",
    "2022,P-10,1508,chief_executive,,1.25,J,N,",
]
BASE_COUNT = 14  # SURVEY_2024

#: Cell values that are often valid somewhere, so that some corrupted files still import.
PLAUSIBLE = [
    "",
    "ja",
    "NEI",
    "0",
    "1",
    "4601",
    "301",
    "3001",
    "2022",
    "2023",
    "2024",
    "unit_leader",
    "chief_executive",
    "kultur",
    "annet",
    "0,5",
    "P-99",
]
#: Hostile values: separators, quotes, line breaks, NUL, numbers that are not numbers.
NASTY = [
    ",",
    ";",
    "\t",
    '"',
    '""',
    'a"b',
    '"ja"',
    "\n",
    "\r\n",
    "\r",
    "\x00",
    "\x1a",
    "\ufeff",
    "ja;nei",
    "=1+1",
    "NaN",
    "inf",
    "-0",
    "1e400",
    "9" * 400,
    "٢٠٢٢",
    "Bergen",
    "Bø",
    "innovated",
    "wave_year",
    "Weight ",
    "unnamed: 4",
    "sector.1",
]

cell_text = st.one_of(
    st.sampled_from(PLAUSIBLE),
    st.sampled_from(NASTY),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.text(alphabet=st.characters(codec="cp1252"), max_size=12),
    st.builds(
        lambda piece, times: piece * times,
        st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=3),
        st.integers(1_000, 20_000),
    ),
)
index = st.integers(min_value=0, max_value=1_000)
operation = st.one_of(
    st.tuples(st.just("delete_row"), index),
    st.tuples(st.just("duplicate_row"), index),
    st.tuples(st.just("swap_rows"), index, index),
    st.tuples(st.just("set_cell"), index, index, cell_text),
    st.tuples(st.just("drop_column"), index),
    st.tuples(st.just("shuffle_header_case"), st.integers(0, 2**32)),
)


@dataclass(frozen=True)
class Corruption:
    operations: tuple[tuple, ...] = ()
    separator: str = ","
    quoted: bool = True  # written by csv.writer (quotes as needed) rather than joined naively
    newline: str = "\n"
    encoding: str = "utf-8"
    cut_at: int | None = None  # keep this many bytes (modulo the length + 1)


corruptions = st.builds(
    Corruption,
    operations=st.lists(operation, max_size=4).map(tuple),
    separator=st.sampled_from([",", ";", "\t"]),
    quoted=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    cut_at=st.none() | st.integers(min_value=0, max_value=100_000),
)


def _apply(operation: tuple, table: list[list[str]]) -> None:
    """Change ``table`` (header first) in place; indices wrap around so every draw applies."""
    kind, *args = operation
    rows = len(table) - 1
    if kind == "delete_row" and rows:
        del table[1 + args[0] % rows]
    elif kind == "duplicate_row" and rows:
        at = 1 + args[0] % rows
        table.insert(at, list(table[at]))
    elif kind == "swap_rows" and rows:
        i, j = 1 + args[0] % rows, 1 + args[1] % rows
        table[i], table[j] = table[j], table[i]
    elif kind == "set_cell":
        row = table[args[0] % len(table)]
        row[args[1] % len(row)] = args[2]
    elif kind == "drop_column" and len(table[0]) > 1:
        column = args[0] % len(table[0])
        for row in table:
            del row[column]
    elif kind == "shuffle_header_case":
        rng = random.Random(args[0])
        table[0] = ["".join(rng.choice((c.upper(), c.lower())) for c in n) for n in table[0]]


def corrupted_file(corruption: Corruption) -> bytes:
    table = [line.split(",") for line in (HEADER, *BASE_ROWS)]
    for op in corruption.operations:
        _apply(op, table)
    if corruption.quoted:
        buffer = io.StringIO()
        writer = csv.writer(
            buffer, delimiter=corruption.separator, lineterminator=corruption.newline
        )
        writer.writerows(table)
        text = buffer.getvalue()
    else:
        text = "".join(corruption.separator.join(row) + corruption.newline for row in table)
    data = text.encode(corruption.encoding, errors="replace")
    if corruption.cut_at is not None:
        data = data[: corruption.cut_at % (len(data) + 1)]
    return data


def _check_valid_database(db: Path, added_rows: int, waves: list[int]) -> None:
    snap = open_snapshot(db)  # raises unless a readable tracker database of this schema
    try:

        def one(sql: str, params: dict | None = None):
            return snap.con.execute(sql, params or {}).fetchone()[0]

        assert one("SELECT count(*) FROM response") == BASE_COUNT + added_rows
        in_new = "SELECT count(*) FROM response WHERE list_contains($w, wave_year)"
        assert one(in_new, {"w": waves}) == added_rows
        assert one("SELECT count(*) FROM response WHERE wave_year = 2024") == BASE_COUNT
        orphans = (
            "SELECT count(*) FROM response WHERE municipality_code NOT IN "
            "(SELECT municipality_code FROM municipality)"
        )
        assert one(orphans) == 0
        weights = [w for (w,) in snap.con.execute("SELECT weight FROM response").fetchall()]
        assert all(math.isfinite(w) and w > 0 for w in weights)
        roles = snap.con.execute("SELECT DISTINCT respondent_role FROM response").fetchall()
        assert {r for (r,) in roles} <= {"chief_executive", "unit_leader"}
        assert one("SELECT count(*) FROM import_log") == 2
        assert one("SELECT value FROM dataset_info WHERE key = 'kind'") == "survey"
    finally:
        snap.close()


@pytest.mark.slow  # many generated files, each imported into a fresh database copy
@settings(
    max_examples=60,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the project
    # each example writes a database file; long cells make big examples on purpose
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(corruption=corruptions)
@example(corruption=Corruption())  # untouched: imports
@example(  # header case, semicolons, Windows-1252, CRLF: still imports
    corruption=Corruption(
        operations=(("shuffle_header_case", 7), ("swap_rows", 1, 5)),
        separator=";",
        newline="\r\n",
        encoding="cp1252",
    )
)
@example(corruption=Corruption(encoding="utf-16"))  # rejected
@example(corruption=Corruption(cut_at=200))  # cut inside a row: rejected
@example(corruption=Corruption(operations=(("set_cell", 0, 7, "Innovated"),)))  # repeated name
@example(corruption=Corruption(operations=(("set_cell", 3, 1, '"'),), quoted=False))
def test_import_succeeds_or_is_rejected_cleanly(corruption, wave_2024_db):
    # wave_2024_db (conftest, session scope): SURVEY_2024 only, copied for every example.
    data = corrupted_file(corruption)
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "corrupted.csv"
        source.write_bytes(data)
        db = Path(scratch) / "db" / "tracker.duckdb"
        db.parent.mkdir()
        shutil.copyfile(wave_2024_db, db)
        before = sha256(db)
        try:
            report = import_files([source], db)
        except ImportRejected as rejected:
            event("rejected")
            assert sha256(db) == before
            assert rejected.total >= 1
            assert rejected.report().startswith("Import rejected:")
            assert all(str(p).strip() for p in rejected.problems)
        else:
            event("imported")
            assert report.rows >= 1
            assert 2024 not in report.waves
            _check_valid_database(db, report.rows, report.waves)
        # No temporary file is left beside the database (the writers' lock file may be).
        assert [p.name for p in db.parent.iterdir() if p.name != f"{db.name}.lock"] == [db.name]


def test_the_uncorrupted_file_is_valid(tmp_path):
    source = tmp_path / "base.csv"
    source.write_bytes(corrupted_file(Corruption()))
    report = import_files([source], tmp_path / "db.duckdb")
    assert report.rows == len(BASE_ROWS) == 10
    assert report.mapped_codes == 1  # 3001


KNOWN = [
    (
        "header_case_semicolon_cp1252_crlf",
        Corruption(
            operations=(("shuffle_header_case", 7), ("swap_rows", 1, 5)),
            separator=";",
            newline="\r\n",
            encoding="cp1252",
        ),
        None,
    ),
    ("utf16", Corruption(encoding="utf-16"), "the text is UTF-16"),
    (
        "cut_inside_row_3",
        Corruption(cut_at=200),
        "fewer values than the header's 9 columns (row 3 has",
    ),
    (
        "header_name_twice",
        Corruption(operations=(("set_cell", 0, 7, "Innovated"),)),
        "the header names column(s) innovated more than once",
    ),
    (
        "stray_quote",
        Corruption(operations=(("set_cell", 3, 1, '"'),), quoted=False),
        "do not line up with the header",
    ),
    ("column_dropped", Corruption(operations=(("drop_column", 2),)), "municipality_code"),
    (
        "duplicated_row",
        Corruption(operations=(("duplicate_row", 0),)),
        "'P-01' appears more than once in this wave",
    ),
]


@pytest.mark.parametrize(
    ("corruption", "message"), [k[1:] for k in KNOWN], ids=[k[0] for k in KNOWN]
)
def test_known_corruptions(corruption, message, tmp_path):
    """The explicit examples above, with the outcome each must have."""
    source = tmp_path / "corrupted.csv"
    source.write_bytes(corrupted_file(corruption))
    db = tmp_path / "db.duckdb"
    if message is None:
        assert import_files([source], db).rows == len(BASE_ROWS)
        return
    with pytest.raises(ImportRejected) as caught:
        import_files([source], db)
    assert message in caught.value.report()
    assert not db.exists()
