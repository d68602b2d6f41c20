"""RFC 6455 framing, sans I/O: frames to bytes and back, close payloads.

:func:`encode_frame` writes one frame (7, 16 or 64-bit payload length; masked with a 4-byte key
when given, as every client frame must be). :class:`FrameDecoder` reads frames from bytes fed in
any chunks, refusing what RFC 6455 forbids (reserved bits or opcodes, a masked frame from the
server or an unmasked one from the client, control frames fragmented or past 125 bytes, a
64-bit length with its top bit set) and frames larger than the size limit *before* their
payload is buffered. Messages, pings and the closing handshake are ``_client_ws_conn``.

Examples:
    >>> wire = encode_frame(Frame(OP_TEXT, b"xin chao"), mask_key=b"\\x01\\x02\\x03\\x04")
    >>> decoder = FrameDecoder(expect_masked=True, max_size=1024)
    >>> decoder.feed(wire)
    >>> decoder.next_frame().payload
    b'xin chao'
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ..errors import EpcisError
from ._client_ws_errors import EpcisWsMessageTooLargeError, EpcisWsProtocolError

__all__ = [
    "CONTROL_OPCODES",
    "DATA_OPCODES",
    "OP_BINARY",
    "OP_CLOSE",
    "OP_CONTINUATION",
    "OP_PING",
    "OP_PONG",
    "OP_TEXT",
    "Frame",
    "FrameDecoder",
    "encode_close",
    "encode_frame",
    "is_valid_close_code",
    "mask_bytes",
    "parse_close",
]

OP_CONTINUATION = 0x0
OP_TEXT = 0x1
OP_BINARY = 0x2
OP_CLOSE = 0x8
OP_PING = 0x9
OP_PONG = 0xA
DATA_OPCODES = frozenset({OP_CONTINUATION, OP_TEXT, OP_BINARY})
CONTROL_OPCODES = frozenset({OP_CLOSE, OP_PING, OP_PONG})


def mask_bytes(data: bytes, key: bytes) -> bytes:
    """XOR ``data`` with the 4-byte masking key repeated (its own inverse).

    Args:
        data: The payload.
        key: The masking key (4 bytes).

    Returns:
        The masked (or unmasked) payload.

    Raises:
        EpcisError: ``EPCIS_WS_BAD_FRAME`` when the key is not 4 bytes.

    Examples:
        >>> mask_bytes(b"Hello", b"\\x37\\xfa\\x21\\x3d")
        b'\\x7f\\x9fMQX'
        >>> mask_bytes(mask_bytes(b"Hello", b"abcd"), b"abcd")
        b'Hello'
    """
    if len(key) != 4:
        raise EpcisError("a masking key is 4 bytes", code="EPCIS_WS_BAD_FRAME", position=0)
    size = len(data)
    if size == 0:
        return b""
    repeated = (key * (size // 4 + 1))[:size]
    value = int.from_bytes(data, "little") ^ int.from_bytes(repeated, "little")
    return value.to_bytes(size, "little")


@dataclass(frozen=True, slots=True)
class Frame:
    """One WebSocket frame (payload unmasked).

    Attributes:
        opcode: 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong.
        payload: The application data.
        fin: Last frame of its message.
        rsv: The three reserved bits (0 unless an extension was negotiated).

    Examples:
        >>> Frame(OP_TEXT, b"hi").fin
        True
    """

    opcode: int
    payload: bytes = b""
    fin: bool = True
    rsv: int = 0


def encode_frame(frame: Frame, *, mask_key: bytes | None = None) -> bytes:
    """The bytes of one frame, with the shortest payload length form (7, 16 or 64-bit).

    Args:
        frame: The frame.
        mask_key: The 4-byte masking key (client frames), or ``None`` (server frames).

    Returns:
        The encoded frame.

    Raises:
        EpcisError: ``EPCIS_WS_BAD_FRAME`` for an unknown opcode, reserved bits past 7, a
            control frame longer than 125 bytes or fragmented, or a bad key.

    Examples:
        >>> encode_frame(Frame(OP_TEXT, b"Hello"))
        b'\\x81\\x05Hello'
        >>> encode_frame(Frame(OP_TEXT, b"Hello"), mask_key=b"\\x37\\xfa\\x21\\x3d")
        b'\\x81\\x857\\xfa!=\\x7f\\x9fMQX'
        >>> encode_frame(Frame(OP_BINARY, bytes(256)))[:4]
        b'\\x82~\\x01\\x00'
    """
    if frame.opcode not in DATA_OPCODES and frame.opcode not in CONTROL_OPCODES:
        raise EpcisError(
            f"opcode {frame.opcode!r} is reserved", code="EPCIS_WS_BAD_FRAME", position=0
        )
    if not 0 <= frame.rsv <= 7:
        raise EpcisError("rsv is three bits", code="EPCIS_WS_BAD_FRAME", position=0)
    size = len(frame.payload)
    if frame.opcode in CONTROL_OPCODES and (size > 125 or not frame.fin):
        raise EpcisError(
            "a control frame has at most 125 bytes and is never fragmented",
            code="EPCIS_WS_BAD_FRAME",
            position=0,
        )
    first = (0x80 if frame.fin else 0) | (frame.rsv << 4) | frame.opcode
    mask_bit = 0x80 if mask_key is not None else 0
    if size < 126:
        head = struct.pack("!BB", first, mask_bit | size)
    elif size < 1 << 16:
        head = struct.pack("!BBH", first, mask_bit | 126, size)
    else:
        head = struct.pack("!BBQ", first, mask_bit | 127, size)
    if mask_key is None:
        return head + frame.payload
    return head + mask_key + mask_bytes(frame.payload, mask_key)


class FrameDecoder:
    """Frames from a byte stream fed in arbitrary chunks.

    Args:
        expect_masked: ``True`` on the server (client frames must be masked), ``False`` on
            the client (server frames must not be).
        max_size: Largest payload of one frame accepted.

    Examples:
        >>> decoder = FrameDecoder(expect_masked=False, max_size=100)
        >>> decoder.feed(b"\\x81\\x05Hel")
        >>> decoder.next_frame() is None
        True
        >>> decoder.feed(b"lo")
        >>> decoder.next_frame()
        Frame(opcode=1, payload=b'Hello', fin=True, rsv=0)
    """

    __slots__ = ("_buffer", "expect_masked", "max_size")

    def __init__(self, *, expect_masked: bool, max_size: int) -> None:
        self.expect_masked = expect_masked
        self.max_size = max_size
        self._buffer = bytearray()

    @property
    def buffered(self) -> int:
        """Bytes waiting (a partial frame)."""
        return len(self._buffer)

    def feed(self, data: bytes) -> None:
        """Add received bytes.

        Args:
            data: The bytes.
        """
        self._buffer += data

    def next_frame(self) -> Frame | None:
        """The next complete frame, or ``None`` until more bytes arrive.

        Returns:
            The frame.

        Raises:
            EpcisWsProtocolError: A header RFC 6455 forbids.
            EpcisWsMessageTooLargeError: A payload length past ``max_size``.
        """
        buf = self._buffer
        if len(buf) < 2:
            return None
        first, second = buf[0], buf[1]
        fin, rsv, opcode = bool(first & 0x80), (first >> 4) & 0x7, first & 0x0F
        masked, size = bool(second & 0x80), second & 0x7F
        if rsv:
            raise EpcisWsProtocolError("reserved bits set without a negotiated extension")
        if opcode not in DATA_OPCODES and opcode not in CONTROL_OPCODES:
            raise EpcisWsProtocolError(f"reserved opcode {opcode:#x}")
        if masked != self.expect_masked:
            which = "an unmasked" if self.expect_masked else "a masked"
            raise EpcisWsProtocolError(f"{which} frame (RFC 6455 5.1)")
        if opcode in CONTROL_OPCODES and (not fin or size > 125):
            raise EpcisWsProtocolError("a control frame is fragmented or longer than 125 bytes")
        offset = 2
        if size == 126:
            if len(buf) < 4:
                return None
            (size,) = struct.unpack_from("!H", buf, 2)
            offset = 4
        elif size == 127:
            if len(buf) < 10:
                return None
            (size,) = struct.unpack_from("!Q", buf, 2)
            if size >> 63:
                raise EpcisWsProtocolError("a 64-bit payload length with its top bit set")
            offset = 10
        if size > self.max_size:
            raise EpcisWsMessageTooLargeError(
                f"a frame of {size} bytes is larger than the limit of {self.max_size}",
                size=size,
                limit=self.max_size,
            )
        key = b""
        if masked:
            if len(buf) < offset + 4:
                return None
            key = bytes(buf[offset : offset + 4])
            offset += 4
        end = offset + size
        if len(buf) < end:
            return None
        payload = bytes(buf[offset:end])
        del buf[:end]
        if masked:
            payload = mask_bytes(payload, key)
        return Frame(opcode, payload, fin)


def is_valid_close_code(code: int) -> bool:
    """Whether a status code may appear in a close frame (RFC 6455 7.4).

    Args:
        code: The status.

    Returns:
        ``True`` for 1000-1003, 1007-1014 and 3000-4999.

    Examples:
        >>> [is_valid_close_code(c) for c in (1000, 1005, 1006, 1011, 2999, 4000)]
        [True, False, False, True, False, True]
    """
    return code in (1000, 1001, 1002, 1003) or 1007 <= code <= 1014 or 3000 <= code <= 4999


def encode_close(code: int | None = 1000, reason: str = "") -> bytes:
    """The payload of a close frame.

    Args:
        code: The status (``None``: an empty payload, no reason allowed).
        reason: UTF-8 text; at most 123 bytes once encoded.

    Returns:
        The payload.

    Raises:
        EpcisError: ``EPCIS_WS_BAD_FRAME`` for a code that may not be sent or a long reason.

    Examples:
        >>> encode_close(1000, "bye")
        b'\\x03\\xe8bye'
        >>> encode_close(None)
        b''
    """
    if code is None:
        if reason:
            raise EpcisError("a reason needs a code", code="EPCIS_WS_BAD_FRAME", position=0)
        return b""
    if not is_valid_close_code(code):
        raise EpcisError(
            f"close code {code} may not be sent", code="EPCIS_WS_BAD_FRAME", position=0
        )
    data = reason.encode("utf-8", "surrogatepass")
    if len(data) > 123:
        raise EpcisError(
            "a close reason has at most 123 bytes", code="EPCIS_WS_BAD_FRAME", position=123
        )
    return struct.pack("!H", code) + data


def parse_close(payload: bytes) -> tuple[int | None, str]:
    """Read a received close frame's payload.

    Args:
        payload: The payload.

    Returns:
        ``(code, reason)``; ``(None, "")`` for an empty payload.

    Raises:
        EpcisWsProtocolError: A one-byte payload or a code that may not be sent (1002), or a
            reason that is not UTF-8 (1007).

    Examples:
        >>> parse_close(b"\\x03\\xe9going away")
        (1001, 'going away')
        >>> parse_close(b"")
        (None, '')
    """
    if not payload:
        return None, ""
    if len(payload) < 2:
        raise EpcisWsProtocolError("a close payload of one byte")
    (code,) = struct.unpack_from("!H", payload)
    if not is_valid_close_code(code):
        raise EpcisWsProtocolError(f"close code {code} may not be sent")
    try:
        reason = payload[2:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EpcisWsProtocolError("the close reason is not UTF-8", close_code=1007) from exc
    return code, reason
