"""One settings object: typed defaults with help text, overridable by environment variables.

Every setting can be set as ``TRACKER_<NAME>`` (for example ``TRACKER_DB`` or
``TRACKER_TARGET_YEAR``). A bad value raises :class:`SettingsError` with a message that says
what was wrong and what would be valid; nothing silently falls back.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
QUERIES_DIR = PROJECT_ROOT / "queries"
REFERENCE_DIR = DATA_DIR / "reference"
DEMO_DIR = DATA_DIR / "demo"

TARGET_MODES = ("absolute", "relative")
MEASURES = ("municipalities", "units")


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


def _positive_int(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a whole number (e.g. 5)") from None
    if value < 1:
        raise SettingsError(f"{name}={raw!r} must be 1 or more")
    return value


def _seconds(name: str, raw: str) -> float:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a number of seconds (e.g. 120)") from None
    if not 0 <= value <= 86_400:
        raise SettingsError(f"{name}={raw!r} must be between 0 and 86400 seconds")
    return value


def _draws(name: str, raw: str) -> int:
    value = _positive_int(name, raw)
    if not 100 <= value <= 1_000_000:
        raise SettingsError(f"{name}={raw!r} must be between 100 and 1000000 draws")
    return value


def _seed(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a whole number (e.g. 2019)") from None
    if value < 0:
        raise SettingsError(f"{name}={raw!r} must be 0 or more")
    return value


def _year(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a year (e.g. 2030)") from None
    if not 2000 <= value <= 2100:
        raise SettingsError(f"{name}={raw!r} must be a year between 2000 and 2100")
    return value


def _share(name: str, raw: str) -> float:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a number (e.g. 0.30 for 30 %)") from None
    if not 0 < value < 1:
        raise SettingsError(f"{name}={raw!r} must be a share between 0 and 1 (0.30 means 30 %)")
    return value


def _choice(options: tuple[str, ...]) -> Callable[[str, str], str]:
    def parse(name: str, raw: str) -> str:
        value = raw.strip().lower()
        if value not in options:
            raise SettingsError(f"{name}={raw!r} is not valid; use one of: {', '.join(options)}")
        return value

    return parse


#: The spellings a yes/no setting accepts, in both languages the project uses (case-insensitive).
BOOLEANS = {"1": True, "0": False, "true": True, "false": False}
BOOLEANS.update({"yes": True, "no": False, "ja": True, "nei": False})


def _boolean(name: str, raw: str) -> bool:
    # Strict on purpose: a typo such as TRACKER_PUBLIC=ture must not silently give the internal
    # site (with every municipality's answers) where a public one was meant.
    value = BOOLEANS.get(raw.strip().lower())
    if value is None:
        raise SettingsError(f"{name}={raw!r} is not valid; use one of: {', '.join(BOOLEANS)}")
    return value


def _path(name: str, raw: str) -> Path:
    if not raw.strip():
        raise SettingsError(f"{name} is empty; give a file path")
    return Path(raw).expanduser()


def _public_url(name: str, raw: str) -> str:
    # Strict: the address goes into iframe snippets that people paste into other web sites, so
    # anything but a plain http(s) address of a host (no query, fragment, spaces or quotes)
    # would give them broken or unsafe snippets.
    value = raw.strip()
    if not value:
        return ""
    parsed = urlsplit(value)
    if (
        parsed.scheme not in ("http", "https")
        or not parsed.hostname
        or parsed.query
        or parsed.fragment
        or parsed.username is not None
        or re.search(r"[\s\"'<>\\]", value)
    ):
        raise SettingsError(
            f"{name}={raw!r} is not valid; give the dashboard's public address as an http(s) URL "
            "without query or fragment, e.g. https://tracker.example.no or "
            "https://example.no/tracker (or leave it empty)"
        )
    return value.rstrip("/")


def _setting(default: Any, parse: Callable[[str, str], Any], help_text: str) -> Any:
    return field(default=default, metadata={"parse": parse, "help": help_text})


@dataclass(frozen=True)
class Settings:
    """All tunable values of the tracker. Use :func:`load_settings` to read the environment."""

    db: Path = _setting(
        DATA_DIR / "collaboration.duckdb", _path, "Path of the DuckDB database file."
    )
    target_share: float = _setting(
        0.30, _share, "Target share in absolute mode (0.30 = 30 %, the doubling of 15 %)."
    )
    target_year: int = _setting(
        2030, _year, "Year by which the target is assumed to be reached (no year was agreed)."
    )
    baseline_year: int = _setting(2018, _year, "Baseline survey wave.")
    target_mode: str = _setting(
        "absolute",
        _choice(TARGET_MODES),
        "absolute: every area aims at the target share; relative: double its own baseline.",
    )
    reload_seconds: int = _setting(
        5, _positive_int, "How often an open dashboard checks for a newly imported database."
    )
    min_n: int = _setting(
        5, _positive_int, "Shares based on fewer responses than this are suppressed."
    )
    simulation_draws: int = _setting(
        20_000,
        _draws,
        "Draws in the simulation that gives each status its probability (issue 12, method page).",
    )
    simulation_seed: int = _setting(
        2019, _seed, "Seed of that simulation, so that every run gives the same probabilities."
    )
    settled_probability: float = _setting(
        0.80,
        _share,
        "A status is shown as settled when the simulation gives it at least this probability; "
        "below it, the status is shown as uncertain.",
    )
    import_wait_seconds: float = _setting(
        120.0,
        _seconds,
        "How long an import (or a demo build) waits for another import of the same database "
        "to finish before it gives up, changing nothing.",
    )
    public: bool = _setting(
        False,
        _boolean,
        "Public site (1/0, true/false, yes/no, ja/nei): hide municipality-level answers and every "
        "figure based on fewer than TRACKER_MIN_N answers (tracker/present/public.py).",
    )

    public_url: str = _setting(
        "",
        _public_url,
        "Public address of the dashboard (http(s), e.g. https://tracker.example.no) for the "
        "embed snippets under each chart; empty: the snippets use relative addresses. The "
        "embedding site must be allowed by TRACKER_FRAME_ANCESTORS (deploy/).",
    )

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some values replaced (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def validate(self) -> Settings:
        if self.target_year <= self.baseline_year:
            raise SettingsError(
                f"TRACKER_TARGET_YEAR ({self.target_year}) must be after "
                f"TRACKER_BASELINE_YEAR ({self.baseline_year})"
            )
        return self


def setting_help() -> list[tuple[str, str, str]]:
    """(environment variable, default, help) for every setting, for the README and --help."""
    return [
        (f"TRACKER_{f.name.upper()}", str(f.default), f.metadata["help"]) for f in fields(Settings)
    ]


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from defaults overridden by ``TRACKER_*`` environment variables."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for f in fields(Settings):
        name = f"TRACKER_{f.name.upper()}"
        if name in env:
            values[f.name] = f.metadata["parse"](name, env[name])
    return Settings(**values).validate()
