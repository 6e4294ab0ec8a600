"""Command line: ``python -m tracker {build,import,kpi,progress,demo-files,serve}``.

Exit status: 0 success, 2 bad input (nothing changed), 1 when the database cannot be read or
another import kept it locked for longer than TRACKER_IMPORT_WAIT_SECONDS (nothing changed).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from tracker.data import build, demo
from tracker.data.db import DatabaseChanged, DatabaseError, open_snapshot
from tracker.data.importer import ImportRejected, import_files
from tracker.data.locking import LockTimeout
from tracker.data.profiles import GROUPINGS
from tracker.data.settings import DEMO_DIR, MEASURES, TARGET_MODES, SettingsError, load_settings
from tracker.present.format import LANGUAGES
from tracker.present.groups import name_groups
from tracker.stats import kpi, model_kpi

FORMATS = ("table", "csv", "json")
#: kpi --estimate: direct shares only, or also the model-based county estimates (county only).
ESTIMATES = ("direct", "model")
#: Yes/no columns: "true"/"false" in CSV and tables, JSON booleans (null when empty).
BOOLEAN_COLUMNS = {"suppressed", "status_settled"}


def _year_arg(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year (e.g. 2024)") from None
    if not 2000 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year between 2000 and 2100")
    return year


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tracker",
        description="The 30 % tracker: build the database, import survey files, print KPIs.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    # Listed for --help only: main() hands "serve" and its options to Streamlit before parsing.
    sub.add_parser(
        "serve",
        help="start the dashboard as deployed: streamlit run dashboard.py plus a warm-up; "
        "further options go to Streamlit (e.g. --server.port 8501)",
    )

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", type=Path, help="database file (default: $TRACKER_DB or data/)")
        return p

    b = with_db(sub.add_parser("build", help="build the demo database from data/demo/"))
    b.add_argument(
        "--force", action="store_true", help="replace a database that does not hold demo data"
    )

    i = with_db(sub.add_parser("import", help="import survey files (CSV or XLSX)"))
    i.add_argument("files", nargs="+", type=Path, metavar="FILE")
    i.add_argument("--wave", type=_year_arg, help="wave year for files without a wave_year column")
    i.add_argument("--replace", action="store_true", help="replace waves already in the database")
    i.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")
    i.add_argument("--sheet", help="XLSX sheet name (default: the first sheet)")

    for name, helptext in (("kpi", "shares per area and wave"), ("progress", "pace and status")):
        p = with_db(sub.add_parser(name, help=helptext))
        levels = kpi.LEVELS if name == "kpi" else ("national", "county")
        p.add_argument("--by", choices=(*levels, *GROUPINGS), default="national")
        p.add_argument("--measure", choices=MEASURES, default="municipalities")
        p.add_argument("--format", choices=FORMATS, default="table")
        p.add_argument(
            "--lang",
            choices=LANGUAGES,
            default="nb",
            help="language of the names of structure groups (centrality, size, kostra_group)",
        )
        if name == "kpi":
            p.add_argument("--wave", type=_year_arg, help="one wave (default: all waves)")
            p.add_argument(
                "--estimate",
                choices=ESTIMATES,
                default="direct",
                help="model: also the model-based county estimates (only with --by county)",
            )
        else:
            p.add_argument("--target-mode", choices=TARGET_MODES)
            p.add_argument("--target-year", type=_year_arg)
            p.add_argument("--wave", type=_year_arg, help="progress as it stood at this wave")

    d = sub.add_parser("demo-files", help="write the deterministic demo survey files")
    d.add_argument("--out", type=Path, default=DEMO_DIR)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"]:
        # Everything after "serve" belongs to Streamlit, so it bypasses this parser.
        from tracker.app.serve import serve

        return serve(argv[1:])
    args = _parser().parse_args(argv)
    try:
        settings = load_settings().with_overrides(
            db=getattr(args, "db", None),
            target_mode=getattr(args, "target_mode", None),
            target_year=getattr(args, "target_year", None),
        )
        settings.validate()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    if args.command == "demo-files":
        for path in demo.write_demo_files(args.out):
            print(f"wrote {path}")
        return 0
    if args.command == "build":
        try:
            report = build.build_demo(
                settings.db,
                force=args.force,
                wait_seconds=settings.import_wait_seconds,
                progress=_say,
            )
        except ImportRejected as exc:
            print(exc.report(), file=sys.stderr)
            return 2
        except (LockTimeout, DatabaseChanged) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        assert report is not None  # no only_if condition was given
        print(report.summary())
        return 0
    if args.command == "import":
        try:
            report = import_files(
                args.files,
                settings.db,
                wave=args.wave,
                replace=args.replace,
                dry_run=args.dry_run,
                sheet=args.sheet,
                wait_seconds=settings.import_wait_seconds,
                progress=_say,
            )
        except ImportRejected as exc:
            print(exc.report(), file=sys.stderr)
            return 2
        except (LockTimeout, DatabaseChanged) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(report.summary())
        return 0

    model = args.command == "kpi" and args.estimate == "model"
    if model and args.by != "county":
        print(
            f"error: --estimate model is only valid with --by county (not --by {args.by})",
            file=sys.stderr,
        )
        return 2
    try:
        snapshot = open_snapshot(settings.db)
    except DatabaseError as exc:
        print(f"error: {exc}. Build it with `python -m tracker build`.", file=sys.stderr)
        return 1
    columns: tuple[str, ...]
    try:
        if model:
            table = model_kpi.model_table(snapshot.query, args.measure, settings, wave=args.wave)
            columns = (*kpi.KPI_COLUMNS, *model_kpi.CLI_MODEL_COLUMNS)
        elif args.command == "kpi":
            table = kpi.kpi_table(snapshot.query, args.by, args.measure, settings, wave=args.wave)
            columns = kpi.KPI_COLUMNS
        else:
            table = kpi.progress_table(
                snapshot.query, args.by, args.measure, settings, until_wave=args.wave
            )
            columns = kpi.PROGRESS_COLUMNS
    finally:
        snapshot.close()
    if args.by in GROUPINGS:
        table = name_groups(table, args.by, args.lang)
    sys.stdout.write(render(table.loc[:, list(columns)], args.format))
    return 0


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _cell(value: object) -> object:
    """Plain Python values: None for missing, 'true'/'false' for booleans, trimmed floats."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) > 1:
            return int(value)
        return round(value, 6)
    if hasattr(value, "item"):  # NumPy scalars
        return _cell(value.item())
    return value


def render(table: pd.DataFrame, fmt: str) -> str:
    """The table as aligned text, CSV (empty cells for missing values) or JSON records."""
    records = [[_cell(v) for v in row] for row in table.itertuples(index=False)]
    if fmt == "json":
        keyed = [dict(zip(table.columns, row, strict=True)) for row in records]
        for row in keyed:
            for column in BOOLEAN_COLUMNS & row.keys():
                row[column] = None if row[column] is None else row[column] == "true"
        return json.dumps(keyed, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows(["" if v is None else v for v in row] for row in records)
        return buffer.getvalue()
    shown = pd.DataFrame(records, columns=table.columns, dtype=object).fillna("")
    return shown.to_string(index=False) + "\n"
