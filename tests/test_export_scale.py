"""Type scales with the export preset, on a copy (issue 15, item 13); no browser needed."""

from __future__ import annotations

import copy

import pytest
from test_charts import all_figures

from tracker.present import export, image_layout, style


def sizes(fig) -> dict[str, float]:
    """The font sizes a reader sees: title, subtitle, ticks (template), legend, footer."""
    layout = fig.layout
    notes = {a.name: a.font.size for a in layout.annotations if a.name}
    return {
        "title": layout.title.font.size or layout.template.layout.title.font.size,
        "subtitle": layout.title.subtitle.font.size,
        "ticks": layout.font.size or layout.template.layout.font.size,
        "legend": layout.legend.font.size,
        "source": notes[image_layout.SOURCE_NAME],
        "demo": notes[image_layout.DEMO_LABEL_NAME],
    }


def test_presets_scale_type_for_slides_and_social_posts() -> None:
    assert export.PRESETS["report"].type_scale == 1.0
    assert export.PRESETS["slide"].type_scale > 1.0
    assert export.PRESETS["social"].type_scale > export.PRESETS["slide"].type_scale


@pytest.mark.parametrize("preset", list(export.PRESETS))
def test_export_copy_has_scaled_type_and_the_input_is_unchanged(preset: str) -> None:
    fig = all_figures()["trend"]
    before = copy.deepcopy(fig.to_dict())
    size = export.PRESETS[preset]
    exported = export.for_image(fig, size)
    assert fig.to_dict() == before, "the cached figure was changed"
    screen, image = sizes(fig), sizes(exported)
    assert screen["ticks"] == style.FONT_SIZE and screen["title"] == style.TITLE_SIZE
    for part, px in screen.items():
        assert image[part] == pytest.approx(px * size.type_scale), part
    if preset != "report":
        assert image["source"] >= 16 and image["ticks"] >= 20  # was 12 and 15 in every preset
    assert (exported.layout.width, exported.layout.height) == (size.width, size.height)


def test_footer_moves_with_the_larger_bottom_margin() -> None:
    exported = export.for_image(all_figures()["dots"], export.PRESETS["social"])
    notes = {a.name: a for a in exported.layout.annotations if a.name}
    bottom = exported.layout.margin.b
    assert bottom > style.MARGIN_BOTTOM
    source, demo = notes[image_layout.SOURCE_NAME], notes[image_layout.DEMO_LABEL_NAME]
    scale = export.PRESETS["social"].type_scale
    assert -source.yshift == pytest.approx(bottom - style.FOOTER_EDGE_GAP * scale)
    assert demo.yshift > source.yshift  # the demo label stays above the source line


def test_long_texts_wrap_to_the_image() -> None:
    text = "Andel av kommunedirektørene med en innovasjon som oppgir FoU-samarbeid"
    wrapped = image_layout.wrap(text, 21, 400)
    lines = image_layout.lines_of(wrapped)
    assert len(lines) > 1 and " ".join(lines) == text
    assert all(image_layout.text_width(line, 21) <= 400 for line in lines)
