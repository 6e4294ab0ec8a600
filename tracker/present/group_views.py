"""Municipality types and similar municipalities in words and tables, outside Streamlit.

Which differences between structure groups are clear, each group against Norway, a chosen
municipality's SSB profile and the municipalities of its KOSTRA group that reported research
collaboration. Sentences are plain text (pages escape them for Markdown); numbers follow the
language through :mod:`tracker.present.format`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tracker.present import format as fmt
from tracker.present.groups import group_name, name_groups
from tracker.present.i18n import t
from tracker.present.views import kpi_display_table, norwegian_sort_key, ranking_summary
from tracker.stats.uncertainty import difference_from


@dataclass(frozen=True)
class GroupGap:
    """The highest minus the lowest shown group share of one wave, with its 95 % interval.

    The groups of a grouping are disjoint (every municipality is in exactly one), so the two
    shares are independent and :func:`difference_from`'s interval is exact, not conservative.
    The pair is picked after looking at the shares, though: with six groups a difference that is
    only just clear deserves a second look (the page says so).
    """

    high_code: str
    high_share: float
    low_code: str
    low_share: float
    difference: float
    low: float
    high: float

    @property
    def clear(self) -> bool:
        """The interval excludes 0 (high ≥ low, so it can only lie wholly above 0)."""
        return self.low > 0


def highest_vs_lowest(kpis: pd.DataFrame) -> GroupGap | None:
    """The gap between the highest and the lowest shown share among one wave's KPI rows.

    None when fewer than two groups are shown (suppressed groups have no share). Among equal
    shares the highest is the first and the lowest the last in the table's order, so the two are
    always different groups.
    """
    shown = kpis.dropna(subset=["share"])
    if len(shown) < 2:
        return None
    ranked = shown.sort_values("share", ascending=False, kind="stable")
    top, bottom = ranked.iloc[0], ranked.iloc[-1]
    gap = difference_from(
        ranked["share"].to_numpy(dtype=float)[:1],
        ranked["ci_low"].to_numpy(dtype=float)[:1],
        ranked["ci_high"].to_numpy(dtype=float)[:1],
        float(bottom["share"]),
        float(bottom["ci_low"]),
        float(bottom["ci_high"]),
    )
    return GroupGap(
        high_code=str(top["area_code"]),
        high_share=float(top["share"]),
        low_code=str(bottom["area_code"]),
        low_share=float(bottom["share"]),
        difference=float(gap.difference[0]),
        low=float(gap.low[0]),
        high=float(gap.high[0]),
    )


# --- Kommunetyper --------------------------------------------------------------------------------


def gap_sentence(gap: GroupGap | None, grouping: str, wave: int, lang: str) -> str:
    """Whether the highest and lowest group differ clearly in ``wave``, with the interval.

    Says "clear" only when the interval of the difference lies wholly above 0.
    """
    if gap is None:
        return t("types_too_few", lang, wave=wave)
    return t(
        "types_clear" if gap.clear else "types_no_clear",
        lang,
        wave=wave,
        high=group_name(grouping, gap.high_code, lang),
        high_share=fmt.share(gap.high_share, lang),
        low=group_name(grouping, gap.low_code, lang),
        low_share=fmt.share(gap.low_share, lang),
        difference=fmt.pp(100 * gap.difference, lang),
        diff_low=fmt.pp(100 * gap.low, lang),
        diff_high=fmt.pp(100 * gap.high, lang),
    )


def versus_sentence(
    latest: pd.DataFrame,
    versus: pd.DataFrame,
    national: pd.DataFrame,
    grouping: str,
    wave: int,
    lang: str,
    min_n: int,
) -> str:
    """Each group of one wave against Norway, in the words of the county rankings.

    ``latest`` is the groups' KPI rows of ``wave``, ``versus`` their kpi.versus_national rows
    and ``national`` Norway's KPI row of the same wave.
    """
    named = name_groups(latest, grouping, lang)
    merged = versus.merge(named[["area_code", "area_name"]], on="area_code")
    parts = []
    for verdict in ("above", "below"):
        areas = merged.loc[merged["verdict"] == verdict, "area_name"]
        if not areas.empty:
            parts.append(t(f"summary_versus_{verdict}", lang, areas=fmt.join_list(areas, lang)))
    unclear = int((merged["verdict"] == "no_clear").sum())
    if unclear:
        total = int(merged["verdict"].notna().sum())
        parts.append(t("types_versus_no_clear", lang, count=unclear, total=total))
    hidden = named.loc[named["share"].isna(), "area_name"]
    if not hidden.empty:
        parts.append(t("summary_hidden", lang, min_n=min_n, areas=fmt.join_list(hidden, lang)))
    share = national["share"].iloc[0] if not national.empty else None
    summary = " ".join(parts) or "–"  # e.g. Norway's own share suppressed: nothing to compare
    return t("types_versus", lang, wave=wave, share=fmt.share(share, lang), summary=summary)


def grouping_summary(latest: pd.DataFrame, grouping: str, wave: int, lang: str, min_n: int) -> str:
    """The chart's one-sentence summary: highest and lowest group in ``wave``, and hidden ones."""
    names = {code: group_name(grouping, code, lang) for code in latest["area_code"]}
    return t("types_summary", lang, wave=wave, ranking=ranking_summary(latest, lang, min_n, names))


def grouping_table(kpis: pd.DataFrame, grouping: str, lang: str) -> pd.DataFrame:
    """The chart's table alternative: every group and wave with n, share and interval."""
    table = kpi_display_table(name_groups(kpis, grouping, lang), lang)
    return table.rename(columns={t("col_area", lang): t("col_group", lang)})


# --- Similar municipalities (Kommuner) -----------------------------------------------------------


@dataclass(frozen=True)
class MunicipalityProfile:
    """A municipality with its county and SSB profile (population on 1 January 2024)."""

    code: str
    name: str
    county_code: str
    county_name: str
    population: int
    centrality_class: str  # '1'–'6'
    kostra_group: str  # '1'–'17'


def profile_sentence(municipality: MunicipalityProfile, lang: str) -> str:
    """'Voss (4621, Vestland): KOSTRA-gruppe 7, Sentralitet 4, 16 471 innbyggere …'."""
    return t(
        "similar_profile",
        lang,
        name=municipality.name,
        code=municipality.code,
        county=municipality.county_name,
        kostra=group_name("kostra_group", municipality.kostra_group, lang),
        centrality=group_name("centrality", municipality.centrality_class, lang),
        population=fmt.count(municipality.population, lang),
    )


def similar_shares(
    shares: pd.DataFrame, municipality: MunicipalityProfile, lang: str
) -> pd.DataFrame:
    """The loader's KPI rows with display names: the KOSTRA group, the county and Norway."""
    names = {
        "kostra_group": group_name("kostra_group", municipality.kostra_group, lang),
        "county": municipality.county_name,
        "national": t("area_national", lang),
    }
    return shares.assign(area_name=shares["area_code"].map(names))


def similar_summary(named: pd.DataFrame, wave: int, lang: str) -> str:
    """'2024: KOSTRA-gruppe 7 18,2 %, Vestland 21,0 %, Norge 19,5 %.' for screen readers."""
    rows = named[named["wave_year"] == wave]
    shares = ", ".join(
        f"{name} {fmt.share(share, lang)}"
        for name, share in zip(rows["area_name"], rows["share"], strict=True)
    )
    return t("similar_summary", lang, wave=wave, shares=shares)


def collaborating_table(collaborating: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The municipalities to call, by name in Norwegian order, with county and answers."""
    rows = collaborating.sort_values("municipality_name", key=norwegian_sort_key)
    return pd.DataFrame(
        {
            t("col_municipality", lang): rows["municipality_name"].to_numpy(),
            t("col_county", lang): rows["county_name"].to_numpy(),
            t("col_collaborated", lang): [
                t("similar_yes_of", lang, yes=fmt.count(y, lang), n=fmt.count(n, lang))
                for y, n in zip(rows["yes_n"], rows["eligible_n"], strict=True)
            ],
        }
    )
