"""Build the demo database: the bundled demo survey files through the ordinary import path."""

from __future__ import annotations

from pathlib import Path

from tracker import demo
from tracker.importer import ImportReport, Progress, import_files
from tracker.settings import DEMO_DIR


def demo_files(directory: Path = DEMO_DIR, regenerate: bool = False) -> list[Path]:
    """The demo survey files, written first if missing (or when ``regenerate``)."""
    paths = [directory / demo.demo_file_name(wave) for wave in demo.WAVES]
    if regenerate or not all(p.exists() for p in paths):
        paths = demo.write_demo_files(directory)
    return paths


def build_demo(
    db: Path, *, regenerate: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Write a fresh demo database at ``db`` (replacing whatever is there, atomically)."""
    files = demo_files(regenerate=regenerate)
    if progress is None:
        return import_files(files, db, kind="demo")
    return import_files(files, db, kind="demo", progress=progress)
