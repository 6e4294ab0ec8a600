"""The method page's data pack: CSV per table, README with definitions, Excel-friendly UTF-8."""

from __future__ import annotations

import io
import zipfile

import pandas as pd

from tracker.present.data_pack import data_pack


def test_data_pack_has_readme_and_every_table() -> None:
    tables = {
        "kpi": pd.DataFrame({"area_name": ["Møre og Romsdal"], "share": [0.25]}),
        "waves": pd.DataFrame({"wave_year": [2018, 2020]}),
    }
    data = data_pack(tables, "Definisjoner: n = antall svar")
    with zipfile.ZipFile(io.BytesIO(data)) as pack:
        assert sorted(pack.namelist()) == ["README.txt", "kpi.csv", "waves.csv"]
        assert pack.read("README.txt").decode("utf-8") == "Definisjoner: n = antall svar"
        kpi = pack.read("kpi.csv").decode("utf-8")
        assert kpi.startswith("\ufeffarea_name,share\n")
        assert "Møre og Romsdal,0.25" in kpi
        back = pd.read_csv(io.BytesIO(pack.read("waves.csv")), encoding="utf-8-sig")
        assert list(back["wave_year"]) == [2018, 2020]
