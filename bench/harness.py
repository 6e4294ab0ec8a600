"""The benchmark's harness: one process per step, timers, memory and machine information.

Not run directly. ``bench/run.py`` calls :func:`run_step`, which starts

    python bench/run.py _step NAME PARAMS_JSON RESULT_PATH

in a fresh process; that process calls :func:`run_step_here` with the step function, which writes
the step's result (plus its own peak memory) as JSON to RESULT_PATH.

Only the standard library is imported at module level: the step processes import this module
too, and whatever it imports would count towards every step's memory and import time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import inspect
import json
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
#: The script whose hidden ``_step`` command runs one step (see the module docstring).
ENTRY = BENCH / "run.py"
CHROMIUM = "/usr/bin/chromium"

StepFunction = Callable[[dict[str, Any]], dict[str, Any]]


def ensure_path(folder: Path) -> None:
    """Make ``folder``'s modules importable (the repository for ``tracker``, bench's own)."""
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


ensure_path(ROOT)


# ----- numbers -------------------------------------------------------------------------------


def ms(seconds: float) -> float:
    return seconds * 1000.0


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile (a value that was actually measured)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def summary(values_ms: list[float]) -> dict[str, Any]:
    return {
        "median_ms": statistics.median(values_ms),
        "p95_ms": p95(values_ms),
        "min_ms": min(values_ms),
        "runs_ms": [round(v, 3) for v in values_ms],
    }


# ----- memory --------------------------------------------------------------------------------


def peak_rss_mib() -> float:
    """This process's peak resident memory so far."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def vm_hwm_mib(pid: int) -> float | None:
    """Peak resident memory of another (still running) process, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


# ----- timing inside a step ------------------------------------------------------------------


def quiet_streamlit() -> None:
    """Silence Streamlit's 'missing ScriptRunContext' and cache warnings outside a server run."""
    import logging

    import streamlit.logger

    streamlit.logger.set_log_level("ERROR")
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)


class Timers:
    """Wrap module functions to add up the time spent in them (the outermost call per group).

    Used for the breakdowns only (where an import or a page run spends its time); the headline
    numbers are timed around public calls without replacing anything.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._depth: dict[str, int] = {}

    def wrap(self, owner: Any, attr: str, group: str) -> None:
        original = getattr(owner, attr, None)
        if original is None:
            return  # not in this version of the tracker: skipped, and not listed
        self.seconds.setdefault(group, 0.0)
        self.calls.setdefault(group, 0)
        self._depth.setdefault(group, 0)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._depth[group] += 1
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self._depth[group] -= 1
                if self._depth[group] == 0:
                    self.seconds[group] += time.perf_counter() - started
                    self.calls[group] += 1

        setattr(owner, attr, timed)

    def wrap_public(self, module: Any, group: str) -> None:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and function.__module__ == module.__name__:
                self.wrap(module, name, group)

    def snapshot(self) -> dict[str, float]:
        return dict(self.seconds)

    def since(self, before: dict[str, float], runs: int = 1) -> dict[str, float]:
        return {k: ms(v - before.get(k, 0.0)) / runs for k, v in self.seconds.items()}


# ----- one process per step ------------------------------------------------------------------


class StepFailed(RuntimeError):
    pass


def run_step(name: str, params: dict[str, Any], work: Path, timeout_s: float) -> dict[str, Any]:
    """Run step ``name`` in a fresh Python process (own session, killed as a group on timeout).

    Its output goes to ``work/<name>.log``; the last part of that log is in the error on failure.
    """
    result_path = work / f"result-{name}-{time.time_ns()}.json"
    log_path = work / f"{name}.log"
    command = [sys.executable, str(ENTRY), "_step", name, json.dumps(params), str(result_path)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "STREAMLIT_LOGGER_LEVEL": "error"}
    load_before = os.getloadavg()[0]
    with log_path.open("ab") as log:
        log.write(f"\n=== {name} {json.dumps(params)}\n".encode())
        log.flush()
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
        )
        try:
            code = process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            # The step may have started a server or a browser: end its whole process group.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise StepFailed(f"{name}: no result within {timeout_s:.0f} s") from None
    if code != 0 or not result_path.exists():
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-2500:]
        raise StepFailed(f"{name}: exit status {code}\n{tail}")
    result = json.loads(result_path.read_text(encoding="utf-8"))
    # Other work on the machine skews timings; the 1-minute load average says how much.
    result["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    return result


def run_step_here(step: StepFunction, params_json: str, result_path: str) -> None:
    """Inside the step process: run ``step`` and write its result with this process's peak."""
    result = step(json.loads(params_json))
    result["peak_rss_mib"] = peak_rss_mib()
    Path(result_path).write_text(json.dumps(result), encoding="utf-8")


# ----- what was measured, where --------------------------------------------------------------


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()


def code_version() -> str:
    """The commit measured, marked when the measured code has uncommitted changes."""
    try:
        commit = _git("rev-parse", "--short", "HEAD")
        changed = _git("status", "--porcelain", "--", "tracker", "pages", "queries", "dashboard.py")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + (" + uncommitted changes" if changed else "")


def machine_info() -> dict[str, Any]:
    import duckdb
    import numpy
    import pandas
    import plotly
    import pyarrow
    import streamlit

    info: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pandas.__version__,
        "streamlit": streamlit.__version__,
        "pyarrow": pyarrow.__version__,
        "numpy": numpy.__version__,
        "plotly": plotly.__version__,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        if Path(CHROMIUM).exists():
            info["chromium"] = subprocess.run(
                [CHROMIUM, "--version"], capture_output=True, text=True, timeout=30
            ).stdout.strip()
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        info["git_commit"] = _git("rev-parse", "--short", "HEAD")
    return info
