"""Data downloads: the method page's tables as CSV files in one ZIP, with a README."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

import pandas as pd


def data_pack(tables: Mapping[str, pd.DataFrame], readme: str) -> bytes:
    """A ZIP with ``<name>.csv`` per table (UTF-8 with BOM so Excel reads æøå) and README.txt."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
        pack.writestr("README.txt", readme)
        for name, table in tables.items():
            pack.writestr(f"{name}.csv", "\ufeff" + table.to_csv(index=False, lineterminator="\n"))
    return buffer.getvalue()
