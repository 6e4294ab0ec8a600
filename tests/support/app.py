"""Running a page of the app with Streamlit's AppTest, shared by the app tests."""

from __future__ import annotations

import csv
import functools
import io
import math
import re
from collections.abc import Mapping
from pathlib import Path

import pytest
from streamlit.components.v2 import manifest_scanner
from streamlit.testing.v1 import AppTest

from support.cli import run_cli
from tracker.app.contract import OVERVIEW, PAGES
from tracker.present import format as fmt
from tracker.present.i18n import t
from tracker.present.statuses import status_text

ROOT = Path(__file__).resolve().parents[2]


def open_page(
    script: str = OVERVIEW, params: Mapping[str, str] | None = None, *, timeout: float = 60
) -> AppTest:
    """Run ``script`` (a page path from :mod:`tracker.app.contract`) once with query ``params``.

    Fails the test if the run raised: an exception on a page is always a bug.
    """
    at = AppTest.from_file(str(ROOT / OVERVIEW), default_timeout=timeout)
    if script != OVERVIEW:
        at.switch_page(script)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def assert_page_frame(at: AppTest, lang: str) -> None:
    """What every page run shows: a heading, the demo banner and the menu, all in ``lang``."""
    assert at.title, "every page has a heading"
    assert any(w.body == t("demo_banner", lang) for w in at.warning)
    # The menu, without the slide links (one per chart, ``?figur=``: tests/test_slides.py).
    links = at.sidebar.get("page_link")
    labels = [link.proto.label for link in links if "figur=" not in link.proto.query_string]
    assert [label for label in labels if label != t("presentation_link", lang)] == [
        t(key, lang) for script, key in PAGES if (ROOT / script).exists()
    ]


def cli_rows(*args: str, db: Path) -> list[dict[str, str]]:
    """The rows ``python -m tracker ARGS --format csv --db DB`` prints, to compare pages with."""
    done = run_cli(*args, "--format", "csv", "--db", db)
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))


def scan_components_once(patch: pytest.MonkeyPatch) -> None:
    """Let every AppTest reuse one scan of the installed packages for Streamlit components.

    Each new AppTest scans the metadata of every installed distribution for v2 component
    manifests (``streamlit/components/v2/manifest_scanner.py``): 1 to 3 s per AppTest on two busy
    cores, more than most page runs take, for an answer that cannot change during a test
    session. conftest.py applies this for the session; the first AppTest still scans.
    """
    scan = getattr(manifest_scanner, "scan_component_manifests", None)
    if scan is None:  # a Streamlit without the scanner: nothing to share
        return
    once = functools.cache(scan)
    patch.setattr(
        manifest_scanner, "scan_component_manifests", lambda max_workers=None: list(once())
    )


def expected_status(row: Mapping[str, str], lang: str) -> str:
    """How a page must show the status of one CLI progress row (written out here, apart from
    tracker.present.statuses, so that the pages are checked against the definition)."""
    if row["status_settled"] != "false":
        return status_text(row["status"], lang)
    # Not settled: never a plain label. "trolig" (probably) above even odds, else "kanskje".
    chance = float(row["status_probability"])
    key = "status_likely" if chance > 0.5 else "status_possible"
    likely = t(key, lang, status=t(f"status_phrase_{row['status']}", lang))
    # Rounded down to whole percent, so that it never reaches the settled level; above even
    # odds ("trolig") at least 51 %.
    shown = math.floor(100 * chance + 1e-9) / 100  # 100 * 0.29 is 28.999999999999996
    probability = fmt.share(max(shown, 0.51) if chance > 0.5 else shown, lang, 0)
    return t("status_uncertain", lang, likely=likely, probability=probability)


#: " (n = 1 234)" at the end of a county label on the charts (every county label carries its n).
N_SUFFIX = re.compile(r" \(n = [0-9\u00a0\u202f ,.]+\)$")


def without_n(label: str) -> str:
    """The county name of a chart label 'Trøndelag (n = 17)'; fails if the label has no n."""
    assert N_SUFFIX.search(label), f"county label without n: {label!r}"
    return N_SUFFIX.sub("", label)


def unwrapped(text: str) -> str:
    """Chart text as one line: on screen, titles and source lines are wrapped with <br> for
    phones (tracker/app/chart_block.screen_figure)."""
    return text.replace("<br>", " ")
