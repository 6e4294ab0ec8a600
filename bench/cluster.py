"""Scale-out through nginx: 1 vs 2 Streamlit replicas under the same load, then a replica killed.

    python bench/cluster.py [--sessions 50] [--seconds 90] [--out bench/results/cluster.md]

For each configuration it starts deploy/local-cluster.sh (Debian's nginx in front of the
replicas, as tests/test_cluster.py does) on a fresh survey database built from the demo files,
and runs ``tests/load_check.py --url <nginx> --db <database>`` in its own process: ``--sessions``
websocket users for ``--seconds``, a new wave imported halfway, every headline number compared
with the CLI's. It prints the median and 95th percentile page run time and the errors per
configuration. Then the kill test: 2 replicas, the same load without the import, and halfway the
replica holding the most connections is killed (SIGKILL): how many websockets were lost, whether
every user who lost one ran pages again without errors (on the other replica: the killed one is
gone), and whether any wrong number was shown. The table goes to ``--out`` (Markdown).

A figure, not a pass mark: run it on a quiet machine (the load generator shares the CPUs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TESTS = ROOT / "tests"
for _path in (ROOT, TESTS):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from support.cluster import NGINX, LocalCluster  # noqa: E402

from tracker.data.importer import import_files  # noqa: E402
from tracker.data.settings import DEMO_DIR  # noqa: E402

LOAD_CHECK = TESTS / "load_check.py"
RELOAD_SECONDS = 2
KILL_AT = 0.5


@dataclass
class Outcome:
    """One load run through nginx, read from load_check's report."""

    name: str
    replicas: int
    report: str
    exit_code: int
    median_s: float | None = None
    p95_s: float | None = None
    page_runs: int = 0
    errors: int = 0
    connections_lost: int = 0
    users_lost: int = 0
    users_recovered: int = 0
    wrong_numbers: int = 0
    numbers_checked: int = 0
    notes: list[str] = field(default_factory=list)


def _number(pattern: str, text: str, cast: type = int) -> float | int | None:
    match = re.search(pattern, text)
    return cast(match[1]) if match else None


def read_report(name: str, replicas: int, report: str, exit_code: int) -> Outcome:
    """The figures of a load_check report (its text is its interface)."""
    outcome = Outcome(name, replicas, report, exit_code)
    outcome.median_s = _number(r"run time: median ([\d.]+) s", report, float)
    outcome.p95_s = _number(r"95th percentile ([\d.]+) s", report, float)
    outcome.page_runs = int(_number(r"page runs: (\d+)", report) or 0)
    if match := re.search(r"^  errors: (\d+)$", report, re.M):
        outcome.errors = int(match[1])
    if match := re.search(
        r"connections lost: (\d+) \((\d+) users; (\d+) of them.*wrong headline numbers: (\d+)",
        report,
    ):
        lost, users, recovered, wrong = map(int, match.groups())
        outcome.connections_lost, outcome.users_lost = lost, users
        outcome.users_recovered, outcome.wrong_numbers = recovered, wrong
    outcome.numbers_checked = int(_number(r"checked against the CLI: (\d+)", report) or 0)
    return outcome


def survey_database(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "survey.duckdb"
    import_files(sorted(DEMO_DIR.glob("*.csv")), db, kind="survey")
    return db


def run_load(
    cluster: LocalCluster, db: Path, args: argparse.Namespace, workdir: Path, *, no_import: bool
) -> tuple[str, int]:
    command = [
        sys.executable,
        str(LOAD_CHECK),
        "--url",
        cluster.base_url,
        "--db",
        str(db),
        "--sessions",
        str(args.sessions),
        "--seconds",
        str(args.seconds),
        "--reload-seconds",
        str(RELOAD_SECONDS),
        "--workdir",
        str(workdir),
    ]
    for i in range(cluster.replicas):
        command += ["--server-log", str(cluster.replica_log(i))]
    if no_import:
        command.append("--no-import")
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout + done.stderr, done.returncode


def measure(replicas: int, args: argparse.Namespace, scratch: Path) -> Outcome:
    name = f"{replicas} replica{'s' if replicas > 1 else ''}"
    folder = scratch / f"replicas-{replicas}"
    db = survey_database(folder / "db")
    env = {"TRACKER_RELOAD_SECONDS": str(RELOAD_SECONDS)}
    print(
        f"\n== {name}: {args.sessions} sessions for {args.seconds:.0f} s through nginx", flush=True
    )
    with LocalCluster(replicas, db, folder / "run", env=env) as cluster:
        report, code = run_load(cluster, db, args, folder / "load", no_import=False)
    print(report, flush=True)
    return read_report(name, replicas, report, code)


def kill_test(args: argparse.Namespace, scratch: Path) -> Outcome:
    folder = scratch / "kill"
    db = survey_database(folder / "db")
    env = {"TRACKER_RELOAD_SECONDS": str(RELOAD_SECONDS)}
    print(
        f"\n== kill test: 2 replicas, {args.sessions} sessions for {args.seconds:.0f} s, "
        f"the busiest replica killed at {KILL_AT * args.seconds:.0f} s",
        flush=True,
    )
    killed: list[str] = []
    with LocalCluster(2, db, folder / "run", env=env) as cluster:

        def kill() -> None:
            # load_check first computes the CLI's numbers; the clock starts with its users.
            deadline = time.monotonic() + 120
            while not cluster.open_connections() and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(KILL_AT * args.seconds)
            replica = cluster.busiest_replica()
            held = cluster.open_connections()
            cluster.kill_replica(replica)
            killed.append(
                f"replica {replica} killed with {held[replica]} open connections "
                f"(the other held {held[1 - replica]})"
            )

        killer = threading.Thread(target=kill, daemon=True)
        killer.start()
        report, code = run_load(cluster, db, args, folder / "load", no_import=True)
        killer.join(timeout=5)
        alive = [cluster.replica_alive(i) for i in range(2)]
    print(report, flush=True)
    outcome = read_report("2 replicas, one killed", 2, report, code)
    outcome.notes = [*killed, f"replicas alive at the end: {alive}"]
    print("\n".join(outcome.notes), flush=True)
    return outcome


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def markdown(outcomes: list[Outcome], kill: Outcome, args: argparse.Namespace) -> str:
    when = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        "# Scale-out through nginx (bench/cluster.py)",
        "",
        f"{when}; {platform.node()}, {os.cpu_count()} CPUs, load average before the run "
        f"{args.load_before:.2f} (after {load:.2f}); {args.sessions} websocket sessions for "
        f"{args.seconds:.0f} s per configuration, think time 0.5–3 s, a new wave imported "
        "halfway, every headline number compared with the CLI. Reproduce: "
        f"`python bench/cluster.py --sessions {args.sessions} --seconds {args.seconds:.0f}`.",
        "",
        "| configuration | page runs | median run | p95 run | errors | numbers checked |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for o in outcomes:
        lines.append(
            f"| {o.name} behind nginx | {o.page_runs} | {_seconds(o.median_s)} | "
            f"{_seconds(o.p95_s)} | {o.errors} | {o.numbers_checked} |"
        )
    lines += [
        "",
        f"Kill test (2 replicas, no import, the busiest replica SIGKILLed at "
        f"{KILL_AT * args.seconds:.0f} s): {kill.connections_lost} websocket(s) lost by "
        f"{kill.users_lost} user(s); {kill.users_recovered} of them ran pages again without "
        f"errors on the surviving replica; wrong numbers shown: {kill.wrong_numbers} "
        f"({kill.numbers_checked} checked); errors other than the lost connections: "
        f"{kill.errors - kill.connections_lost}; median run {_seconds(kill.median_s)}, "
        f"p95 {_seconds(kill.p95_s)}.",
    ]
    lines += [f"- {note}" for note in kill.notes]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=50, help="concurrent users (50)")
    parser.add_argument("--seconds", type=float, default=90.0, help="load per configuration (90)")
    parser.add_argument(
        "--replicas", type=int, nargs="+", default=[1, 2], help="configurations (1 2)"
    )
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "cluster.md")
    parser.add_argument("--keep", type=Path, help="keep databases and logs in this folder")
    args = parser.parse_args(argv)
    if NGINX is None:
        print("nginx not found (Debian: apt-get install nginx)", file=sys.stderr)
        return 1
    args.load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tracker-cluster-bench-") as tmp:
        scratch = args.keep or Path(tmp)
        outcomes = [measure(n, args, scratch) for n in args.replicas]
        kill = kill_test(args, scratch)
    text = markdown(outcomes, kill, args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"\n{text}\n(written to {args.out}; {time.monotonic() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
