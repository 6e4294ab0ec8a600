"""Writers of one database never lose each other's work (tracker/locking.py, tracker/db.py).

Real processes are started at the same moment, as two analysts would start them; every import
that reports success must have its wave in the final file, and one that cannot get the lock must
exit non-zero with a message and leave the file exactly as it was.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock
from support.fixtures import HEADER, SURVEY_2018, SURVEY_2020, SURVEY_2024, sha256, write_text

from tracker.data import build
from tracker.data.db import DatabaseChanged, file_version, read_dataset_info, stored_version
from tracker.data.importer import ImportRejected, check_files, import_files, write_import
from tracker.data.locking import LockTimeout, database_lock, lock_path
from tracker.data.settings import PROJECT_ROOT

#: Three different waves, each its own file (2022 is the 2024 file with another year).
WAVE_TEXTS = {
    2020: SURVEY_2020,
    2022: SURVEY_2024.replace("\n2024,", "\n2022,"),
    2024: SURVEY_2024,
}


def waves_in(db: Path) -> list[int]:
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH $p AS t (READ_ONLY)", {"p": str(db)})
        return [r[0] for r in con.execute("SELECT wave_year FROM t.wave ORDER BY 1").fetchall()]
    finally:
        con.close()


def base_database(directory: Path) -> Path:
    """A survey database holding wave 2018 only."""
    source = directory / "s2018.csv"
    source.write_text(SURVEY_2018, encoding="utf-8")
    db = directory / "collaboration.duckdb"
    import_files([source], db)
    return db


def start_import(source: Path, db: Path, wait: str = "120") -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env["TRACKER_IMPORT_WAIT_SECONDS"] = wait
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "import", str(source), "--db", str(db)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_together(tmp_path: Path, waves: list[int], rounds: int) -> None:
    for attempt in range(rounds):
        directory = tmp_path / f"round{attempt}"
        directory.mkdir()
        db = base_database(directory)
        sources = {}
        for wave in waves:
            sources[wave] = directory / f"s{wave}.csv"
            sources[wave].write_text(WAVE_TEXTS[wave], encoding="utf-8")
        started = {wave: start_import(sources[wave], db) for wave in waves}
        results = {wave: proc.communicate(timeout=180) for wave, proc in started.items()}
        succeeded = [wave for wave, proc in started.items() if proc.returncode == 0]
        # With a 120 s wait every import gets its turn, and each builds on the one before it.
        assert succeeded == waves, {w: r[1] for w, r in results.items()}
        assert waves_in(db) == [2018, *waves], f"round {attempt}: {results}"
        logged = read_import_log(db)
        assert sorted(logged) == sorted(
            str(s) for s in [directory / "s2018.csv", *sources.values()]
        )


def read_import_log(db: Path) -> list[str]:
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH $p AS t (READ_ONLY)", {"p": str(db)})
        return [r[0] for r in con.execute("SELECT file_name FROM t.import_log").fetchall()]
    finally:
        con.close()


@pytest.mark.slow
def test_two_imports_started_together_both_land(tmp_path: Path) -> None:
    run_together(tmp_path, [2020, 2024], rounds=3)


@pytest.mark.slow
def test_three_imports_started_together_all_land(tmp_path: Path) -> None:
    run_together(tmp_path, [2020, 2022, 2024], rounds=2)


@pytest.mark.slow
def test_import_that_cannot_get_the_lock_gives_up_and_changes_nothing(tmp_path: Path) -> None:
    db = base_database(tmp_path)
    source = write_text(tmp_path / "s2024.csv", SURVEY_2024.strip().splitlines())
    before = sha256(db)
    with FileLock(lock_path(db)):  # another import is busy with the database
        proc = start_import(source, db, wait="1")
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert f"waiting for another import of {db}" in err
    assert "nothing was changed" in err and "TRACKER_IMPORT_WAIT_SECONDS" in err
    assert "Traceback" not in err and out == ""
    assert sha256(db) == before
    assert waves_in(db) == [2018]


def test_a_waiting_import_says_so_and_builds_on_the_first(tmp_path: Path) -> None:
    db = base_database(tmp_path)
    source = write_text(tmp_path / "s2024.csv", SURVEY_2024.strip().splitlines())
    said: list[str] = []
    holder = FileLock(lock_path(db))
    holder.acquire()
    worker = threading.Thread(target=lambda: import_files([source], db, progress=said.append))
    worker.start()
    deadline = time.monotonic() + 60
    while not any("waiting for another import" in s for s in said):
        assert time.monotonic() < deadline, said
        time.sleep(0.05)
    # While it waits, the lock's holder adds wave 2020; the waiting import must keep it.
    held = write_text(tmp_path / "s2020.csv", WAVE_TEXTS[2020].strip().splitlines())
    write_import(check_files([held]), db)
    holder.release()
    worker.join(timeout=60)
    assert waves_in(db) == [2018, 2020, 2024]


def test_lock_timeout_in_process(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    with (
        FileLock(lock_path(db)),
        pytest.raises(LockTimeout, match="nothing was changed"),
        database_lock(db, wait_seconds=0.2),
    ):
        pytest.fail("the lock was held by another writer")


def test_writer_refuses_to_replace_a_file_changed_since_it_was_read(tmp_path: Path) -> None:
    # The second guard, for a writer that does not use the lock (e.g. a copy made by hand).
    db = base_database(tmp_path)
    checked = check_files([write_text(tmp_path / "s2024.csv", SURVEY_2024.strip().splitlines())])

    def replace_behind_its_back(message: str) -> None:
        if message.startswith("Writing"):
            other = tmp_path / "other"
            other.mkdir()
            os.replace(base_database(other), db)

    with pytest.raises(DatabaseChanged, match="replaced by another program"):
        write_import(checked, db, progress=replace_behind_its_back)
    assert waves_in(db) == [2018]  # the other program's file, untouched
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_stored_version_changes_with_every_write(tmp_path: Path) -> None:
    db = base_database(tmp_path)
    first = stored_version(db)
    source = write_text(tmp_path / "s2024.csv", SURVEY_2024.strip().splitlines())
    import_files([source], db)
    second = stored_version(db)
    assert first is not None and second is not None
    assert first.build_id != second.build_id and len(second.build_id) == 32
    assert stored_version(tmp_path / "missing.duckdb") is None


def test_demo_build_refuses_real_data_written_a_moment_before(tmp_path: Path) -> None:
    # The dashboard saw no database and decided to build the demo; before its build gets the
    # lock, an import writes real data. The build must leave the real data alone.
    db = tmp_path / "collaboration.duckdb"
    missing = file_version(db) is None
    assert missing
    holder = FileLock(lock_path(db))
    holder.acquire()
    outcome: dict[str, object] = {}

    def app_build() -> None:
        try:
            outcome["report"] = build.build_demo(db, only_if=lambda p: file_version(p) is None)
        except Exception as exc:  # recorded for the assertion below
            outcome["error"] = exc

    app = threading.Thread(target=app_build)
    app.start()
    time.sleep(0.3)  # the app's build is now waiting for the lock
    other = tmp_path / "import"
    other.mkdir()
    os.replace(base_database(other), db)  # the CLI import lands
    real = sha256(db)
    holder.release()
    app.join(timeout=120)
    assert outcome == {"report": None}
    assert sha256(db) == real
    assert read_dataset_info(db)["kind"] == "survey"


def test_demo_build_without_condition_refuses_real_data(tmp_path: Path) -> None:
    db = base_database(tmp_path)
    before = sha256(db)
    with pytest.raises(ImportRejected, match="real survey data"):
        build.build_demo(db)
    assert sha256(db) == before


def test_files_with_the_same_name_in_different_folders_are_logged_apart(tmp_path: Path) -> None:
    db = base_database(tmp_path)
    first = write_text(tmp_path / "a" / "survey.csv", WAVE_TEXTS[2022].strip().splitlines())
    second = write_text(
        tmp_path / "b" / "survey.csv",
        [HEADER, "2024,Z-01,4601,chief_executive,,,ja,ja,universitet_hogskole"],
    )
    import_files([first], db)
    import_files([second], db)
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH $p AS t (READ_ONLY)", {"p": str(db)})
        logged = dict(con.execute("SELECT file_name, sha256 FROM t.import_log").fetchall())
    finally:
        con.close()
    assert logged[str(first)] == sha256(first)
    assert logged[str(second)] == sha256(second)
    assert sha256(first) != sha256(second)
