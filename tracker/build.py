"""Build the demo database: the bundled demo survey files through the ordinary import path."""

from __future__ import annotations

from pathlib import Path

from tracker import demo
from tracker.db import DatabaseError, file_version, read_dataset_info
from tracker.importer import ImportRejected, ImportReport, Progress, import_files
from tracker.settings import DEMO_DIR
from tracker.validation import Problem


def demo_files(directory: Path = DEMO_DIR, regenerate: bool = False) -> list[Path]:
    """The demo survey files, written first if missing (or when ``regenerate``)."""
    paths = [directory / demo.demo_file_name(wave) for wave in demo.WAVES]
    if regenerate or not all(p.exists() for p in paths):
        paths = demo.write_demo_files(directory)
    return paths


def build_demo(
    db: Path, *, regenerate: bool = False, force: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Write a fresh demo database at ``db``, atomically.

    Only a missing file or a demo database is replaced, unless ``force``: anything else at the
    path may be real survey data, and building the demo must never lose it.
    """
    if not force:
        _refuse_to_replace_real_data(Path(db))
    files = demo_files(regenerate=regenerate)
    if progress is None:
        return import_files(files, db, kind="demo")
    return import_files(files, db, kind="demo", progress=progress)


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
