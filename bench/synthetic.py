"""Deterministic synthetic survey files in the import format (README "Import format"), any size.

Rows are spread over several waves and the real 357 municipalities (2024 codes). Per wave at most
one chief executive answers per municipality (45–70 % of them answer); every other row is a unit
leader with a valid sector (the first wave, like 2018, covers health/care and education only).
Respondent ids are unique within a wave, weights are positive, answers are ja/nei.

Columns are built as integer codes with NumPy and written wave by wave through pyarrow's CSV
writer, so 10^7 rows take seconds and memory stays bounded by one wave.

    python bench/synthetic.py 100000 /tmp/synthetic.csv
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tracker.data.reference import SECTORS  # noqa: E402  (after the sys.path line above)
from tracker.data.validation import IMPORT_COLUMNS  # noqa: E402

SEED = 20190214  # the day the Forskningsrådet–KS agreement was signed
FIRST_WAVE_SECTORS = 2  # the first wave, like 2018, covers helse_omsorg and oppvekst_utdanning
PARTNERS = ("universitet_hogskole", "forskningsinstitutt", "annet", "")
YES_NO_BLANK = ("ja", "nei", "")
ROLES = ("chief_executive", "unit_leader")
#: Waves for up to a few million rows; larger files get one wave per year (more waves).
WAVES = (2018, 2020, 2022, 2024)
MANY_WAVES = tuple(range(2016, 2026))
MANY_WAVES_FROM_ROWS = 5_000_000


def waves_for(rows: int) -> tuple[int, ...]:
    """The waves a file of ``rows`` rows is spread over (all ≥ 2015 and ≤ next year)."""
    waves = MANY_WAVES if rows >= MANY_WAVES_FROM_ROWS else WAVES
    last = dt.date.today().year + 1
    assert all(2015 <= w <= last for w in waves), waves
    return waves


def _split(rows: int, parts: int) -> list[int]:
    base, extra = divmod(rows, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _take(values: tuple[str, ...], codes: np.ndarray) -> pa.Array:
    return pc.take(pa.array(values, pa.string()), pa.array(codes))


def generate(rows: int, path: Path, seed: int = SEED) -> dict[str, object]:
    """Write ``rows`` synthetic responses to ``path`` (CSV, comma-separated, UTF-8)."""
    from tracker.data import reference

    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    municipalities = reference.municipalities()
    codes = tuple(municipalities["municipality_code"])
    county_of = municipalities["county_code"].to_numpy()
    counties = sorted(set(county_of))
    county_index = np.searchsorted(counties, county_of)
    m_count = len(codes)
    # Bigger municipalities have more units; counties differ in how often they collaborate.
    size = rng.lognormal(0.0, 1.0, m_count)
    size /= size.sum()
    county_lift = rng.normal(0.0, 0.05, len(counties))
    waves = waves_for(rows)
    per_wave = _split(rows, len(waves))
    chief_total = 0
    header = ",".join(IMPORT_COLUMNS) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as sink:
        sink.write(header.encode("utf-8"))
        options = pa_csv.WriteOptions(include_header=False, quoting_style="none")
        writer = None
        for number, (wave, n) in enumerate(zip(waves, per_wave, strict=True)):
            progress = number / max(1, len(waves) - 1)
            chiefs = min(n // 2, round(m_count * rng.uniform(0.45, 0.70)))
            chief_total += chiefs
            units = n - chiefs
            municipality = np.concatenate(
                [
                    rng.choice(m_count, size=chiefs, replace=False),
                    rng.choice(m_count, size=units, p=size),
                ]
            )
            role = np.concatenate([np.zeros(chiefs, np.int8), np.ones(units, np.int8)])
            sectors = FIRST_WAVE_SECTORS if number == 0 else len(SECTORS)
            sector = np.concatenate(
                [np.full(chiefs, len(SECTORS), np.int8), rng.integers(0, sectors, units, np.int8)]
            )
            weight = np.round(rng.lognormal(0.0, 0.35, n), 3)
            weight[:chiefs] = np.nan  # chief executives: blank weight (defaults to 1)
            # Collaboration rises from about 15 % (chiefs) / 13 % (units) over the waves.
            base = np.where(role == 0, 0.15, 0.13) + 0.08 * progress
            p_yes = np.clip(base + county_lift[county_index[municipality]], 0.02, 0.6)
            innovated = rng.random(n) < np.where(role == 0, 0.8, 0.7)
            draw = rng.random(n)
            known = rng.random(n) >= 0.1  # 10 % of innovators do not know (blank)
            collaboration = np.where(
                innovated,
                np.where(known, np.where(draw < p_yes, 0, 1), 2),
                np.where(draw < 0.5, 1, 2),  # not innovated: nei or blank
            ).astype(np.int8)
            partner = np.where(
                collaboration == 0, rng.choice(4, size=n, p=[0.5, 0.3, 0.15, 0.05]), 3
            ).astype(np.int8)
            # Rows of a wave in random order, as a survey export would have them.
            order = rng.permutation(n)
            ids = pc.binary_join_element_wise(
                f"S{wave}-", pc.cast(pa.array(np.arange(1, n + 1)), pa.string()), ""
            )
            table = pa.table(
                {
                    "wave_year": pa.array(np.full(n, wave, np.int32)),
                    "respondent_id": ids,
                    "municipality_code": _take(codes, municipality[order]),
                    "respondent_role": _take(ROLES, role[order]),
                    "sector": _take((*SECTORS, ""), sector[order]),
                    "weight": pa.array(weight[order], from_pandas=True),
                    "innovated": _take(("ja", "nei"), np.where(innovated[order], 0, 1)),
                    "research_collaboration": _take(YES_NO_BLANK, collaboration[order]),
                    "research_partner": _take(PARTNERS, partner[order]),
                }
            )
            if writer is None:
                writer = pa_csv.CSVWriter(sink, table.schema, write_options=options)
            writer.write_table(table)
        if writer is not None:
            writer.close()
    return {
        "rows": rows,
        "waves": list(waves),
        "rows_per_wave": per_wave,
        "chief_executive_rows": chief_total,
        "csv_bytes": path.stat().st_size,
        "seconds": time.perf_counter() - started,
        "seed": seed,
    }


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python bench/synthetic.py ROWS OUT.csv")
    print(generate(int(sys.argv[1]), Path(sys.argv[2])))
