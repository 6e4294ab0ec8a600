"""Shared test fixtures: each database is built once per session; markers for the fast loop.

Databases (session scope, shared read-only; a test that writes takes a ``*_copy``):

- ``demo_db``: the demo database, built through ``python -m tracker build`` (in-process);
  ``demo_build`` also has the command's output and the folder listing right after the build.
- ``fixture_db``: the hand-made fixture database (tests/support/fixtures.py); ``fixture_build``
  also has the import report; ``fixture_db_copy`` is a private copy for one test.
- ``wave_2024_db``: a small survey database holding only the fixture's wave 2024 (14 rows).

Markers: every ``browser`` and ``load`` test, and every test that draws images with kaleido, is
also ``slow``, so ``-m "not slow"`` is the fast loop.

Helper modules live in tests/support/ and are imported as ``support.<name>`` (pytest puts this
folder on sys.path because it has no ``__init__.py``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from support.app import scan_components_once  # noqa: E402
from support.cli import run_cli  # noqa: E402
from support.fixtures import SURVEY_2024, build_fixture_db, copy_db, sha256  # noqa: E402

from tracker.data.importer import ImportReport, import_files  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: Markers whose tests are slow by nature (a server, a browser, a minute of load).
SLOW_MARKERS = ("browser", "load", "cluster")


def draws_images(item: pytest.Item) -> bool:
    """The test renders PNG/SVG with kaleido: its skip-if-no-Chromium reason names kaleido.

    kaleido starts a Chromium of its own in each test process (seconds) and draws every image in
    it, so these tests are slow wherever they live, with or without a ``slow`` mark of their own
    (tests/test_export.py's have none).
    """
    return any(
        "kaleido" in str(mark.kwargs.get("reason", "")) for mark in item.iter_markers("skipif")
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(item.get_closest_marker(name) for name in SLOW_MARKERS) or draws_images(item):
            item.add_marker(pytest.mark.slow)
        if item.get_closest_marker("browser"):
            # With pytest-xdist's --dist loadgroup, all browser tests run on one worker: one
            # server and one Chromium, as the module-scoped fixtures intend, not one per worker.
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session", autouse=True)
def _one_component_scan_per_session() -> Iterator[None]:
    """Every AppTest would scan all installed packages again (seconds each): scan once."""
    with pytest.MonkeyPatch.context() as patch:
        scan_components_once(patch)
        yield


@dataclass(frozen=True)
class DemoBuild:
    """The demo database as ``python -m tracker build --db PATH`` left it."""

    path: Path
    done: subprocess.CompletedProcess[str]
    #: File names in the database's folder right after the build.
    files_after_build: list[str]


def _unchanged_at_teardown(path: Path, digest: str) -> None:
    """A shared database must stay as built: a test that writes must use a copy."""
    assert sha256(path) == digest, f"a test changed the shared database {path}; use a copy"


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoBuild]:
    """The demo database, built once per session through the command line, as a user would."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    done = run_cli("build", "--db", path)
    files = sorted(p.name for p in path.parent.iterdir())
    digest = sha256(path) if path.exists() else ""
    yield DemoBuild(path, done, files)
    if digest:
        _unchanged_at_teardown(path, digest)


@pytest.fixture(scope="session")
def demo_db(demo_build: DemoBuild) -> Path:
    """The session's demo database (shared: read it, or copy it with ``demo_db_copy``)."""
    assert demo_build.done.returncode == 0, demo_build.done.stderr
    return demo_build.path


@pytest.fixture()
def demo_db_copy(demo_db: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database, alone in its folder, for a test that changes it."""
    return copy_db(demo_db, tmp_path / "demo-copy", "demo.duckdb")


@pytest.fixture()
def use_demo_db(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app (which reads TRACKER_DB) at the session's demo database."""
    monkeypatch.setenv("TRACKER_DB", str(demo_db))
    return demo_db


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, ImportReport]]:
    """(database path, import report) of the hand-made fixture database, built once per session.

    The survey files it was imported from are in ``<database folder>/sources``.
    """
    db, report = build_fixture_db(tmp_path_factory.mktemp("fixture"))
    digest = sha256(db)
    yield db, report
    _unchanged_at_teardown(db, digest)


@pytest.fixture(scope="session")
def fixture_db(fixture_build: tuple[Path, ImportReport]) -> Path:
    """The hand-made fixture database (shared: read it, or copy it with ``fixture_db_copy``)."""
    return fixture_build[0]


@pytest.fixture()
def fixture_db_copy(fixture_db: Path, tmp_path: Path) -> Path:
    """A private copy of the fixture database, alone in its folder, for a test that changes it."""
    return copy_db(fixture_db, tmp_path / "db")


@pytest.fixture(scope="session")
def wave_2024_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A small valid survey database: the fixture's wave 2024 only (14 rows). Copy to change it."""
    directory = tmp_path_factory.mktemp("wave-2024")
    source = directory / "valid_2024.csv"
    source.write_text(SURVEY_2024, encoding="utf-8", newline="")
    db = directory / "wave_2024.duckdb"
    import_files([source], db)
    digest = sha256(db)
    yield db
    _unchanged_at_teardown(db, digest)


def pytest_report_header() -> list[str]:
    return [
        f"chromium: {CHROMIUM or 'not found (browser tests will be skipped)'}",
        f"TRACKER_DB at start: {os.environ.get('TRACKER_DB', '(unset)')}",
    ]
