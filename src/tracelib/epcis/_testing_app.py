"""``EpcisApp``: the loopback EPCIS server's request handling, independent of the HTTP layer.

``handle(method, target, headers, body, origin=...)`` returns an :class:`AppResponse`; the
HTTP server in :mod:`tracelib.epcis.testing` (or another host, such as a portal emulator
mounting it under ``/epcis``) writes it out.
"""

from __future__ import annotations

import base64
import binascii
import random
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from ._client_webhook import HMAC_SHA256, SignatureScheme
from ._testing_base import (
    AppResponse,
    CaptureErrorMode,
    Delivery,
    Fault,
    RecordedRequest,
    json_response,
    problem_response,
)
from ._testing_capture import CaptureMixin
from ._testing_query import _RESOURCE_PARAM, QueryMixin
from ._testing_store import EventStore
from ._testing_ws import WsHub, WsMixin, WsOptions

__all__ = ["SUPPORTED_VERSION", "EpcisApp"]

SUPPORTED_VERSION = "2.0.0"
"""The one EPCIS and CBV version this server speaks."""

_ALLOW = {
    "": "OPTIONS, GET",
    "capture": "OPTIONS, GET, POST",
    "events": "OPTIONS, GET, POST",
    "queries": "OPTIONS, GET, POST",
}


def _version(text: str) -> tuple[int, ...] | None:
    parts = text.strip().split(".")
    if not all(p.isdigit() for p in parts):
        return None
    numbers = [int(p) for p in parts]
    return tuple(numbers + [0] * (3 - len(numbers)))


class EpcisApp(CaptureMixin, QueryMixin, WsMixin):
    """The EPCIS 2.0 REST subset the client uses, over an :class:`EventStore`.

    Args:
        store: The event store.
        base_path: Path prefix the routes live under (``""`` or e.g. ``"/epcis"``).
        capture_limit: ``GS1-EPCIS-Capture-Limit`` (events per capture; ``None``: no limit).
        file_size_limit: ``GS1-EPCIS-Capture-File-Size-Limit`` (bytes per capture).
        processing_delay: Seconds (on ``clock``) before a capture job finishes.
        clock: The server's time source (share a fake clock with the client in tests).
        per_page: Default ``perPage``.
        max_per_page: Largest page served.
        token_ttl: Seconds a ``nextPageToken`` lives.
        basic_users: ``{user: password}`` accepted with Basic authentication.
        bearer_tokens: Fixed bearer tokens accepted.
        oauth_clients: ``{client_id: secret}`` of the OAuth2 token endpoint ``/oauth/token``.
        token_lifetime: ``expires_in`` of issued OAuth2 tokens, seconds.
        signature_scheme: How webhook deliveries are signed.
        deliver: ``(url, body, headers) -> status`` that posts a webhook delivery.
        fail_rate: Fraction of requests answered 503 at random (``seed`` makes it repeatable).
        latency: Seconds added to every answer.
        seed: Seed of the random failures.
        websocket: WebSocket options (fragmentation, limits) of query subscriptions.
    """

    __slots__ = (
        "_deliveries",
        "_faults",
        "_issued",
        "_jobs",
        "_lock",
        "_random",
        "_requests",
        "_tokens",
        "_ws",
        "base_path",
        "basic_users",
        "bearer_tokens",
        "capture_error_mode",
        "capture_limit",
        "clock",
        "deliver",
        "fail_rate",
        "file_size_limit",
        "latency",
        "max_per_page",
        "oauth_clients",
        "per_page",
        "processing_delay",
        "signature_scheme",
        "store",
        "token_lifetime",
        "token_requests",
        "token_ttl",
        "ws_options",
    )

    def __init__(
        self,
        store: EventStore,
        *,
        base_path: str = "",
        capture_limit: int | None = None,
        file_size_limit: int | None = None,
        processing_delay: float = 0.0,
        clock: Callable[[], float] = time.time,
        per_page: int = 30,
        max_per_page: int = 1000,
        token_ttl: float = 600.0,
        basic_users: Mapping[str, str] | None = None,
        bearer_tokens: Iterable[str] | None = None,
        oauth_clients: Mapping[str, str] | None = None,
        token_lifetime: float = 3600.0,
        signature_scheme: SignatureScheme = HMAC_SHA256,
        deliver: Callable[[str, bytes, Mapping[str, str]], int] | None = None,
        fail_rate: float = 0.0,
        latency: float = 0.0,
        seed: int | None = None,
        websocket: WsOptions | None = None,
    ) -> None:
        from ._testing_http import post_loopback

        self.store = store
        self.base_path = "/" + base_path.strip("/") if base_path.strip("/") else ""
        self.capture_limit = capture_limit
        self.file_size_limit = file_size_limit
        self.processing_delay = processing_delay
        self.capture_error_mode: CaptureErrorMode = "none"
        self.clock = clock
        self.per_page = per_page
        self.max_per_page = max_per_page
        self.token_ttl = token_ttl
        self.basic_users = dict(basic_users or {})
        self.bearer_tokens = set(bearer_tokens or ())
        self.oauth_clients = dict(oauth_clients or {})
        self.token_lifetime = token_lifetime
        self.signature_scheme = signature_scheme
        self.deliver = deliver or post_loopback
        self.fail_rate = fail_rate
        self.latency = latency
        self.token_requests = 0
        self._random = random.Random(seed)  # noqa: S311 - fault injection, not cryptography
        self._lock = threading.RLock()
        self._jobs: dict[str, dict[str, Any]] = {}
        self._tokens: dict[str, tuple[tuple[str, tuple[tuple[str, str], ...]], int, float]] = {}
        self._deliveries: list[Delivery] = []
        self._faults: list[tuple[Fault, int]] = []
        self._requests: list[RecordedRequest] = []
        self._issued: dict[str, float] = {}
        self._ws = WsHub()
        self.ws_options = websocket or WsOptions()

    # ---- test controls -----------------------------------------------------------------------

    def inject(self, fault: Fault | None = None, **options: Any) -> Fault:
        """Script a failure for the next matching requests (see :class:`Fault`).

        Args:
            fault: The fault, or build one from ``options``.
            **options: :class:`Fault` fields.

        Returns:
            The fault.
        """
        chosen = fault if fault is not None else Fault(**options)
        with self._lock:
            self._faults.append((chosen, chosen.times))
        return chosen

    def clear_faults(self) -> None:
        """Drop the scripted faults not used yet."""
        with self._lock:
            self._faults.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        """The requests received so far (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def deliveries(self) -> list[Delivery]:
        """The webhook deliveries made so far (a copy)."""
        with self._lock:
            return list(self._deliveries)

    def revoke_tokens(self) -> None:
        """Invalidate every issued OAuth2 token (the next request gets a 401)."""
        with self._lock:
            self._issued.clear()

    # ---- request handling --------------------------------------------------------------------

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for index, (fault, left) in enumerate(self._faults):
            if left > 0 and fault.matches(method, path):
                self._faults[index] = (fault, left - 1)
                return fault
        return None

    def handle(
        self,
        method: str,
        target: str,
        headers: Iterable[tuple[str, str]],
        body: bytes,
        *,
        origin: str,
    ) -> AppResponse:
        """Answer one request.

        Args:
            method: The HTTP method.
            target: The request target (path and query, percent-encoded).
            headers: The request headers.
            body: The request body.
            origin: ``scheme://host:port`` of the server, for absolute links.

        Returns:
            The response (never raises for bad requests: they get RFC 7807 answers).
        """
        header_list = tuple(headers)
        lower = {k.lower(): v for k, v in header_list}
        parts = urlsplit(target)
        path = parts.path
        if self.base_path and not (path == self.base_path or path.startswith(self.base_path + "/")):
            return problem_response(404, "NoSuchResourceException", "Not found", path)
        relative = path[len(self.base_path) :] or "/"
        with self._lock:
            self._requests.append(RecordedRequest(method, relative, parts.query, header_list, body))
            fault = self._take_fault(method, relative)
            random_failure = self.fail_rate > 0 and self._random.random() < self.fail_rate
        delay = self.latency + (fault.delay if fault is not None else 0.0)
        if fault is not None and fault.drop:
            return AppResponse(0, drop=True, delay=delay)
        if fault is not None and fault.status is not None:
            extra = (("Retry-After", fault.retry_after),) if fault.retry_after else ()
            answer = problem_response(
                fault.status,
                fault.exception,
                "Injected fault",
                f"{method} {relative}",
                headers=extra,
            )
            return AppResponse(answer.status, answer.headers, answer.body, delay=delay)
        if random_failure:
            answer = problem_response(503, "ImplementationException", "Random failure (fail_rate)")
            return AppResponse(503, answer.headers, answer.body, delay=delay)
        with self._lock:
            answer = self._route(method.upper(), relative, parts.query, lower, body, origin)
        versioned = (
            ("GS1-EPCIS-Version", SUPPORTED_VERSION),
            ("GS1-CBV-Version", SUPPORTED_VERSION),
            *answer.headers,
        )
        return AppResponse(
            answer.status,
            versioned,
            answer.body,
            delay=delay,
            drop=answer.drop,
            upgrade=answer.upgrade,
        )

    def _unauthorised(self, headers: Mapping[str, str]) -> AppResponse | None:
        if not (self.basic_users or self.bearer_tokens or self.oauth_clients):
            return None
        value = headers.get("authorization", "")
        scheme, _, credential = value.partition(" ")
        if scheme.lower() == "basic" and self.basic_users:
            try:
                user, _, password = (
                    base64.b64decode(credential, validate=True).decode().partition(":")
                )
            except (binascii.Error, UnicodeDecodeError):
                user, password = "", ""
            if user in self.basic_users and secrets.compare_digest(
                self.basic_users[user], password
            ):
                return None
        if scheme.lower() == "bearer":
            if credential in self.bearer_tokens:
                return None
            expires = self._issued.get(credential)
            if expires is not None and self.clock() < expires:
                return None
        challenge = "Basic" if self.basic_users and not self.oauth_clients else "Bearer"
        return problem_response(
            401,
            "SecurityException",
            "Unauthorised request",
            headers=(("WWW-Authenticate", f'{challenge} realm="epcis"'),),
        )

    def _token(self, headers: Mapping[str, str], body: bytes) -> AppResponse:
        self.token_requests += 1
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        scheme, _, credential = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                client_id, _, secret = (
                    base64.b64decode(credential, validate=True).decode().partition(":")
                )
            except (binascii.Error, UnicodeDecodeError):
                client_id, secret = "", ""
        if form.get("grant_type") != "client_credentials":
            return json_response(400, {"error": "unsupported_grant_type"})
        known = self.oauth_clients.get(client_id)
        if known is None or not secrets.compare_digest(known, secret):
            return json_response(401, {"error": "invalid_client"})
        token = secrets.token_urlsafe(16)
        self._issued[token] = self.clock() + self.token_lifetime
        return json_response(
            200,
            {"access_token": token, "token_type": "Bearer", "expires_in": int(self.token_lifetime)},
            headers=(("Cache-Control", "no-store"),),
        )

    def _negotiate(self, headers: Mapping[str, str]) -> AppResponse | None:
        supported = _version(SUPPORTED_VERSION)
        assert supported is not None
        for family in ("EPCIS", "CBV"):
            asked: dict[str, tuple[int, ...]] = {}
            for name in ("Version", "Min", "Max"):
                value = headers.get(f"gs1-{family.lower()}-{name.lower()}")
                if value is None:
                    continue
                parsed = _version(value)
                if parsed is None:
                    return problem_response(
                        406,
                        "NotAcceptableException",
                        f"GS1-{family}-{name} {value!r} is not a version",
                    )
                asked[name] = parsed
            bad = (
                ("Version" in asked and asked["Version"][:2] != supported[:2])
                or ("Min" in asked and asked["Min"] > supported)
                or ("Max" in asked and asked["Max"] < supported)
            )
            if bad:
                return problem_response(
                    406,
                    "NotAcceptableException",
                    "Conflicting request and response headers",
                    f"this server speaks {family} {SUPPORTED_VERSION} only",
                )
        return None

    def _options(self, segments: list[str]) -> AppResponse:
        allow = _ALLOW.get(segments[0] if segments else "", "OPTIONS, GET")
        if len(segments) == 2 and segments[0] == "queries":
            allow = "OPTIONS, GET, DELETE"
        headers = [
            ("Allow", allow),
            ("GS1-EPCIS-Min", SUPPORTED_VERSION),
            ("GS1-EPCIS-Max", SUPPORTED_VERSION),
            ("GS1-CBV-Min", SUPPORTED_VERSION),
            ("GS1-CBV-Max", SUPPORTED_VERSION),
            ("GS1-Vendor-Version", "tracelib-epcis-testing"),
            ("GS1-EPC-Format", "No_Preference"),
        ]
        if segments[:1] == ["capture"]:
            if self.capture_limit is not None:
                headers.append(("GS1-EPCIS-Capture-Limit", str(self.capture_limit)))
            if self.file_size_limit is not None:
                headers.append(("GS1-EPCIS-Capture-File-Size-Limit", str(self.file_size_limit)))
            headers.append(("GS1-Capture-Error-Behaviour", "rollback"))
        return AppResponse(204, tuple(headers))

    def _route(
        self,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
        origin: str,
    ) -> AppResponse:
        raw = [s for s in path.split("/") if s]
        segments = [unquote(s) for s in raw]
        if segments == ["oauth", "token"] and self.oauth_clients:
            if method != "POST":
                return _not_allowed("POST")
            return self._token(headers, body)
        if method == "OPTIONS":
            return self._options(segments)
        refused = self._unauthorised(headers) or self._negotiate(headers)
        if refused is not None:
            return refused
        n = len(segments)
        head = segments[0] if segments else ""
        if n == 0:
            if method != "GET":
                return _not_allowed("OPTIONS, GET")
            members = ["queries", "capture", "events", *_RESOURCE_PARAM]
            return self._collection(members)
        if head == "capture":
            if n == 1 and method == "POST":
                return self._capture(headers, body)
            if n == 1 and method == "GET":
                return self._list_jobs()
            if n == 2 and method == "GET":
                return self._get_job(segments[1])
            if n == 3 and segments[2] == "errors" and method == "GET":
                return self._get_job_errors(segments[1])
            return _not_allowed("OPTIONS, GET, POST")
        if head == "events":
            if n == 1 and method == "GET":
                return self._events_response(path, query, headers, origin=origin)
            if n == 1 and method == "POST":
                return self._post_event(headers, body)
            if n == 2 and method == "GET":
                return self._get_event(segments[1], headers)
            return _not_allowed("OPTIONS, GET, POST")
        if head in _RESOURCE_PARAM:
            if method != "GET":
                return _not_allowed("OPTIONS, GET")
            if n == 1:
                return self._resource_values(head)
            if n == 2:
                return self._collection(["events"])
            if n == 3 and segments[2] == "events":
                implicit = ((_RESOURCE_PARAM[head], segments[1]),)
                return self._events_response(path, query, headers, origin=origin, implicit=implicit)
        if head == "queries":
            if n == 1 and method == "POST":
                return self._create_query(body)
            if n == 1 and method == "GET":
                return json_response(200, self.store.list_queries())
            if n == 2 and method == "GET":
                return self._get_query(segments[1])
            if n == 2 and method == "DELETE":
                return self._delete_query(segments[1])
            upgrade = "websocket" in headers.get("upgrade", "").lower()
            if n == 3 and segments[2] in ("events", "subscriptions") and upgrade:
                if method != "GET":
                    return _not_allowed("OPTIONS, GET")
                return self._ws_upgrade(segments[1], query, dict(headers))
            if n == 3 and segments[2] == "events" and method == "GET":
                return self._query_events(segments[1], path, query, headers, origin)
            if n == 3 and segments[2] == "subscriptions":
                if method == "POST":
                    return self._subscribe(segments[1], body)
                if method == "GET":
                    return self._list_subscriptions(segments[1])
            if n == 4 and segments[2] == "subscriptions":
                if method == "GET":
                    return self._get_subscription(segments[1], segments[3])
                if method == "DELETE":
                    return self._unsubscribe(segments[1], segments[3])
            return _not_allowed("OPTIONS, GET, POST, DELETE")
        if head == "nextPageToken" and n == 2 and method == "DELETE":
            return self._release_token(segments[1])
        return problem_response(404, "NoSuchResourceException", "Not found", path)


def _not_allowed(allow: str) -> AppResponse:
    answer = problem_response(405, "ImplementationException", "Method not allowed")
    return AppResponse(405, (*answer.headers, ("Allow", allow)), answer.body)
