"""The errors of WebSocket query subscriptions (RFC 6455), under ``EpcisClientError``.

::

    EpcisClientError
    └── EpcisWebSocketError              base; ``close_code`` is the RFC 6455 status involved
        ├── EpcisWsHandshakeError        EPCIS_WS_HANDSHAKE_FAILED: no valid ``101`` upgrade
        ├── EpcisWsProtocolError         EPCIS_WS_PROTOCOL: a frame that breaks RFC 6455
        ├── EpcisWsMessageTooLargeError  EPCIS_WS_MESSAGE_TOO_LARGE: past ``max_message_size``
        └── EpcisWsClosedError           EPCIS_WS_CLOSED: the connection is (or was) closed

A refused handshake that carries an HTTP error status (404 for an unknown query, 400 for bad
subscription controls, 401...) raises the usual status error of
:mod:`tracelib.epcis.client` (``EpcisNotFoundError``...), not these.
"""

from __future__ import annotations

from ._client_errors import EpcisClientError
from ._client_http import Request, Response

__all__ = [
    "EpcisWebSocketError",
    "EpcisWsClosedError",
    "EpcisWsHandshakeError",
    "EpcisWsMessageTooLargeError",
    "EpcisWsProtocolError",
]


class EpcisWebSocketError(EpcisClientError):
    """Base class of the WebSocket subscription errors.

    Args:
        message: Description.
        code: Stable machine code.
        close_code: The RFC 6455 close status sent or received (``None`` when none applies).
        request: The handshake request, when known.

    Examples:
        >>> EpcisWebSocketError("x", code="EPCIS_WS_PROTOCOL", close_code=1002).close_code
        1002
    """

    close_code: int | None

    def __init__(
        self,
        message: str,
        *,
        code: str,
        close_code: int | None = None,
        request: Request | None = None,
    ) -> None:
        super().__init__(message, code=code, request=request)
        self.close_code = close_code


class EpcisWsHandshakeError(EpcisWebSocketError):
    """The opening handshake failed: not ``101``, or a wrong ``Sec-WebSocket-Accept``,
    ``Upgrade`` or ``Connection`` header, or an extension/subprotocol nobody asked for.

    Args:
        message: Description.
        response: The handshake response, when one arrived.
        request: The handshake request.

    Examples:
        >>> err = EpcisWsHandshakeError("bad accept", response=Response(101))
        >>> err.code, err.response.status
        ('EPCIS_WS_HANDSHAKE_FAILED', 101)
    """

    response: Response | None

    def __init__(
        self, message: str, *, response: Response | None = None, request: Request | None = None
    ) -> None:
        super().__init__(message, code="EPCIS_WS_HANDSHAKE_FAILED", request=request)
        self.response = response


class EpcisWsProtocolError(EpcisWebSocketError):
    """The peer broke RFC 6455 (unmasked/masked frame, reserved bits or opcode, bad UTF-8 in a
    text message, a fragmented control frame...); the connection was failed with
    ``close_code`` 1002 (protocol error) or 1007 (invalid payload data).

    Examples:
        >>> EpcisWsProtocolError("rsv bits", close_code=1002).code
        'EPCIS_WS_PROTOCOL'
    """

    def __init__(self, message: str, *, close_code: int = 1002) -> None:
        super().__init__(message, code="EPCIS_WS_PROTOCOL", close_code=close_code)


class EpcisWsMessageTooLargeError(EpcisWebSocketError):
    """A message (or one frame of it) is larger than ``max_message_size``; the connection was
    failed with close code 1009 before the payload was read.

    Args:
        message: Description.
        size: The size announced or reached, in bytes.
        limit: The limit.

    Examples:
        >>> err = EpcisWsMessageTooLargeError("big", size=10, limit=4)
        >>> err.code, err.close_code, err.size, err.limit
        ('EPCIS_WS_MESSAGE_TOO_LARGE', 1009, 10, 4)
    """

    size: int
    limit: int

    def __init__(self, message: str, *, size: int, limit: int) -> None:
        super().__init__(message, code="EPCIS_WS_MESSAGE_TOO_LARGE", close_code=1009)
        self.size = size
        self.limit = limit


class EpcisWsClosedError(EpcisWebSocketError):
    """The connection is closed: by the server with a status other than 1000, without a
    close frame (``close_code`` 1006), or already closed when read from.

    Args:
        message: Description.
        close_code: The close status (1005 when the close frame had none, 1006 when the
            connection dropped without one).
        reason: The close reason the server gave.

    Examples:
        >>> err = EpcisWsClosedError("closed", close_code=1001, reason="going away")
        >>> err.code, err.close_code, err.reason
        ('EPCIS_WS_CLOSED', 1001, 'going away')
    """

    reason: str

    def __init__(self, message: str, *, close_code: int | None, reason: str = "") -> None:
        super().__init__(message, code="EPCIS_WS_CLOSED", close_code=close_code)
        self.reason = reason
