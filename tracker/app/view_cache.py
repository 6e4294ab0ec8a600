"""Page data and figures built once per view and shared by every session of the process.

A profile of a warm overview run (py-spy over repeated runs, before this module) spent about
60 % of its time building Plotly figures (adding shapes and annotations is slow in Plotly) and
17 % computing the page data, all of it identical for every session looking at the same view. So:

- :func:`load` caches a page-data function's result (``tracker.present.page_data``) in
  ``st.cache_data``, keyed by the database file and its version, the function and its arguments:
  an import swaps in a new file with a new version, so results of different versions never mix.
  ``st.cache_data`` hands every run its own copy, so a page may change what it gets.
- :func:`build` caches what a pure function (a chart builder, a display table, a summary
  sentence) makes of its arguments in ``st.cache_resource``, keyed by the function and a digest
  of its pickled arguments: equal content gives an equal key, so a new database version (new
  frames) gives a new figure. Streamlit's own argument hashing took 12 ms for the overview's
  county frames, the pickle digest 0.5 ms. Results are shared, not copied: nothing may change
  them (``chart_block`` and ``export`` copy a figure before resizing it).

Functions are keyed by their qualified name, not their code: a code change needs a restart.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")

#: Views held per process: language × measure × target mode × wave × county × estimate × …
MAX_VIEWS = 2048


def load(
    path: str,
    version: tuple[int, int, int],
    loader: Callable[..., T],
    query: Callable[..., Any],
    *args: Any,
) -> T:
    """``loader(query, *args)``, computed once per database version and arguments."""
    return _load(path, version, _name(loader), args, loader, query)


def build(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function(*args, **kwargs)``, made once per distinct content of its arguments."""
    try:
        pickled = pickle.dumps((args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return function(*args, **kwargs)  # arguments without a content key are not cached
    digest = hashlib.blake2b(pickled, digest_size=16).hexdigest()
    return _built(_name(function), digest, function, args, kwargs)


def _name(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__qualname__}"


@st.cache_data(max_entries=MAX_VIEWS, show_spinner=False)
def _load(
    path: str,
    version: tuple[int, int, int],
    name: str,
    args: tuple[Any, ...],
    _loader: Callable[..., Any],
    _query: Callable[..., Any],
) -> Any:
    # The loader and the query function are left out of the key (leading underscore): the name
    # stands for the loader, the path and version for the data the query function reads.
    return _loader(_query, *args)


@st.cache_resource(max_entries=MAX_VIEWS, show_spinner=False)
def _built(
    name: str,
    digest: str,
    _function: Callable[..., Any],
    _args: tuple[Any, ...],
    _kwargs: dict[str, Any],
) -> Any:
    return _function(*_args, **_kwargs)
