"""A small Streamlit client that speaks the browser's websocket protocol, for load checks.

AppTest is not thread-safe, so concurrent checks talk to a real server the way the browser does.
What this relies on was read from the installed Streamlit 1.67 sources (``web/server/starlette/
starlette_websocket.py``, ``runtime/app_session.py``, ``runtime/scriptrunner/script_runner.py``,
``commands/navigation.py``, ``elements/widgets/``) and checked against a running server:

- The socket is ``ws://HOST:PORT/_stcore/stream`` with subprotocol ``streamlit``; every frame is a
  binary protobuf: :class:`BackMsg` from the client, :class:`ForwardMsg` from the server. The
  server drops a client whose 500-message send queue fills, so a reader task drains it always.
- A run is asked for with ``BackMsg.rerun_script`` (a ``ClientState``): ``query_string`` without
  the ``?``, ``widget_states``, and the page: ``page_name`` is the URL path of a deep link
  (``"fylker"``; ``""`` for the main page) and ``page_script_hash`` the page's hash once known
  (the ``navigation`` message lists every page's hash and URL path).
- The server answers with ``new_session`` (``metadata.run.script_run_id``; ``run.fragment_ids``
  is empty for a full-app run), ``session_status_changed``, ``navigation``, ``page_info_changed``
  (the query string the app wrote into the URL), ``delta`` messages (``new_element`` holds an
  ``Element``), ``auto_rerun`` (a fragment with ``run_every``) and finally ``script_finished``:
  ``FINISHED_SUCCESSFULLY``, ``FINISHED_EARLY_FOR_RERUN`` (``st.rerun`` cut the run short and
  another run follows), ``FINISHED_FRAGMENT_RUN_SUCCESSFULLY`` or ``FINISHED_WITH_COMPILE_ERROR``
  (plus ``session_event.script_compilation_exception``).
- An unknown page gets a ``page_not_found`` message and the main page runs instead.
- An uncaught exception arrives as an ``Element.exception``; ``st.error`` as an ``Element.alert``
  with format ``ERROR``.
- Widget ids look like ``$$ID-<hash>-<user key>``. In this version ``radio`` and ``selectbox``
  values travel as ``WidgetState.string_value`` holding the *formatted option label* (older
  versions sent ``int_value`` with the option index); ``multiselect`` as ``string_array_value``.
  An element with ``set_value`` carries the value the script set in ``raw_value``/``raw_values``,
  otherwise the value is the option at the ``default`` index.
- A fragment with ``run_every`` is rerun by the browser on a timer with ``fragment_id`` and
  ``is_auto_rerun``; :meth:`StreamlitClient.idle` does the same while the user "thinks".

Usage::

    async with StreamlitClient(port) as client:
        run = await client.open("fylker", "lang=en&fylke=46")  # url_path(COUNTIES) without "/"
        assert not run.errors, run.errors
        run = await client.set_widget(MEASURE, "Units (unit leaders)")  # key choice_measure
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

import pyarrow as pa
import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tracker.app.contract import widget_key

STREAM_PATH = "/_stcore/stream"
RUN_TIMEOUT_S = 60.0
SELECTION_WIDGETS = ("radio", "selectbox", "multiselect")
_WIDGET_ID = re.compile(r"^\$\$ID-[0-9a-f]+-(?P<key>.+)$")
_STATUS_NAMES = {
    ForwardMsg.FINISHED_SUCCESSFULLY: "finished",
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile_error",
    ForwardMsg.FINISHED_EARLY_FOR_RERUN: "early_for_rerun",
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "fragment_finished",
}


class ConnectionLost(RuntimeError):
    """The server closed the websocket (or it broke) while the client still used it."""


class RunTimeout(RuntimeError):
    """A requested run did not finish in time."""


@dataclass
class Widget:
    """A selection widget as the last run drew it; ``value`` is what the client will send."""

    id: str
    kind: str
    label: str
    options: list[str]
    value: str | list[str] | None

    @property
    def key(self) -> str:
        """The user key (``choice_lang``), or the whole id for widgets without one."""
        match = _WIDGET_ID.match(self.id)
        return match.group("key") if match else self.id

    def add_to(self, client_state: ClientState) -> None:
        """Add this widget's value to ``client_state`` (nothing when it has no value)."""
        if self.value is None:
            return
        state = client_state.widget_states.widgets.add()
        state.id = self.id
        if isinstance(self.value, list):
            state.string_array_value.data.extend(self.value)
        else:
            state.string_value = self.value


@dataclass
class Run:
    """One full-app run as the client saw it."""

    page: str
    query_sent: str
    started: float
    finished: float | None = None
    status: str = "running"
    script_run_id: str = ""
    page_script_hash: str = ""
    #: The query string after the run (the app writes its choices into the URL).
    query_string: str = ""
    #: (element type, Element proto) in arrival order.
    elements: list[tuple[str, Any]] = field(default_factory=list)
    page_not_found: bool = False
    compile_error: str = ""
    #: True when a fragment timer (not the user) caused this run, e.g. a database reload.
    automatic: bool = False

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def of_type(self, kind: str) -> list[Any]:
        return [element for name, element in self.elements if name == kind]

    @property
    def exceptions(self) -> list[str]:
        """Every exception element as 'Type: message (innermost app frame)'."""
        found = []
        for exc in self.of_type("exception"):
            text = f"{exc.type}: {exc.message}".strip()
            frames = [_FRAME.search(row) for row in exc.stack_trace]
            app = [m for m in frames if m and not _LIBRARY.search(m["file"])]
            if app:
                text += f" (at {_short_path(app[-1]['file'])}:{app[-1]['line']})"
            found.append(text)
        return found

    @property
    def error_alerts(self) -> list[str]:
        """Every ``st.error`` box's text."""
        return [a.body for a in self.of_type("alert") if a.format == Alert.ERROR]

    @property
    def errors(self) -> list[str]:
        """Everything a user would see as a failure of this run."""
        found = [f"exception {text}" for text in self.exceptions]
        found += [f"error box {text}" for text in self.error_alerts]
        if self.page_not_found:
            found.append("page_not_found")
        if self.compile_error:
            found.append(f"compile error {self.compile_error}")
        if self.status not in ("finished", "running"):
            found.append(f"run ended with {self.status}")
        return found

    @property
    def metrics(self) -> dict[str, str]:
        """label → shown value of every ``st.metric``."""
        return {m.label: m.body for m in self.of_type("metric")}

    @property
    def markdown(self) -> list[str]:
        return [m.body for m in self.of_type("markdown")]

    def frames(self) -> list[pa.Table]:
        """The data of every ``st.table`` and ``st.dataframe`` (Arrow IPC in the element)."""
        found = []
        for kind, element in self.elements:
            if kind not in ("table", "dataframe"):
                continue
            data = element.arrow_data.data  # empty for a lazily loaded (large) dataframe
            if data:
                found.append(pa.ipc.open_stream(data).read_all())
        return found

    @property
    def widgets(self) -> dict[str, Widget]:
        """The run's selection widgets by user key."""
        found = {}
        for kind, element in self.elements:
            if kind in SELECTION_WIDGETS:
                widget = _widget(kind, element)
                found[widget.key] = widget
        return found

    @property
    def params(self) -> dict[str, str]:
        """The URL's query parameters after the run."""
        return dict(parse_qsl(self.query_string, keep_blank_values=True))


_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)')
_LIBRARY = re.compile(r"site-packages|dist-packages|^<frozen|/lib/python3")


def _short_path(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path


def _widget(kind: str, element: Any) -> Widget:
    options = list(element.options)
    value: str | list[str] | None
    if kind == "multiselect":
        if element.set_value:
            value = list(element.raw_values)
        else:
            value = [options[i] for i in element.default if 0 <= i < len(options)]
    elif element.set_value:
        value = element.raw_value if element.HasField("raw_value") else None
    elif element.HasField("default") and 0 <= element.default < len(options):
        value = options[element.default]
    else:
        value = None
    return Widget(element.id, kind, element.label, options, value)


class StreamlitClient:
    """One browser tab: one websocket, one Streamlit session."""

    def __init__(
        self,
        port: int,
        host: str = "127.0.0.1",
        run_timeout: float = RUN_TIMEOUT_S,
        headers: Mapping[str, str] | None = None,
    ):
        self.url = f"ws://{host}:{port}{STREAM_PATH}"
        self.run_timeout = run_timeout
        #: Extra handshake headers, e.g. a load balancer's sticky-session cookie.
        self.headers = dict(headers or {})
        self.query_string = ""
        self.page_script_hash = ""
        self.page = ""
        #: URL path ("" for the main page) → page script hash, from ``navigation``.
        self.pages: dict[str, str] = {}
        #: Widget states the client sends with the next run, by widget id.
        self.widget_values: dict[str, Widget] = {}
        #: fragment id → interval (s) of fragments the server asked to rerun on a timer.
        self.auto_reruns: dict[str, float] = {}
        self.last_run: Run | None = None
        self._ws: Any = None
        self._inbox: asyncio.Queue[ForwardMsg | None] = asyncio.Queue()
        self._reader: asyncio.Task[None] | None = None
        self._closed_reason = ""

    async def connect(self) -> StreamlitClient:
        self._ws = await websockets.connect(
            self.url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=30,
            additional_headers=self.headers or None,
        )
        self._reader = asyncio.create_task(self._read(), name="streamlit-ws-reader")
        return self

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    async def __aenter__(self) -> StreamlitClient:
        return await self.connect()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _read(self) -> None:
        try:
            async for frame in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(frame)
                self._inbox.put_nowait(msg)
            self._closed_reason = "server closed the websocket"
        except websockets.ConnectionClosed as exc:
            self._closed_reason = f"websocket closed: {exc}"
        except Exception as exc:  # a broken frame must end the waits, not hang them
            self._closed_reason = f"websocket reader failed: {exc!r}"
        finally:
            self._inbox.put_nowait(None)

    # Requests -------------------------------------------------------------------------------

    async def open(self, page: str = "", query: str = "") -> Run:
        """Run ``page`` (URL path such as "fylker", "" for the main page) like a deep link."""
        state = ClientState(query_string=query, page_name=page)
        return await self._run(state, page, query)

    async def rerun(self) -> Run:
        """Run the current page again with the current widget values and URL."""
        return await self._run(self._state(), self.page, self.query_string)

    async def set_widget(self, key: str, value: str | list[str]) -> Run:
        """Change the widget with user key ``key`` (or ``widget_key(key)``) and rerun, a click."""
        widget = self.widget(key)
        if widget is None:
            raise KeyError(f"no widget {key!r} on {self.page or 'main page'}")
        if isinstance(value, str) and value not in widget.options:
            raise ValueError(f"{value!r} is not an option of {key!r}: {widget.options}")
        widget.value = value
        return await self.rerun()

    async def go_to(self, page: str, query: str | None = None) -> Run:
        """Navigate to another page as a sidebar link does (the URL query carried along).

        Like the browser, the widgets of the page being left are not sent.
        """
        query = self.query_string if query is None else query
        if page in self.pages:
            state = ClientState(query_string=query, page_script_hash=self.pages[page])
        else:  # a page the app did not list: ask by URL path, as a typed-in address does
            state = ClientState(query_string=query, page_name=page)
        self.auto_reruns.clear()
        return await self._run(state, page, query)

    async def idle(self, seconds: float) -> list[Run]:
        """Wait like a user reading the page; fragment timers fire as in the browser.

        Returns the full-app runs the timers caused (e.g. a redraw after a database reload).
        """
        deadline = time.monotonic() + seconds
        runs: list[Run] = []
        due = {fid: time.monotonic() + interval for fid, interval in self.auto_reruns.items()}
        while True:
            now = time.monotonic()
            next_due = min(due.values(), default=deadline)
            if next_due >= deadline:
                await self._sleep(deadline - now)
                return runs
            await self._sleep(next_due - now)
            fragment_id = min(due, key=due.__getitem__)
            state = self._state()
            state.fragment_id = fragment_id
            state.is_auto_rerun = True
            run = await self._run(state, self.page, self.query_string, fragment=True)
            if run is not None:
                run.automatic = True
                runs.append(run)
                due = {fid: time.monotonic() + iv for fid, iv in self.auto_reruns.items()}
            elif fragment_id in self.auto_reruns:
                due[fragment_id] = time.monotonic() + self.auto_reruns[fragment_id]
            else:
                due.pop(fragment_id, None)

    def widget(self, key: str) -> Widget | None:
        by_key = {w.key: w for w in self.widget_values.values()}
        return by_key.get(key) or by_key.get(widget_key(key))

    # Plumbing -------------------------------------------------------------------------------

    def _state(self) -> ClientState:
        state = ClientState(query_string=self.query_string, page_script_hash=self.page_script_hash)
        for widget in self.widget_values.values():
            widget.add_to(state)
        return state

    async def _sleep(self, seconds: float) -> None:
        # Messages that arrive while idle (none are expected) are processed, not left queued.
        end = time.monotonic() + max(0.0, seconds)
        while (left := end - time.monotonic()) > 0:
            try:
                msg = await asyncio.wait_for(self._inbox.get(), timeout=left)
            except TimeoutError:
                return
            if msg is None:
                raise ConnectionLost(self._closed_reason)
            self._track(msg)

    def _track(self, msg: ForwardMsg) -> None:
        """Keep the client state a browser keeps: URL, page hashes, fragment timers."""
        kind = msg.WhichOneof("type")
        if kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "navigation":
            for app_page in msg.navigation.app_pages:
                path = "" if app_page.is_default else app_page.url_pathname
                self.pages[path] = app_page.page_script_hash
            self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "auto_rerun":
            self.auto_reruns[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self.auto_reruns.pop(fragment_id, None)

    async def _send(self, state: ClientState) -> None:
        back = BackMsg()
        back.rerun_script.CopyFrom(state)
        try:
            await self._ws.send(back.SerializeToString())
        except websockets.ConnectionClosed as exc:
            raise ConnectionLost(f"websocket closed: {exc}") from exc

    async def _run(
        self, state: ClientState, page: str, query: str, *, fragment: bool = False
    ) -> Any:
        """Send a rerun and collect messages until the full run it causes has finished.

        A fragment rerun returns None when it stays a fragment run, or the full run it caused.
        """
        await self._send(state)
        # The browser's address bar holds the query string it asked with; the app's own
        # changes to it arrive as page_info_changed.
        self.query_string = query
        started = time.monotonic()
        deadline = started + self.run_timeout
        run: Run | None = None
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RunTimeout(
                    f"{page or 'main page'} ?{query}: run did not finish within "
                    f"{self.run_timeout:g} s"
                )
            try:
                msg = await asyncio.wait_for(self._inbox.get(), timeout=left)
            except TimeoutError:
                continue
            if msg is None:
                raise ConnectionLost(self._closed_reason)
            self._track(msg)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                if not msg.metadata.run.fragment_ids:
                    run = Run(page=page, query_sent=query, started=started)
                    run.script_run_id = msg.metadata.run.script_run_id
                    run.automatic = fragment
            elif run is None:
                fragment_done = msg.script_finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
                if fragment and kind == "script_finished" and fragment_done:
                    return None
                continue
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                name = element.WhichOneof("type")
                run.elements.append((name, getattr(element, name)))
            elif kind == "page_not_found":
                run.page_not_found = True
            elif kind == "session_event":
                event = msg.session_event
                if event.WhichOneof("type") == "script_compilation_exception":
                    exc = event.script_compilation_exception
                    run.compile_error = f"{exc.type}: {exc.message}"
            elif kind == "script_finished":
                status = _STATUS_NAMES.get(msg.script_finished, str(msg.script_finished))
                if status == "early_for_rerun":
                    run = None  # st.rerun(): the next new_session starts the run that counts
                    continue
                if status == "fragment_finished":
                    continue  # a fragment run inside the full run's lifetime
                run.status = status
                run.finished = time.monotonic()
                run.page_script_hash = self.page_script_hash
                run.query_string = self.query_string
                # The page that ran (the main page after page_not_found) is the one shown now.
                shown = [path for path, h in self.pages.items() if h == self.page_script_hash]
                self.page = shown[0] if shown else page
                self._remember_widgets(run)
                self.last_run = run
                return run

    def _remember_widgets(self, run: Run) -> None:
        # Like the browser: widgets not drawn in this run are gone; the others keep the value
        # the script set (set_value) or the user chose, else their default.
        known = self.widget_values
        fresh: dict[str, Widget] = {}
        for kind, element in run.elements:
            if kind not in SELECTION_WIDGETS:
                continue
            widget = _widget(kind, element)
            if not element.set_value and widget.id in known:
                previous = known[widget.id].value
                valid = previous is None or (
                    all(v in widget.options for v in previous)
                    if isinstance(previous, list)
                    else previous in widget.options
                )
                if valid:
                    widget.value = previous
            fresh[widget.id] = widget
        self.widget_values = fresh
