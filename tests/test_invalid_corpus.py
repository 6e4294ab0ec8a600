"""The invalid-input corpus (tests/data/invalid/) through the command line, as a user runs it.

Every ``<case>.<csv|xlsx|txt|bin>`` in the corpus is imported with ``python -m tracker import``
(its ``main()``, run in-process by :func:`support.fixtures.run_import`) into a copy of a small
valid database. Each must be rejected with exit status 2, without a traceback, with every line
of ``<case>.expected.txt`` in stderr (the file, row, column and what would be valid, in the
program's own words), and with the database file byte-for-byte unchanged and no temporary file
left next to it.

The binary members are written by ``tests/data/invalid/make_binary_cases.py``; XLSX workbooks
written by openpyxl carry a timestamp, so those cases are generated here at test time.
"""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import duckdb
import pytest
from support.fixtures import (
    HEADER,
    copy_db,
    run_import,
    sha256,
    workbook_bytes,
    write_text,
)

CORPUS = Path(__file__).resolve().parent / "data" / "invalid"
SUFFIXES = (".csv", ".xlsx", ".txt", ".bin")
EXPECTED = ".expected.txt"
DB_NAME = "tracker.duckdb"


def corpus_files() -> list[Path]:
    return sorted(
        p for p in CORPUS.iterdir() if p.suffix in SUFFIXES and not p.name.endswith(EXPECTED)
    )


def expected_file(case: Path) -> Path:
    return case.with_name(case.stem + EXPECTED)


def expected_fragments(case: Path) -> list[str]:
    return expected_file(case).read_text(encoding="utf-8").splitlines()


@pytest.fixture()
def db(wave_2024_db, tmp_path) -> Path:
    """A private copy of a small valid database (wave 2024, 14 rows; conftest), alone in its
    folder."""
    return copy_db(wave_2024_db, tmp_path / "db", DB_NAME)


def assert_rejected(done: subprocess.CompletedProcess[str], fragments: list[str], db: Path, before):
    """Exit 2, no traceback, every fragment in stderr, nothing imported, the db untouched."""
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    missing = [f for f in fragments if f not in done.stderr]
    assert not missing, f"not in stderr: {missing}\n--- stderr:\n{done.stderr}"
    assert "The database was not changed." in done.stderr
    assert done.stdout == ""
    assert sha256(db) == before
    # Nothing beside the database but, once an import has waited for it, its lock file.
    assert sorted(p.name for p in db.parent.iterdir() if p.name != f"{db.name}.lock") == [db.name]


# --- the corpus on disk ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", corpus_files(), ids=lambda p: p.name)
def test_corpus_file_is_rejected_and_database_unchanged(case, db):
    fragments = expected_fragments(case)
    before = sha256(db)
    done = run_import(case, db=db)
    assert_rejected(done, fragments, db, before)


def test_every_corpus_file_has_expected_messages_and_vice_versa():
    cases = corpus_files()
    assert len(cases) >= 30
    names = {p.name for p in CORPUS.iterdir()}
    for case in cases:
        assert expected_file(case).name in names, f"{case.name} has no {expected_file(case).name}"
        fragments = expected_fragments(case)
        assert fragments, f"{expected_file(case).name} is empty"
        assert all(line.strip() for line in fragments), f"blank line in {expected_file(case).name}"
        # Every case names its own file, so a message is traced to the file it is about.
        assert any(line.startswith(f"{case.name}") for line in fragments), case.name
    stems = {case.stem for case in cases}
    assert len(stems) == len(cases), "two corpus files share a name: their expectations would too"
    for expected in CORPUS.glob(f"*{EXPECTED}"):
        assert expected.name.removesuffix(EXPECTED) in stems, f"{expected.name} has no input file"
    others = names - {p.name for p in cases} - {expected_file(p).name for p in cases}
    assert others == {"make_binary_cases.py"}


def test_binary_corpus_files_match_their_generator():
    spec = importlib.util.spec_from_file_location(
        "make_binary_cases", CORPUS / "make_binary_cases.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert set(module.CASES) <= {p.name for p in corpus_files()}
    for name, data in module.CASES.items():
        assert (CORPUS / name).read_bytes() == data, f"{name}: run make_binary_cases.py again"
    assert module.png_image().startswith(b"\x89PNG\r\n\x1a\n")
    assert module.broken_zip().startswith(b"PK\x03\x04")


# --- cases generated at test time (XLSX, options) -------------------------------------------------

COLUMNS = HEADER.split(",")


def _bad_cells_workbook() -> bytes:
    # Numbers as Excel stores them; the errors are reported with Excel's own row numbers.
    return workbook_bytes(
        {
            "Svar": [
                COLUMNS,
                [2022, "X-01", 9999, "chief_executive", None, None, "kanskje", None, None],
                [2022, "X-02", 301, "unit_leader", "skole", 0, 1, 0, None],
                [1999.0, "X-03", 4601.0, "chief_executive", None, 1.5, "ja", "ja", "NTNU"],
            ]
        }
    )


def _two_sheets_workbook() -> bytes:
    rows = [COLUMNS, [2022, "X-01", 4601, "chief_executive", None, None, "ja", "ja", None]]
    return workbook_bytes({"Info": [], "Svar": rows})


def _notes_first_workbook() -> bytes:
    notes = [["Innovasjonsbarometeret 2022"], ["Svarene står på neste ark."]]
    rows = [COLUMNS, [2022, "X-01", 4601, "chief_executive", None, None, "ja", "ja", None]]
    return workbook_bytes({"Om undersøkelsen": notes, "Svar": rows})


GOOD_CSV = [HEADER, "2022,G-01,4601,chief_executive,,,ja,ja,"]

# (case id, file name, file bytes (or None: write GOOD_CSV), extra CLI arguments, fragments)
GENERATED = [
    (
        "xlsx_bad_cells",
        "bad_cells.xlsx",
        _bad_cells_workbook,
        [],
        [
            "Import rejected: 6 problem(s) found.",
            "bad_cells.xlsx, row 2, column municipality_code: '9999' is not a known municipality",
            "bad_cells.xlsx, row 2, column innovated: 'kanskje' is not a yes/no answer",
            "bad_cells.xlsx, row 3, column sector: 'skole' is not a known sector; use one of",
            "bad_cells.xlsx, row 3, column weight: '0' must be a positive number",
            "bad_cells.xlsx, row 4, column wave_year: '1999' is not a plausible survey wave",
            "bad_cells.xlsx, row 4, column research_partner: 'NTNU' is not a known partner type",
        ],
    ),
    (
        "xlsx_missing_sheet",
        "two_sheets.xlsx",
        _two_sheets_workbook,
        ["--sheet", "Resultater"],
        ["two_sheets.xlsx: no sheet named 'Resultater'; the workbook has: Info, Svar"],
    ),
    (
        "xlsx_empty_first_sheet",
        "two_sheets.xlsx",
        _two_sheets_workbook,
        [],
        [
            "two_sheets.xlsx: the sheet 'Info' is empty; name the survey's sheet with --sheet "
            "(the workbook also has: Svar)"
        ],
    ),
    (
        "xlsx_notes_on_first_sheet",
        "notes_first.xlsx",
        _notes_first_workbook,
        [],
        [
            "notes_first.xlsx: missing required column(s): wave_year, respondent_id, "
            "municipality_code, respondent_role, innovated (found: innovasjonsbarometeret 2022)"
        ],
    ),
    (
        "sheet_option_on_csv",
        "good.csv",
        None,
        ["--sheet", "Svar"],
        ["good.csv: --sheet only applies to XLSX files, and this is a text file"],
    ),
    (
        "wave_option_differs",
        "good.csv",
        None,
        ["--wave", "2020"],
        ["good.csv, row 2, column wave_year: '2022' differs from --wave 2020"],
    ),
    (
        "missing_file",
        "nowhere.csv",
        False,
        [],
        ["nowhere.csv: cannot read the file: No such file or directory"],
    ),
]


@pytest.mark.parametrize(
    ("name", "make", "args", "fragments"),
    [g[1:] for g in GENERATED],
    ids=[g[0] for g in GENERATED],
)
def test_generated_case_is_rejected_and_database_unchanged(
    name, make, args, fragments, db, tmp_path
):
    source = tmp_path / "in" / name
    source.parent.mkdir()
    if make is None:
        write_text(source, GOOD_CSV)
    elif make is not False:
        source.write_bytes(make())
    before = sha256(db)
    done = run_import(source, *args, db=db)
    assert_rejected(done, fragments, db, before)


def test_one_bad_file_among_good_ones_imports_nothing(db, tmp_path):
    good = write_text(tmp_path / "in" / "good.csv", GOOD_CSV)
    before = sha256(db)
    done = run_import(good, CORPUS / "innovated_not_yes_no.csv", db=db)
    assert_rejected(done, expected_fragments(CORPUS / "innovated_not_yes_no.csv"), db, before)
    assert "good.csv" not in done.stderr.split("Import rejected:", 1)[1]


# --- --dry-run and --replace through the command line ---------------------------------------------

NEW_WAVE = [
    HEADER,
    "2022,N-01,4601,chief_executive,,,ja,ja,universitet_hogskole",
    "2022,N-02,4602,chief_executive,,,ja,nei,",
    "2022,N-03,4601,unit_leader,helse_omsorg,1.5,ja,nei,",
]
WAVE_2024_AGAIN = [
    HEADER,
    "2024,R-01,4601,chief_executive,,,ja,ja,",
    "2024,R-02,4602,chief_executive,,,nei,,",
]


def response_counts(db: Path) -> list[tuple[int, int]]:
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH $p AS t (READ_ONLY)", {"p": str(db)})
        sql = "SELECT wave_year, count(*) FROM t.response GROUP BY 1 ORDER BY 1"
        return con.execute(sql).fetchall()
    finally:
        con.close()


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def test_dry_run_on_a_valid_file_changes_nothing(db, tmp_path):
    source = write_text(tmp_path / "in" / "wave_2022.csv", NEW_WAVE)
    before = sha256(db)
    out = ok(run_import(source, "--dry-run", db=db))
    assert out.startswith("Would import 3 rows for wave(s) 2022 from 1 file(s)")
    assert "Imported" not in out
    assert sha256(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]  # a dry run takes no lock
    assert response_counts(db) == [(2024, 14)]


def test_dry_run_on_an_invalid_file_is_rejected_like_an_import(db):
    case = CORPUS / "weight_zero_and_negative.csv"
    before = sha256(db)
    done = run_import(case, "--dry-run", db=db)
    assert_rejected(done, expected_fragments(case), db, before)


def test_dry_run_with_replace_says_what_it_would_replace(db, tmp_path):
    source = write_text(tmp_path / "in" / "again_2024.csv", WAVE_2024_AGAIN)
    before = sha256(db)
    out = ok(run_import(source, "--replace", "--dry-run", db=db))
    assert out.startswith("Would import 2 rows for wave(s) 2024")
    assert "Would replace existing wave(s): 2024." in out
    assert "Replaced" not in out
    assert sha256(db) == before
    assert response_counts(db) == [(2024, 14)]


def test_replace_through_the_command_line(db, tmp_path):
    source = write_text(tmp_path / "in" / "again_2024.csv", WAVE_2024_AGAIN)
    out = ok(run_import(source, "--replace", db=db))
    assert out.startswith("Imported 2 rows for wave(s) 2024")
    assert "Replaced existing wave(s): 2024." in out
    assert response_counts(db) == [(2024, 2)]
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name, f"{db.name}.lock"]


def test_replace_with_a_new_and_an_existing_wave(db, tmp_path):
    lines = [*WAVE_2024_AGAIN, *NEW_WAVE[1:]]
    source = write_text(tmp_path / "in" / "both.csv", lines)
    out = ok(run_import(source, "--replace", db=db))
    assert "Imported 5 rows for wave(s) 2022, 2024" in out
    assert "Replaced existing wave(s): 2024." in out
    assert response_counts(db) == [(2022, 3), (2024, 2)]


def test_rejected_replace_keeps_the_old_wave(db, tmp_path):
    bad = [*WAVE_2024_AGAIN, "2024,R-03,4611,chief_executive,,,kanskje,,"]
    source = write_text(tmp_path / "in" / "bad_2024.csv", bad)
    before = sha256(db)
    done = run_import(source, "--replace", db=db)
    fragments = ["bad_2024.csv, row 4, column innovated: 'kanskje' is not a yes/no answer"]
    assert_rejected(done, fragments, db, before)
    assert response_counts(db) == [(2024, 14)]


def test_replace_of_a_wave_not_in_the_database_just_adds_it(db, tmp_path):
    source = write_text(tmp_path / "in" / "wave_2022.csv", NEW_WAVE)
    out = ok(run_import(source, "--replace", db=db))
    assert "Imported 3 rows for wave(s) 2022" in out
    assert "Replaced" not in out
    assert response_counts(db) == [(2022, 3), (2024, 14)]
