"""A small, hand-made fixture database for backend tests (``from support.fixtures import ...``).

The three survey files below are written by hand in the import format (guide §5) and imported
through :func:`tracker.importer.import_files`, the same path real data takes. Every expected value
in the tests is counted from these rows by hand; the comments say which rows count.

Municipality measure (chief executives that innovated and gave a yes/no on collaboration):

======  ===========================  ===========================  ===========================
county  2018                         2020                         2024
======  ===========================  ===========================  ===========================
46      5 eligible, 1 yes (C18-01);  5 eligible, 1 yes (C20-02)   8 eligible, 2 yes
        C18-02 has weight 2;                                      (C24-01, C24-03)
        C18-06..08 not eligible      C20-06 not eligible
31      5 eligible, 1 yes (C18-11)   5 eligible, 1 yes (C20-11),  5 eligible, 1 yes (C24-13)
                                     all five with 2020 codes
03      1 eligible, 1 yes (C18-21)   0 eligible (C20-21 blank)    1 eligible, 1 yes ("301")
======  ===========================  ===========================  ===========================

Unit measure (unit leaders, weighted): 2018 has five eligible rows in county 46 with weights
2, 1, 1, 0.5, 0.5 of which the 2 and one 0.5 said yes; 2020 has four eligible rows (1.5 yes,
1 no, 2 yes in county 46 and 1 no in 31 under old code 3001); 2024 has none. U20-03 collaborated
but named no partner type.

Old codes: the 2020 file uses 3001, 3002, 3003, 3004 and 3011 (Viken, 2020–2023) for Halden 3101,
Moss 3103, Sarpsborg 3105, Fredrikstad 3107 and Hvaler 3110 (data/reference/
municipality_code_changes.csv): 5 chief executives + 1 unit leader = 6 mapped codes.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import openpyxl

from support.cli import run_cli
from tracker.data.importer import ImportReport, import_files

HEADER = (
    "wave_year,respondent_id,municipality_code,respondent_role,sector,weight,innovated,"
    "research_collaboration,research_partner"
)

#: 2018: comma-separated UTF-8, yes/no spelled ja/nei. 21 rows.
SURVEY_2018 = f"""{HEADER}
2018,C18-01,4601,chief_executive,,,ja,ja,universitet_hogskole
2018,C18-02,4602,chief_executive,,2,ja,nei,
2018,C18-03,4611,chief_executive,,,ja,nei,
2018,C18-04,4612,chief_executive,,,ja,nei,
2018,C18-05,4613,chief_executive,,,ja,nei,
2018,C18-06,4614,chief_executive,,,ja,,
2018,C18-07,4615,chief_executive,,,nei,,
2018,C18-08,4616,chief_executive,,,nei,nei,
2018,C18-11,3101,chief_executive,,,ja,ja,forskningsinstitutt
2018,C18-12,3103,chief_executive,,,ja,nei,
2018,C18-13,3105,chief_executive,,,ja,nei,
2018,C18-14,3107,chief_executive,,,ja,nei,
2018,C18-15,3110,chief_executive,,,ja,nei,
2018,C18-21,0301,chief_executive,,,ja,ja,universitet_hogskole
2018,U18-01,4601,unit_leader,helse_omsorg,2,ja,ja,universitet_hogskole
2018,U18-02,4601,unit_leader,oppvekst_utdanning,1,ja,nei,
2018,U18-03,4602,unit_leader,helse_omsorg,1,ja,nei,
2018,U18-04,4602,unit_leader,oppvekst_utdanning,0.5,ja,ja,forskningsinstitutt
2018,U18-05,4611,unit_leader,helse_omsorg,0.5,ja,nei,
2018,U18-06,4611,unit_leader,helse_omsorg,3,nei,,
2018,U18-07,4612,unit_leader,oppvekst_utdanning,1,ja,,
"""

#: 2020: semicolon-separated with decimal commas, as a Norwegian Excel writes; Yes/No; 2020 codes
#: for Østfold. 17 rows.
SURVEY_2020 = """wave_year;respondent_id;municipality_code;respondent_role;sector;weight;innovated;\
research_collaboration;research_partner
2020;C20-01;4601;chief_executive;;;Yes;No;
2020;C20-02;4602;chief_executive;;;Yes;Yes;annet
2020;C20-03;4611;chief_executive;;;Yes;No;
2020;C20-04;4612;chief_executive;;;Yes;No;
2020;C20-05;4613;chief_executive;;;Yes;No;
2020;C20-06;4617;chief_executive;;;No;;
2020;C20-11;3001;chief_executive;;;Yes;Yes;universitet_hogskole
2020;C20-12;3002;chief_executive;;;Yes;No;
2020;C20-13;3003;chief_executive;;;Yes;No;
2020;C20-14;3004;chief_executive;;;Yes;No;
2020;C20-15;3011;chief_executive;;;Yes;No;
2020;C20-21;0301;chief_executive;;;Yes;;
2020;U20-01;4601;unit_leader;sosial;1,5;Yes;Yes;annet
2020;U20-02;4601;unit_leader;kultur;1;Yes;No;
2020;U20-03;4602;unit_leader;helse_omsorg;2;Yes;Yes;
2020;U20-04;3001;unit_leader;oppvekst_utdanning;1;Yes;No;
2020;U20-05;4611;unit_leader;teknisk;0,5;No;No;
"""

#: 2024: comma-separated, yes/no spelled 1/0, Oslo written "301" (a spreadsheet dropped the 0).
#: 14 rows.
SURVEY_2024 = f"""{HEADER}
2024,C24-01,4601,chief_executive,,,1,1,universitet_hogskole
2024,C24-02,4602,chief_executive,,,1,0,
2024,C24-03,4611,chief_executive,,,1,1,forskningsinstitutt
2024,C24-04,4612,chief_executive,,,1,0,
2024,C24-05,4613,chief_executive,,,1,0,
2024,C24-06,4614,chief_executive,,,1,0,
2024,C24-07,4615,chief_executive,,,1,0,
2024,C24-08,4616,chief_executive,,,1,0,
2024,C24-11,3101,chief_executive,,,1,0,
2024,C24-12,3103,chief_executive,,,1,0,
2024,C24-13,3105,chief_executive,,,1,1,universitet_hogskole
2024,C24-14,3107,chief_executive,,,1,0,
2024,C24-15,3110,chief_executive,,,1,0,
2024,C24-21,301,chief_executive,,,1,1,annet
"""

SURVEYS = {2018: SURVEY_2018, 2020: SURVEY_2020, 2024: SURVEY_2024}
ROWS_PER_WAVE = {2018: 21, 2020: 17, 2024: 14}
MAPPED_CODES = 6


def file_name(wave: int) -> str:
    return f"fixture_survey_{wave}.csv"


def write_fixture_files(directory: Path) -> list[Path]:
    """Write the three hand-made survey files (UTF-8, no BOM) and return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for wave, text in SURVEYS.items():
        path = directory / file_name(wave)
        path.write_text(text, encoding="utf-8", newline="")
        paths.append(path)
    return paths


def build_fixture_db(directory: Path, name: str = "fixture.duckdb") -> tuple[Path, ImportReport]:
    """Import the fixture files into a new survey database in ``directory``."""
    files = write_fixture_files(directory / "sources")
    db = directory / name
    report = import_files(files, db, kind="survey")
    return db, report


def copy_db(source: Path, directory: Path, name: str = "copy.duckdb") -> Path:
    """A private copy of a database file, so a test can change it without affecting others."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    shutil.copyfile(source, target)
    return target


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_text(path: Path, lines: list[str], sep: str = ",", encoding: str = "utf-8") -> Path:
    """Write rows given as comma-joined strings, re-joined with ``sep``, as one CSV file."""
    text = "\n".join(line.replace(",", sep) for line in lines) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def workbook_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    """An XLSX workbook holding ``sheets`` (name → rows) in order; the first is the active one."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run_import(*args: object, db: Path) -> subprocess.CompletedProcess[str]:
    """``python -m tracker import ARGS --db DB``, in-process (:func:`support.cli.run_cli`)."""
    return run_cli("import", *args, "--db", db)
