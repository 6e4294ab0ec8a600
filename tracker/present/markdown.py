"""Text from data shown as Markdown: escaped so no formatting, link or HTML can come through."""

from __future__ import annotations

_SPECIAL = set("\\`*_{}[]<>()#+-.!|~$")


def escape_markdown(text: str) -> str:
    """``text`` with every Markdown-special character escaped ('**a**' → '\\*\\*a\\*\\*')."""
    return "".join(f"\\{c}" if c in _SPECIAL else c for c in text)
