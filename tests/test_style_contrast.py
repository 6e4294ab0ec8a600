"""Text colours meet WCAG AA (4.5:1); the screen draws the house template (issue 15, item 14)."""

from __future__ import annotations

from unittest import mock

import plotly.graph_objects as go
import pytest

from tracker.app import chart_block
from tracker.present import style


def test_contrast_ratio_matches_known_values() -> None:
    assert style.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert style.contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    # Streamlit's axis label grey on white, the colour this issue replaces: fails AA.
    assert style.contrast_ratio("#808495", "#FFFFFF") == pytest.approx(3.7, abs=0.05)
    assert style.contrast_ratio("#FFFFFF", "#808495") < style.AA_TEXT_CONTRAST  # either order


def text_colour_constants() -> list[str]:
    """Every colour constant of style.py whose name says it is for text (or is the accent,
    used for value labels)."""
    return [
        name
        for name, value in vars(style).items()
        if name.isupper()
        and isinstance(value, str)
        and value.startswith("#")
        and ("TEXT" in name or name in ("MUTED_COLOUR", "ACCENT"))
    ]


def test_every_text_colour_is_registered_with_its_backgrounds() -> None:
    # A new text colour must say what it is drawn on, or the test below cannot check it.
    assert set(text_colour_constants()) - {"LIGHT_TEXT"} <= set(style.TEXT_ON_BACKGROUND)


@pytest.mark.parametrize("name", list(style.TEXT_ON_BACKGROUND))
def test_text_colour_meets_aa_on_its_backgrounds(name: str) -> None:
    colour, backgrounds = style.TEXT_ON_BACKGROUND[name]
    assert colour == getattr(style, name)
    for background in backgrounds:
        ratio = style.contrast_ratio(colour, background)
        assert ratio >= style.AA_TEXT_CONTRAST, f"{name} {colour} on {background}: {ratio:.2f}"


def test_template_text_colours_meet_aa() -> None:
    layout = style.TEMPLATE.layout
    background = layout.paper_bgcolor
    for colour in (layout.font.color, layout.hoverlabel.font.color):
        assert style.contrast_ratio(colour, background) >= style.AA_TEXT_CONTRAST
    assert style.contrast_ratio(layout.hoverlabel.font.color, layout.hoverlabel.bgcolor) >= 4.5


@pytest.mark.parametrize("status", list(style.STATUS_STYLE))
def test_status_tile_text_meets_aa(status: str) -> None:
    look = style.STATUS_STYLE[status]
    assert style.contrast_ratio(look["text"], look["colour"]) >= style.AA_TEXT_CONTRAST


@pytest.mark.parametrize(
    "fill", [*style.LINE_COLOURS, *(s["colour"] for s in style.STATUS_STYLE.values())]
)
def test_text_on_a_fill_is_readable(fill: str) -> None:
    assert style.contrast_ratio(style.readable_text_on(fill), fill) >= style.AA_TEXT_CONTRAST


def test_a_failing_colour_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(style.TEXT_ON_BACKGROUND, "MUTED_COLOUR", ("#808495", (style.BACKGROUND,)))
    monkeypatch.setattr(style, "MUTED_COLOUR", "#808495")
    with pytest.raises(AssertionError, match=r"3\.7"):
        test_text_colour_meets_aa_on_its_backgrounds("MUTED_COLOUR")


def test_chart_block_draws_without_streamlit_theme(monkeypatch: pytest.MonkeyPatch) -> None:
    page = mock.Mock(
        script="no-such-page.py",
        one_chart=False,
        figure=None,
        presenting=True,  # presenting: no download buttons or tables to stub
        preset="slide",
        figures=[],
        summaries={},
    )
    place = mock.Mock()
    chart_block.show_chart(page, go.Figure(), "stem", key="k", container=place)
    (call,) = place.plotly_chart.call_args_list
    assert "theme" in call.kwargs and call.kwargs["theme"] is None
