"""The command line (``python -m tracker``) for tests: in-process, or as a real subprocess.

:func:`run_cli` calls :func:`tracker.cli.main` in this process with stdout and stderr captured,
under the conditions a user's shell gives the subprocess: no ``TRACKER_*`` variable from the
test's environment (only those in ``env``), the project root as working directory, the exit
status of ``main()`` or of a ``SystemExit`` (argparse exits 2 on a bad argument, 0 after
``--help``), and an uncaught exception printed as a traceback with status 1. It returns a
:class:`subprocess.CompletedProcess`, so a test reads both kinds of run the same way. Starting
Python and importing pandas, DuckDB and the tracker costs seconds per subprocess on a busy
2-core machine; the in-process call costs milliseconds.

:func:`run_cli_process` is the real thing, for the few tests where the process boundary is the
point: ``python -m tracker`` itself, exit codes as the shell sees them, concurrent writers.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import traceback
from collections.abc import Mapping
from pathlib import Path

import pytest

from tracker import cli

ROOT = Path(__file__).resolve().parents[2]
PROCESS_TIMEOUT_S = 120


def clean_environ(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without ``TRACKER_*`` settings, plus ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    clean.update(env or {})
    return clean


def _exit_status(exc: SystemExit, stderr: io.StringIO) -> int:
    """The status Python's interpreter gives ``raise SystemExit(code)``."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=stderr)
    return 1


def run_cli(
    *args: object, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m tracker ARGS`` in-process: (returncode, stdout, stderr) as a subprocess gives."""
    argv = [str(arg) for arg in args]
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        for name in [name for name in os.environ if name.startswith("TRACKER_")]:
            patch.delenv(name)
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        patch.chdir(ROOT)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = cli.main(argv)
            except SystemExit as exc:
                code = _exit_status(exc, stderr)
            except Exception:
                traceback.print_exc(file=stderr)
                code = 1
    command = [sys.executable, "-m", "tracker", *argv]
    return subprocess.CompletedProcess(command, code, stdout.getvalue(), stderr.getvalue())


def run_cli_process(
    *args: object, env: Mapping[str, str] | None = None, timeout: float = PROCESS_TIMEOUT_S
) -> subprocess.CompletedProcess[str]:
    """``python -m tracker ARGS`` as a real subprocess in a clean environment (no TRACKER_*)."""
    return subprocess.run(
        [sys.executable, "-m", "tracker", *map(str, args)],
        cwd=ROOT,
        env={**clean_environ(env), "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )
