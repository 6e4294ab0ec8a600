"""Image export: file names, presets, PNG/SVG rendering with kaleido, the chart pack ZIP."""

from __future__ import annotations

import io
import struct
import threading
import zipfile
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import pytest

from tracker.present import charts, export
from tracker.present.charts import ChartContext

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


# The render gate. kaleido's server draws one image at a time; these tests replace the drawing
# (export._draw) with a fake that records the order and blocks on events the test controls, so
# they need no browser and assert on order only, never on time. A timeout below only keeps a
# broken gate from hanging the run.
WAIT = 10


def titled(title: str) -> go.Figure:
    return go.Figure(layout={"title": {"text": title}})


def drawn_name(fig: go.Figure, fmt: str) -> str:
    return f"{fig.layout.title.text}.{fmt}"


def run_thread(
    name: str, target: Callable[[], object]
) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread, errors


def finish(*threads: tuple[threading.Thread, list[BaseException]]) -> None:
    for thread, errors in threads:
        thread.join(WAIT)
        assert not thread.is_alive(), f"{thread.name} is stuck at the render gate"
        assert not errors, f"{thread.name} failed: {errors[0]!r}"


class StagedCondition(threading.Condition):
    """The gate's condition, which shows when the single render waits and lets the pack go first.

    When the gate frees up, whether the waiting single render or the pack's next image looks
    first is up to the thread scheduler. The test makes the worst case certain: once woken, the
    single render steps aside (as a wakeup that is slow to be scheduled would) until the pack
    thread has either waited at the gate again or started drawing. Only the priority can then put
    the single render first.
    """

    def __init__(self) -> None:
        super().__init__()
        self.single_waits = threading.Event()
        self.pack_moved = threading.Event()

    def wait(self, timeout: float | None = None) -> bool:
        single = threading.current_thread().name == "single"
        if single:
            self.single_waits.set()
        else:
            self.pack_moved.set()
        woken = super().wait(timeout)
        if single:
            self.release()
            try:
                self.pack_moved.wait(WAIT)
            finally:
                self.acquire()
        return woken


class FakeDraw:
    """Replaces export._draw: records each image; the one named ``hold`` waits for ``release``."""

    def __init__(self, gate: export._RenderGate) -> None:
        self.gate = gate
        self.order: list[str] = []
        self.hold: str | None = None
        self.holding = threading.Event()
        self.release = threading.Event()
        self.condition: StagedCondition | None = None
        self.drawing = 0
        self.most_at_once = 0
        self._count = threading.Lock()

    def __call__(self, fig: go.Figure, fmt: str, size: export.SizePreset) -> bytes:
        name = drawn_name(fig, fmt)
        with self._count:
            self.drawing += 1
            self.most_at_once = max(self.most_at_once, self.drawing)
        try:
            self.order.append(name)
            if self.condition is not None and threading.current_thread().name == "pack":
                self.condition.pack_moved.set()
            if name == self.hold:
                self.holding.set()
                assert self.release.wait(WAIT), "the test never released the held image"
            if name == "broken.png":
                raise RuntimeError("kaleido failed")
            return name.encode()
        finally:
            with self._count:
                self.drawing -= 1


@pytest.fixture
def fake_draw(monkeypatch: pytest.MonkeyPatch) -> FakeDraw:
    """A fresh render gate and a fake drawing; no browser is started."""
    gate = export._RenderGate()
    drawer = FakeDraw(gate)
    monkeypatch.setattr(export, "_gate", gate)
    monkeypatch.setattr(export, "_draw", drawer)
    monkeypatch.setattr(export, "browser_path", lambda: "/usr/bin/chromium")
    return drawer


def test_single_export_goes_before_the_next_pack_image(fake_draw: FakeDraw) -> None:
    staged = fake_draw.condition = StagedCondition()
    fake_draw.gate._changed = staged
    fake_draw.hold = "a.png"
    figures = [("a", titled("a")), ("b", titled("b"))]
    pack = run_thread("pack", lambda: export.chart_pack(figures, "slide"))
    assert fake_draw.holding.wait(WAIT), "the pack never started drawing"

    single = run_thread("single", lambda: export.render(titled("single"), "png", "slide"))
    assert staged.single_waits.wait(WAIT), "the single render never waited at the render gate"
    assert fake_draw.order == ["a.png"], "an image was drawn while another was in progress"
    staged.pack_moved.clear()  # set when a.png was drawn; what counts is the pack's next move
    fake_draw.release.set()
    finish(single, pack)

    # The single export waited for the image in progress only, not for the rest of the pack.
    assert fake_draw.order == ["a.png", "single.png", "a.svg", "b.png", "b.svg"]
    assert fake_draw.most_at_once == 1


def test_pack_images_wait_while_any_single_export_waits(fake_draw: FakeDraw) -> None:
    fake_draw.hold = "first.png"
    first = run_thread("first", lambda: export.render(titled("first"), "png"))
    assert fake_draw.holding.wait(WAIT), "the first render never started drawing"
    staged = fake_draw.gate._changed = StagedCondition()  # the first render is already through
    fake_draw.condition = staged

    # A pack image arrives first and waits; then a single export arrives and waits too.
    pack = run_thread("pack", lambda: export.render(titled("packed"), "png", background=True))
    assert staged.pack_moved.wait(WAIT), "the pack image did not wait at the gate"
    staged.pack_moved.clear()
    single = run_thread("single", lambda: export.render(titled("single"), "svg"))
    assert staged.single_waits.wait(WAIT), "the single render never waited at the render gate"
    fake_draw.release.set()
    finish(first, single, pack)

    assert fake_draw.order == ["first.png", "single.svg", "packed.png"]
    assert fake_draw.most_at_once == 1


def test_pack_output_is_unchanged_behind_the_gate(fake_draw: FakeDraw) -> None:
    seen = []
    data = export.chart_pack(
        [("a-trend", titled("a")), ("b-trend", titled("b"))],
        "social",
        progress=lambda done, total, name: seen.append((done, total, name)),
    )
    with zipfile.ZipFile(io.BytesIO(data)) as pack:
        assert sorted(pack.namelist()) == [
            "a-trend.png",
            "a-trend.svg",
            "b-trend.png",
            "b-trend.svg",
        ]
        assert pack.read("b-trend.svg") == b"b.svg"
    assert seen == [
        (1, 4, "a-trend.png"),
        (2, 4, "a-trend.svg"),
        (3, 4, "b-trend.png"),
        (4, 4, "b-trend.svg"),
    ]


def test_failed_draw_frees_the_gate(fake_draw: FakeDraw) -> None:
    with pytest.raises(RuntimeError, match="kaleido failed"):
        export.render(titled("broken"), "png")
    after = run_thread("single", lambda: export.render(titled("after"), "png"))
    pack = run_thread("pack", lambda: export.render(titled("packed"), "svg", background=True))
    finish(after, pack)
    assert sorted(fake_draw.order) == ["after.png", "broken.png", "packed.svg"]
