"""The local cluster (deploy/local-cluster.sh: nginx + N Streamlit replicas) from Python.

For tests/test_cluster.py and bench/cluster.py::

    with LocalCluster(2, db_path, run_dir) as cluster:
        cluster.url("/fylker")               # through nginx
        cluster.kill_replica(cluster.busiest_replica())

The script does the work (the same one an operator runs); this class only picks free ports,
waits for the script's ``url`` file, reads its pid files and logs, and stops it with SIGTERM.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from support.server import free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "local-cluster.sh"
#: Debian's nginx (on PATH for root, always in /usr/sbin).
NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
)
START_TIMEOUT_S = 90.0


class LocalCluster:
    """``deploy/local-cluster.sh REPLICAS PORT`` on free loopback ports, files in ``run_dir``.

    ``env`` adds to the environment the script (and so every replica) inherits, e.g.
    ``{"TRACKER_RELOAD_SECONDS": "2"}``; ``TRACKER_DB`` is always ``db_path``.
    """

    def __init__(
        self,
        replicas: int,
        db_path: Path,
        run_dir: Path,
        *,
        port: int | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.replicas = replicas
        self.db_path = Path(db_path)
        self.run_dir = Path(run_dir)
        self.port = port or free_port()
        ports: set[int] = {self.port}
        while len(ports) < replicas + 1:
            ports.add(free_port())
        self.replica_ports = sorted(ports - {self.port})
        self.env = dict(env or {})
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path_and_query: str = "/") -> str:
        return self.base_url + path_and_query

    @property
    def script_log(self) -> Path:
        return self.run_dir / "cluster.log"

    def replica_log(self, index: int) -> Path:
        return self.run_dir / f"replica-{index}.log"

    def logs(self) -> str:
        """The script's output and every replica's and nginx's log, for failure messages."""
        parts = []
        names = [self.script_log, self.run_dir / "nginx-error.log"]
        names += [self.replica_log(i) for i in range(self.replicas)]
        for path in names:
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = "(missing)"
            parts.append(f"--- {path.name} ---\n{text[-4000:]}")
        return "\n".join(parts)

    def start(self, timeout_s: float = START_TIMEOUT_S) -> LocalCluster:
        if NGINX is None:
            raise RuntimeError("nginx not found (Debian: apt-get install nginx)")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        (self.run_dir / "url").unlink(missing_ok=True)
        env = {
            **os.environ,
            **self.env,
            "TRACKER_DB": str(self.db_path),
            "TRACKER_RUN_DIR": str(self.run_dir),
            "TRACKER_REPLICA_PORTS": " ".join(map(str, self.replica_ports)),
            "TRACKER_START_TIMEOUT": str(int(timeout_s)),
            "NGINX": NGINX,
            # The replicas run in this interpreter (the one with the requirements installed).
            "PYTHON": self.env.get("PYTHON", sys.executable),
        }
        with self.script_log.open("wb") as log:
            # Its own session: if this process dies without stop(), the group can still be
            # found and ended by its id.
            self.process = subprocess.Popen(
                ["bash", str(SCRIPT), str(self.replicas), str(self.port)],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout_s + 15
        try:
            while not (self.run_dir / "url").exists():
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"local-cluster.sh exited with {self.process.returncode} before it was "
                        f"ready\n{self.logs()}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"local cluster not ready within {timeout_s:.0f} s\n{self.logs()}"
                    )
                time.sleep(0.2)
        except BaseException:
            self.stop()
            raise
        return self

    def replica_pid(self, index: int) -> int:
        return int((self.run_dir / f"replica-{index}.pid").read_text().strip())

    def replica_alive(self, index: int) -> bool:
        try:
            os.kill(self.replica_pid(index), 0)
        except (OSError, ValueError):
            return False
        # A killed child stays a zombie until the script reaps it; that is not alive.
        stat = Path(f"/proc/{self.replica_pid(index)}/stat")
        return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))

    def kill_replica(self, index: int, sig: int = signal.SIGKILL) -> None:
        """Kill one replica the hard way (a crash, not a shutdown)."""
        os.kill(self.replica_pid(index), sig)

    def open_connections(self) -> Counter[int]:
        """Replica index → established TCP connections to its port (Linux /proc/net/tcp).

        Nearly all of them are nginx's websocket connections, one per open session.
        """
        counts: Counter[int] = Counter()
        index_of = {port: i for i, port in enumerate(self.replica_ports)}
        try:
            lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
        except OSError:
            return counts
        for line in lines:
            fields = line.split()
            local, state = fields[1], fields[3]
            port = int(local.split(":")[1], 16)
            if state == "01" and port in index_of:  # 01 = ESTABLISHED
                counts[index_of[port]] += 1
        return counts

    def busiest_replica(self) -> int:
        """The replica holding the most connections right now (0 when nothing can be seen)."""
        counts = self.open_connections()
        return max(range(self.replicas), key=lambda i: counts[i])

    def access_log(self) -> list[str]:
        try:
            return (self.run_dir / "access.log").read_text(encoding="utf-8").splitlines()
        except OSError:
            return []

    def stop(self, grace_s: float = 20.0) -> None:
        """SIGTERM to the script, which stops nginx and the replicas; KILL the group if stuck."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=grace_s)

    def __enter__(self) -> LocalCluster:
        return self.start() if self.process is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
