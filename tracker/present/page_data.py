"""What each page shows, loaded without Streamlit: one function per page and view.

Pages call these and only lay out the result; the benchmark (``bench/``) times exactly these
functions, so it measures what a page run costs rather than a hand-copied list of queries.
``query`` is any function that runs a named query (a snapshot's, or the app's cached one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from tracker.data.settings import Settings
from tracker.stats import kpi
from tracker.stats.kpi import QueryFn


@dataclass(frozen=True)
class OverviewData:
    national: pd.DataFrame  # KPI rows of Norway, every wave
    national_progress: pd.DataFrame  # one progress row, as it stood at the chosen wave
    county_kpis: pd.DataFrame  # KPI rows of the counties in the chosen wave
    county_progress: pd.DataFrame  # one progress row per county


def overview(query: QueryFn, measure: str, settings: Settings, wave: int) -> OverviewData:
    """Oversikt: Norway's trend and progress, and every county at ``wave``."""
    return OverviewData(
        national=kpi.kpi_table(query, "national", measure, settings),
        national_progress=kpi.progress_table(query, "national", measure, settings, until_wave=wave),
        county_kpis=kpi.kpi_table(query, "county", measure, settings, wave=wave),
        county_progress=kpi.progress_table(query, "county", measure, settings, until_wave=wave),
    )


@dataclass(frozen=True)
class CountiesData:
    kpis_all: pd.DataFrame  # KPI rows of the counties, every wave
    kpis: pd.DataFrame  # the same at the chosen wave
    progress: pd.DataFrame  # one progress row per county, as it stood at the chosen wave


def counties(query: QueryFn, measure: str, settings: Settings, wave: int) -> CountiesData:
    """Fylker: every county's shares and progress."""
    kpis_all = kpi.kpi_table(query, "county", measure, settings)
    return CountiesData(
        kpis_all=kpis_all,
        kpis=kpis_all[kpis_all["wave_year"] == wave].reset_index(drop=True),
        progress=kpi.progress_table(query, "county", measure, settings, until_wave=wave),
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


def peers(query: QueryFn, measure: str, settings: Settings) -> PeersData:
    """Kommuner, when peer counties are chosen: every county's shares and progress."""
    return PeersData(
        kpis_all=kpi.kpi_table(query, "county", measure, settings),
        progress=kpi.progress_table(query, "county", measure, settings),
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
    }
