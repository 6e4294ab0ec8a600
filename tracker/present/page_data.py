"""What each page shows, loaded without Streamlit: one function per page and view.

Pages call these and only lay out the result; the benchmark (``bench/``) times exactly these
functions, so it measures what a page run costs rather than a hand-copied list of queries.
``query`` is any function that runs a named query (a snapshot's, or the app's cached one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from tracker.data import reference
from tracker.data.settings import Settings
from tracker.stats import kpi
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


def counties(query: QueryFn, measure: str, settings: Settings, wave: int) -> CountiesData:
    """Fylker: every county's shares and progress."""
    kpis_all = kpi.kpi_table(query, "county", measure, settings)
    kpis = kpis_all[kpis_all["wave_year"] == wave].reset_index(drop=True)
    national = kpi.kpi_table(query, "national", measure, settings, wave=wave)
    return CountiesData(
        kpis_all=kpis_all,
        kpis=kpis,
        progress=kpi.progress_table(query, "county", measure, settings, until_wave=wave),
        versus=kpi.versus_national(kpis, national),
        national=national,
    )


@dataclass(frozen=True)
class MunicipalitiesData:
    matrix: pd.DataFrame  # the county's municipalities × waves (kpi.answer_matrix)
    never: pd.DataFrame  # those that never reported a collaboration


def municipalities(query: QueryFn, county: str, measure: str) -> MunicipalitiesData:
    """Kommuner: one county's answer matrix and the municipalities that never collaborated."""
    matrix = kpi.answer_matrix(query, county, measure)
    return MunicipalitiesData(matrix=matrix, never=kpi.never_collaborated(matrix))


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
    return SectorsData(
        by_sector=kpi.sector_table(query, settings, sectors=chosen),
        overall=kpi.kpi_table(query, "national", "units", settings, sectors=chosen),
        partners=query(
            "partners_by_type_and_wave", role=kpi.ROLE_BY_MEASURE["units"], sectors=chosen
        ),
    )


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
    query: QueryFn, measure: str, settings: Settings, method_data: MethodData
) -> dict[str, Callable[[], pd.DataFrame]]:
    """Every table of the data pack, by file name; each is computed only when called."""
    return {
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
        "kpi_sector_units": lambda: kpi.sector_table(query, settings),
        "partners_units": lambda: query(
            "partners_by_type_and_wave", role=kpi.ROLE_BY_MEASURE["units"], sectors=None
        ),
        "waves": lambda: method_data.waves,
        "import_log": lambda: method_data.imports,
        "published_figures_check": lambda: published_check(query, settings),
    }


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
