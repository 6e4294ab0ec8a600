"""What each page shows, loaded without Streamlit: one function per page and view.

Pages call these and only lay out the result; the benchmark (``bench/``) times exactly these
functions, so it measures what a page run costs rather than a hand-copied list of queries.
``query`` is any function that runs a named query (a snapshot's, or the app's cached one).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from tracker.data import reference
from tracker.data.profiles import GROUPINGS, municipality_profiles
from tracker.data.settings import Settings
from tracker.present.group_views import GroupGap, MunicipalityProfile, highest_vs_lowest
from tracker.present.groups import name_groups
from tracker.present.public import Disclosure
from tracker.stats import kpi, model_kpi
from tracker.stats.kpi import QueryFn
from tracker.stats.published import compare_published
from tracker.stats.uncertainty import standard_errors


@dataclass(frozen=True)
class OverviewData:
    national: pd.DataFrame  # KPI rows of Norway, every wave
    national_progress: pd.DataFrame  # one progress row, as it stood at the chosen wave
    county_kpis: pd.DataFrame  # KPI rows of the counties in the chosen wave
    county_progress: pd.DataFrame  # one progress row per county
    versus: pd.DataFrame  # each county against Norway at the chosen wave (kpi.versus_national)


def overview(query: QueryFn, measure: str, settings: Settings, wave: int) -> OverviewData:
    """Oversikt: Norway's trend and progress, and every county at ``wave``."""
    national = kpi.kpi_table(query, "national", measure, settings)
    county_kpis = kpi.kpi_table(query, "county", measure, settings, wave=wave)
    return OverviewData(
        national=national,
        national_progress=kpi.progress_table(query, "national", measure, settings, until_wave=wave),
        county_kpis=county_kpis,
        county_progress=kpi.progress_table(query, "county", measure, settings, until_wave=wave),
        versus=kpi.versus_national(county_kpis, national),
    )


@dataclass(frozen=True)
class CountiesData:
    kpis_all: pd.DataFrame  # KPI rows of the counties, every wave
    kpis: pd.DataFrame  # the same at the chosen wave
    progress: pd.DataFrame  # one progress row per county, as it stood at the chosen wave
    versus: pd.DataFrame  # each county against Norway at the chosen wave (kpi.versus_national)
    national: pd.DataFrame  # Norway's KPI row at the chosen wave
    national_all: pd.DataFrame  # Norway's KPI rows, every wave (the small multiples' grey line)
    # What the ranking and small multiples draw: the direct KPI rows, or the model-based
    # estimates shaped as KPI rows (model_kpi.as_kpi_rows), every wave and the chosen one.
    chart_kpis_all: pd.DataFrame
    chart_kpis: pd.DataFrame
    model_fit: pd.DataFrame | None  # model_kpi.model_fit_table when the charts are model-based


def counties(
    query: QueryFn, measure: str, settings: Settings, wave: int, estimate: str = "direct"
) -> CountiesData:
    """Fylker: every county's shares and progress; ``estimate`` 'model' draws the charts from
    the model-based county estimates (the table, statuses and sentences stay direct)."""
    disclosure = Disclosure.from_settings(settings)
    kpis_all = disclosure.kpi_rows(kpi.kpi_table(query, "county", measure, settings))
    kpis = kpis_all[kpis_all["wave_year"] == wave].reset_index(drop=True)
    national_all = kpi.kpi_table(query, "national", measure, settings)
    national = national_all[national_all["wave_year"] == wave].reset_index(drop=True)
    chart_all, fit = kpis_all, None
    if estimate == "model":
        model, fit = model_kpi.model_estimates(query, measure, settings)
        chart_all = model_kpi.as_kpi_rows(disclosure.model_rows(model))
    return CountiesData(
        kpis_all=kpis_all,
        kpis=kpis,
        progress=kpi.progress_table(query, "county", measure, settings, until_wave=wave),
        versus=kpi.versus_national(kpis, national),
        national=national,
        national_all=national_all,
        chart_kpis_all=chart_all,
        chart_kpis=chart_all[chart_all["wave_year"] == wave].reset_index(drop=True),
        model_fit=fit,
    )


@dataclass(frozen=True)
class MunicipalitiesData:
    matrix: pd.DataFrame  # the county's municipalities × waves (kpi.answer_matrix)
    never: pd.DataFrame  # answered in some wave, never reported a collaboration
    never_answered: pd.DataFrame  # no answer in any wave: unknown, not "never collaborated"


def municipalities(query: QueryFn, county: str, measure: str) -> MunicipalitiesData:
    """Kommuner: one county's answer matrix, those that never collaborated and never answered."""
    matrix = kpi.answer_matrix(query, county, measure)
    never, silent = kpi.never_collaborated(matrix), kpi.never_answered(matrix)
    return MunicipalitiesData(matrix=matrix, never=never, never_answered=silent)


@dataclass(frozen=True)
class PeersData:
    kpis_all: pd.DataFrame  # KPI rows of every county, every wave
    progress: pd.DataFrame  # progress of every county at the latest wave
    versus: pd.DataFrame  # each county against Norway in every wave (kpi.versus_national)
    national: pd.DataFrame  # Norway's KPI rows, every wave


def peers(query: QueryFn, measure: str, settings: Settings) -> PeersData:
    """Kommuner, when peer counties are chosen: every county's shares and progress."""
    kpis_all = kpi.kpi_table(query, "county", measure, settings)
    national = kpi.kpi_table(query, "national", measure, settings)
    return PeersData(
        kpis_all=kpis_all,
        progress=kpi.progress_table(query, "county", measure, settings),
        versus=kpi.versus_national(kpis_all, national),
        national=national,
    )


@dataclass(frozen=True)
class SectorsData:
    by_sector: pd.DataFrame  # unit-measure KPI rows per sector and wave
    overall: pd.DataFrame  # unit-measure KPI rows of all (chosen) sectors together
    partners: pd.DataFrame  # partner types per wave (partners_by_type_and_wave)


def sectors(query: QueryFn, settings: Settings, scope: Sequence[str] | None) -> SectorsData:
    """Sektorer: the unit measure by sector and partner type (``scope``: sectors, None = all)."""
    chosen = list(scope) if scope is not None else None
    disclosure = Disclosure.from_settings(settings)
    return SectorsData(
        by_sector=disclosure.kpi_rows(kpi.sector_table(query, settings, sectors=chosen)),
        overall=disclosure.kpi_rows(
            kpi.kpi_table(query, "national", "units", settings, sectors=chosen)
        ),
        partners=disclosure.partner_rows(
            query("partners_by_type_and_wave", role=kpi.ROLE_BY_MEASURE["units"], sectors=chosen)
        ),
    )


def sector_coverage(query: QueryFn, baseline_year: int) -> tuple[list[str], list[str]]:
    """(sectors surveyed in the baseline wave, sectors surveyed in any wave), read from the
    data (2018 covered two of five) so that the unit-measure warning fits what was imported."""
    counts = query("measure_counts_by_sector_and_wave", sectors=None)
    answered = counts[counts["n"] > 0]
    baseline = answered.loc[answered["wave_year"] == baseline_year, "area_code"]
    return sorted(set(baseline)), sorted(set(answered["area_code"]))


@dataclass(frozen=True)
class MethodData:
    waves: pd.DataFrame  # waves_by_year
    imports: pd.DataFrame  # imports_by_time


def method(query: QueryFn) -> MethodData:
    """Metode og data: the waves and the import log."""
    return MethodData(waves=query("waves_by_year"), imports=query("imports_by_time"))


def published_figures(measure: str, until_wave: int | None = None) -> pd.DataFrame:
    """The published national figures of ``measure``, for the national trend chart.

    With ``until_wave`` only those of waves up to it: the chart then shows the trend as it stood
    at that wave, and a figure of a later wave would be a point from the future.
    """
    figures = reference.published_figures()
    keep = figures["measure"] == measure
    if until_wave is not None:
        keep &= figures["wave"] <= until_wave
    return figures[keep].reset_index(drop=True)


def published_check(query: QueryFn, settings: Settings) -> pd.DataFrame:
    """Metode og data: each published figure beside the database's national estimate."""
    figures = reference.published_figures()
    national = {
        measure: kpi.kpi_table(query, "national", measure, settings)
        for measure in sorted(set(figures["measure"]))
    }
    return compare_published(figures, national)


def data_pack_tables(
    query: QueryFn, measure: str, settings: Settings, method_data: MethodData, lang: str = "nb"
) -> dict[str, Callable[[], pd.DataFrame]]:
    """Every table of the data pack, by file name; each is computed only when called.

    Structure groups are named in ``lang`` (their codes stay in area_code).
    """
    by_group = {
        f"kpi_{grouping}_{measure}": functools.partial(
            _named_group_table, query, grouping, measure, settings, lang
        )
        for grouping in GROUPINGS
    }
    tables: dict[str, Callable[[], pd.DataFrame]] = {
        f"kpi_national_{measure}": lambda: kpi.kpi_table(query, "national", measure, settings),
        f"kpi_county_{measure}": lambda: kpi.kpi_table(query, "county", measure, settings),
        f"kpi_municipality_{measure}": lambda: kpi.kpi_table(
            query, "municipality", measure, settings
        ),
        f"progress_national_{measure}": lambda: kpi.progress_table(
            query, "national", measure, settings
        ),
        f"progress_county_{measure}": lambda: kpi.progress_table(
            query, "county", measure, settings
        ),
        f"kpi_county_model_{measure}": lambda: model_kpi.model_table(query, measure, settings),
        f"model_fit_{measure}": lambda: model_kpi.model_fit_table(query, measure, settings),
        "kpi_sector_units": lambda: kpi.sector_table(query, settings),
        "partners_units": lambda: query(
            "partners_by_type_and_wave", role=kpi.ROLE_BY_MEASURE["units"], sectors=None
        ),
        "waves": lambda: method_data.waves,
        "import_log": lambda: method_data.imports,
        "published_figures_check": lambda: published_check(query, settings),
        **by_group,
    }
    # A public pack leaves out the municipality table and blanks small figures (public.py).
    return Disclosure.from_settings(settings).pack_tables(tables)


def _named_group_table(
    query: QueryFn, grouping: str, measure: str, settings: Settings, lang: str
) -> pd.DataFrame:
    return name_groups(kpi.kpi_table(query, grouping, measure, settings), grouping, lang)


@dataclass(frozen=True)
class UncertaintyExample:
    """The method page's worked example: one county's figures, exactly as the other pages get them.

    Everything comes from the KPI and progress tables (and :func:`kpi.versus_national`), so the
    example explains the numbers a reader meets on Oversikt and Fylker instead of a copy of them.
    """

    wave: int  # the wave the example is evaluated at (the latest)
    waves: pd.DataFrame  # the county's shown KPI rows up to ``wave``, plus se (0–1 scale)
    progress: pd.Series  # its progress_table row, as it stood at ``wave``
    versus: pd.Series  # its difference from Norway at ``wave`` (a versus_national row)
    national: pd.Series  # Norway's KPI row at ``wave``

    @property
    def area_name(self) -> str:
        return str(self.progress["area_name"])

    @property
    def n(self) -> int:
        """Answers in the county's latest wave: the reason it was chosen."""
        return int(self.waves["n"].iloc[-1])


def uncertainty_example(
    query: QueryFn, measure: str, settings: Settings, wave: int | None = None
) -> UncertaintyExample | None:
    """Metode og data: the county for the worked example of how sure a status is.

    The county with the most answers in ``wave`` (default: the latest) among those whose point
    status is not insufficient_data, ties broken by the lower area code. A fixed rule, so the
    example does not change between page runs, and the county with the most answers, so the
    example is not a freak of a tiny sample: if even its status is uncertain, the reader sees why
    the smaller counties' are too. None when no county has a status to be sure about.
    """
    kpis_all = kpi.kpi_table(query, "county", measure, settings)
    if kpis_all.empty:
        return None
    wave = int(kpis_all["wave_year"].max()) if wave is None else wave
    progress = kpi.progress_table(query, "county", measure, settings, until_wave=wave)
    latest = kpis_all[kpis_all["wave_year"] == wave].reset_index(drop=True)
    assessed = progress.loc[progress["status"] != "insufficient_data", "area_code"]
    candidates = latest[latest["area_code"].isin(assessed)]
    if candidates.empty:
        return None
    code = candidates.sort_values(["n", "area_code"], ascending=[False, True])["area_code"].iloc[0]
    shown = kpis_all[
        (kpis_all["area_code"] == code) & (kpis_all["wave_year"] <= wave) & ~kpis_all["suppressed"]
    ].sort_values("wave_year")
    shown = shown.assign(
        se=standard_errors(shown["ci_low"].to_numpy(), shown["ci_high"].to_numpy())
    ).reset_index(drop=True)
    national = kpi.kpi_table(query, "national", measure, settings, wave=wave)
    versus = kpi.versus_national(latest, national)
    return UncertaintyExample(
        wave=wave,
        waves=shown,
        progress=progress[progress["area_code"] == code].iloc[0],
        versus=versus[versus["area_code"] == code].iloc[0],
        national=national.iloc[0],
    )


# --- Kommunetyper and similar municipalities (issue 13) ------------------------------------------

#: The groupings the Kommunetyper page shows, in page order (KOSTRA groups are on Kommuner).
TYPE_GROUPINGS = ("centrality", "size")


@dataclass(frozen=True)
class GroupingView:
    grouping: str
    kpis: pd.DataFrame  # KPI rows of every group (codes in area_code), waves up to the chosen one
    latest: pd.DataFrame  # the same at the chosen wave
    versus: pd.DataFrame  # each group against Norway at the chosen wave (kpi.versus_national)
    gap: GroupGap | None  # highest minus lowest group at the chosen wave


@dataclass(frozen=True)
class MunicipalityTypesData:
    wave: int
    national: pd.DataFrame  # Norway's KPI row at the chosen wave
    views: dict[str, GroupingView]  # by grouping, in TYPE_GROUPINGS order


def municipality_types(
    query: QueryFn, measure: str, settings: Settings, wave: int
) -> MunicipalityTypesData:
    """Kommunetyper: the measure by centrality class and by size band, as it stood at ``wave``."""
    national = kpi.kpi_table(query, "national", measure, settings, wave=wave)
    views = {}
    for grouping in TYPE_GROUPINGS:
        kpis = Disclosure.from_settings(settings).kpi_rows(
            kpi.kpi_table(query, grouping, measure, settings)
        )
        kpis = kpis[kpis["wave_year"] <= wave].reset_index(drop=True)
        latest = kpis[kpis["wave_year"] == wave].reset_index(drop=True)
        views[grouping] = GroupingView(
            grouping=grouping,
            kpis=kpis,
            latest=latest,
            versus=kpi.versus_national(latest, national),
            gap=highest_vs_lowest(latest),
        )
    return MunicipalityTypesData(wave=wave, national=national, views=views)


@dataclass(frozen=True)
class SimilarData:
    municipality: MunicipalityProfile
    #: KPI rows, every wave, with area_code 'kostra_group' (the municipality's group), 'county'
    #: (its county) or 'national'; area_name is the group code, the county's name or 'Norge'.
    shares: pd.DataFrame
    wave: int  # the wave of the list (the latest)
    collaborating: pd.DataFrame  # municipalities_collaborating_by_kostra_group, minus itself


def similar_municipalities(
    query: QueryFn, code: str, measure: str, settings: Settings, wave: int
) -> SimilarData:
    """Kommuner, for a chosen municipality: its KOSTRA group beside its county and Norway, and
    the municipalities of the group (any county) that reported collaboration in ``wave``.

    The municipality itself is left out of the list: it is the one looking for others to call.
    """
    known = query("municipalities_by_code").set_index("municipality_code").loc[code]
    profile = municipality_profiles().set_index("municipality_code").loc[code]
    group, county = str(profile["kostra_group"]), str(known["county_code"])
    disclosure = Disclosure.from_settings(settings)
    parts = []
    for level, area in (("kostra_group", group), ("county", county), ("national", "NO")):
        rows = disclosure.kpi_rows(kpi.kpi_table(query, level, measure, settings))
        parts.append(rows[rows["area_code"] == area].assign(area_code=level))
    listed = query(
        "municipalities_collaborating_by_kostra_group",
        kostra_group=group,
        role=kpi.ROLE_BY_MEASURE[measure],
        wave=wave,
    )
    return SimilarData(
        municipality=MunicipalityProfile(
            code=code,
            name=str(known["municipality_name"]),
            county_code=county,
            county_name=str(known["county_name"]),
            population=int(profile["population_2024"]),
            centrality_class=str(profile["centrality_class"]),
            kostra_group=group,
        ),
        shares=pd.concat(parts, ignore_index=True),
        wave=wave,
        # Single municipalities' answers: a public site's view never holds them (public.py).
        collaborating=disclosure.municipality_rows(
            listed[listed["municipality_code"] != code].reset_index(drop=True)
        ),
    )


# --- the method page's model-based county estimates (issue 13, item 4) ---------------------------


@dataclass(frozen=True)
class ModelMethodData:
    """Metode og data's section on the model: one measure's model estimates and fit, every wave.

    Both come from one :func:`model_kpi.model_estimates` call, so the page's table of σ̂²_u and β̂
    and what it says about the counties' weights rest on the same fit.
    """

    estimates: pd.DataFrame  # model_kpi.model_table: county KPI rows plus the model columns
    fit: pd.DataFrame  # model_kpi.model_fit_table: σ̂²_u, β̂, counties used, … per wave


def model_method(query: QueryFn, measure: str, settings: Settings) -> ModelMethodData:
    """Metode og data: the model-based county estimates of ``measure`` and their fit per wave."""
    estimates, fit = model_kpi.model_estimates(query, measure, settings)
    return ModelMethodData(
        estimates=Disclosure.from_settings(settings).model_rows(estimates), fit=fit
    )
