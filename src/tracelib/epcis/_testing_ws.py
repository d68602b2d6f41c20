"""WebSocket query subscriptions of the loopback EPCIS server (RFC 6455, server side).

``GET /queries/{name}/events`` (the OpenAPI's path) or ``/queries/{name}/subscriptions`` with
``Upgrade: websocket`` and ``stream=true`` or a schedule (``second`` ... ``dayOfWeek``),
``reportIfEmpty``, ``initialRecordTime`` in the query string answers ``101`` with
``Sec-WebSocket-Accept`` and ``GS1-Query-Min-Record-Time``, then pushes one
``EPCISQueryDocument`` per message: for a stream, the events of each capture that match the
query (and, with an ``initialRecordTime`` in the past, the backlog first); for a schedule, on
:meth:`EpcisTestServer.trigger_subscriptions`. Deleting the query closes its sockets (1000),
closing the server says 1001. Pings are answered, the closing handshake is done properly;
:class:`WsOptions` fragments messages (with a ping between fragments if asked) so clients can
be tested against both.
"""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl

from ._client_grammar import parse_time
from ._client_query import EventQuery
from ._client_results import Schedule
from ._client_ws_conn import Closed, Message, Pong, WsConnection
from ._client_ws_errors import EpcisWsMessageTooLargeError, EpcisWsProtocolError
from ._client_ws_frames import OP_CONTINUATION, OP_PING, OP_TEXT, Frame, encode_frame
from ._client_ws_handshake import accept_key, is_valid_key
from ._testing_base import AppResponse, AppState, json_body, problem_response
from ._testing_match import CompiledQuery, QueryRefusedError, compile_query
from ._testing_store import StoredEvent

__all__ = ["WsHub", "WsMixin", "WsOptions", "WsPeer", "serve_websocket"]

_EPOCH = datetime(1, 1, 1, tzinfo=timezone.utc)
_SCHEDULE_NAMES = ("second", "minute", "hour", "dayOfMonth", "month", "dayOfWeek")
_ALLOWED = {"stream", "reportIfEmpty", "initialRecordTime", *_SCHEDULE_NAMES}


@dataclass(frozen=True, slots=True)
class WsOptions:
    """How the loopback server speaks WebSocket.

    Attributes:
        fragment_size: Split each message into frames of at most this many bytes.
        ping_between_fragments: Send a ping between the first and second fragment.
        max_message_size: Largest message accepted from a client (bigger: 1009).
        close_timeout: Seconds to wait for the client's close frame after sending one.

    Examples:
        >>> WsOptions(fragment_size=512).fragment_size
        512
    """

    fragment_size: int | None = None
    ping_between_fragments: bool = False
    max_message_size: int = 1024 * 1024
    close_timeout: float = 2.0


@dataclass(eq=False)
class WsPeer:
    """One connected WebSocket subscriber (what tests inspect and drive).

    Attributes:
        subscription_id: The ``subscriptionID`` written into its documents.
        query_name: The named query.
        stream: A stream subscription (else scheduled).
        schedule: The schedule's fields, for a scheduled one.
        report_if_empty: Send empty documents on a scheduled run.
        min_record_time: Events recorded from this time are still to be reported (scheduled).
        initial_record_time: The ``initialRecordTime`` asked for, if any.
        sent: The documents pushed so far (bodies).
        pongs: Payloads of the pongs the client sent.
        received: Data messages the client sent.
        close_code: The client's close status, once closed (1006: dropped).
    """

    subscription_id: str
    query_name: str
    stream: bool
    schedule: dict[str, str] | None = None
    report_if_empty: bool = False
    min_record_time: str = ""
    initial_record_time: str | None = None
    sent: list[bytes] = field(default_factory=list)
    pongs: list[bytes] = field(default_factory=list)
    received: list[bytes] = field(default_factory=list)
    close_code: int | None = None
    _queue: queue.Queue[tuple[str, Any, Any]] = field(default_factory=queue.Queue, repr=False)
    _done: threading.Event = field(default_factory=threading.Event, repr=False)
    _pong_seen: threading.Condition = field(default_factory=threading.Condition, repr=False)

    @property
    def connected(self) -> bool:
        """Whether the connection is still open."""
        return not self._done.is_set()

    def push(self, body: bytes) -> None:
        """Queue a message (a query document's bytes).

        Args:
            body: The message.
        """
        self._queue.put(("message", body, None))

    def ping(self, payload: bytes = b"") -> None:
        """Queue a ping.

        Args:
            payload: At most 125 bytes.
        """
        self._queue.put(("ping", payload, None))

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Start the closing handshake.

        Args:
            code: The status.
            reason: The reason.
        """
        self._queue.put(("close", code, reason))

    def wait_closed(self, timeout: float = 5.0) -> bool:
        """Wait until the connection is closed.

        Args:
            timeout: Seconds.

        Returns:
            Whether it closed in time.
        """
        return self._done.wait(timeout)

    def wait_pong(self, count: int = 1, *, timeout: float = 5.0) -> list[bytes]:
        """Wait until ``count`` pongs arrived.

        Args:
            count: How many.
            timeout: Seconds.

        Returns:
            The pong payloads (maybe fewer after a timeout).
        """
        with self._pong_seen:
            self._pong_seen.wait_for(lambda: len(self.pongs) >= count, timeout)
            return list(self.pongs)


class WsHub:
    """The connected subscribers of one app (thread-safe).

    Examples:
        >>> WsHub().peers
        []
    """

    def __init__(self) -> None:
        self._peers: list[WsPeer] = []
        self._cond = threading.Condition()

    @property
    def peers(self) -> list[WsPeer]:
        """Subscribers still connected (a copy)."""
        with self._cond:
            return [p for p in self._peers if p.connected]

    @property
    def all_peers(self) -> list[WsPeer]:
        """Every subscriber so far, closed ones included (a copy)."""
        with self._cond:
            return list(self._peers)

    def add(self, peer: WsPeer) -> None:
        """Register a subscriber.

        Args:
            peer: The subscriber.
        """
        with self._cond:
            self._peers.append(peer)
            self._cond.notify_all()

    def close_all(self, code: int = 1001, reason: str = "", *, wait: float = 0.0) -> None:
        """Start the closing handshake on every connection; optionally wait for them.

        Args:
            code: The status.
            reason: The reason.
            wait: Seconds to wait in total (0: return at once).
        """
        peers = self.peers
        for peer in peers:
            peer.close(code, reason)
        deadline = time.monotonic() + wait
        for peer in peers:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            peer.wait_closed(left)


def _writer(
    sock: socket.socket,
    conn: WsConnection,
    peer: WsPeer,
    lock: threading.Lock,
    options: WsOptions,
) -> None:
    while True:
        kind, value, extra = peer._queue.get()
        if kind == "stop":
            return
        with lock:
            if conn.state != "open":
                continue
            if kind == "message":
                data = _message_bytes(conn, value, options)
            elif kind == "ping":
                data = conn.send_ping(value)
            else:
                data = conn.send_close(value, extra)
            try:
                sock.sendall(data)
            except OSError:
                return
        if kind == "message":
            peer.sent.append(value)
        if kind == "close" and not peer._done.wait(options.close_timeout):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _message_bytes(conn: WsConnection, body: bytes, options: WsOptions) -> bytes:
    text = body.decode("utf-8")
    size = options.fragment_size
    if size is None or size >= len(body) or not options.ping_between_fragments:
        return conn.send_message(text, fragment_size=size)
    parts = [body[i : i + max(1, size)] for i in range(0, len(body), max(1, size))]
    out = bytearray(encode_frame(Frame(OP_TEXT, parts[0], fin=False)))
    out += encode_frame(Frame(OP_PING, b"between"))
    for index, part in enumerate(parts[1:], start=2):
        out += encode_frame(Frame(OP_CONTINUATION, part, fin=index == len(parts)))
    return bytes(out)


def serve_websocket(sock: socket.socket, peer: WsPeer, options: WsOptions) -> None:
    """Run one server connection to its end (the handler thread; a writer thread sends).

    Args:
        sock: The connection, after the ``101`` was written.
        peer: The subscriber.
        options: The server's WebSocket options.
    """
    conn = WsConnection("server", max_message_size=options.max_message_size)
    lock = threading.Lock()
    sock.settimeout(None)
    writer = threading.Thread(target=_writer, args=(sock, conn, peer, lock, options), daemon=True)
    writer.start()
    try:
        while conn.state != "closed":
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            with lock:
                try:
                    events = conn.receive_data(data)
                except (EpcisWsProtocolError, EpcisWsMessageTooLargeError):  # close queued
                    events = [Closed(1006, "", clean=False)]
                    conn.state = "closed"
                with contextlib.suppress(OSError):
                    sock.sendall(conn.data_to_send())
            for event in events:
                if isinstance(event, Pong):
                    with peer._pong_seen:
                        peer.pongs.append(event.payload)
                        peer._pong_seen.notify_all()
                elif isinstance(event, Message):
                    peer.received.append(event.data)
                elif isinstance(event, Closed):
                    peer.close_code = event.code
    finally:
        if peer.close_code is None:
            peer.close_code = conn.close_code or 1006
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        peer._done.set()
        peer._queue.put(("stop", None, None))
        writer.join(options.close_timeout + 1.0)


def _floor(text: str | None) -> datetime:
    return (parse_time(text) if text else None) or _EPOCH


class WsMixin(AppState):
    """The WebSocket side of :class:`~tracelib.epcis.testing.EpcisApp`."""

    __slots__ = ()
    _ws: WsHub
    ws_options: WsOptions

    def _ws_refuse(self, status: int, exception: str, detail: str) -> AppResponse:
        titles = {400: "Subscription error", 404: "No such query", 426: "Upgrade required"}
        extra = (("Sec-WebSocket-Version", "13"),) if status == 426 else ()
        return problem_response(
            status, exception, titles.get(status, "Error"), detail, headers=extra
        )

    def _ws_upgrade(self, name: str, query: str, headers: dict[str, str]) -> AppResponse:
        """Validate an upgrade request and register the subscriber (answer 101 or a problem)."""
        if "upgrade" not in {t.strip().lower() for t in headers.get("connection", "").split(",")}:
            return self._ws_refuse(400, "SubscriptionControlsException", "Connection: Upgrade")
        if headers.get("sec-websocket-version", "").strip() != "13":
            return self._ws_refuse(426, "SubscriptionControlsException", "WebSocket version 13")
        key = headers.get("sec-websocket-key")
        if not is_valid_key(key):
            return self._ws_refuse(400, "SubscriptionControlsException", "bad Sec-WebSocket-Key")
        assert key is not None
        stored = self.store.get_query(name)
        if stored is None:
            return self._ws_refuse(404, "NoSuchNameException", name)
        pairs = parse_qsl(query, keep_blank_values=True)
        params = dict(pairs)
        unknown = sorted({n for n, _ in pairs} - _ALLOWED)
        if unknown or len(params) != len(pairs):
            detail = f"unknown parameter {unknown[0]}" if unknown else "a parameter is repeated"
            return self._ws_refuse(400, "SubscriptionControlsException", detail)
        stream = params.get("stream")
        schedule = {n: params[n] for n in _SCHEDULE_NAMES if n in params}
        if stream not in (None, "true", "false") or (stream == "true") == bool(schedule):
            return self._ws_refuse(
                400, "SubscriptionControlsException", "give stream=true or a schedule (one)"
            )
        report = params.get("reportIfEmpty", "false")
        initial = params.get("initialRecordTime")
        try:
            if schedule:
                Schedule.from_json(schedule)
            if report not in ("true", "false"):
                raise ValueError("reportIfEmpty is true or false")
            if initial is not None and parse_time(initial) is None:
                raise ValueError("initialRecordTime is an RFC 3339 date-time")
            compiled = compile_query(list(EventQuery.from_json(stored["query"]).params))
        except QueryRefusedError as exc:
            return problem_response(exc.status, exc.exception, "Query refused", exc.detail)
        except (ValueError, TypeError) as exc:
            return self._ws_refuse(400, "SubscriptionControlsException", str(exc))
        now = self.now_iso()
        peer = WsPeer(
            str(uuid.uuid4()),
            name,
            stream == "true",
            schedule or None,
            report == "true",
            initial or now,
            initial,
        )
        if peer.stream and initial is not None:
            floor = _floor(initial)
            backlog = [
                s
                for s in self.store.scan()
                if compiled.matches(s[1], s[2]) and _floor(s[1].get("recordTime")) >= floor
            ]
            if backlog:
                peer.push(self._ws_document(peer, backlog))
        self._ws.add(peer)
        answer = (
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Accept", accept_key(key.strip())),
            ("GS1-Query-Min-Record-Time", peer.min_record_time),
        )
        return AppResponse(101, answer, upgrade=peer)

    def _ws_document(self, peer: WsPeer, events: list[StoredEvent]) -> bytes:
        from ._testing_query import _query_document

        doc = _query_document(
            events,
            query_name=peer.query_name,
            created=self.now_iso(),
            epc_format=None,
            subscription_id=peer.subscription_id,
        )
        return json_body(doc)

    def _ws_compiled(self, name: str) -> CompiledQuery | None:
        stored = self.store.get_query(name)
        if stored is None:
            return None
        try:
            return compile_query(list(EventQuery.from_json(stored["query"]).params))
        except QueryRefusedError:
            return None

    def _ws_on_captured(self, events: list[tuple[dict[str, Any], dict[str, str]]]) -> None:
        for peer in self._ws.peers:
            if not peer.stream:
                continue
            compiled = self._ws_compiled(peer.query_name)
            if compiled is None:
                continue
            floor = _floor(peer.initial_record_time)
            matched: list[StoredEvent] = [
                (0, event, prefixes)
                for event, prefixes in events
                if compiled.matches(event, prefixes) and _floor(event.get("recordTime")) >= floor
            ]
            if matched:
                peer.push(self._ws_document(peer, matched))

    def _ws_trigger(self) -> int:
        pushed = 0
        for peer in self._ws.peers:
            if peer.stream:
                continue
            compiled = self._ws_compiled(peer.query_name)
            if compiled is None:
                continue
            floor = _floor(peer.min_record_time)
            run_at = self.now_iso()
            matched = [
                s
                for s in self.store.scan()
                if compiled.matches(s[1], s[2]) and _floor(s[1].get("recordTime")) >= floor
            ]
            if matched or peer.report_if_empty:
                peer.push(self._ws_document(peer, matched))
                pushed += 1
            peer.min_record_time = run_at
        return pushed

    def _ws_query_deleted(self, name: str) -> None:
        for peer in self._ws.peers:
            if peer.query_name == name:
                peer.close(1000, "query deleted")
