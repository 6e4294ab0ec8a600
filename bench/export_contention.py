"""Export contention: how much longer one PNG download takes while a chart pack is rendering.

    python bench/export_contention.py [--charts 20] [--repeats 10] [--packs 1] [--plain-lock]

Every image is drawn by one kaleido server per process (tracker/present/export.py), so a single
PNG download from one user can queue behind a chart pack (every chart × PNG and SVG) from another.
The target: a single PNG while a pack renders takes at most TARGET_EXTRA_S seconds more than on
an idle server.

The script builds the demo database in a temporary directory and the overview and county charts
from it (tracker/present/charts.py, the figures the pages draw), then, in one process:

1. warms the kaleido server up and times ``--repeats`` single PNG renders (preset "slide") of the
   national trend chart on an idle server;
2. runs ``chart_pack`` of ``--charts`` charts in a background thread (``--packs`` threads for
   several users making packs at once), over and over, and times ``--repeats`` single PNG renders
   of the same chart started at staggered moments while the packs are in progress.

It prints the median and maximum of both, the difference and whether the target is met; it never
asserts on timings. ``--plain-lock`` puts back the old gate (one plain ``threading.Lock`` for
every render, no priority) to measure the behaviour before the fix. Needs Chromium or Chrome
(Debian: ``apt-get install chromium``, or set BROWSER_PATH).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import plotly.graph_objects as go  # noqa: E402

from tracker.data.build import build_demo  # noqa: E402
from tracker.data.db import open_snapshot  # noqa: E402
from tracker.data.settings import Settings, load_settings  # noqa: E402
from tracker.present import charts, county_charts, export  # noqa: E402
from tracker.present.charts import ChartContext  # noqa: E402
from tracker.stats import kpi  # noqa: E402

TARGET_EXTRA_S = 2.0
PRESET = "slide"
WARM_UP = 3
#: Pauses before each timed render under load, so that the renders arrive at different points of
#: the pack image being drawn (start, middle, end) instead of in step with the pack.
STAGGER_S = (0.05, 0.31, 0.17, 0.43, 0.11, 0.26, 0.37, 0.02)


def build_figures(count: int) -> list[tuple[str, go.Figure]]:
    """``count`` (stem, figure) pairs as the pages draw them from the demo database."""
    settings = load_settings({})
    with tempfile.TemporaryDirectory(prefix="export-contention-") as tmp:
        db = Path(tmp) / "demo.duckdb"
        build_demo(db)
        snapshot = open_snapshot(db)
        try:
            waves = sorted(int(w) for w in snapshot.query("waves_by_year")["wave_year"])
            figures: list[tuple[str, go.Figure]] = []
            for measure, wave in itertools.product(kpi.ROLE_BY_MEASURE, reversed(waves)):
                figures.extend(_page_figures(snapshot.query, measure, wave, settings))
        finally:
            snapshot.close()
    if not figures:
        raise SystemExit("the demo database gave no charts")
    return [(f"{stem}-{i}", fig) for i, (stem, fig) in zip(range(count), itertools.cycle(figures))]


def _page_figures(
    query: kpi.QueryFn, measure: str, wave: int, settings: Settings
) -> list[tuple[str, go.Figure]]:
    # The overview's and the county page's charts for one measure and wave (dashboard.py,
    # pages/fylker.py).
    ctx = ChartContext(
        lang="nb", demo=True, subtitle=f"Definisjon: {measure}", source=f"Kilde: demo {wave}"
    )
    national = kpi.kpi_table(query, "national", measure, settings)
    national = national[national["wave_year"] <= wave]
    county_all = kpi.kpi_table(query, "county", measure, settings)
    county = county_all[county_all["wave_year"] == wave].reset_index(drop=True)
    progress = kpi.progress_table(query, "county", measure, settings, until_wave=wave)
    target = settings.target_share
    return [
        (
            f"trend-{measure}-{wave}",
            charts.national_trend(
                national,
                target_share=target,
                baseline_year=settings.baseline_year,
                target_year=settings.target_year,
                ctx=ctx,
            ),
        ),
        (f"tiles-{measure}-{wave}", county_charts.county_tiles(progress, county, ctx=ctx)),
        (
            f"dots-{measure}-{wave}",
            county_charts.county_dots(
                county, progress, target_share=target, relative=False, min_n=settings.min_n, ctx=ctx
            ),
        ),
        (
            f"multiples-{measure}-{wave}",
            county_charts.county_small_multiples(
                county_all[county_all["wave_year"] <= wave],
                progress,
                target_share=target,
                relative=False,
                ctx=ctx,
            ),
        ),
    ]


class PlainLockGate:
    """The gate before the fix: one plain lock, first come (or first to grab it) first served."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def turn(self, *, background: bool) -> Iterator[None]:
        del background  # the old lock had no priorities
        with self._lock:
            yield


def timed_render(fig: go.Figure) -> float:
    start = time.perf_counter()
    data = export.render(fig, "png", PRESET)
    elapsed = time.perf_counter() - start
    if not data.startswith(b"\x89PNG"):
        raise SystemExit("kaleido returned something that is not a PNG")
    return elapsed


class PackLoop:
    """``packs`` chart packs rendered back to back, each in its own thread, until stopped."""

    def __init__(self, figures: list[tuple[str, go.Figure]], packs: int) -> None:
        self.figures = figures
        self.stop = threading.Event()
        self.pack_seconds: list[float] = []
        self.error: BaseException | None = None
        self._changed = threading.Condition()
        self._mid_pack = [False] * packs  # from a pack's first image done to its last
        self.threads = [
            threading.Thread(target=self._run, args=(i,), name=f"chart-pack-{i}", daemon=True)
            for i in range(packs)
        ]

    def _run(self, index: int) -> None:
        def progress(done: int, total: int, name: str) -> None:
            with self._changed:
                self._mid_pack[index] = done < total
                self._changed.notify_all()

        try:
            while not self.stop.is_set():
                start = time.perf_counter()
                export.chart_pack(self.figures, PRESET, progress)
                self.pack_seconds.append(time.perf_counter() - start)
        except BaseException as exc:  # reported by the main thread
            self.error = exc
            self.stop.set()
        finally:
            with self._changed:
                self._mid_pack[index] = False
                self._changed.notify_all()

    def all_mid_pack(self) -> bool:
        with self._changed:
            return all(self._mid_pack)

    def wait_all_mid_pack(self, timeout: float) -> bool:
        with self._changed:
            return (
                self._changed.wait_for(lambda: all(self._mid_pack) or self.stop.is_set(), timeout)
                and not self.stop.is_set()
            )

    def __enter__(self) -> PackLoop:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


def measure_under_pack(single: go.Figure, packs: PackLoop, repeats: int) -> list[float]:
    times: list[float] = []
    pauses = itertools.cycle(STAGGER_S)
    while len(times) < repeats:
        if not packs.wait_all_mid_pack(timeout=300):
            if packs.error is not None:
                raise SystemExit(f"the chart pack failed: {packs.error!r}")
            raise SystemExit("the chart packs did not get going within five minutes")
        time.sleep(next(pauses))
        if not packs.all_mid_pack():
            continue  # a pack just ended, so the server is less busy: do not count this one
        times.append(timed_render(single))
    return times


def summary(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), max(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--charts", type=int, default=20, help="charts in the pack (default 20)")
    parser.add_argument("--repeats", type=int, default=10, help="timed renders (default 10)")
    parser.add_argument(
        "--packs", type=int, default=1, help="chart packs rendering at once (default 1)"
    )
    parser.add_argument(
        "--plain-lock", action="store_true", help="measure the old single-lock behaviour"
    )
    args = parser.parse_args(argv)
    if min(args.charts, args.repeats, args.packs) < 1:
        parser.error("--charts, --repeats and --packs must be at least 1")
    if export.browser_path() is None:
        print(
            "export_contention: no Chromium/Chrome found; install it (Debian: apt-get install "
            "chromium) or set BROWSER_PATH",
            file=sys.stderr,
        )
        return 2
    if args.plain_lock:
        if not hasattr(export, "_gate"):
            print("export_contention: this export module has no gate to replace", file=sys.stderr)
            return 2
        export._gate = PlainLockGate()

    print(f"building {args.charts} charts from the demo database …", flush=True)
    figures = build_figures(args.charts)
    single = figures[0][1]
    gate = "plain lock (before)" if args.plain_lock else "priority gate"
    if not hasattr(export, "_gate"):
        gate = "plain lock (export.py without the gate)"
    print(
        f"gate: {gate}; {args.packs} pack(s) at once, each {len(figures)} charts × "
        f"{len(export.FORMATS)} formats",
        flush=True,
    )

    for _ in range(WARM_UP):
        timed_render(single)
    idle = [timed_render(single) for _ in range(args.repeats)]

    with PackLoop(figures, args.packs) as packs:
        loaded = measure_under_pack(single, packs, args.repeats)
    if packs.error is not None:
        raise SystemExit(f"the chart pack failed: {packs.error!r}")

    idle_median, idle_max = summary(idle)
    load_median, load_max = summary(loaded)
    extra_median, extra_max = load_median - idle_median, load_max - idle_median
    print()
    rows = [
        ("idle server", idle_median, idle_max),
        (f"during {args.packs} pack(s) of {len(figures)} charts", load_median, load_max),
        ("more than the idle median", extra_median, extra_max),
    ]
    print(f"single PNG ({PRESET}), {args.repeats} renders each  {'median':>9} {'max':>9}")
    for label, middle, worst in rows:
        print(f"  {label:<38} {middle:7.2f} s {worst:7.2f} s")
    if packs.pack_seconds:
        per_pack = statistics.median(packs.pack_seconds)
        print(f"  (a full pack took {per_pack:.1f} s, {len(packs.pack_seconds)} completed)")
    met = extra_max <= TARGET_EXTRA_S
    verdict = "met" if met else "NOT met"
    print(
        f"target: at most {TARGET_EXTRA_S:.0f} s more than idle (worst render): {verdict} "
        f"({extra_max:.2f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
