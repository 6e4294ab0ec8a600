"""TEMPORARY alias: the fixture helpers moved to ``tests/support/fixtures.py``.

``tests/test_queries.py`` (being edited by someone else) still says ``from fixtures import ...``.
Once it says ``from support.fixtures import ...`` (better: uses the session fixture
``fixture_db`` from conftest.py instead of building its own copy), delete this file.
"""

from support.fixtures import SURVEYS, build_fixture_db, file_name

__all__ = ["SURVEYS", "build_fixture_db", "file_name"]
