"""A Streamlit server subprocess on a free port, for browser tests, the load check and the bench.

No Playwright import: the load check (websockets) and the benchmark use the launcher without a
browser. Usage::

    with StreamlitServer(db_path, log_path) as server:
        server.url(url_path(COUNTIES))  # http://127.0.0.1:<port>/fylker
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT_S = 60.0
#: Short, so that the cold-start benchmark's clock is not set by the polling.
HEALTH_POLL_S = 0.05


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StreamlitServer:
    """The dashboard (``python -m tracker serve``, as deployed) on a free port, with its output
    in ``log_path``; with ``script``, that Streamlit script instead (``streamlit run SCRIPT``).

    ``env`` adds to (or overrides) the environment the server inherits, e.g.
    ``{"TRACKER_RELOAD_SECONDS": "2"}``; ``TRACKER_DB`` is always ``db_path``.
    """

    def __init__(
        self,
        db_path: Path,
        log_path: Path,
        *,
        port: int | None = None,
        env: Mapping[str, str] | None = None,
        script: Path | None = None,
    ) -> None:
        self.script = script
        self.db_path = Path(db_path)
        self.log_path = Path(log_path)
        self.port = port or free_port()
        self.env = dict(env or {})
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path_and_query: str = "/") -> str:
        return self.base_url + path_and_query

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"

    def start(self, timeout_s: float = SERVER_START_TIMEOUT_S) -> StreamlitServer:
        launcher = (
            ["tracker", "serve"] if self.script is None else ["streamlit", "run", self.script]
        )
        command = [
            sys.executable,
            "-m",
            *map(str, launcher),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(self.port),
            "--browser.gatherUsageStats",
            "false",
        ]
        env = {
            **os.environ,
            **self.env,
            "TRACKER_DB": str(self.db_path),
            "PYTHONUNBUFFERED": "1",
        }
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            # A file, not a pipe: a full pipe buffer would block the server.
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
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

    def _wait_healthy(self, timeout_s: float) -> None:
        assert self.process is not None
        health = self.url("/_stcore/health")
        deadline = time.monotonic() + timeout_s
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Streamlit server exited with code {self.process.returncode} before it "
                    f"answered {health}.\n--- server log ---\n{self.log()}"
                )
            try:
                with urllib.request.urlopen(health, timeout=2) as response:
                    body = response.read().decode("utf-8", errors="replace").strip()
                if response.status == 200 and body == "ok":
                    return
                last_error = f"HTTP {response.status}: {body[:200]!r}"
            except (urllib.error.URLError, OSError) as exc:
                last_error = str(exc)
            time.sleep(HEALTH_POLL_S)
        raise RuntimeError(
            f"Streamlit server did not answer 'ok' at {health} within {timeout_s:.0f} s "
            f"(last: {last_error}).\n--- server log ---\n{self.log()}"
        )

    def stop(self, grace_s: float = 10.0) -> None:
        """Terminate the server; kill it when it does not exit within ``grace_s``."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=grace_s)

    def __enter__(self) -> StreamlitServer:
        return self.start() if self.process is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
