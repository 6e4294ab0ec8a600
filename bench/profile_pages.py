"""Where a warm page run spends its time: py-spy over repeated runs of each page.

    python -m pip install py-spy   # a sampling profiler; not needed by the app or the tests
    python bench/profile_pages.py [--seconds 12] [--app-dir DIR] [--top 25] [--out FILE]

For each page, a child process runs the page with Streamlit's AppTest twice (to fill caches, as a
server that has served the view once), then again and again for ``--seconds`` while py-spy
samples it. Printed per page: warm run times (ms) and the functions with the largest share of
the script thread's samples (inclusive). ``--app-dir`` profiles another checkout, e.g. the commit
before a change (``git worktree add /tmp/before <commit>``), for a before/after comparison.
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PAGES = (
    "dashboard.py",
    "pages/fylker.py",
    "pages/kommuner.py",
    "pages/sektorer.py",
    "pages/kommunetyper.py",
    "pages/metode.py",
)

#: Runs in the child process: a page under AppTest, repeated until the time is up.
CHILD = """
import sys, time
app, script, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
sys.path.insert(0, app)
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(app + "/dashboard.py", default_timeout=300)
if script != "dashboard.py":
    at.switch_page(script)
at.run(); at.run()
times = []
started = time.monotonic()
while time.monotonic() - started < seconds:
    t0 = time.perf_counter(); at.run(); times.append(1000 * (time.perf_counter() - t0))
times.sort()
print(f"warm runs: {len(times)}, median {times[len(times) // 2]:.0f} ms, best {times[0]:.0f} ms")
"""


LINE_NUMBER = re.compile(r":\d+\)$")


def inclusive_shares(raw: Path) -> tuple[int, list[tuple[str, float]]]:
    """Samples of the script thread and each function's inclusive share, from py-spy's raw file."""
    shares: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if "_run_script" not in stack:
            continue  # other threads: the server's and AppTest's own
        total += int(count)
        seen = set()
        for frame in stack.split(";"):
            name, _, where = frame.partition(" (")
            key = f"{name} ({Path(LINE_NUMBER.sub('', where)).name})"
            if key not in seen:
                seen.add(key)
                shares[key] += int(count)
    return total, [(key, n / total) for key, n in shares.most_common()] if total else []


def profile(app_dir: Path, script: str, seconds: float, work: Path) -> str:
    raw = work / (script.replace("/", "_") + ".txt")
    command = [sys.executable, "-c", CHILD, str(app_dir), script, str(seconds)]
    done = subprocess.run(
        ["py-spy", "record", "-r", "200", "-f", "raw", "-o", str(raw), "--", *command],
        capture_output=True,
        text=True,
        check=False,
    )
    timing = next((ln for ln in done.stdout.splitlines() if ln.startswith("warm runs")), "")
    if not raw.exists():
        return f"{script}: py-spy failed: {done.stderr[-500:]}"
    total, shares = inclusive_shares(raw)
    # Skip the frames every run has (thread start, script runner, the page module itself).
    body = [(k, s) for k, s in shares if s < 0.9]
    lines = [f"## {script}: {timing}; {total} samples", ""]
    lines += [f"{100 * share:5.1f} %  {key}" for key, share in body[: ARGS.top]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=12.0, help="per page (12)")
    parser.add_argument("--app-dir", type=Path, default=BENCH.parent, help="checkout to profile")
    parser.add_argument("--top", type=int, default=25, help="functions shown per page (25)")
    parser.add_argument("--pages", nargs="*", default=list(PAGES))
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    ARGS = parser.parse_args(argv)
    if shutil.which("py-spy") is None:
        print("py-spy is not installed: python -m pip install py-spy", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="profile-") as tmp:
        parts = [profile(ARGS.app_dir.resolve(), p, ARGS.seconds, Path(tmp)) for p in ARGS.pages]
    text = "\n\n".join([f"# Warm page runs of {ARGS.app_dir.resolve()}", *parts]) + "\n"
    print(text)
    if ARGS.out:
        ARGS.out.write_text(text, encoding="utf-8")
    return 0


ARGS = argparse.Namespace(top=25)

if __name__ == "__main__":
    sys.exit(main())
