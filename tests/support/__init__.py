"""Helpers shared by the tests, the load check and the benchmark (not tests themselves).

``tests/`` is on ``sys.path`` while pytest runs (rootdir conftest, no ``tests/__init__.py``), so
the modules here are imported as ``support.<name>``; scripts outside pytest (``tests/
load_check.py``, ``bench/``) put ``tests/`` on ``sys.path`` first.

- :mod:`support.fixtures`: the hand-made fixture survey files and database, small file helpers.
- :mod:`support.cli`: ``python -m tracker ...`` run in-process (fast) or as a real subprocess.
- :mod:`support.app`: one page run with Streamlit's AppTest.
- :mod:`support.server`: a ``streamlit run dashboard.py`` subprocess on a free port (no
  Playwright import, so the benchmark can use it).
- :mod:`support.browser`: Debian's Chromium through Playwright and render waits.
- :mod:`support.ws_client`: a websocket client speaking Streamlit's protocol, for load checks.
"""
