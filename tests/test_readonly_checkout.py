"""A read-only checkout works: nothing at run time writes into the source tree.

The dashboard may be deployed from a read-only image or a checkout owned by another user, and
the demo survey files in data/demo/ are committed: neither the app nor ``python -m tracker build``
may create, rewrite or delete anything there (or anywhere else in the tree). The only thing the
app writes is the database at TRACKER_DB, which lives outside the checkout.

Each test copies the checkout to a temporary folder, makes it read-only (``chmod -R a-w``),
records a manifest of every file and folder (size, mtime, mode), runs the app or the command
line from the copy and compares the manifest afterwards. The comparison is the real proof: CI
runs the tests as root, and root writes through missing permission bits. For the same reason the
processes get PYTHONDONTWRITEBYTECODE=1: in a truly read-only tree Python silently skips its
bytecode caches, and as root it would otherwise write __pycache__ folders into the copy.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect
from support.browser import CHROMIUM, EXCEPTION, PLOTLY, launch_chromium, wait_for_render
from support.server import SERVER_START_TIMEOUT_S, StreamlitServer

from tracker.app.contract import OVERVIEW, url_path

#: The same condition and reason as test_browser.py's module-level skip, but for one test only:
#: the build test in this file needs no browser.
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not installed (apt-get install -y chromium); browser test skipped",
)

ROOT = Path(__file__).resolve().parent.parent
DEMO_FILE = "data/demo/demo_survey_2024.csv"
#: What a checkout never holds: copied only when git cannot list the tracked files.
NOT_IN_A_CHECKOUT = shutil.ignore_patterns(
    ".git", "__pycache__", "*.pyc", "*.duckdb", "*.duckdb.*", "test-output", ".pytest_cache"
)
COMMAND_TIMEOUT_S = 120
METRIC = '[data-testid="stMetric"]'
HEADLINE = "Andel 2024"  # the overview's first metric: the latest demo wave, in bokmål
VIEWPORT = {"width": 1600, "height": 1000}


@dataclass(frozen=True)
class Entry:
    """What the manifest keeps of one file or folder: any write changes one of these."""

    kind: str
    size: int
    mtime_ns: int
    mode: int


Manifest = dict[str, Entry]


def take_manifest(root: Path) -> Manifest:
    """Every file, folder and symlink below ``root`` (and ``root`` itself), by relative path.

    A folder's mtime changes when an entry is created, renamed or removed in it, so a file that
    was written and deleted again still shows up as a changed folder.
    """
    manifest: Manifest = {}
    paths = [root]
    for folder, folders, files in os.walk(root):
        paths.extend(Path(folder) / name for name in folders + files)
    for path in paths:
        info = path.lstat()
        kind = "dir" if stat.S_ISDIR(info.st_mode) else "link" if path.is_symlink() else "file"
        manifest[path.relative_to(root).as_posix()] = Entry(
            kind, info.st_size, info.st_mtime_ns, stat.S_IMODE(info.st_mode)
        )
    return manifest


def manifest_changes(before: Manifest, after: Manifest) -> list[str]:
    """Human-readable differences: created, removed and changed paths, sorted."""
    changes = [f"created {path} ({after[path].kind})" for path in after.keys() - before.keys()]
    changes += [f"removed {path} ({before[path].kind})" for path in before.keys() - after.keys()]
    for path in before.keys() & after.keys():
        old, new = before[path], after[path]
        if old != new:
            fields = [
                f"{name} {getattr(old, name)!r} -> {getattr(new, name)!r}"
                for name in ("kind", "size", "mtime_ns", "mode")
                if getattr(old, name) != getattr(new, name)
            ]
            changes.append(f"changed {path}: {', '.join(fields)}")
    return sorted(changes, key=lambda change: change.split(" ", 1)[1])


def checkout_paths(source: Path) -> list[str] | None:
    """The files a checkout of ``source`` holds, or None when git cannot say.

    Tracked files plus untracked files that .gitignore does not exclude: the second part keeps a
    new module that is not committed yet (but is imported by tracked code) in the copy, while
    build output (databases, caches, test-output/) stays out, as it would in a fresh clone.
    Files deleted in the working tree are left out too.
    """
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=source,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    names = sorted({name for name in listed.decode("utf-8").split("\0") if name})
    return [name for name in names if (source / name).is_file() or (source / name).is_symlink()]


def copy_checkout(source: Path, destination: Path) -> None:
    paths = checkout_paths(source)
    if paths is None:
        shutil.copytree(source, destination, symlinks=True, ignore=NOT_IN_A_CHECKOUT)
        return
    destination.mkdir()
    for name in paths:
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target, follow_symlinks=False)


def set_write_bits(root: Path, *, writable: bool) -> None:
    """``chmod -R a-w`` (or ``u+w`` to undo it, so that pytest can delete the copy later)."""
    paths = [root]
    for folder, folders, files in os.walk(root):
        paths.extend(Path(folder) / name for name in folders + files)
    for path in paths:
        if path.is_symlink():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        os.chmod(path, mode | stat.S_IWUSR if writable else mode & ~0o222)


@dataclass(frozen=True)
class Checkout:
    root: Path
    manifest: Manifest

    def assert_unchanged(self) -> None:
        changes = manifest_changes(self.manifest, take_manifest(self.root))
        assert changes == [], (
            f"the run wrote into the read-only checkout {self.root}:\n" + "\n".join(changes)
        )


@pytest.fixture()
def checkout(tmp_path: Path) -> Iterator[Checkout]:
    """A read-only copy of the checkout, with its manifest taken after the permissions changed."""
    root = tmp_path / "checkout"
    copy_checkout(ROOT, root)
    assert (root / DEMO_FILE).is_file(), f"{DEMO_FILE} is not committed (or not copied)"
    set_write_bits(root, writable=False)
    try:
        yield Checkout(root, take_manifest(root))
    finally:
        set_write_bits(root, writable=True)


@pytest.fixture()
def writable(tmp_path: Path) -> Path:
    """A folder outside the checkout for the databases and logs."""
    path = tmp_path / "writable"
    path.mkdir()
    return path


def run_env(**extra: str) -> dict[str, str]:
    """The test's environment without TRACKER_* settings, plus no bytecode writes and ``extra``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_")}
    return {**env, "PYTHONDONTWRITEBYTECODE": "1", **extra}


def run_in(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=run_env(),
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
    )


@pytest.mark.slow  # copies the checkout, three real processes
def test_build_and_import_from_a_read_only_checkout(checkout: Checkout, writable: Path) -> None:
    """``tracker build`` and ``tracker import`` read the committed demo files, write only --db."""
    # The code under test must be the copy's, not this checkout's.
    where = run_in(checkout.root, "-c", "import tracker.data.settings as s; print(s.PROJECT_ROOT)")
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()) == checkout.root, f"tracker imported from {where.stdout}"

    built_db = writable / "x.duckdb"
    built = run_in(checkout.root, "-m", "tracker", "build", "--db", str(built_db))
    assert built.returncode == 0, f"build failed:\n{built.stdout}\n{built.stderr}"
    assert built_db.is_file(), f"build exited 0 but wrote no {built_db}:\n{built.stdout}"
    checkout.assert_unchanged()

    imported_db = writable / "imported.duckdb"
    imported = run_in(checkout.root, "-m", "tracker", "import", DEMO_FILE, "--db", str(imported_db))
    assert imported.returncode == 0, f"import failed:\n{imported.stdout}\n{imported.stderr}"
    assert imported_db.is_file(), f"import exited 0 but wrote no {imported_db}"
    checkout.assert_unchanged()


class CheckoutServer(StreamlitServer):
    """A :class:`StreamlitServer` whose app (and working directory) is another checkout.

    StreamlitServer always starts ``dashboard.py`` in the checkout the tests live in; only
    :meth:`start` differs here (health wait, log and shutdown are inherited). Every TRACKER_*
    variable of the test's environment is dropped, so only ``TRACKER_DB`` is set.
    """

    def __init__(self, app_dir: Path, db_path: Path, log_path: Path, **extra_env: str) -> None:
        super().__init__(db_path, log_path, env=extra_env)
        self.app_dir = app_dir

    def start(self, timeout_s: float = SERVER_START_TIMEOUT_S) -> CheckoutServer:
        command = [sys.executable, "-m", "streamlit", "run", OVERVIEW]
        command += ["--server.headless", "true", "--server.address", "127.0.0.1"]
        command += ["--server.port", str(self.port), "--browser.gatherUsageStats", "false"]
        env = run_env(**self.env, TRACKER_DB=str(self.db_path), PYTHONUNBUFFERED="1")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            # A file, not a pipe: a full pipe buffer would block the server.
            self.process = subprocess.Popen(
                command,
                cwd=self.app_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_healthy(timeout_s)
        except BaseException:
            self.stop()
            raise
        return self


@pytest.mark.browser
@needs_chromium
def test_dashboard_runs_from_a_read_only_checkout(checkout: Checkout, writable: Path) -> None:
    """The overview renders from a read-only copy; the demo database appears at TRACKER_DB only."""
    db = writable / "state" / "tracker.duckdb"  # neither the file nor its folder exists yet
    server = CheckoutServer(checkout.root, db, writable / "server.log")
    with server, launch_chromium() as (_playwright, browser):
        page = browser.new_page(viewport=VIEWPORT, locale="nb-NO")
        page.goto(server.url(url_path(OVERVIEW)), wait_until="domcontentloaded")
        try:
            wait_for_render(page, charts=1)  # the first run builds the demo database first
        except (AssertionError, TimeoutError) as exc:
            raise AssertionError(f"{exc}\n--- server log ---\n{server.log()[-3000:]}") from exc

        headline = page.locator(METRIC).first
        expect(headline.locator('[data-testid="stMetricLabel"]')).to_have_text(HEADLINE)
        value = headline.locator('[data-testid="stMetricValue"]').inner_text().strip()
        assert value.endswith("%"), f"headline value {value!r} is not a share"
        assert page.locator(PLOTLY).count() >= 1, "no Plotly chart on the overview"
        assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).all_inner_texts()
    # The server has stopped: anything it wrote on the way out is in the tree by now.

    assert db.is_file(), f"the app did not build its database at TRACKER_DB={db}"
    checkout.assert_unchanged()


def test_manifest_notices_every_kind_of_write(tmp_path: Path) -> None:
    """As root, permission bits stop nothing; the manifest must catch each kind of write."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "kept.csv").write_text("a\n")
    (tmp_path / "data" / "gone.csv").write_text("b\n")
    (tmp_path / "code.py").write_text("x = 1\n")
    before = take_manifest(tmp_path)

    (tmp_path / "data" / "gone.csv").unlink()
    (tmp_path / "data" / "new.csv").write_text("c\n")
    os.utime(tmp_path / "data" / "kept.csv", ns=(0, 0))
    os.chmod(tmp_path / "code.py", 0o444)
    (tmp_path / "__pycache__").mkdir()

    changes = manifest_changes(before, take_manifest(tmp_path))
    kinds = {change.split(" ", 2)[1].rstrip(":"): change.split(" ", 1)[0] for change in changes}
    assert kinds == {
        ".": "changed",
        "__pycache__": "created",
        "code.py": "changed",
        "data": "changed",
        "data/gone.csv": "removed",
        "data/kept.csv": "changed",
        "data/new.csv": "created",
    }, changes


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_read_only_copy_is_made_writable_again(tmp_path: Path) -> None:
    """The copy loses every write bit, and gets the owner's back for pytest's cleanup."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "file.txt").write_text("x")

    set_write_bits(tmp_path, writable=False)
    modes = {p.name: mode_of(p) for p in (tmp_path / "sub", tmp_path / "sub" / "file.txt")}
    set_write_bits(tmp_path, writable=True)

    assert all(mode & 0o222 == 0 for mode in modes.values()), modes
    assert mode_of(tmp_path / "sub" / "file.txt") & stat.S_IWUSR
    assert mode_of(tmp_path / "sub") & stat.S_IWUSR
