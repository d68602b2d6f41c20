"""The HTTP layer of the loopback test servers: a threading server bound to 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from ..errors import InputError
from ._client_results import QueryPage
from ._client_webhook import HMAC_SHA256, SignatureScheme, verify_webhook

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "LoopbackServer",
    "ReceivedWebhook",
    "WebhookReceiver",
    "is_loopback",
    "post_loopback",
]


def is_loopback(host: str | None) -> bool:
    """Whether a host name or address is the loopback interface.

    Args:
        host: A host name or IP address.

    Returns:
        ``True`` for ``localhost``, ``127.0.0.0/8`` and ``::1``.

    Examples:
        >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("192.0.2.1")
        (True, True, False)
    """
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def post_loopback(
    url: str, body: bytes, headers: Mapping[str, str], *, timeout: float = 5.0
) -> int:
    """POST a body to a loopback URL (webhook deliveries); refuses any other host.

    Args:
        url: The ``http://`` URL on the loopback interface.
        body: The body.
        headers: The headers.
        timeout: Seconds.

    Returns:
        The response status.

    Raises:
        InputError: ``EPCIS_TESTING_NOT_LOOPBACK`` for another host or scheme.
        OSError: The connection failed.

    Examples:
        >>> post_loopback("https://example.com/hook", b"{}", {})
        Traceback (most recent call last):
        ...
        tracelib.errors.InputError: webhook deliveries go to http://127.0.0.1 only, not https://example.com/hook
    """
    parts = urlsplit(url)
    if parts.scheme != "http" or not is_loopback(parts.hostname):
        raise InputError(
            f"webhook deliveries go to http://127.0.0.1 only, not {url}",
            code="EPCIS_TESTING_NOT_LOOPBACK",
            position=0,
        )
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    conn = http.client.HTTPConnection(
        parts.hostname or "127.0.0.1", parts.port or 80, timeout=timeout
    )
    try:
        conn.request("POST", target, body=body, headers=dict(headers))
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.owner: Any = None
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that went away (a timed-out test client); report anything else."""
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class LoopbackServer:
    """A ``ThreadingHTTPServer`` on 127.0.0.1 in a background thread (context manager).

    Args:
        handler: The request handler class.
        host: A loopback address.
        port: The port (0 picks a free one).

    Raises:
        InputError: ``EPCIS_TESTING_NOT_LOOPBACK`` for a host that is not loopback.

    Examples:
        >>> class Hello(BaseHTTPRequestHandler):
        ...     def do_GET(self):
        ...         self.send_response(204); self.end_headers()
        ...     def log_message(self, *args): pass
        >>> with LoopbackServer(Hello) as server:
        ...     server.url.startswith("http://127.0.0.1:")
        True
    """

    def __init__(
        self, handler: type[BaseHTTPRequestHandler], *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        if not is_loopback(host):
            raise InputError(
                f"the test servers listen on loopback only, not {host!r}",
                code="EPCIS_TESTING_NOT_LOOPBACK",
                position=0,
            )
        self._server = _Server((host, port), handler)
        self._server.owner = self
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port listened on."""
        return int(self._server.server_address[1])

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:port``."""
        host = str(self._server.server_address[0])
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        """The server's root URL."""
        return self.origin

    def start(self) -> None:
        """Start serving in a daemon thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
            )
            self._thread.start()

    def close(self) -> None:
        """Stop serving, close open connections and the listening socket."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.close_connections()
        self._server.server_close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 handler base that logs nothing and reads whole bodies."""

    protocol_version = "HTTP/1.1"
    server_version = "tracelib-testing"
    timeout = 30

    def setup(self) -> None:
        """Disable Nagle's algorithm (headers and body leave without a delayed-ACK stall)."""
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr log."""

    def read_body(self) -> bytes:
        """The request body (``Content-Length`` bytes).

        Returns:
            The body.
        """
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def write(self, status: int, headers: tuple[tuple[str, str], ...], body: bytes) -> None:
        """Write a whole response.

        Args:
            status: The status.
            headers: The headers.
            body: The body.
        """
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)


class AppHandler(QuietHandler):
    """Feeds requests to the owning server's ``app`` (an :class:`EpcisApp`)."""

    def _dispatch(self) -> None:
        owner: Any = cast(_Server, self.server).owner
        body = self.read_body()
        answer = owner.app.handle(
            self.command, self.path, list(self.headers.items()), body, origin=owner.origin
        )
        if answer.delay > 0:
            time.sleep(answer.delay)
        if answer.drop:
            self.close_connection = True
            return
        if answer.status == 101 and answer.upgrade is not None:
            from ._testing_ws import serve_websocket

            self.send_response(101)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.end_headers()
            self.close_connection = True
            serve_websocket(self.connection, answer.upgrade, owner.app.ws_options)
            return
        self.write(answer.status, answer.headers, answer.body)

    def do_GET(self) -> None:
        """Handle a GET request."""
        self._dispatch()

    def do_POST(self) -> None:
        """Handle a POST request."""
        self._dispatch()

    def do_PUT(self) -> None:
        """Handle a PUT request."""
        self._dispatch()

    def do_DELETE(self) -> None:
        """Handle a DELETE request."""
        self._dispatch()

    def do_OPTIONS(self) -> None:
        """Handle a OPTIONS request."""
        self._dispatch()

    def do_PATCH(self) -> None:
        """Handle a PATCH request."""
        self._dispatch()

    def do_HEAD(self) -> None:
        """Handle a HEAD request."""
        self._dispatch()


@dataclass(frozen=True, slots=True)
class ReceivedWebhook:
    """A request the webhook receiver got.

    Attributes:
        path: The request path.
        headers: The headers (original case).
        body: The raw body.

    Examples:
        >>> ReceivedWebhook("/hook", (("GS1-Signature", "ab"),), b"{}").signature
        'ab'
    """

    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @property
    def signature(self) -> str | None:
        """The ``GS1-Signature`` header, or ``None``."""
        return next((v for k, v in self.headers if k.lower() == "gs1-signature"), None)

    def verify(self, token: str, *, scheme: SignatureScheme = HMAC_SHA256) -> QueryPage:
        """Verify the signature and read the delivered query document.

        Args:
            token: The ``signatureToken`` of the subscription.
            scheme: The signature scheme.

        Returns:
            The delivery as a :class:`~tracelib.epcis.client.QueryPage`.

        Raises:
            WebhookSignatureError: Missing or wrong signature.
        """
        return verify_webhook(dict(self.headers), self.body, token, scheme=scheme)


class _ReceiverHandler(QuietHandler):
    def do_POST(self) -> None:
        owner: WebhookReceiver = cast(_Server, self.server).owner
        body = self.read_body()
        owner._record(ReceivedWebhook(self.path, tuple(self.headers.items()), body))
        self.write(owner.status, (("Content-Type", "text/plain"),), b"ok")


class WebhookReceiver(LoopbackServer):
    """A loopback webhook endpoint that records what it receives (for subscription tests).

    Args:
        status: The status it answers with.
        path: The path of :attr:`url`.
        port: The port (0 picks a free one).

    Examples:
        >>> with WebhookReceiver() as hook:
        ...     post_loopback(hook.url, b'{"n": 1}', {"GS1-Signature": "x"})
        ...     [r.body for r in hook.wait(1)]
        200
        [b'{"n": 1}']
    """

    def __init__(self, *, status: int = 200, path: str = "/hooks/epcis", port: int = 0) -> None:
        super().__init__(_ReceiverHandler, port=port)
        self.status = status
        self.path = path
        self._received: list[ReceivedWebhook] = []
        self._cond = threading.Condition()

    @property
    def url(self) -> str:
        """The webhook URL to subscribe with."""
        return self.origin + self.path

    def _record(self, item: ReceivedWebhook) -> None:
        with self._cond:
            self._received.append(item)
            self._cond.notify_all()

    @property
    def received(self) -> list[ReceivedWebhook]:
        """Everything received so far (a copy)."""
        with self._cond:
            return list(self._received)

    def wait(self, count: int = 1, *, timeout: float = 5.0) -> list[ReceivedWebhook]:
        """Wait until ``count`` requests arrived (or the timeout passed).

        Args:
            count: How many.
            timeout: Seconds.

        Returns:
            Everything received (possibly fewer than ``count`` after a timeout).
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self._received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return list(self._received)
