"""Build the demo database: the bundled demo survey files through the ordinary import path.

The demo files in ``data/demo/`` are committed (``python -m tracker demo-files`` regenerates them
byte for byte); building never writes into the source tree, so a read-only checkout works.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tracker.data import demo
from tracker.data.db import DatabaseError, file_version, read_dataset_info
from tracker.data.importer import ImportRejected, ImportReport, Progress, check_files, write_import
from tracker.data.locking import database_lock
from tracker.data.settings import DEMO_DIR, PROJECT_ROOT, Settings
from tracker.data.validation import Problem


def demo_files(directory: Path = DEMO_DIR) -> list[Path]:
    """The committed demo survey files; a clear error when the checkout lacks them."""
    paths = [directory / demo.demo_file_name(wave) for wave in demo.WAVES]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise ImportRejected(
            [
                Problem(
                    name,
                    "demo survey file is missing from the checkout; restore it from git, or "
                    f"write the demo files with `python -m tracker demo-files --out {directory}`",
                )
                for name in missing
            ]
        )
    return paths


def _no_progress(_: str) -> None:
    pass


def build_demo(
    db: Path,
    *,
    force: bool = False,
    only_if: Callable[[Path], bool] | None = None,
    wait_seconds: float = Settings.import_wait_seconds,
    progress: Progress = _no_progress,
) -> ImportReport | None:
    """Write a fresh demo database at ``db``, atomically, holding the database's lock.

    Only a missing file or a demo database is replaced, unless ``force``: anything else at the
    path may be real survey data, and building the demo must never lose it. Both that rule and
    ``only_if(db)`` (when given; None is returned when it says no) are checked with the lock held,
    so an import that lands between a caller's own check and this build is never overwritten.
    """
    files = demo_files()
    # Logged relative to the checkout, so the import log does not show this machine's folders.
    labels = [
        str(p.relative_to(PROJECT_ROOT)) if p.is_relative_to(PROJECT_ROOT) else str(p)
        for p in files
    ]
    checked = check_files(files, labels=labels, progress=progress)
    with database_lock(db, wait_seconds, progress):
        if only_if is not None and not only_if(Path(db)):
            return None
        if not force:
            _refuse_to_replace_real_data(Path(db))
        return write_import(checked, db, kind="demo", progress=progress)


def _refuse_to_replace_real_data(db: Path) -> None:
    if file_version(db) is None:
        return
    try:
        kind = read_dataset_info(db).get("kind")
    except DatabaseError as exc:
        kind = exc.dataset_kind or f"an unreadable file ({exc.reason})"
    if kind != "demo":
        what = "real survey data" if kind == "survey" else kind
        raise ImportRejected(
            [
                Problem(
                    str(db),
                    f"holds {what}; building the demo would replace it. Build the demo "
                    "elsewhere with --db PATH, or add --force to replace it",
                )
            ]
        )
