"""Names coming from data are always escaped: in Markdown, in Plotly text and in labels."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from support.app import open_page

from tracker.app.contract import (
    COUNTIES,
    COUNTY,
    MUNICIPALITIES,
    MUNICIPALITY,
    OVERVIEW,
    PEERS,
    SEARCH,
)
from tracker.data import reference
from tracker.data.build import build_demo
from tracker.present.markdown import escape_markdown

EVIL_COUNTY = "Vest**land** <script>alert(1)</script> [x](javascript:alert(2))"
EVIL_MUNICIPALITY = "Bergen <img src=x onerror=alert(3)> _it_"


@pytest.fixture(scope="module")
def evil_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    counties = reference.counties.__wrapped__()
    counties.loc[counties["county_code"] == "46", "county_name"] = EVIL_COUNTY
    municipalities = reference.municipalities.__wrapped__()
    municipalities.loc[municipalities["municipality_code"] == "4601", "municipality_name"] = (
        EVIL_MUNICIPALITY
    )
    patch = pytest.MonkeyPatch()
    patch.setattr(reference, "counties", lambda: counties)
    patch.setattr(reference, "municipalities", lambda: municipalities)
    try:
        path = tmp_path_factory.mktemp("evil") / "evil.duckdb"
        build_demo(path)
    finally:
        patch.undo()
    return path


def test_escape_markdown_neutralises_formatting() -> None:
    escaped = escape_markdown("**a** [b](c) <d> _e_ `f`")
    for raw in ("**a**", "[b](c)", "<d>", "_e_", "`f`"):
        assert raw not in escaped


def unescaped(markdown: str) -> bool:
    """True if Markdown or HTML syntax from the data is left unescaped in ``markdown``."""
    return bool(re.search(r"(?<!\\)(<script|<img|\*\*land|\]\(javascript)", markdown))


def run(
    script: str, db: Path, monkeypatch: pytest.MonkeyPatch, params: dict[str, str] | None = None
) -> AppTest:
    monkeypatch.setenv("TRACKER_DB", str(db))
    return open_page(script, params)


def chart_json(at: AppTest) -> str:
    return " ".join(json.dumps(json.loads(c.proto.spec)) for c in at.get("plotly_chart"))


@pytest.mark.parametrize("script", [OVERVIEW, COUNTIES, MUNICIPALITIES])
def test_data_names_never_reach_pages_raw(
    evil_db: Path, monkeypatch: pytest.MonkeyPatch, script: str
) -> None:
    at = run(script, evil_db, monkeypatch, {COUNTY: "46", PEERS: "50", MUNICIPALITY: "4601"})
    charts = chart_json(at)
    for raw in ("<script>", "<img"):  # Plotly renders HTML tags, not Markdown
        assert raw not in charts, f"{raw} unescaped in a chart"
    for element in (*at.markdown, *at.caption):
        assert not unescaped(element.value), element.value
    for link in at.get("page_link"):
        assert not unescaped(link.proto.label), link.proto.label


def test_search_options_are_not_interpreted(evil_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The search is a selectbox: what people type filters in the browser and never reaches the
    # server; its options are plain text built from the data's names.
    at = run(MUNICIPALITIES, evil_db, monkeypatch)
    search = at.selectbox(key=SEARCH)
    evil = [label for label in search.options if EVIL_COUNTY in label]
    assert evil and all(EVIL_COUNTY in label for label in evil)
    search.select("4601").run()
    assert not at.exception
    for element in (*at.markdown, *at.caption):
        assert not unescaped(element.value), element.value


def test_evil_names_survive_into_the_data_pack(evil_db: Path) -> None:
    # Escaping is for display only: the data keeps the names exactly as given.
    from tracker.data.db import open_snapshot

    snap = open_snapshot(evil_db)
    try:
        names = snap.query("counties_by_code").set_index("county_code")["county_name"]
    finally:
        snap.close()
    assert names["46"] == EVIL_COUNTY
    assert isinstance(names, pd.Series)
