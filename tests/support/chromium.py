"""Imported by every browser test module: skips it where Debian's chromium is missing, and says
where screenshots go.

Importing this module raises pytest's module-level skip when ``chromium`` is not on PATH; the
skip travels up through the test module's import, so that whole module is skipped with the
reason (and the next module that imports this one is skipped the same way).
"""

from __future__ import annotations

import shutil

import pytest

from support.server import ROOT

#: Screenshots written by the browser tests for review.
SCREENSHOTS = ROOT / "test-output" / "screenshots"

if shutil.which("chromium") is None:
    pytest.skip(
        "Debian's chromium is not installed (apt-get install -y chromium); browser tests skipped",
        allow_module_level=True,
    )
