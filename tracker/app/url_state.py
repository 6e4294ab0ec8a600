"""The view's state in the URL: every choice a user makes lives in ``?key=value``.

A copied link reopens the same view, also as the first request to a freshly started server,
because every run re-reads the URL. :class:`UrlState` knows the page language and collects a
notice for each URL value it had to ignore, so callers pass neither around.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from tracker.app import contract
from tracker.present.i18n import t


def presenting() -> bool:
    """True in presentation mode (``?presentasjon=1``): content only, no widgets or chrome."""
    return st.query_params.get(contract.PRESENTATION) == "1"


def stored(key: str) -> Any:
    """The remembered value of the URL choice ``key`` (None before it is first set)."""
    return st.session_state.get(f"url_{key}")


def remember(key: str, value: Any) -> None:
    """Set the URL choice ``key`` (e.g. from a callback); the page writes it to the URL."""
    st.session_state[f"url_{key}"] = value
    if value:  # "" and [] mean "none chosen": the last real choice stays known
        st.session_state[f"last_{key}"] = value


def last_chosen(key: str) -> Any:
    """The last value other than "none" chosen for ``key`` in this session (None if never).

    Unlike :func:`stored`, a later "none" (e.g. no county highlighted on Fylker) does not erase
    it, so a page that needs a value can reopen on the user's last one.
    """
    return st.session_state.get(f"last_{key}")


def _written(key: str) -> str | None:
    """What this session last put in the URL for ``key`` ('' = removed; None = never wrote)."""
    value = st.session_state.get(f"written_{key}")
    return value if isinstance(value, str) else None


def _from_outside(key: str) -> str | None:
    """The URL value of ``key`` when this session did not write it (a link, a typed address).

    A value the app wrote itself may be stale for one run (a widget's callback has remembered
    the new choice before the URL is rewritten), so only an outside value beats a remembered one.
    """
    raw = st.query_params.get(key)
    return raw if raw is not None and raw != _written(key) else None


def write_param(key: str, value: str) -> None:
    """Put ``value`` in the URL; an empty value means "not chosen" and removes ``key``."""
    st.session_state[f"written_{key}"] = value
    if not value:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value


def _keep(widget_key: str, key: str) -> None:
    remember(key, st.session_state[widget_key])


@dataclass
class UrlState:
    """Reads and writes the URL's choices for one page run, in the page language.

    Values are remembered under plain session-state keys, not widget keys: Streamlit treats a
    widget on another page as a new widget and resets it, so widget keys alone would lose the
    user's choices on the way between pages. Only explicit choices (in the URL or made with a
    widget) are remembered; a default is not, so that e.g. the default wave follows the newest
    wave when an import adds one while the page is open.
    """

    lang: str
    #: (parameter, valid values) of every URL value ignored in this run.
    ignored: list[tuple[str, str]] = field(default_factory=list)

    def read(self, key: str, valid: Sequence[str]) -> str | None:
        """The URL value of ``key`` if it is one of ``valid``; otherwise None and a notice."""
        raw = st.query_params.get(key)
        if raw is None:
            return None
        if raw in valid:
            return raw
        self.ignored.append((key[:40], ", ".join(v for v in valid if v)))
        del st.query_params[key]
        return None

    def value(self, key: str, options: Sequence[str], default: str) -> str:
        """The choice ``key``: from the URL if it changed there (a link), else remembered in this
        session, else taken from the URL, else default."""
        value = stored(key)
        if _from_outside(key) in options:
            value = None  # an explicit URL value always wins over a remembered one
        if value is None or value not in options:
            value = self.read(key, options)
            if value is None:
                st.session_state.pop(f"url_{key}", None)
                return default
            remember(key, value)
        return value

    def choice(
        self,
        key: str,
        options: Sequence[str],
        default: str,
        label: str,
        format_func: Callable[[str], str],
        *,
        container: Any = None,
        widget: str = "radio",
        placeholder: str | None = None,
    ) -> str:
        """A radio or selectbox whose value lives in the URL as ``?key=value``.

        The URL sets the initial value (a deep link or a link from another page); after that the
        user's choice wins and is written back to the URL, so a copied link reopens this view.
        """
        value = self.value(key, options, default)
        if not presenting():
            widget_key = contract.widget_key(key)
            st.session_state[widget_key] = value
            place = container if container is not None else st.sidebar
            common: dict[str, Any] = {
                "format_func": format_func,
                "key": widget_key,
                "on_change": _keep,
                "args": (widget_key, key),
            }
            if widget == "radio":
                value = place.radio(label, options, **common)
            else:
                # Shown while the user types to filter; Streamlit's own is English.
                text = placeholder or t("select_placeholder", self.lang)
                value = place.selectbox(label, options, placeholder=text, **common)
        write_param(key, stored(key) or "")
        return value

    def multi_choice(
        self,
        key: str,
        options: Sequence[str],
        label: str,
        format_func: Callable[[str], str],
        *,
        max_selections: int,
        container: Any = None,
        default: Sequence[str] = (),
        placeholder: str | None = None,
    ) -> list[str]:
        """A multiselect kept in the URL as ``?key=a,b,c`` (unknown or surplus values ignored).

        With no choice made, ``default`` is shown but neither remembered nor written to the URL,
        so it can follow other choices (e.g. the county's neighbours). A choice of none is
        written as an empty ``?key=`` so that a link keeps it instead of reopening the default.
        """
        chosen = stored(key)
        raw = st.query_params.get(key)
        if chosen is None or not set(chosen) <= set(options) or _from_outside(key) is not None:
            chosen = None
            if raw is not None:
                parts = [p for p in raw.split(",") if p]
                chosen = list(dict.fromkeys(p for p in parts if p in options))[:max_selections]
                if len(chosen) != len(parts):
                    self.ignored.append((key[:40], ", ".join(options)))
            remember(key, chosen)
        value = [c for c in default if c in options][:max_selections] if chosen is None else chosen
        if not presenting():
            widget_key = contract.widget_key(key)
            st.session_state[widget_key] = list(value)
            place = container if container is not None else st.sidebar
            value = place.multiselect(
                label,
                options,
                format_func=format_func,
                key=widget_key,
                max_selections=max_selections,
                on_change=_keep,
                args=(widget_key, key),
                placeholder=placeholder or t("select_placeholder", self.lang),
            )
        if stored(key) is None:
            write_param(key, "")  # the default: not in the URL, like every other default
        else:
            joined = ",".join(stored(key))
            st.session_state[f"written_{key}"] = joined
            if st.query_params.get(key) != joined:
                st.query_params[key] = joined  # may be empty: "none chosen" on purpose
        return list(value)

    def show_notices(self) -> None:
        """Say which URL values were ignored (call after the page has made its widgets)."""
        for name, valid in self.ignored:
            st.info(t("param_ignored", self.lang, name=name, valid=valid), icon=":material/info:")
        self.ignored.clear()


def link_state(shared: Sequence[tuple[str, Sequence[str]]]) -> dict[str, str]:
    """The choices that links to other pages carry: ``shared`` (key, options) plus CARRIED."""
    state: dict[str, str] = {}
    for key, options in shared:
        value = stored(key) or st.query_params.get(key)
        if value is not None and value in options:
            state[key] = str(value)
    for key in contract.CARRIED:
        # Before this run has made the page's widgets, the URL holds their values.
        value = stored(key)
        if value is None:
            value = st.query_params.get(key)
        if isinstance(value, list):
            value = ",".join(value)
        if value:
            state[key] = str(value)
    return state


def page_state() -> dict[str, str]:
    """Every other parameter of the current URL (e.g. sort order, sector scope)."""
    params: dict[str, str] = st.query_params.to_dict()
    return {k: v for k, v in params.items() if k != contract.PRESENTATION}
