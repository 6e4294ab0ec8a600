"""Image export: file names, presets, PNG/SVG rendering with kaleido, the chart pack ZIP."""

from __future__ import annotations

import io
import struct
import zipfile

import pandas as pd
import pytest

from tracker import charts, export
from tracker.charts import ChartContext

needs_browser = pytest.mark.skipif(
    export.browser_path() is None, reason="kaleido needs Chromium/Chrome (apt-get install chromium)"
)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def sample_figure(demo: bool = True):
    kpis = pd.DataFrame(
        {
            "wave_year": [2018, 2020, 2024],
            "share": [0.15, 0.18, 0.22],
            "ci_low": [0.10, 0.12, 0.17],
            "ci_high": [0.22, 0.25, 0.30],
            "n": [142, 130, 160],
        }
    )
    ctx = ChartContext(lang="nb", demo=demo, subtitle="Definisjon", source="Kilde: test")
    return charts.national_trend(
        kpis, target_share=0.3, baseline_year=2018, target_year=2030, ctx=ctx
    )


def test_file_names_are_descriptive_ascii() -> None:
    name = export.file_name(["FoU-samarbeid", "Møre og Romsdal", 2024, "kommuner"], "png")
    assert name == "fou-samarbeid-more-og-romsdal-2024-kommuner.png"
    assert export.slugify("Trøndelag – Trööndelage") == "trondelag-troondelage"
    assert export.slugify("Ålesund/Æra") == "alesund-aera"


def test_presets_are_publication_sizes() -> None:
    assert (export.PRESETS["slide"].width, export.PRESETS["slide"].height) == (1600, 900)
    assert export.PRESETS["social"].width == export.PRESETS["social"].height == 1080
    assert export.SCALE >= 2


@needs_browser
@pytest.mark.parametrize("preset", list(export.PRESETS))
def test_png_has_preset_size_at_scale(preset: str) -> None:
    size = export.PRESETS[preset]
    width, height = png_size(export.render(sample_figure(), "png", preset))
    assert (width, height) == (size.width * export.SCALE, size.height * export.SCALE)


@needs_browser
def test_svg_carries_title_source_and_demo_mark() -> None:
    svg = export.render(sample_figure(), "svg").decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    assert "FoU-samarbeid om nyeste innovasjon" in svg
    assert "Kilde: test" in svg
    assert "DEMODATA – ikke ekte tall" in svg


@needs_browser
def test_real_data_image_has_no_demo_mark() -> None:
    svg = export.render(sample_figure(demo=False), "svg").decode("utf-8")
    assert "DEMODATA" not in svg


@needs_browser
def test_chart_pack_zip_has_png_and_svg_of_every_chart() -> None:
    seen = []
    data = export.chart_pack(
        [("a-trend", sample_figure()), ("b-trend", sample_figure())],
        "social",
        progress=lambda done, total, name: seen.append((done, total, name)),
    )
    with zipfile.ZipFile(io.BytesIO(data)) as pack:
        names = sorted(pack.namelist())
        assert names == ["a-trend.png", "a-trend.svg", "b-trend.png", "b-trend.svg"]
        assert png_size(pack.read("a-trend.png")) == (2160, 2160)
        assert pack.read("b-trend.svg").lstrip().startswith(b"<svg")
    assert [s[0] for s in seen] == [1, 2, 3, 4] and all(s[1] == 4 for s in seen)


def test_missing_browser_explains_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "browser_path", lambda: None)
    with pytest.raises(export.ExportUnavailable, match="apt-get install chromium"):
        export.render(sample_figure(), "png")


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="png or svg"):
        export.render(sample_figure(), "gif")
