"""Every string shown to users, in bokmål (default) and English, looked up with :func:`t`.

The texts live in data files, one per language (``locales/nb.toml`` and ``locales/en.toml``): a
flat table of ``key = "text"`` in the same order in both. Translators edit those files without
touching Python, and can put the two languages side by side to compare them line by line.
``tests/test_i18n.py`` checks that both files have the same keys in the same order and the same
``{placeholders}``, that the code uses every key and asks for no key the files lack.

A missing key raises at once, so no untranslated text reaches a page; an unknown language falls
back to :data:`DEFAULT_LANGUAGE`.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

from tracker.present.format import LANGUAGES

DEFAULT_LANGUAGE = "nb"

LOCALES = Path(__file__).with_name("locales")


@functools.cache
def load_catalogue(folder: Path = LOCALES) -> dict[str, dict[str, str]]:
    """``{key: {language: text}}`` from ``<folder>/<language>.toml``, keys in file order.

    Read once per folder; a key one file lacks is simply absent for that language.
    """
    catalogue: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        path = folder / f"{lang}.toml"
        with path.open("rb") as file:
            for key, text in tomllib.load(file).items():
                if not isinstance(text, str):
                    raise TypeError(f"{path}: {key} is not a string")
                catalogue.setdefault(key, {})[lang] = text
    return catalogue


TEXT: dict[str, dict[str, str]] = load_catalogue()


def t(key: str, lang: str, **values: object) -> str:
    """The text for ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    text = TEXT[key][lang]
    return text.format(**values) if values else text


def status_label(status: str, lang: str) -> str:
    return t(f"status_{status}", lang)
