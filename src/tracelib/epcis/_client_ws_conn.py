"""The RFC 6455 connection state machine, sans I/O (messages, pings, closing handshake).

:class:`WsConnection` sits on :mod:`_client_ws_frames`: it reassembles fragments (control
frames may come between them), checks UTF-8 of text messages and close reasons, validates
close codes, answers pings and close frames by itself (``data_to_send()``), and fails the
connection with 1002, 1007 or 1009 on a violation. The socket drivers of the client and of
the loopback server (:mod:`tracelib.epcis.testing`) are loops around it.

Examples:
    >>> client = WsConnection("client", random_bytes=lambda n: b"\\x01\\x02\\x03\\x04"[:n])
    >>> server = WsConnection("server")
    >>> server.receive_data(client.send_message("xin chào"))
    [Message(data=b'xin ch\\xc3\\xa0o', is_text=True)]
    >>> client.receive_data(server.send_ping(b"hi"))
    [Ping(payload=b'hi')]
    >>> server.receive_data(client.data_to_send())
    [Pong(payload=b'hi')]
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Union

from ..errors import EpcisError
from ._client_ws_errors import EpcisWsMessageTooLargeError, EpcisWsProtocolError
from ._client_ws_frames import (
    OP_BINARY,
    OP_CLOSE,
    OP_CONTINUATION,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    Frame,
    FrameDecoder,
    encode_close,
    encode_frame,
    parse_close,
)

__all__ = [
    "DEFAULT_MAX_MESSAGE_SIZE",
    "Closed",
    "Message",
    "Ping",
    "Pong",
    "WsConnection",
    "WsEvent",
]

DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024
"""Largest message accepted by default (16 MiB)."""

Role = Literal["client", "server"]


@dataclass(frozen=True, slots=True)
class Message:
    """A complete data message.

    Attributes:
        data: The payload (reassembled from its fragments).
        is_text: A text message (``data`` is valid UTF-8).

    Examples:
        >>> Message(b"hi", True).text
        'hi'
    """

    data: bytes
    is_text: bool

    @property
    def text(self) -> str:
        """The payload decoded as UTF-8 (lenient for binary messages)."""
        return self.data.decode("utf-8", "replace")


@dataclass(frozen=True, slots=True)
class Ping:
    """A ping received (the pong is queued already).

    Attributes:
        payload: Its application data.
    """

    payload: bytes


@dataclass(frozen=True, slots=True)
class Pong:
    """A pong received.

    Attributes:
        payload: Its application data.
    """

    payload: bytes


@dataclass(frozen=True, slots=True)
class Closed:
    """The connection is closed (close frame received, or the stream ended).

    Attributes:
        code: The peer's status: 1005 when its close frame had none, 1006 when the stream
            ended without a close frame.
        reason: The peer's reason.
        clean: ``True`` when both close frames were exchanged.
    """

    code: int
    reason: str = ""
    clean: bool = True


WsEvent = Union[Message, Ping, Pong, Closed]
"""What :meth:`WsConnection.receive_data` returns."""


class WsConnection:
    """The RFC 6455 state machine of one side of a connection (after the handshake).

    Args:
        role: ``"client"`` (masks what it sends, refuses masked frames) or ``"server"``.
        max_message_size: Largest message accepted; a bigger one fails the connection with
            1009 before its payload is buffered.
        random_bytes: Source of masking keys (``os.urandom``; injectable for tests).

    Attributes:
        state: ``"open"``, ``"closing"`` (our close frame sent, waiting for the peer's) or
            ``"closed"``.
        close_code: The peer's close status once closed (see :class:`Closed`).
        close_reason: The peer's close reason.

    Examples:
        >>> server, client = WsConnection("server"), WsConnection("client")
        >>> wire = server.send_message(b"abcdef", fragment_size=4)
        >>> client.receive_data(wire[:3]), client.receive_data(wire[3:])
        ([], [Message(data=b'abcdef', is_text=False)])
        >>> server.receive_data(client.send_close(1000, "xong"))
        [Closed(code=1000, reason='xong', clean=True)]
        >>> client.receive_data(server.data_to_send()), client.state
        ([Closed(code=1000, reason='', clean=True)], 'closed')
    """

    __slots__ = (
        "_decoder",
        "_fragments",
        "_fragments_size",
        "_message_opcode",
        "_outgoing",
        "_random_bytes",
        "close_code",
        "close_reason",
        "max_message_size",
        "role",
        "state",
    )

    def __init__(
        self,
        role: Role,
        *,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        random_bytes: Callable[[int], bytes] = os.urandom,
    ) -> None:
        if role not in ("client", "server"):
            raise EpcisError(
                "role is 'client' or 'server'", code="EPCIS_CLIENT_BAD_OPTION", position=0
            )
        if not isinstance(max_message_size, int) or max_message_size < 1:
            raise EpcisError(
                "max_message_size is a positive integer", code="EPCIS_CLIENT_BAD_OPTION"
            )
        self.role: Role = role
        self.max_message_size = max_message_size
        self._random_bytes = random_bytes
        self._decoder = FrameDecoder(expect_masked=role == "server", max_size=max_message_size)
        self._fragments: list[bytes] = []
        self._fragments_size = 0
        self._message_opcode: int | None = None
        self._outgoing = bytearray()
        self.state: Literal["open", "closing", "closed"] = "open"
        self.close_code: int | None = None
        self.close_reason = ""

    # ---- sending -----------------------------------------------------------------------------

    def _frame(self, frame: Frame) -> bytes:
        key = self._random_bytes(4) if self.role == "client" else None
        return encode_frame(frame, mask_key=key)

    def _check_open(self) -> None:
        if self.state != "open":
            from ._client_ws_errors import EpcisWsClosedError

            raise EpcisWsClosedError(
                f"the connection is {self.state}", close_code=self.close_code or 1006
            )

    def send_message(self, data: str | bytes, *, fragment_size: int | None = None) -> bytes:
        """Frame a text (``str``) or binary (``bytes``) message.

        Args:
            data: The message.
            fragment_size: Split into frames of at most this many bytes.

        Returns:
            The bytes to write.

        Raises:
            EpcisWsClosedError: The connection is not open.
        """
        self._check_open()
        payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        opcode = OP_TEXT if isinstance(data, str) else OP_BINARY
        if fragment_size is None or fragment_size >= len(payload):
            return self._frame(Frame(opcode, payload))
        step = max(1, fragment_size)
        parts = [payload[i : i + step] for i in range(0, len(payload), step)]
        out = bytearray()
        for index, part in enumerate(parts):
            out += self._frame(
                Frame(opcode if index == 0 else OP_CONTINUATION, part, index == len(parts) - 1)
            )
        return bytes(out)

    def send_ping(self, payload: bytes = b"") -> bytes:
        """Frame a ping.

        Args:
            payload: At most 125 bytes.

        Returns:
            The bytes to write.
        """
        self._check_open()
        return self._frame(Frame(OP_PING, payload))

    def send_pong(self, payload: bytes = b"") -> bytes:
        """Frame an unsolicited pong (pings are answered by :meth:`receive_data` itself).

        Args:
            payload: At most 125 bytes.

        Returns:
            The bytes to write.
        """
        self._check_open()
        return self._frame(Frame(OP_PONG, payload))

    def send_close(self, code: int | None = 1000, reason: str = "") -> bytes:
        """Start the closing handshake (then wait for the peer's close frame).

        Args:
            code: The status.
            reason: The reason.

        Returns:
            The bytes to write (empty when closing already).
        """
        if self.state != "open":
            return b""
        self.state = "closing"
        return self._frame(Frame(OP_CLOSE, encode_close(code, reason)))

    def data_to_send(self) -> bytes:
        """The automatic replies (pongs, the close echo, a failure's close frame) queued.

        Returns:
            The bytes to write (then forgotten).
        """
        out = bytes(self._outgoing)
        self._outgoing.clear()
        return out

    # ---- receiving ---------------------------------------------------------------------------

    def _is_closed(self) -> bool:
        return self.state == "closed"

    def _fail(self, code: int) -> None:
        if self.state == "open":
            self._outgoing += self._frame(Frame(OP_CLOSE, encode_close(code)))
        self.state = "closed"
        self.close_code = 1006

    def receive_data(self, data: bytes) -> list[WsEvent]:
        """Feed received bytes (``b""`` for the end of the stream) and read the events.

        Args:
            data: The bytes.

        Returns:
            Complete messages, pings, pongs and at most one :class:`Closed`.

        Raises:
            EpcisWsProtocolError: The peer broke RFC 6455 (the connection is failed: a close
                frame with 1002 or 1007 is queued in :meth:`data_to_send`).
            EpcisWsMessageTooLargeError: A message past ``max_message_size`` (1009 queued).
        """
        if self.state == "closed":
            return []
        if not data:
            self.state = "closed"
            self.close_code = 1006
            return [Closed(1006, "", clean=False)]
        self._decoder.feed(data)
        events: list[WsEvent] = []
        try:
            while not self._is_closed():
                frame = self._decoder.next_frame()
                if frame is None:
                    break
                event = self._on_frame(frame)
                if event is not None:
                    events.append(event)
        except (EpcisWsProtocolError, EpcisWsMessageTooLargeError) as exc:
            self._fail(exc.close_code or 1002)
            raise
        return events

    def _on_frame(self, frame: Frame) -> WsEvent | None:
        if frame.opcode == OP_PING:
            if self.state == "open":
                self._outgoing += self._frame(Frame(OP_PONG, frame.payload))
            return Ping(frame.payload)
        if frame.opcode == OP_PONG:
            return Pong(frame.payload)
        if frame.opcode == OP_CLOSE:
            code, reason = parse_close(frame.payload)
            if self.state == "open":
                self._outgoing += self._frame(Frame(OP_CLOSE, encode_close(code)))
            self.state = "closed"
            self.close_code = 1005 if code is None else code
            self.close_reason = reason
            return Closed(self.close_code, reason)
        return self._on_data(frame)

    def _on_data(self, frame: Frame) -> Message | None:
        if frame.opcode == OP_CONTINUATION:
            if self._message_opcode is None:
                raise EpcisWsProtocolError("a continuation frame without a message to continue")
        elif self._message_opcode is not None:
            raise EpcisWsProtocolError("a new message started inside a fragmented one")
        else:
            self._message_opcode = frame.opcode
        self._fragments_size += len(frame.payload)
        if self._fragments_size > self.max_message_size:
            raise EpcisWsMessageTooLargeError(
                f"a message of more than {self.max_message_size} bytes",
                size=self._fragments_size,
                limit=self.max_message_size,
            )
        self._fragments.append(frame.payload)
        if not frame.fin:
            return None
        data = b"".join(self._fragments)
        is_text = self._message_opcode == OP_TEXT
        self._fragments, self._fragments_size, self._message_opcode = [], 0, None
        if is_text:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise EpcisWsProtocolError(
                    "a text message that is not UTF-8", close_code=1007
                ) from exc
        return Message(data, is_text)
