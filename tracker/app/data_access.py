"""The app's way to the data: one cached snapshot per database version and cached queries.

The snapshot is a cached resource keyed by the file's version: an import swaps in a new file, so
the next run opens it while sessions mid-run keep the snapshot they started with. Query results
are cached for all sessions, keyed by query name, parameters and the file's version, so results
of different database versions never mix. Page code never clears these caches (they are shared).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from tracker.data import build
from tracker.data.db import DatabaseChanged, DatabaseError, Snapshot, file_version, open_snapshot
from tracker.data.importer import ImportRejected
from tracker.data.locking import LockTimeout
from tracker.data.settings import Settings
from tracker.present.i18n import t
from tracker.present.markdown import escape_markdown

_build_lock = threading.Lock()


def open_database(settings: Settings, lang: str) -> Snapshot:
    """The current snapshot; builds the demo where that is safe, else stops with the fix."""
    path = settings.db
    if file_version(path) is None:
        _build_demo_once(settings, lang, "building_demo", lambda p: file_version(p) is None)
    try:
        return cached_snapshot(path)
    except DatabaseError as exc:
        if not _is_outdated_demo(exc):
            st.error(t(f"db_{exc.reason}", lang, path=str(path), error=escape_markdown(str(exc))))
            st.stop()
    # A demo database from an older version holds nothing that cannot be regenerated.
    _build_demo_once(settings, lang, "rebuilding_demo", _outdated_demo_at)
    return cached_snapshot(path)


def cached_snapshot(path: Path) -> Snapshot:
    """The snapshot of the file's current version, shared by every session (no UI on errors)."""
    return _snapshot(str(path), file_version(path))


def _is_outdated_demo(exc: DatabaseError) -> bool:
    return exc.reason == "old_schema" and exc.dataset_kind == "demo"


def _outdated_demo_at(path: Path) -> bool:
    try:
        open_snapshot(path).close()
    except DatabaseError as exc:
        return _is_outdated_demo(exc)
    return False


def _build_demo_once(
    settings: Settings, lang: str, label_key: str, needed: Callable[[Path], bool]
) -> None:
    # Several sessions may arrive at once: the first builds, the others find it done. Other
    # processes (a CLI import, another replica) are kept out by the database's lock, under which
    # build_demo checks `needed` again and never replaces anything but demo data.
    with _build_lock:
        if not needed(settings.db):
            return
        with st.status(t(label_key, lang), expanded=True) as status:
            try:
                build.build_demo(
                    settings.db,
                    only_if=needed,
                    wait_seconds=settings.import_wait_seconds,
                    progress=status.write,
                )
            except (ImportRejected, LockTimeout, DatabaseChanged) as exc:
                # Someone else wrote the file meanwhile: show what is there now, or explain.
                status.update(label=t("building_demo_skipped", lang), state="error")
                if file_version(settings.db) is None:
                    st.error(t("db_busy", lang, error=escape_markdown(str(exc))))
                    st.stop()
                return
            status.update(label=t("building_demo_done", lang), state="complete")


def watch_database(path: str, version: tuple[int, int, int], run_every: int) -> None:
    """Rerun the whole page once when an import has swapped in a new database file."""

    @st.fragment(run_every=run_every)
    def check() -> None:
        if file_version(Path(path)) != version:
            st.rerun(scope="app")

    check()


@st.cache_resource(max_entries=4, show_spinner=False)
def _snapshot(path: str, version: tuple[int, int, int] | None) -> Snapshot:
    return open_snapshot(Path(path))


@st.cache_data(max_entries=1024, show_spinner=False)
def cached_query(
    path: str, version: tuple[int, int, int], name: str, params: dict[str, Any], _snapshot: Snapshot
) -> pd.DataFrame:
    """A named query's result, shared by all sessions for this database version."""
    # The snapshot is left out of the cache key (leading underscore); the file version stands
    # for it, so results of different database versions never mix.
    return _snapshot.query(name, **params)
