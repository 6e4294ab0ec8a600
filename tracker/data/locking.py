"""One writer at a time: an exclusive lock on a lock file beside the database.

Every write of the database file (a CLI import, ``build``, the dashboard's first-start demo build)
reads the old file, writes a new one and swaps it in. Without a lock shared by all processes, two
imports started together would each build on the same old file and the last swap would silently
drop the other's wave. The lock is held from the moment the old file is read until the new one is
in place; a second writer waits for it, says so, and then builds on the first writer's result.

The lock is an OS-level lock (``flock`` on POSIX, ``LockFileEx`` on Windows) taken through the
``filelock`` package, so it is released by the kernel if a writer crashes, and it also separates
threads of one process (each lock object has its own file descriptor). Readers never take it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from filelock import FileLock, Timeout


class LockTimeout(RuntimeError):
    """Another writer held the database's lock for longer than we were willing to wait."""


def lock_path(db: Path) -> Path:
    """The lock file of the database at ``db``: ``<db>.lock`` in the same folder."""
    return Path(db).with_name(Path(db).name + ".lock")


@contextlib.contextmanager
def database_lock(
    db: Path, wait_seconds: float, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the exclusive write lock of ``db``; wait up to ``wait_seconds`` for another writer.

    ``on_wait`` is told once, in plain words, when we have to wait. Raises :class:`LockTimeout`
    (nothing has been read or written then) when the lock does not come free in time.
    """
    path = lock_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path)
    try:
        lock.acquire(blocking=False)
    except Timeout:
        if on_wait is not None:
            on_wait(f"waiting for another import of {db} … (up to {wait_seconds:g} s)")
        try:
            lock.acquire(timeout=wait_seconds)
        except Timeout:
            raise LockTimeout(
                f"another import of {db} has held its lock ({path}) for more than "
                f"{wait_seconds:g} s; nothing was changed. Try again when it has finished, or "
                "allow a longer wait with TRACKER_IMPORT_WAIT_SECONDS"
            ) from None
    try:
        yield
    finally:
        lock.release()
