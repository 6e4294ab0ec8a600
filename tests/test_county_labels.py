"""Every county label carries n; small multiples have bands, Norway's line and say why a panel is
empty; trend lines are named at their ends; the partner chart has no empty wave row."""

from __future__ import annotations

import pandas as pd
from test_charts import context, county_data

from tracker.data.reference import PARTNERS
from tracker.present import charts, county_charts
from tracker.present.charts import spread_labels
from tracker.present.i18n import t

NATIONAL = pd.DataFrame(
    {
        "area_code": "NO",
        "area_name": "Norge",
        "wave_year": [2018, 2020, 2024],
        "share": [0.15, 0.18, 0.22],
        "ci_low": [0.1, 0.12, 0.17],
        "ci_high": [0.2, 0.25, 0.3],
        "n": [140, 130, 160],
    }
)


def three_waves() -> tuple[pd.DataFrame, pd.DataFrame]:
    """county_data over 2018–2024; Oslo (03) has answers but too few, Vestfold (39) none."""
    kpis, progress = county_data()
    waves = pd.concat([kpis.assign(wave_year=y) for y in (2018, 2020, 2024)], ignore_index=True)
    waves.loc[waves["area_code"] == "03", "n"] = 2
    vestfold = waves["area_code"] == "39"
    waves.loc[vestfold, ["share", "ci_low", "ci_high"]] = None
    waves.loc[vestfold, "n"] = 0
    return waves, progress


def multiples(lang: str = "nb"):
    kpis, progress = three_waves()
    return county_charts.county_small_multiples(
        kpis, progress, target_share=0.3, relative=False, ctx=context(lang), national=NATIONAL
    )


def test_ranking_labels_carry_n() -> None:
    kpis, progress = county_data()
    fig = county_charts.county_dots(
        kpis, progress, target_share=0.3, relative=False, min_n=5, ctx=context()
    )
    assert "Trøndelag (n = 20)" in list(fig.data[0].y)
    hidden = next(tr for tr in fig.data if tr.mode == "text")
    assert list(hidden.y) == ["Oslo (n = 0)"]
    assert fig.layout.yaxis.categoryarray[0] == "Oslo (n = 0)"


def test_tiles_carry_n_on_a_line_of_their_own() -> None:
    kpis, progress = county_data()
    fig = county_charts.county_tiles(progress, kpis, ctx=context())
    tile = next(a.text for a in fig.layout.annotations if a.text.startswith("<b>Trøndelag"))
    assert tile.split("<br>")[-1] == "n = 20"


def test_small_multiple_titles_carry_n_of_the_latest_wave() -> None:
    titles = [a.text for a in multiples().layout.annotations]
    assert "Trøndelag (n = 20)" in titles and "Oslo (n = 2)" in titles


def test_small_multiples_draw_bands_and_the_national_line() -> None:
    fig = multiples()
    bands = [tr for tr in fig.data if tr.fill == "toself"]
    assert len(bands) == 13  # every county with a shown share (not Oslo, not Vestfold)
    assert all(max(b.y) > min(b.y) for b in bands), "a band spans its interval"
    norway = [tr for tr in fig.data if tr.name == t("area_national", "nb")]
    assert len({tr.xaxis for tr in norway}) == 15, "a grey national line in every panel"
    assert [round(v, 6) for v in norway[0].y] == [15.0, 18.0, 22.0]
    assert "Norge" in fig.layout.title.text


def test_an_empty_panel_says_why() -> None:
    notes = {a.text for a in multiples().layout.annotations if a.name == "empty_panel"}
    assert notes == {t("suppressed", "nb", min_n=5), t("panel_no_answers", "nb")}
    english = {a.text for a in multiples("en").layout.annotations if a.name == "empty_panel"}
    assert english == {"hidden (n < 5)", "no answers"}


def test_trend_lines_are_labelled_at_their_ends() -> None:
    kpis = pd.concat(
        [
            NATIONAL,
            NATIONAL.assign(area_code="x", area_name="Andre", share=NATIONAL["share"] + 0.005),
        ]
    )
    fig = charts.trend_lines(kpis, ["NO", "x"], title="T", target_share=None, ctx=context())
    assert not any(tr.showlegend for tr in fig.data), "no legend: the lines are named"
    labels = [a for a in fig.layout.annotations if a.name == "line_label"]
    assert [a.text.split("</span> ")[1] for a in labels] == ["Norge", "Andre"]
    assert all(a.x == 2024 and a.xanchor == "left" for a in labels)
    # Two lines ending half a point apart get labels far enough apart to read.
    assert abs(labels[0].y - labels[1].y) >= charts.LABEL_GAP_PP
    assert fig.layout.xaxis.range[1] > 2024  # room for the labels inside the plot


def test_spread_labels_keeps_order_and_moves_only_close_ones() -> None:
    assert spread_labels([10.0, 30.0], 2.0) == [10.0, 30.0]
    low, high = spread_labels([20.0, 20.5], 2.0)
    assert high - low == 2.0 and low < 20.0 < 20.5 < high


def test_partner_chart_has_no_empty_wave_and_legend_in_bar_order() -> None:
    partners = pd.DataFrame(
        {
            "wave_year": [2020, 2020, 2024, 2024, 2022],
            "research_partner": ["annet", "universitet_hogskole"] * 2 + ["annet"],
            "n": [3, 7, 4, 6, 0],
            "weight_share": [0.3, 0.7, 0.4, 0.6, None],
        }
    )
    fig = charts.partner_shares(partners, ctx=context())
    assert fig.layout.yaxis.type == "category"
    assert list(fig.layout.yaxis.categoryarray) == ["2020", "2024"]
    assert all("2022" not in list(tr.y) for tr in fig.data)
    # Bars stack in the reference order; the legend reads in the same order.
    order = [t(f"partner_{k}", "nb") for k in PARTNERS if k in {"annet", "universitet_hogskole"}]
    assert [tr.name for tr in fig.data] == order
    assert fig.layout.legend.traceorder == "normal"
