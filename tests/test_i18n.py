"""The translation files are complete and consistent, and they match the code.

``tracker/present/locales/<language>.toml`` must hold the same keys in the same order with the same
``{placeholders}``; the code must use every key (as a literal, or as a key finished at run time
from a constant start such as ``f"measure_{m}"``) and ask ``t()`` for no key the files lack. Each
check is a function returning its problems, and the ``*_can_fail`` tests feed it broken copies.
"""

from __future__ import annotations

import ast
import re
import shutil
import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tracker.present import format as fmt
from tracker.present.i18n import DEFAULT_LANGUAGE, LOCALES, TEXT, load_catalogue, t

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*ROOT.glob("tracker/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "dashboard.py"])

#: The constant start of a key finished at run time: a lower-case word ending in "_".
KEY_START = re.compile(r"[a-z][a-z0-9_]*_")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def read_locales(folder: Path = LOCALES) -> dict[str, dict[str, str]]:
    """``{language: {key: text}}`` straight from the files, keys in file order."""
    locales = {}
    for lang in fmt.LANGUAGES:
        with (folder / f"{lang}.toml").open("rb") as file:
            locales[lang] = tomllib.load(file)
    return locales


def key_problems(locales: dict[str, dict[str, str]]) -> list[str]:
    """Keys one language has and another lacks, or the same keys in another order."""
    reference = list(locales[DEFAULT_LANGUAGE])
    problems = []
    for lang, texts in locales.items():
        keys = list(texts)
        if missing := [k for k in reference if k not in texts]:
            problems.append(f"{lang}.toml lacks {missing}")
        if extra := [k for k in keys if k not in locales[DEFAULT_LANGUAGE]]:
            problems.append(f"{lang}.toml has keys {DEFAULT_LANGUAGE}.toml lacks: {extra}")
        if not missing and not extra and keys != reference:
            at = next(i for i, (a, b) in enumerate(zip(keys, reference, strict=True)) if a != b)
            problems.append(
                f"{lang}.toml has the keys in another order than {DEFAULT_LANGUAGE}.toml from "
                f"position {at}: {keys[at]!r} where {DEFAULT_LANGUAGE}.toml has {reference[at]!r}"
            )
    return problems


def placeholder_problems(locales: dict[str, dict[str, str]]) -> list[str]:
    """Texts that are empty or not strings, broken format strings, or differing placeholders."""
    problems = []
    for key in locales[DEFAULT_LANGUAGE]:
        found: dict[str, set[str]] = {}
        for lang, texts in locales.items():
            text = texts.get(key)
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{lang}.toml: {key} is not a non-empty string")
                continue
            try:
                found[lang] = placeholders(text)
            except ValueError as exc:  # a lone "{" or "}"
                problems.append(f"{lang}.toml: {key} is not a valid format string ({exc})")
        if len({frozenset(names) for names in found.values()}) > 1:
            shown = ", ".join(f"{lang} {sorted(names)}" for lang, names in found.items())
            problems.append(f"{key}: the placeholders differ: {shown}")
    return problems


@dataclass
class CodeUse:
    """What the code says about translation keys."""

    literals: set[str] = field(default_factory=set)  # every string constant
    key_starts: dict[str, list[str]] = field(default_factory=dict)  # start -> "file:line"s
    asked: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, key, "file:line")


def constant_start(node: ast.expr) -> str | None:
    """The constant text a run-time string starts with: ``f"db_{x}"`` and ``"db_" + x`` → db_."""
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = node.left
        if isinstance(left, ast.Constant) and isinstance(left.value, str):
            return left.value
        return constant_start(left)
    return None


def is_t_call(node: ast.AST) -> bool:
    """``t(...)``, ``page.t(...)``, ``self.t(...)`` and the like."""
    if not isinstance(node, ast.Call) or not node.args:
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "t") or (
        isinstance(func, ast.Attribute) and func.attr == "t"
    )


def scan_code(paths: list[Path]) -> CodeUse:
    """String literals, constant starts of run-time keys, and the keys ``t()`` is asked for.

    A key start is the constant beginning of an f-string or ``+`` concatenation, or a bare
    constant that is itself a start (a word ending in "_", like ``SharedChoice(..., "language_")``
    later joined with ``prefix + value``). Only starts that look like a key's beginning count.
    """
    use = CodeUse()
    for path in paths:
        where_file = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            where = f"{where_file}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                use.literals.add(node.value)
                start = node.value
            else:
                start = constant_start(node)
            if start and KEY_START.fullmatch(start):
                use.key_starts.setdefault(start, []).append(where)
            if is_t_call(node):
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    use.asked.append(("key", first.value, where))
                elif (first_start := constant_start(first)) is not None:
                    use.asked.append(("start", first_start, where))
    return use


def used_keys(keys: list[str], use: CodeUse) -> set[str]:
    return {
        key
        for key in keys
        if key in use.literals or any(key.startswith(start) for start in use.key_starts)
    }


def unused_keys(keys: list[str], use: CodeUse) -> list[str]:
    used = used_keys(keys, use)
    return [key for key in keys if key not in used]


def unknown_keys(keys: list[str], use: CodeUse) -> list[str]:
    """``where: key`` for each literal key ``t()`` gets that is not translated, and each run-time
    key whose constant start begins no key."""
    known = set(keys)
    problems = []
    for kind, text, where in use.asked:
        if kind == "key" and text not in known:
            problems.append(f"{where}: t({text!r}) but no such key")
        elif kind == "start" and not any(key.startswith(text) for key in known):
            problems.append(f"{where}: t(f{text + '{…}'!r}) but no key starts with {text!r}")
    return problems


@pytest.fixture(scope="module")
def code_use() -> CodeUse:
    return scan_code(SOURCES)


# --- the real files and code ---------------------------------------------------------------


def test_both_files_have_the_same_keys_in_the_same_order() -> None:
    locales = read_locales()
    assert key_problems(locales) == []
    assert list(TEXT) == list(locales[DEFAULT_LANGUAGE])


def test_every_key_has_the_same_placeholders_in_both_languages() -> None:
    assert placeholder_problems(read_locales()) == []


@pytest.mark.parametrize("key", sorted(TEXT))
def test_both_languages_with_the_same_placeholders(key: str) -> None:
    entry = TEXT[key]
    assert set(entry) == {"nb", "en"}
    assert entry["nb"].strip() and entry["en"].strip()
    assert placeholders(entry["nb"]) == placeholders(entry["en"]), key


def test_every_literal_key_in_the_code_exists(code_use: CodeUse) -> None:
    problems = unknown_keys(list(TEXT), code_use)
    assert not problems, "keys the code asks for but the locale files lack:\n" + "\n".join(problems)
    assert len({key for kind, key, _ in code_use.asked if kind == "key"}) > 50


def test_every_key_is_used_by_the_code(code_use: CodeUse) -> None:
    unused = unused_keys(list(TEXT), code_use)
    assert not unused, (
        f"dead keys (no literal and no run-time key start in the code matches them): {unused}; "
        f"run-time key starts found: {sorted(code_use.key_starts)}"
    )
    assert used_keys(list(TEXT), code_use) == set(TEXT)


def test_run_time_key_starts_come_from_the_code(code_use: CodeUse) -> None:
    # A few known starts, so a scanner that finds nothing cannot pass the dead-key test vacuously.
    for start in ("status_", "measure_", "db_", "file_", "language_", "target_mode_"):
        assert start in code_use.key_starts, start


def test_status_and_answer_keys_exist_for_every_value() -> None:
    from tracker.data.reference import PARTNERS, SECTORS
    from tracker.data.settings import MEASURES, TARGET_MODES
    from tracker.present.export import PRESETS
    from tracker.present.views import SORT_KEYS
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
    for lang in fmt.LANGUAGES:
        t(f"language_{lang}", lang)
    for measure in MEASURES:
        for key in ("measure_{}", "measure_{}_short", "definition_{}", "matrix_caption_{}"):
            t(key.format(measure), "en")
    for mode in TARGET_MODES:
        t(f"target_mode_{mode}", "nb")
    for preset in PRESETS:
        t(f"preset_{preset}", "en")
    for sort_key in SORT_KEYS:
        t(f"sort_{sort_key}", "nb")


def test_lookup_falls_back_to_the_default_language_and_raises_on_a_missing_key() -> None:
    assert t("app_title", "de") == t("app_title", DEFAULT_LANGUAGE)
    assert t("app_title", "en") != t("app_title", "nb")
    assert t("kpi_share", "en", wave=2024) == "Share 2024"
    with pytest.raises(KeyError):
        t("no_such_key", "nb")


def test_the_multi_line_texts_keep_their_paragraphs() -> None:
    for lang in fmt.LANGUAGES:
        text = t("method_definitions", lang)
        assert not text.startswith("\n") and text.count("\n\n") == 5
        assert t("method_sources", lang).count("\n- ") == 6


# --- each check can fail ---------------------------------------------------------------------


@pytest.fixture
def broken_copy(tmp_path: Path) -> Path:
    """A scratch copy of the locale files to break."""
    return Path(shutil.copytree(LOCALES, tmp_path / "locales"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_key_check_can_fail(broken_copy: Path) -> None:
    en = broken_copy / "en.toml"
    en.write_text(en.read_text(encoding="utf-8") + 'only_in_english = "Extra"\n', "utf-8")
    assert any("only_in_english" in p for p in key_problems(read_locales(broken_copy)))

    en.write_text((LOCALES / "en.toml").read_text(encoding="utf-8"), "utf-8")
    edit(en, 'nav_overview = "Overview"\n', "")
    problems = key_problems(read_locales(broken_copy))
    assert "en.toml lacks ['nav_overview']" in problems

    lines = (LOCALES / "en.toml").read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.startswith("nav_counties ="))
    lines[first], lines[first + 1] = lines[first + 1], lines[first]
    en.write_text("".join(lines), "utf-8")
    assert any("another order" in p for p in key_problems(read_locales(broken_copy)))


def test_placeholder_check_can_fail(broken_copy: Path) -> None:
    edit(broken_copy / "en.toml", "The target year {year}", "The target year {yaer}")
    problems = placeholder_problems(read_locales(broken_copy))
    assert problems == ["target_year_note: the placeholders differ: nb ['year'], en ['yaer']"]

    edit(broken_copy / "nb.toml", "Andel {wave}", "Andel {wave")
    problems = placeholder_problems(read_locales(broken_copy))
    assert any(p.startswith("nb.toml: kpi_share is not a valid format string") for p in problems)


def test_loader_reads_a_copy_and_leaves_a_missing_translation_missing(broken_copy: Path) -> None:
    edit(broken_copy / "en.toml", 'nav_overview = "Overview"\n', "")
    catalogue = load_catalogue(broken_copy)
    assert catalogue["nav_overview"] == {"nb": "Oversikt"}
    assert catalogue["app_title"] == TEXT["app_title"]


def test_usage_checks_can_fail(tmp_path: Path) -> None:
    code = tmp_path / "page.py"
    code.write_text(
        "page.t('app_title')\n"
        "self.t(f'measure_{m}_short')\n"
        "t('no_such_key', lang)\n"
        "t(f'nope_{reason}', lang)\n"
        "choice = ('language_label', 'sort_')\n"
        "t(prefix + value, lang)\n",
        "utf-8",
    )
    use = scan_code([code])
    assert {"measure_", "nope_", "sort_"} <= set(use.key_starts)
    keys = ["app_title", "measure_units_short", "language_label", "sort_name", "dead_key"]
    assert unused_keys(keys, use) == ["dead_key"]
    assert unknown_keys(keys, use) == [
        f"{code}:3: t('no_such_key') but no such key",
        f"{code}:4: t(f'nope_{{…}}') but no key starts with 'nope_'",
    ]


def test_norwegian_and_english_number_typography() -> None:
    assert fmt.share(0.153, "nb") == "15,3\u00a0%"
    assert fmt.share(0.153, "en") == "15.3%"
    assert fmt.pp(-1.0, "nb") == "\u22121,0\u00a0p.p."
    assert fmt.pp(2.06, "en") == "+2.1 pp"
    assert fmt.share_range(0.18, 0.31, "nb") == "18,0–31,0\u00a0%"  # one decimal, issue 15
    assert fmt.count(12345, "nb") == "12\u00a0345"
    assert fmt.share(None, "nb") == "–"
