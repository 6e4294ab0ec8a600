"""The translation table is complete, consistent, and every key the code asks for exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from tracker.present import format as fmt
from tracker.present.i18n import TEXT, t

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*ROOT.glob("tracker/*.py"), ROOT / "dashboard.py", *ROOT.glob("pages/*.py")]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(TEXT))
def test_both_languages_with_the_same_placeholders(key: str) -> None:
    entry = TEXT[key]
    assert set(entry) == {"nb", "en"}
    assert entry["nb"].strip() and entry["en"].strip()
    assert placeholders(entry["nb"]) == placeholders(entry["en"]), key


def test_every_literal_key_in_the_code_exists() -> None:
    used = set()
    for path in SOURCES:
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']""", source))
    missing = sorted(used - set(TEXT))
    assert not missing, f"keys used but not translated: {missing}"
    assert len(used) > 50


def test_status_and_answer_keys_exist_for_every_value() -> None:
    from tracker.data.reference import PARTNERS, SECTORS
    from tracker.stats.kpi import ANSWERS
    from tracker.stats.progress import STATUSES

    for status in STATUSES:
        t(f"status_{status}", "en")
    for answer in ANSWERS:
        t(f"answer_{answer}", "nb")
    for sector in SECTORS:
        t(f"sector_{sector}", "nb")
    for partner in (*PARTNERS, "unknown"):
        t(f"partner_{partner}", "en")


def test_norwegian_and_english_number_typography() -> None:
    assert fmt.share(0.153, "nb") == "15,3\u00a0%"
    assert fmt.share(0.153, "en") == "15.3%"
    assert fmt.pp(-1.0, "nb") == "\u22121,0\u00a0pp"
    assert fmt.pp(2.06, "en") == "+2.1 pp"
    assert fmt.share_range(0.18, 0.31, "nb") == "18–31\u00a0%"
    assert fmt.count(12345, "nb") == "12\u00a0345"
    assert fmt.share(None, "nb") == "–"
