"""Reference data: 2024 structure and the user-extendable code-change table."""

from __future__ import annotations

import pandas as pd
import pytest

from tracker.data import reference


def test_2024_structure() -> None:
    assert len(reference.counties()) == 15
    assert len(reference.municipalities()) == 357
    changed = reference.code_changes()
    assert len(changed) == 114
    assert set(changed["new_code"]) <= set(reference.municipalities()["municipality_code"])
    assert reference.code_mapping()["1507"] == "1508"  # Ålesund; Haram 1580 is new in 2024


@pytest.fixture()
def extended(monkeypatch: pytest.MonkeyPatch):
    """The code table with rows a user appended, as the README describes."""

    def use(rows: list[tuple[str, str]]) -> None:
        base = reference.code_changes.__wrapped__()
        extra = pd.DataFrame(
            [{"old_code": o, "new_code": n, "changed_year": 2020, "note": "user"} for o, n in rows]
        )
        table = pd.concat([base, extra], ignore_index=True)
        monkeypatch.setattr(reference, "code_changes", lambda: table)
        reference.code_mapping.cache_clear()

    yield use
    reference.code_mapping.cache_clear()


def test_user_rows_chain_to_2024_codes(extended) -> None:
    # 1201 (Bergen before 2020) → 4601; 0101 (Halden before 2020) → 3001 (2020) → 3101 (2024).
    extended([("1201", "4601"), ("0101", "3001")])
    mapping = reference.code_mapping()
    assert mapping["1201"] == "4601"
    assert mapping["0101"] == "3101"


def test_user_row_to_unknown_code_is_explained(extended) -> None:
    extended([("0999", "0998")])
    with pytest.raises(reference.ReferenceDataError, match=r"0999 → 0998.*not a 2024"):
        reference.code_mapping()
