"""Concurrent-load check: many real websocket sessions against one Streamlit server.

    python tests/load_check.py --sessions 25 --seconds 120

What it does:

1. Builds a survey database from the demo files in a temporary folder and computes, with the
   CLI (``python -m tracker kpi --by national``), the national share per measure and wave, both
   for that database and for a copy into which the new wave was already imported.
2. Starts one Streamlit server on the database (``TRACKER_RELOAD_SECONDS`` short).
3. Runs ``--sessions`` simulated users at once, each a real websocket speaking Streamlit's
   protocol (:mod:`support.ws_client`), spread over every page. Each user reads for a moment (the
   page's reload timer fires meanwhile, as in a browser), then switches language, measure or
   target mode in the sidebar, picks another wave on the overview, moves to another page or
   reopens the app with a deep link.
4. Halfway through, imports a new wave (2026) with ``python -m tracker import`` while the users
   keep working.

With ``--url http://127.0.0.1:PORT`` it drives a deployment that is already running (for example
deploy/local-cluster.sh's nginx) instead of starting its own server: ``--db PATH`` names the
database that deployment reads (the CLI's expectations are computed from it, and the new wave is
imported into it halfway unless ``--no-import``), and ``--server-log PATH`` (repeatable) names logs
to search for tracebacks.

Counted as errors: an exception element, an ``st.error`` box, ``page_not_found``, a run that
does not finish within the run timeout, a dropped connection, a headline share that differs from
the CLI's, a run that starts more than ``TRACKER_RELOAD_SECONDS`` + 1 s after the import finished
and still shows the old waves, and a traceback in the server log.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import io
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
for _path in (ROOT, TESTS):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from support.server import StreamlitServer  # noqa: E402
from support.ws_client import ConnectionLost, Run, RunTimeout, StreamlitClient  # noqa: E402

from tracker.app import contract  # noqa: E402
from tracker.app.contract import (  # noqa: E402
    COUNTY,
    LANG,
    MEASURE,
    TARGET,
    WAVE,
    widget_key,
)
from tracker.data.importer import import_files  # noqa: E402
from tracker.data.settings import DEMO_DIR, REFERENCE_DIR  # noqa: E402
from tracker.present import format as fmt  # noqa: E402
from tracker.present.i18n import DEFAULT_LANGUAGE, t  # noqa: E402

#: Page script → the page name the websocket protocol uses: the URL path without its "/"
#: ("" is the main page), from the app's contract.
PAGES = {script: contract.url_path(script).removeprefix("/") for script, _ in contract.PAGES}
MAIN_PAGE = PAGES[contract.OVERVIEW]
#: Pages that read a wave / a county from the URL (a deep link may carry one).
WAVE_PAGES = (PAGES[contract.OVERVIEW], PAGES[contract.COUNTIES])
COUNTY_PAGES = (PAGES[contract.COUNTIES], PAGES[contract.MUNICIPALITIES])
METHOD_PAGE = PAGES[contract.METHOD]
MEASURES = ("municipalities", "units")
NEW_WAVE = 2026
SIDEBAR_CHOICES = (LANG, MEASURE, TARGET)
HEADLINE = re.compile(r"^(?P<word>Andel|Share) (?P<wave>\d{4})$")
HEADLINE_LANG = {"Andel": "nb", "Share": "en"}
#: The measure radio's option labels (both languages) → measure.
MEASURE_BY_LABEL = {t(f"measure_{m}", lang): m for m in MEASURES for lang in fmt.LANGUAGES}
WAVE_COLUMNS = {"Bølge", "Wave"}
YEAR = re.compile(r"\b\d{4}\b")
#: The wave list in the method page's dataset summary ("**Bølger:** 2018, 2020 og 2024.").
METHOD_WAVES = re.compile(r"\*\*(?:Bølger|Waves):\*\* (?P<waves>\d{4}(?:(?:, | og | and )\d{4})*)")
#: Initial URL values a user may arrive with (deep links); None means "not in the URL".
START_VALUES: dict[str, tuple[str | None, ...]] = {
    LANG: (None, "nb", "en"),
    MEASURE: (None, "municipalities", "units"),
    TARGET: (None, "absolute", "relative"),
}
START_WAVES = (None, "2018", "2020", "2024")
START_COUNTIES = (None, "03", "46", "50")

Expectations = dict[tuple[str, int], float | None]


@dataclass
class LoadConfig:
    sessions: int = 25
    seconds: float = 120.0
    reload_seconds: int = 2
    run_timeout: float = 60.0
    #: A user reads a page for a random time in this range (seconds) before the next action.
    think: tuple[float, float] = (0.5, 3.0)
    #: When the new wave is imported, as a fraction of ``seconds``.
    import_at: float = 0.5
    seed: int = 30
    pages: tuple[str, ...] = tuple(PAGES)
    #: Where the database, the import file and the server log go (a temporary folder if None).
    workdir: Path | None = None
    #: Keep Streamlit's source file watcher on. Off by default: in a checkout that others edit
    #: while the check runs, every saved .py file makes each session's next run drop the
    #: project's modules from sys.modules while other sessions' runs import them, which fails
    #: those runs with KeyError / AttributeError (a Streamlit development feature, not load).
    watch_files: bool = False
    #: Drive this running deployment ("http://127.0.0.1:8080") instead of starting a server.
    url: str | None = None
    #: With ``url``: the database that deployment reads (expectations, midway import).
    db: Path | None = None
    #: Import the new wave halfway (off: only the numbers are checked, against ``db`` as it is).
    do_import: bool = True
    #: With ``url``: server logs searched for tracebacks at the end.
    server_logs: tuple[Path, ...] = ()


@dataclass
class LoadReport:
    config: LoadConfig
    users_started: int = 0
    sessions_opened: int = 0
    page_runs: int = 0
    automatic_runs: int = 0
    runs_by_page: Counter[str] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)
    numbers_checked: int = 0
    #: "measure wave" → how many headline shares of that kind were compared with the CLI.
    checked_by_kind: Counter[str] = field(default_factory=Counter)
    durations: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    import_at: float | None = None
    import_seconds: float | None = None
    import_output: str = ""
    #: Users with a run after the reload grace period on a page that shows the waves.
    users_checked_after_import: set[int] = field(default_factory=set)
    #: User → seconds from the end of the import to the first run that showed the new wave.
    users_saw_new_wave: dict[int, float] = field(default_factory=dict)
    server_log: Path | None = None
    server_tracebacks: list[str] = field(default_factory=list)
    #: Websockets that broke under a user (also counted in ``errors``), e.g. a replica killed.
    connections_lost: int = 0
    users_lost_connection: set[int] = field(default_factory=set)
    #: Users who lost a connection and later had a run without errors (on a new session).
    users_recovered: set[int] = field(default_factory=set)
    #: Headline shares that differed from the CLI's (also in ``errors``).
    wrong_numbers: int = 0

    def error(self, text: str) -> None:
        self.errors.append(text)

    def summary(self) -> str:
        verdict = "PASS" if not self.errors else "FAIL"
        return (
            f"load check {verdict}: {self.users_started} concurrent sessions "
            f"({self.sessions_opened} opened), {self.page_runs} page runs in {self.elapsed:.0f} s, "
            f"{len(self.errors)} errors, {self.numbers_checked} headline numbers checked"
            + (
                f", {len(self.users_saw_new_wave)}/{self.users_started} sessions saw wave "
                f"{NEW_WAVE}"
                if self.config.do_import
                else ""
            )
        )

    def text(self) -> str:
        cfg = self.config
        pages = ", ".join(f"{page} {self.runs_by_page[page]}" for page in cfg.pages)
        actions = ", ".join(f"{name} {n}" for name, n in sorted(self.actions.items()))
        target = (
            f"the deployment at {cfg.url} (reload timer assumed {cfg.reload_seconds} s)"
            if cfg.url
            else f"one Streamlit server (TRACKER_RELOAD_SECONDS={cfg.reload_seconds}, "
            f"file watcher {'on' if cfg.watch_files else 'off'})"
        )
        lines = [
            f"Load check: {cfg.sessions} concurrent websocket sessions for {cfg.seconds:.0f} s "
            f"against {target}",
            f"  sessions: {self.users_started} users, {self.sessions_opened} websocket sessions "
            "opened",
            f"  page runs: {self.page_runs} ({pages}); {self.automatic_runs} started by the "
            "reload timer",
            f"  user actions: {actions or 'none'}",
        ]
        if self.durations:
            ordered = sorted(self.durations)
            p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
            lines.append(
                f"  run time: median {statistics.median(ordered):.2f} s, "
                f"95th percentile {p95:.2f} s, max {ordered[-1]:.2f} s"
            )
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.checked_by_kind.items()))
        lines.append(
            f"  headline shares checked against the CLI: {self.numbers_checked}"
            + (f" ({kinds})" if kinds else "")
        )
        if self.import_at is None:
            lines.append(f"  import of wave {NEW_WAVE}: not run")
        else:
            lines.append(
                f"  import of wave {NEW_WAVE} at {self.import_at:.1f} s took "
                f"{self.import_seconds or 0:.1f} s"
            )
            latencies = sorted(self.users_saw_new_wave.values())
            seen = (
                f" (first {latencies[0]:.1f} s, last {latencies[-1]:.1f} s after the import)"
                if latencies
                else ""
            )
            lines.append(
                f"  sessions that saw wave {NEW_WAVE}: {len(self.users_saw_new_wave)} of "
                f"{self.users_started}{seen}; {len(self.users_checked_after_import)} were "
                f"checked after the {cfg.reload_seconds + 1} s grace period"
            )
        lines.append(
            f"  connections lost: {self.connections_lost} ({len(self.users_lost_connection)} "
            f"users; {len(self.users_recovered & self.users_lost_connection)} of them had an "
            f"error-free run afterwards); wrong headline numbers: {self.wrong_numbers}"
        )
        lines.append(f"  errors: {len(self.errors)}")
        shown = Counter(self.errors)
        for text, n in shown.most_common(20):
            lines.append(f"    - {text}" + (f"  (×{n})" if n > 1 else ""))
        if len(shown) > 20:
            lines.append(f"    … and {len(shown) - 20} more kinds")
        lines.append(f"  tracebacks in the server log: {len(self.server_tracebacks)}")
        if self.server_log is not None:
            lines.append(f"  server log: {self.server_log}")
        lines.append(self.summary())
        return "\n".join(lines)


# Preparation ----------------------------------------------------------------------------------


def write_new_wave(path: Path, year: int = NEW_WAVE) -> Path:
    """A small valid survey file in the import format: 40 chief executives, 30 unit leaders."""
    with (REFERENCE_DIR / "municipalities.csv").open(encoding="utf-8") as handle:
        codes = sorted(row["municipality_code"] for row in csv.DictReader(handle))
    rng = random.Random(year)
    chosen = rng.sample(codes, 40)
    sectors = ("helse_omsorg", "oppvekst_utdanning", "sosial", "kultur", "teknisk")
    partners = ("universitet_hogskole", "forskningsinstitutt", "annet")
    header = (
        "wave_year,respondent_id,municipality_code,respondent_role,sector,weight,innovated,"
        "research_collaboration,research_partner"
    )
    rows = [header]
    for i, code in enumerate(chosen):
        yes = i < 14  # 14 of 40: 35 %
        partner = partners[i % 3] if yes else ""
        rows.append(
            f"{year},C{year}-{i + 1:03d},{code},chief_executive,,,ja,"
            f"{'ja' if yes else 'nei'},{partner}"
        )
    for i in range(30):
        innovated = i < 24
        collaborated = "ja" if i < 9 else "nei" if innovated else ""
        partner = partners[i % 3] if collaborated == "ja" else ""
        rows.append(
            f"{year},U{year}-{i + 1:03d},{chosen[i]},unit_leader,{sectors[i % 5]},"
            f"{rng.uniform(0.5, 1.5):.2f},{'ja' if innovated else 'nei'},{collaborated},{partner}"
        )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def cli_expectations(db: Path, measure: str) -> Expectations:
    """(measure, wave) → national share (None when suppressed), from the CLI's CSV output."""
    done = _cli("kpi", "--by", "national", "--measure", measure, "--format", "csv", "--db", str(db))
    if done.returncode != 0:
        raise RuntimeError(f"tracker kpi failed ({done.returncode}): {done.stderr}{done.stdout}")
    table: Expectations = {}
    for row in csv.DictReader(io.StringIO(done.stdout)):
        share = float(row["share"]) if row["share"] else None
        table[(row["measure"], int(row["wave_year"]))] = share
    if not table:
        raise RuntimeError(f"tracker kpi printed no rows for {measure}: {done.stdout!r}")
    return table


def import_wave(db: Path, file: Path) -> subprocess.CompletedProcess[str]:
    return _cli("import", str(file), "--db", str(db))


@dataclass
class Prepared:
    db: Path
    new_wave_file: Path
    before: Expectations
    after: Expectations


def prepare(workdir: Path, db: Path | None = None, *, do_import: bool = True) -> Prepared:
    """Survey database, the new wave's file and the CLI's numbers before and after importing it.

    ``db``: an existing database (a running deployment's), left as it is; otherwise one is built
    from the demo files in ``workdir``. Without ``do_import`` the numbers are the CLI's for the
    database as it is, before and after alike.
    """
    if db is None:
        db = workdir / "survey.duckdb"
        import_files(sorted(DEMO_DIR.glob("*.csv")), db, kind="survey")
    new_wave = write_new_wave(workdir / f"survey_{NEW_WAVE}.csv")
    if not do_import:
        table: Expectations = {}
        for measure in MEASURES:
            table.update(cli_expectations(db, measure))
        return Prepared(db, new_wave, table, table)
    copy = workdir / "after-import.duckdb"
    shutil.copyfile(db, copy)
    done = import_wave(copy, new_wave)
    if done.returncode != 0:
        raise RuntimeError(f"importing {new_wave.name} into a copy failed: {done.stdout}")
    with ThreadPoolExecutor(4) as pool:
        jobs = {
            (which, m): pool.submit(cli_expectations, path, m)
            for which, path in (("before", db), ("after", copy))
            for m in MEASURES
        }
        before: Expectations = {}
        after: Expectations = {}
        for (which, _measure), job in jobs.items():
            (before if which == "before" else after).update(job.result())
    if any(wave == NEW_WAVE for _, wave in before) or not any(w == NEW_WAVE for _, w in after):
        raise RuntimeError(f"wave {NEW_WAVE} should appear only after the import")
    return Prepared(db, new_wave, before, after)


# Checks ---------------------------------------------------------------------------------------


def shows_new_wave(run: Run) -> bool | None:
    """Whether the run shows the new wave; None when the page does not list the waves."""
    wave = run.widgets.get(widget_key(WAVE))
    if wave is not None:
        return str(NEW_WAVE) in wave.options
    for text in run.markdown if run.page == METHOD_PAGE else []:
        if match := METHOD_WAVES.search(text):
            return str(NEW_WAVE) in YEAR.findall(match["waves"])
    # Tables: a wave column ("Bølge"/"Wave") or one column per wave (municipalities × waves).
    found = None
    for frame in run.frames():
        names = frame.column_names
        for name in WAVE_COLUMNS.intersection(names):
            years = {int(y) for v in frame[name].to_pylist() for y in YEAR.findall(str(v))}
            found = found or NEW_WAVE in years
        if str(NEW_WAVE - 2) in names:
            found = found or str(NEW_WAVE) in names
    return found


def check_headline(run: Run, table: Expectations) -> tuple[str | None, str | None]:
    """(what was checked, problem): the overview's headline share against the CLI's share.

    What was checked reads like "units 2024"; None when the number could not be compared.
    """
    found = [(HEADLINE.match(label), body) for label, body in run.metrics.items()]
    found = [(m, body) for m, body in found if m]
    if not found:
        return None, "no headline metric 'Andel <wave>' / 'Share <wave>' on the overview"
    match, body = found[0]
    lang = HEADLINE_LANG[match["word"]]
    wave = int(match["wave"])
    # The measure the sidebar shows as chosen (the URL leaves defaults out).
    widget = run.widgets.get(widget_key(MEASURE))
    shown = widget.value if widget is not None else None
    measure = MEASURE_BY_LABEL.get(shown) if isinstance(shown, str) else None
    if measure is None:
        return None, f"cannot tell the measure from the sidebar (shows {shown!r})"
    if run.params.get(MEASURE, measure) != measure:
        return None, f"sidebar shows {measure!r} but the URL says ?{run.query_string}"
    if run.params.get(LANG, DEFAULT_LANGUAGE) != lang:
        return None, f"headline {match[0]!r} is not in the URL's language ?{run.query_string}"
    if (measure, wave) not in table:
        return None, f"headline {match[0]!r}: the CLI has no {measure} share for {wave}"
    expected = table[(measure, wave)]
    # The CLI prints 6 decimals; accept either side of a rounding edge that this hides.
    allowed = (
        {"–"} if expected is None else {fmt.share(expected + d, lang) for d in (-5e-7, 0.0, 5e-7)}
    )
    if body not in allowed:
        wanted = " or ".join(sorted(allowed))
        problem = f"headline {match[0]!r} shows {body!r}, the CLI says {wanted!r} ({measure})"
        return f"{measure} {wave}", problem
    return f"{measure} {wave}", None


# The load -------------------------------------------------------------------------------------


class LoadRun:
    def __init__(
        self, config: LoadConfig, prepared: Prepared, port: int, host: str = "127.0.0.1"
    ) -> None:
        self.config = config
        self.prepared = prepared
        self.port = port
        self.host = host
        #: User → when their websocket was last lost.
        self.lost_at: dict[int, float] = {}
        self.report = LoadReport(config)
        self.start = 0.0
        self.deadline = 0.0
        self.import_started: float | None = None
        self.import_finished: float | None = None
        self.paths = [PAGES.get(page, Path(page).stem) for page in config.pages]
        self.script_of = {PAGES.get(page, Path(page).stem): page for page in config.pages}

    async def main(self) -> LoadReport:
        self.start = time.monotonic()
        self.deadline = self.start + self.config.seconds
        users = [asyncio.create_task(self.user(i)) for i in range(self.config.sessions)]
        tasks = [*users]
        if self.config.do_import:
            tasks.append(asyncio.create_task(self.import_halfway()))
        await asyncio.gather(*tasks)
        self.report.elapsed = time.monotonic() - self.start
        return self.report

    async def import_halfway(self) -> None:
        await asyncio.sleep(self.config.seconds * self.config.import_at)
        self.import_started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tracker",
            "import",
            str(self.prepared.new_wave_file),
            "--db",
            str(self.prepared.db),
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()
        self.import_finished = time.monotonic()
        self.report.import_at = self.import_started - self.start
        self.report.import_seconds = self.import_finished - self.import_started
        self.report.import_output = output.decode("utf-8", errors="replace")
        if process.returncode != 0:
            self.report.error(
                f"import of wave {NEW_WAVE} failed with exit {process.returncode}: "
                f"{self.report.import_output.strip()[-500:]}"
            )

    def start_query(self, rng: random.Random, path: str) -> str:
        parts = []
        for key, values in START_VALUES.items():
            value = rng.choice(values)
            if value:
                parts.append(f"{key}={value}")
        if path in WAVE_PAGES and (wave := rng.choice(START_WAVES)):
            parts.append(f"{WAVE}={wave}")
        if path in COUNTY_PAGES and (county := rng.choice(START_COUNTIES)):
            parts.append(f"{COUNTY}={county}")
        rng.shuffle(parts)
        return "&".join(parts)

    async def user(self, user: int) -> None:
        rng = random.Random(self.config.seed * 1000 + user)
        self.report.users_started += 1
        path = self.paths[user % len(self.paths)]
        query = self.start_query(rng, path)
        # Start within the first second, as users arriving together rather than one burst.
        await asyncio.sleep(rng.uniform(0, 1.0))
        client: StreamlitClient | None = None
        while time.monotonic() < self.deadline:
            step = "open"
            try:
                if client is None:
                    client = StreamlitClient(
                        self.port, self.host, run_timeout=self.config.run_timeout
                    )
                    await client.connect()
                    self.report.sessions_opened += 1
                    self.record(user, await client.open(path, query), "open")
                for run in await client.idle(rng.uniform(*self.config.think)):
                    self.record(user, run, "reload timer")
                if time.monotonic() >= self.deadline:
                    break
                step, run = await self.act(rng, client)
                if run is None:  # reopen: a new websocket session on a deep link
                    path = rng.choice(self.paths)
                    query = client.query_string
                    await client.close()
                    client = None
                    continue
                self.record(user, run, step)
            except Exception as exc:
                where = self.where(client, path, query)
                kind = {RunTimeout: "timeout", ConnectionLost: "connection lost"}.get(
                    type(exc), f"client failure {type(exc).__name__}"
                )
                self.report.error(f"user {user} {where} ({step}): {kind}: {exc}")
                if isinstance(exc, ConnectionLost):
                    self.report.connections_lost += 1
                    self.report.users_lost_connection.add(user)
                    self.lost_at[user] = time.monotonic()
                if client is not None:
                    await client.close()
                    client = None
                    path = rng.choice(self.paths)
                await asyncio.sleep(1.0)  # then reopen, as a user pressing reload would
        if client is not None:
            await client.close()

    def where(self, client: StreamlitClient | None, path: str, query: str) -> str:
        if client is not None and client.last_run is not None:
            path, query = client.page, client.query_string
        return f"{self.script_of.get(path, path)} ?{query}"

    async def act(self, rng: random.Random, client: StreamlitClient) -> tuple[str, Run | None]:
        """One user action; returns its name and run (None for 'reopen')."""
        choices = [key for key in SIDEBAR_CHOICES if client.widget(key) is not None]
        if client.page == MAIN_PAGE and client.widget(WAVE) is not None:
            choices += [WAVE, WAVE]
        action = rng.choices(
            ["widget", "navigate", "reopen"], weights=[70 if choices else 0, 22, 8]
        )[0]
        self.report.actions[action if action != "widget" else "widget change"] += 1
        if action == "reopen":
            return "reopen", None
        if action == "navigate":
            target = rng.choice([p for p in self.paths if p != client.page] or self.paths)
            return f"go to {self.script_of.get(target, target)}", await client.go_to(target)
        key = rng.choice(choices)
        widget = client.widget(key)
        assert widget is not None
        others = [o for o in widget.options if o != widget.value] or widget.options
        value = rng.choice(others)
        return f"set {key}={value!r}", await client.set_widget(key, value)

    def record(self, user: int, run: Run, step: str) -> None:
        report = self.report
        script = self.script_of.get(run.page, run.page)
        report.page_runs += 1
        report.runs_by_page[script] += 1
        report.automatic_runs += run.automatic
        report.durations.append(run.seconds)
        where = f"user {user} {script} ?{run.query_string or run.query_sent} ({step})"
        for problem in run.errors:
            report.error(f"{where}: {problem}")
        if user in self.lost_at and not run.errors and run.started > self.lost_at[user]:
            report.users_recovered.add(user)

        # Without an import the database keeps its waves: nothing to watch for, every number
        # is checked against the CLI's table for the database as it is.
        new = shows_new_wave(run) if self.config.do_import else None
        cutoff = (
            None
            if self.import_finished is None
            else self.import_finished + self.config.reload_seconds + 1
        )
        if new and (self.import_started is None or run.finished < self.import_started):
            report.error(f"{where}: shows wave {NEW_WAVE} before it was imported")
        if cutoff is not None and run.started > cutoff and new is not None:
            report.users_checked_after_import.add(user)
            if not new:
                report.error(
                    f"{where}: run started {run.started - self.import_finished:.1f} s after the "
                    f"import finished but does not show wave {NEW_WAVE}"
                )
        if new and self.import_finished is not None and user not in report.users_saw_new_wave:
            report.users_saw_new_wave[user] = max(0.0, run.finished - self.import_finished)

        if run.page == MAIN_PAGE and not run.page_not_found and not run.exceptions:
            table = self.prepared.after if new else self.prepared.before
            checked, problem = check_headline(run, table)
            if checked:
                report.numbers_checked += 1
                report.checked_by_kind[checked] += 1
            if problem:
                report.error(f"{where}: {problem}")
                report.wrong_numbers += checked is not None


ANSI = re.compile(r"\x1b\[[0-9;]*m")
_TRACE_FRAME = (" ", "─", "│", "╭", "╰", "Traceback", "During handling", "The above exception")


def server_log_tracebacks(log: str) -> list[str]:
    """The exception line ('KeyError: ...') of every traceback in the server log."""
    lines = ANSI.sub("", log).splitlines()
    found = []
    for i, line in enumerate(lines):
        if "Traceback (most recent call last)" in line:
            found.append(
                next(
                    (
                        later.strip()
                        for later in lines[i + 1 :]
                        if later.strip() and not later.startswith(_TRACE_FRAME)
                    ),
                    "(traceback without an exception line)",
                )[:300]
            )
    return found


@contextlib.contextmanager
def _workdir(path: Path | None) -> Iterator[Path]:
    """The given folder, or a temporary one that is removed afterwards."""
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="tracker-load-") as tmp:
        yield Path(tmp)


def _add_server_tracebacks(report: LoadReport, log: str) -> None:
    found = server_log_tracebacks(log)
    report.server_tracebacks += found
    # Script exceptions are logged too; only the ones no page showed are new errors.
    shown = "\n".join(report.errors)
    for line in found:
        if line not in shown:
            report.error(f"server log: {line}")


def run_against_url(config: LoadConfig) -> LoadReport:
    """The load against an already running deployment (``config.url``, ``config.db``)."""
    assert config.url is not None
    if config.db is None:
        raise ValueError("--url needs --db: the database the deployment reads")
    address = urlsplit(config.url)
    if address.scheme != "http" or not address.hostname:
        raise ValueError(f"--url must look like http://127.0.0.1:8080, not {config.url!r}")
    with _workdir(config.workdir) as workdir:
        prepared = prepare(workdir, config.db, do_import=config.do_import)
        run = LoadRun(config, prepared, address.port or 80, address.hostname)
        report = asyncio.run(run.main())
    for path in config.server_logs:
        _add_server_tracebacks(report, path.read_text(encoding="utf-8", errors="replace"))
    return report


def run_load_check(config: LoadConfig) -> LoadReport:
    """Prepare, start the server, run the load and return the report (errors are in it)."""
    if config.url is not None:
        return run_against_url(config)
    with _workdir(config.workdir) as workdir:
        prepared = prepare(workdir, do_import=config.do_import)
        log = workdir / "streamlit.log"
        env = {"TRACKER_RELOAD_SECONDS": str(config.reload_seconds)}
        if not config.watch_files:
            env["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] = "none"
        with StreamlitServer(prepared.db, log, env=env) as server:
            report = asyncio.run(LoadRun(config, prepared, server.port).main())
        report.server_log = log if config.workdir is not None else None
        _add_server_tracebacks(report, server.log())
        return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=25, help="concurrent users (25)")
    parser.add_argument("--seconds", type=float, default=120.0, help="duration (120)")
    parser.add_argument("--reload-seconds", type=int, default=2, help="TRACKER_RELOAD_SECONDS")
    parser.add_argument("--run-timeout", type=float, default=60.0, help="seconds per run (60)")
    parser.add_argument("--seed", type=int, default=30)
    parser.add_argument(
        "--pages", nargs="+", default=list(PAGES), help="page scripts to spread users over"
    )
    parser.add_argument("--workdir", type=Path, help="keep the database and server log here")
    parser.add_argument("--report", type=Path, help="also write the report to this file")
    parser.add_argument(
        "--watch-files", action="store_true", help="keep Streamlit's source file watcher on"
    )
    parser.add_argument(
        "--url", help="drive this running deployment (http://127.0.0.1:PORT) instead of a server"
    )
    parser.add_argument("--db", type=Path, help="with --url: the database the deployment reads")
    parser.add_argument(
        "--no-import", action="store_true", help=f"do not import wave {NEW_WAVE} halfway"
    )
    parser.add_argument(
        "--server-log",
        type=Path,
        action="append",
        default=[],
        help="with --url: a server log to search for tracebacks (repeatable)",
    )
    args = parser.parse_args(argv)
    if args.url and args.db is None:
        parser.error("--url needs --db (the database the deployment reads)")
    config = LoadConfig(
        sessions=args.sessions,
        seconds=args.seconds,
        reload_seconds=args.reload_seconds,
        run_timeout=args.run_timeout,
        seed=args.seed,
        pages=tuple(args.pages),
        workdir=args.workdir,
        watch_files=args.watch_files,
        url=args.url,
        db=args.db,
        do_import=not args.no_import,
        server_logs=tuple(args.server_log),
    )
    report = run_load_check(config)
    text = report.text()
    print(text)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(text + "\n", encoding="utf-8")
    return 1 if report.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
