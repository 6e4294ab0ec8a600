"""What every page writes on screen, in both languages: no "None" or "nan", the method page's
tables translated, and Sektorer comparing like with like from the start."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from support.app import open_page

from tracker.app.contract import LANG, MEASURE, METHOD, PAGES, SECTOR_SCOPE, SECTORS, widget_key
from tracker.present.i18n import t

ROOT = Path(__file__).resolve().parent.parent
PAGE_FILES = [script for script, _ in PAGES if (ROOT / script).exists()]
#: A missing value leaking into text as Python or pandas writes it.
LEAK = re.compile(r"\b(None|nan|NaN|NaT|<NA>)\b")


def screen_text(at) -> list[str]:
    """Every text element, table cell and header, and chart text the page shows."""
    found: list[str] = []
    for kind in ("markdown", "caption", "title", "subheader", "info", "warning", "error"):
        found += [str(getattr(e, "value", None) or getattr(e, "body", "")) for e in at.get(kind)]
    for kind in ("table", "dataframe"):
        for element in at.get(kind):
            table = element.value
            found += [str(c) for c in table.columns]
            # As shown: a missing cell that the page left as None/NaN would render "None"/"nan".
            found += [str(v) for v in table.astype(object).to_numpy().ravel()]
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        found += [str(a.get("text", "")) for a in spec["layout"].get("annotations", [])]
        found += [str(trace.get("name", "")) for trace in spec["data"]]
        found += [str(x) for trace in spec["data"] for x in (trace.get("text") or [])]
    return found


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("script", PAGE_FILES)
def test_no_missing_value_text_on_any_page(use_demo_db: Path, script: str, lang: str) -> None:
    texts = screen_text(open_page(script, {LANG: lang, MEASURE: "units"}))
    assert texts, "the page shows text"
    assert not [text for text in texts if LEAK.search(text)]


def test_method_wave_table_is_translated(use_demo_db: Path) -> None:
    at = open_page(METHOD, {LANG: "nb"})
    waves = next(d.value for d in at.dataframe if t("col_fieldwork", "nb") in d.value.columns)
    assert list(waves[t("col_fieldwork", "nb")])[:2] == [
        t("wave_fieldwork_2018", "nb"),
        t("wave_fieldwork_2020", "nb"),
    ]
    assert list(waves[t("col_note", "nb")])[-1] == "–"  # 2024 has no note
    summary = next(m.value for m in at.markdown if m.value.startswith("**Type:**"))
    assert "2018, 2020 og 2024" in summary and " kl. " in summary.replace("\\", "")


def test_sectors_compare_like_with_like_by_default(use_demo_db: Path) -> None:
    at = open_page(SECTORS, {MEASURE: "municipalities"})
    assert at.radio(key=widget_key(SECTOR_SCOPE)).value == "comparable"
    table = next(d.value for d in at.dataframe if t("col_sector", "nb") in d.value.columns)
    shown = set(table[t("col_sector", "nb")])
    assert shown == {t(f"sector_{s}", "nb") for s in ("all", "helse_omsorg", "oppvekst_utdanning")}
    # The sidebar shows the measure the page uses, whatever the user chose for other pages.
    measure = next(r for r in at.sidebar.radio if r.label == t("measure_label", "nb"))
    assert measure.value == "units" and measure.disabled
