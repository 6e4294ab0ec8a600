"""Database access: named queries, read-only snapshots, and atomic writes.

Readers never open the database file directly with ``duckdb.connect(path)``: DuckDB caches one
instance per path inside a process, so a process that once opened the file would keep seeing the
old data after an import swapped a new file into place. Instead every :class:`Snapshot` is a fresh
in-memory instance that ATTACHes the file read-only; it keeps reading the file it attached even
after the path is replaced, so a page rendered from one snapshot never mixes old and new data.

Writers never modify the file in place: :func:`write_database` builds a complete new file next to
it and swaps it in with ``os.replace`` (atomic on POSIX), so a failed import leaves the old file
exactly as it was, and readers holding the old file open are not blocked. Writers hold the
database's lock (:mod:`tracker.locking`) while they read the old file and swap in the new one; as a
second guard, :func:`write_database` refuses to replace a file whose :class:`StoredVersion`
changed since the writer read it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from tracker.data.profiles import municipality_profiles
from tracker.data.settings import QUERIES_DIR

SCHEMA_VERSION = "1"
_SCHEMA_FILE = Path(__file__).with_name("schema.sql")
_VIEWS_DIR = QUERIES_DIR / "views"
_QUERY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
ATTACHED_AS = "tracker"


class DatabaseError(RuntimeError):
    """The database file is missing, unreadable or not a tracker database.

    ``reason`` says which, so that pages can explain the fix: "missing", "damaged" (not a
    readable DuckDB file, e.g. truncated), "foreign" (a DuckDB file from something else) or
    "old_schema" (made by another version; ``dataset_kind`` then says whether it held demo data).
    """

    def __init__(self, message: str, reason: str = "damaged", dataset_kind: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.dataset_kind = dataset_kind


def query_names() -> list[str]:
    """Every query file's name (without .sql): the allow-list for :func:`run_query`."""
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))


@functools.cache
def views_sql() -> str:
    """``queries/views/*.sql``: the TEMP views the queries build on (e.g. eligible_response).

    They are created on each query's cursor by :func:`run_query`, never stored in the file (it is
    attached read-only); the view file's header says why.
    """
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(_VIEWS_DIR.glob("*.sql")))


@functools.cache
def profile_relation() -> pd.DataFrame:
    """municipality_code → centrality, size_band, kostra_group (text codes), for the queries."""
    profiles = municipality_profiles()
    return pd.DataFrame(
        {
            "municipality_code": profiles["municipality_code"],
            "centrality": profiles["centrality_class"].astype(str),
            "size_band": profiles["size_band"],
            "kostra_group": profiles["kostra_group"].astype(str),
        }
    )


@functools.cache
def load_query(name: str) -> str:
    """The SQL of ``queries/<name>.sql``; unknown names are refused, never turned into paths."""
    if not _QUERY_NAME.match(name) or name not in query_names():
        raise KeyError(f"unknown query {name!r}; known: {', '.join(query_names())}")
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


def run_query(
    con: duckdb.DuckDBPyConnection, name: str, catalog: str | None = None, **params: Any
) -> pd.DataFrame:
    """Run one named query with DuckDB named parameters on its own cursor.

    A cursor does not inherit the connection's ``USE``, so ``catalog`` is selected on each one;
    nor its temp objects, so the shared views (:func:`views_sql`) are created on each one too.
    """
    cursor = con.cursor()
    try:
        if catalog is not None:
            cursor.execute(f"USE {catalog}")
        cursor.execute(views_sql())
        # SSB's profiles are reference facts of this program, like the views: registered on the
        # cursor (zero-copy) rather than stored, so no database needs rebuilding for them.
        cursor.register("municipality_profile", profile_relation())
        return cursor.execute(load_query(name), params).df()
    finally:
        cursor.close()


def file_version(path: Path) -> tuple[int, int, int] | None:
    """Identity of the file at ``path`` (inode, mtime, size); changes when an import swaps it."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


@dataclass(frozen=True)
class StoredVersion:
    """What a writer saw of the file it builds on: its identity on disk and its stored build id.

    The build id is a random id written into ``dataset_info`` by every write, so that a file
    rewritten with the same size within the file system's timestamp resolution still differs.
    """

    inode: int
    mtime_ns: int
    size: int
    build_id: str


class DatabaseChanged(RuntimeError):
    """The file was replaced by someone else between reading it and swapping in the new one."""


def stored_version(path: Path) -> StoredVersion | None:
    """The :class:`StoredVersion` of the file at ``path`` (None when there is no file)."""
    on_disk = file_version(path)
    if on_disk is None:
        return None
    build_id = ""
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH $path AS stored (READ_ONLY)", {"path": str(path)})
        row = con.execute("SELECT value FROM stored.dataset_info WHERE key = 'build_id'").fetchone()
        build_id = row[0] if row else ""
    except duckdb.Error:
        pass  # not a tracker database (or damaged): its size and mtime still identify it
    finally:
        con.close()
    inode, mtime_ns, size = on_disk
    return StoredVersion(inode=inode, mtime_ns=mtime_ns, size=size, build_id=build_id)


@dataclass(frozen=True)
class Snapshot:
    """A read-only view of one version of the database file."""

    path: Path
    version: tuple[int, int, int]
    con: duckdb.DuckDBPyConnection

    def query(self, name: str, **params: Any) -> pd.DataFrame:
        return run_query(self.con, name, ATTACHED_AS, **params)

    def close(self) -> None:
        self.con.close()


def open_snapshot(path: Path) -> Snapshot:
    """Open the database at ``path`` read-only, or raise :class:`DatabaseError` saying why not."""
    version = file_version(path)
    if version is None:
        raise DatabaseError(f"no database at {path}", reason="missing")
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH $path AS {ATTACHED_AS} (READ_ONLY)", {"path": str(path)})
        con.execute(f"USE {ATTACHED_AS}")
        _check_complete(con, path)
        _check_schema(con, path)
    except duckdb.Error as exc:
        con.close()
        raise DatabaseError(f"{path} is not a readable tracker database: {exc}") from exc
    except DatabaseError:
        con.close()
        raise
    return Snapshot(path=path, version=version, con=con)


#: DuckDB files start with three 4 KiB headers, followed by the data blocks.
_DUCKDB_HEADER_BYTES = 3 * 4096


def _check_complete(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    # A truncated copy still attaches (the catalog sits in the first blocks) and only fails on a
    # later query; comparing the file size with the block count catches it up front.
    size = con.execute(
        "SELECT block_size, total_blocks FROM pragma_database_size() WHERE database_name = $n",
        {"n": ATTACHED_AS},
    ).fetchone()
    if size is None:  # not attached under that name: nothing to compare
        return
    block_size, blocks = size
    expected = _DUCKDB_HEADER_BYTES + block_size * blocks
    actual = os.path.getsize(path)
    if actual < expected:
        raise DatabaseError(
            f"{path} is truncated: {actual} bytes where the file's own index needs {expected}",
            reason="damaged",
        )


def _check_schema(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "dataset_info" not in tables:
        raise DatabaseError(
            f"{path} is not a tracker database (no dataset_info table)", reason="foreign"
        )
    info = dict(con.execute("SELECT key, value FROM dataset_info").fetchall())
    if info.get("schema_version") != SCHEMA_VERSION:
        have = info.get("schema_version", "none")
        raise DatabaseError(
            f"{path} has schema version {have}, this program needs {SCHEMA_VERSION}; "
            "rebuild it with `python -m tracker build` or re-import the survey files",
            reason="old_schema",
            dataset_kind=info.get("kind", ""),
        )


def read_dataset_info(path: Path) -> dict[str, str]:
    """The ``dataset_info`` key/value pairs of the database at ``path`` ({} when there is none)."""
    if file_version(path) is None:
        return {}
    snap = open_snapshot(path)
    try:
        return dict(snap.con.execute("SELECT key, value FROM dataset_info").fetchall())
    finally:
        snap.close()


@contextlib.contextmanager
def write_database(
    path: Path, *, builds_on: StoredVersion | None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection to a new database with the schema; swap it in at ``path`` on success.

    ``builds_on`` is the :func:`stored_version` of ``path`` when the caller read it (None: there
    was no file). If the file at ``path`` is no longer that version when the new file is ready,
    :class:`DatabaseChanged` is raised instead of replacing it. On any exception the new file is
    deleted and the file at ``path`` is untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # DuckDB refuses to open an empty file as a database
    con = duckdb.connect(str(tmp))
    try:
        con.execute(_SCHEMA_FILE.read_text(encoding="utf-8"))
        con.execute(
            "INSERT INTO dataset_info VALUES ('schema_version', $v), ('build_id', $id)",
            {"v": SCHEMA_VERSION, "id": uuid.uuid4().hex},
        )
        yield con
        con.execute("CHECKPOINT")
        con.close()
        if stored_version(path) != builds_on:
            raise DatabaseChanged(
                f"{path} was replaced by another program while this import was running; "
                "nothing was changed. Run the import again to add it to the new file"
            )
        os.replace(tmp, path)
    except BaseException:
        con.close()
        for leftover in (tmp, Path(f"{tmp}.wal")):
            leftover.unlink(missing_ok=True)
        raise
