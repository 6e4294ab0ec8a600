"""Display-ready values and tables for pages: formatted per language, computed outside Streamlit."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from tracker.present import format as fmt
from tracker.present.i18n import t
from tracker.present.statuses import projection_display, status_display, status_help, versus_text
from tracker.stats.progress import STATUSES


def _value(row: pd.Series, column: str) -> float | None:
    value = row.get(column)
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return float(value)


def area_name(row: pd.Series, lang: str) -> str:
    """The area's name in the page language (the national row is 'Norge' in the data)."""
    return t("area_national", lang) if row["area_code"] == "NO" else str(row["area_name"])


@dataclass(frozen=True)
class Headline:
    """The overview's key figures for one area and wave, already formatted."""

    share: str
    share_help: str
    change: str
    gap: str
    status: str
    status_help: str
    projection: str
    pace_help: str
    summary: str


def headline(
    kpi_row: pd.Series, progress_row: pd.Series, lang: str, min_n: int, settled_at: float
) -> Headline:
    """Key figures from one KPI row (the chosen wave) and the matching progress row."""
    share = _value(kpi_row, "share")
    baseline = _value(progress_row, "baseline_share")
    target = _value(progress_row, "target_share")
    n = int(kpi_row["n"])
    if share is None:
        share_help = t("suppressed_reason", lang, min_n=min_n, n=n)
    else:
        ci = fmt.share_range(_value(kpi_row, "ci_low"), _value(kpi_row, "ci_high"), lang, 1)
        share_help = t("kpi_share_help", lang, ci=ci, n=fmt.count(n, lang))
    change = None if share is None or baseline is None else 100 * (share - baseline)
    if share is None or target is None:
        gap = "–"
    elif share >= target:
        gap = t("kpi_gap_value_reached", lang)
    else:
        gap = t("kpi_gap_value_below", lang, pp=fmt.pp(100 * (target - share), lang, signed=False))
    pace_help = t(
        "kpi_pace_help",
        lang,
        pace=fmt.pp(_value(progress_row, "pace_pp_per_year"), lang, words=True),
        required=fmt.pp(_value(progress_row, "required_pp_per_year"), lang, words=True),
        needed=fmt.pp(_value(progress_row, "needed_pp_per_year"), lang, words=True),
        baseline=int(progress_row["baseline_year"]),
    )
    return Headline(
        share=fmt.share(share, lang),
        share_help=share_help,
        change=fmt.pp(change, lang),
        gap=gap,
        status=status_display(progress_row, lang),
        status_help=status_help(progress_row, lang, settled_at),
        projection=projection_display(progress_row, lang),
        pace_help=pace_help,
        summary=area_summary(area_name(kpi_row, lang), kpi_row, target, lang, min_n),
    )


def area_summary(area: str, kpi_row: pd.Series, target: float | None, lang: str, min_n: int) -> str:
    """One sentence for screen readers and captions: 'Vestland: 24,2 % (95 % KI 18,1–31,0 %), …'."""
    share = _value(kpi_row, "share")
    if share is None:
        return t("summary_suppressed", lang, area=area, min_n=min_n)
    ci = fmt.share_range(_value(kpi_row, "ci_low"), _value(kpi_row, "ci_high"), lang)
    if target is None:
        gap = "–"
    else:
        diff = 100 * (share - target)
        key = "gap_above" if diff >= 0 else "gap_below"
        gap = t(key, lang, pp=fmt.pp(abs(diff), lang, signed=False))
    return t("summary_area", lang, area=area, share=fmt.share(share, lang), ci=ci, gap=gap)


def kpi_display_table(kpis: pd.DataFrame, lang: str) -> pd.DataFrame:
    """KPI rows with translated headers and formatted numbers, for a table alternative."""
    return pd.DataFrame(
        {
            t("col_area", lang): kpis["area_name"],
            t("col_wave", lang): kpis["wave_year"],
            t("col_n", lang): kpis["n"],
            t("col_share", lang): [fmt.share(s, lang) for s in kpis["share"]],
            t("col_ci", lang): [
                fmt.share_range(lo, hi, lang, 1)
                for lo, hi in zip(kpis["ci_low"], kpis["ci_high"], strict=True)
            ],
        }
    )


def progress_display_table(
    progress: pd.DataFrame,
    kpis: pd.DataFrame,
    lang: str,
    versus: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Progress rows (one per area) with the latest KPI, translated and formatted.

    Every area's own target is a column: in relative mode it differs from area to area, and a
    reader must see what "status" and "Når målet" are measured against. With ``versus``
    (kpi.versus_national at the same wave) a column says whether each area differs clearly
    from Norway.
    """
    merged = progress.merge(kpis[["area_code", "n", "ci_low", "ci_high"]], on="area_code")
    change = 100 * (merged["latest_share"] - merged["baseline_share"])
    # Status and "Når målet" right after the share: on a phone only the first columns are on
    # screen, and they answer the page's question; the figures behind them follow.
    table = pd.DataFrame(
        {
            t("col_area", lang): merged["area_name"],
            t("col_share", lang): [fmt.share(s, lang) for s in merged["latest_share"]],
            t("col_status", lang): [status_display(row, lang) for _, row in merged.iterrows()],
            t("col_projected", lang): [
                projection_display(row, lang) for _, row in merged.iterrows()
            ],
            t("col_target", lang): [fmt.target(s, lang) for s in merged["target_share"]],
            t("col_n", lang): merged["n"],
            t("col_ci", lang): [
                fmt.share_range(lo, hi, lang, 1)
                for lo, hi in zip(merged["ci_low"], merged["ci_high"], strict=True)
            ],
            t("col_change", lang): [fmt.pp(c, lang) for c in change],
            t("col_pace", lang): [fmt.pp(p, lang) for p in merged["pace_pp_per_year"]],
            t("col_required", lang): [fmt.pp(p, lang) for p in merged["required_pp_per_year"]],
        }
    )
    if versus is not None:
        verdicts = merged[["area_code"]].merge(versus, on="area_code", how="left")["verdict"]
        table[t("col_versus", lang)] = [versus_text(v, lang) for v in verdicts]
    return table


SORT_KEYS = ("share", "name", "change", "pace", "status", "projected")


def sort_progress(progress: pd.DataFrame, by: str) -> pd.DataFrame:
    """Progress rows in a reader's order: highest share, best status, earliest year first."""
    frame = progress.assign(
        _change=progress["latest_share"] - progress["baseline_share"],
        _status=progress["status"].map({s: i for i, s in enumerate(STATUSES)}),
    )
    order = {
        "share": (["latest_share", "area_name"], [False, True]),
        "name": (["area_name"], [True]),
        "change": (["_change", "area_name"], [False, True]),
        "pace": (["pace_pp_per_year", "area_name"], [False, True]),
        "status": (["_status", "latest_share"], [True, False]),
        "projected": (["projected_year", "area_name"], [True, True]),
    }
    columns, ascending = order[by]
    ranked = frame.sort_values(columns, ascending=ascending, na_position="last")
    return ranked.drop(columns=["_change", "_status"]).reset_index(drop=True)


def highlight_rows(table: pd.DataFrame, rows: pd.Series) -> pd.io.formats.style.Styler:
    """The table with the rows where ``rows`` is true in bold on a light highlight background."""
    marked = list(rows)

    def paint(row: pd.Series) -> list[str]:
        on = marked[row.name]
        return ["font-weight: 700; background-color: #FDEBD9" if on else "" for _ in row]

    return table.style.apply(paint, axis=1).hide(axis="index")


ANSWER_COLOURS = {
    "collaborated": "#CCE5F3",
    "did_not": "#FBE3D6",
    "unknown": "#FFF4CC",
    "no_answer": "#F2F2F2",
}
#: The searched municipality's name cell: the highlight hue, light enough for black text.
FOUND_BACKGROUND = "#FDEBD9"


def answer_matrix_table(
    matrix: pd.DataFrame, lang: str, highlight: str | None = None
) -> pd.io.formats.style.Styler:
    """Municipalities × waves, each answer in words on a light colour, styled for st.table.

    The ``highlight`` municipality (the one searched for) comes first, its name on the highlight
    colour: right under the search box, it is in view without scrolling through a long county.
    """
    wide = matrix.pivot(
        index=["municipality_code", "municipality_name"], columns="wave_year", values="answer"
    )
    wide = wide.reset_index().sort_values("municipality_name", key=norwegian_sort_key)
    found = wide["municipality_code"] == highlight
    wide = pd.concat([wide[found], wide[~found]])
    codes = list(wide["municipality_code"])
    waves = [c for c in wide.columns if c not in ("municipality_code", "municipality_name")]
    shown = pd.DataFrame({t("col_municipality", lang): wide["municipality_name"]})
    for wave in waves:
        shown[str(wave)] = [t(f"answer_{a}", lang) for a in wide[wave]]
    raw = wide[waves].to_numpy()
    shown = shown.reset_index(drop=True)

    def paint(row: pd.Series) -> list[str]:
        bold = "font-weight: 700; " if codes[row.name] == highlight else ""
        cells = [f"{bold}background-color: {FOUND_BACKGROUND}" if bold else ""]
        cells += [f"{bold}background-color: {ANSWER_COLOURS[a]}" for a in raw[row.name]]
        return cells

    return shown.style.apply(paint, axis=1).hide(axis="index")


_NORWEGIAN_LETTERS = str.maketrans({"æ": "{", "ø": "|", "å": "}", "Æ": "{", "Ø": "|", "Å": "}"})


def norwegian_sort_key(names: pd.Series) -> pd.Series:
    """Sort key that puts æ, ø, å after z, as the Norwegian alphabet does."""
    return names.str.lower().str.translate(_NORWEGIAN_LETTERS)


def partner_display_table(partners: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Partner types per wave with translated names and formatted weighted shares."""
    return pd.DataFrame(
        {
            t("col_wave", lang): partners["wave_year"],
            t("col_partner", lang): [t(f"partner_{p}", lang) for p in partners["research_partner"]],
            t("col_n", lang): partners["n"],
            t("col_share", lang): [fmt.share(s, lang) for s in partners["weight_share"]],
        }
    )


def never_display_table(never: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Municipalities that never reported collaboration, with translated headers."""
    return pd.DataFrame(
        {
            t("col_municipality", lang): never["municipality_name"],
            t("col_waves_answered", lang): never["waves_answered"],
        }
    )


def ranking_summary(
    kpis: pd.DataFrame, lang: str, min_n: int, names: dict[str, str] | None = None
) -> str:
    """One sentence naming the highest and lowest shown share and any hidden areas."""
    label = (names or {}).get
    shown = kpis.dropna(subset=["share"]).sort_values("share")
    parts = []
    if not shown.empty:
        top, bottom = shown.iloc[-1], shown.iloc[0]
        parts.append(
            t(
                "summary_ranking",
                lang,
                top=label(top["area_code"]) or top["area_name"],
                top_share=fmt.share(top["share"], lang),
                bottom=label(bottom["area_code"]) or bottom["area_name"],
                bottom_share=fmt.share(bottom["share"], lang),
            )
        )
    hidden = kpis[kpis["share"].isna()]
    if not hidden.empty:
        listed = fmt.join_list(
            [label(c) or n for c, n in zip(hidden["area_code"], hidden["area_name"], strict=True)],
            lang,
        )
        parts.append(t("summary_hidden", lang, min_n=min_n, areas=listed))
    return " ".join(parts)


def municipality_answers(matrix: pd.DataFrame, code: str, lang: str) -> str | None:
    """One line with a municipality's answer per wave, e.g. 'Voss (4621): 2018 ✖ …'."""
    rows = matrix[matrix["municipality_code"] == code].sort_values("wave_year")
    if rows.empty:
        return None
    waves = " · ".join(f"{r.wave_year}: {t(f'answer_{r.answer}', lang)}" for r in rows.itertuples())
    return f"{rows['municipality_name'].iloc[0]} ({code}): {waves}"


def model_wave_note(fit: pd.DataFrame | None, wave: int, lang: str) -> str:
    """What the model-based estimates of ``wave`` rest on, when that is not the usual blend:
    with σ²_u estimated at 0 every county gets the prediction from centrality alone."""
    if fit is None:
        return ""
    row = fit[fit["wave_year"] == wave]
    if row.empty or pd.isna(row["sigma2_u"].iloc[0]):
        return t("model_note_unfitted", lang, wave=wave)
    if float(row["sigma2_u"].iloc[0]) == 0:
        return t("model_note_synthetic", lang, wave=wave)
    return ""
