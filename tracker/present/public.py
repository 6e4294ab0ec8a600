"""What a site open to everyone may show: the one place that decides it (issue 14, item 4).

The internal deployment serves county officials, who need to see which of their municipalities
answered what. A municipality's answer on the municipality measure is the answer of one known
person (its chief executive), so a public site (``TRACKER_PUBLIC=1``) shows:

- **no municipality-level answers**: not Kommuner's answer matrix, its list of municipalities
  that never collaborated, the list of similar municipalities that collaborated, nor the data
  pack's municipality table;
- **no figure based on fewer than ``min_n`` answers**: KPI shares and intervals (the statistics
  already suppress them at the same limit; applied again here so that the public promise does not
  hang on one line elsewhere), partner shares of a wave with fewer collaborators than that, and
  the model-based estimates of counties below the limit. The internal site shows those model
  estimates, but a public one must not: the estimate is the benchmark factor times
  γ·p + (1 − γ)·x'β, and with γ (model_weight), β and the factor published beside it, the county's
  hidden direct share p follows by solving for it.

Pages ask :class:`Disclosure` (through ``Page.disclosure``) which sections to draw, and the page
data functions pass their frames through it, so a public view never holds what it may not show.
Every method leaves its input untouched in internal mode: the internal site stays exactly as it
was. Hidden values become NaN, so the charts and tables show them as they already show a
suppressed share ("skjult (n < 5)" in charts, "–" in tables).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracker.data.settings import Settings
from tracker.present.i18n import t

#: The figures of a KPI row that rest on its answers (n itself is shown: it says why).
KPI_FIGURES = ("share", "ci_low", "ci_high")
#: The model columns that, with n below the limit, would give back the hidden direct share.
MODEL_FIGURES = ("model_share", "model_rmse", "model_weight", "model_low", "model_high")
#: A partner-type row's figures: n (per type) over the wave's total is an unweighted share too.
PARTNER_FIGURES = ("n", "weight_sum", "weight_share")
#: Data-pack tables with one row per municipality, left out of a public pack.
MUNICIPALITY_TABLE_PREFIX = "kpi_municipality_"
#: What a public page says it hides, and why (translation keys ``public_notice_<topic>``).
NOTICE_TOPICS = ("municipalities", "similar", "model", "partners", "pack")


@dataclass(frozen=True)
class Disclosure:
    """The public-site rule for one deployment: ``public`` and the suppression limit ``min_n``."""

    public: bool = False
    min_n: int = 5

    @classmethod
    def from_settings(cls, settings: Settings) -> Disclosure:
        return cls(public=settings.public, min_n=settings.min_n)

    @property
    def municipality_answers(self) -> bool:
        """Whether single municipalities' answers may be shown (answer matrix, never list,
        lists of collaborating municipalities, the municipality table of the data pack)."""
        return not self.public

    def _too_few(self, n: pd.Series) -> pd.Series:
        return pd.Series(self.public, index=n.index) & (n.astype(float) < self.min_n)

    def _blank(
        self, frame: pd.DataFrame, hide: pd.Series, columns: tuple[str, ...]
    ) -> pd.DataFrame:
        present = [c for c in columns if c in frame.columns]
        if not hide.any() or not present:
            return frame
        shown = frame.copy()
        for column in present:  # float first: a count column cannot hold NaN
            shown[column] = shown[column].astype(float).where(~hide, np.nan)
        if "suppressed" in shown.columns:
            shown["suppressed"] = shown["suppressed"].astype(bool) | hide
        return shown

    def kpi_rows(self, kpis: pd.DataFrame) -> pd.DataFrame:
        """KPI rows (kpi.KPI_COLUMNS) with share and interval blank where n < min_n."""
        return self._blank(kpis, self._too_few(kpis["n"]), KPI_FIGURES)

    def model_rows(self, model: pd.DataFrame) -> pd.DataFrame:
        """model_kpi.model_table rows with the model estimate, its interval, root MSE and γ
        blank for counties with n < min_n (model_basis stays: it only says 'mostly_model')."""
        return self._blank(model, self._too_few(model["n"]), MODEL_FIGURES)

    def partner_rows(self, partners: pd.DataFrame) -> pd.DataFrame:
        """partners_by_type_and_wave rows, every figure blank in a wave with fewer than min_n
        collaborators: those are the answers each of its partner shares rests on."""
        total = partners.groupby("wave_year")["n"].transform("sum")
        return self._blank(partners, self._too_few(total), PARTNER_FIGURES)

    def hides_partners(self, partners: pd.DataFrame) -> bool:
        """Whether :meth:`partner_rows` blanked a wave of ``partners`` (the page then says why)."""
        return self.public and bool(partners["weight_share"].isna().any())

    def municipality_rows(self, rows: pd.DataFrame) -> pd.DataFrame:
        """A list of single municipalities and their answers: as it is, or empty when public."""
        return rows if self.municipality_answers else rows.head(0)

    def table(self, name: str, frame: pd.DataFrame) -> pd.DataFrame:
        """One data-pack table as a public pack may hold it, recognised by its columns."""
        if {"n", "share"} <= set(frame.columns):
            frame = self.kpi_rows(frame)
        if "model_share" in frame.columns:
            frame = self.model_rows(frame)
        if {"research_partner", "weight_share"} <= set(frame.columns):
            frame = self.partner_rows(frame)
        return frame

    def pack_tables(
        self, tables: Mapping[str, Callable[[], pd.DataFrame]]
    ) -> dict[str, Callable[[], pd.DataFrame]]:
        """The data pack's tables (name → maker, still computed only when called): internal
        as given; public without the municipality tables, every other one through
        :meth:`table`."""
        if not self.public:
            return dict(tables)
        return {
            name: functools.partial(self._made, name, make)
            for name, make in tables.items()
            if not name.startswith(MUNICIPALITY_TABLE_PREFIX)
        }

    def _made(self, name: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        return self.table(name, make())

    def notice(self, topic: str, lang: str) -> str:
        """What the public site hides about ``topic`` (:data:`NOTICE_TOPICS`) and why."""
        if topic not in NOTICE_TOPICS:
            raise ValueError(f"no public notice about {topic!r}; use one of {NOTICE_TOPICS}")
        return t(f"public_notice_{topic}", lang, min_n=self.min_n)
