"""EPCIS 2.0 REST client: capture, queries, named queries and subscriptions.

One pure core (:class:`EpcisCore`) builds every request, negotiates versions, splits
captures to the server's limits, polls capture jobs, follows ``Link: <…>; rel="next"``
pages, retries with backoff honouring ``Retry-After`` and maps RFC 7807 problems to typed
errors. Its operations are generators ("flows") that yield :class:`Request` and
:class:`Sleep` steps and receive :class:`Response` values, in the style of httpx's auth
flows; :class:`EpcisClient` (``httpx.Client``) and :class:`AsyncEpcisClient`
(``httpx.AsyncClient``) are thin loops over them. Pass ``transport=`` (any httpx transport,
such as ``httpx.MockTransport``) to replace the network; :mod:`tracelib.epcis.testing`
runs a real loopback EPCIS server for tests.

WebSocket query subscriptions (RFC 6455, implemented here without a dependency):
:meth:`EpcisClient.subscribe_ws` returns a :class:`WsSubscription` (iterate it for one
:class:`QueryPage` per ``EPCISQueryDocument`` message); :class:`AsyncEpcisClient` has the
awaited twin, :class:`AsyncWsSubscription`.

Examples:
    The query builder emits the documented parameter names:

    >>> from tracelib.epcis.client import EventQuery
    >>> q = EventQuery().event_type("ObjectEvent").biz_step("shipping").per_page(50)
    >>> q.to_query_string()
    'eventType=ObjectEvent&EQ_bizStep=shipping&perPage=50'

    Flows are plain generators, so the core runs without any network:

    >>> core = EpcisCore("https://epcis.htx-nghean.example.vn")
    >>> flow = core.page(core.events_url(q))
    >>> next(flow).url
    'https://epcis.htx-nghean.example.vn/events?eventType=ObjectEvent&EQ_bizStep=shipping&perPage=50'
"""

from __future__ import annotations

from ._client_async import AsyncEpcisClient
from ._client_auth import Auth, BasicAuth, BearerAuth, OAuth2ClientCredentials
from ._client_capture import CaptureJob, CaptureLimits, CapturePayload, CaptureReport, split_capture
from ._client_core import RESOURCES, EpcisCore, Resource, members
from ._client_errors import (
    CaptureFailedError,
    CaptureLimitExceeded,
    CaptureTimeoutError,
    EpcisBadRequestError,
    EpcisClientError,
    EpcisConflictError,
    EpcisConnectionError,
    EpcisForbiddenError,
    EpcisNotAcceptableError,
    EpcisNotFoundError,
    EpcisNotImplementedError,
    EpcisPayloadTooLargeError,
    EpcisProtocolError,
    EpcisRateLimitError,
    EpcisRequestTimeoutError,
    EpcisServerError,
    EpcisStatusError,
    EpcisUnauthorizedError,
    EpcisUnsupportedMediaTypeError,
    EpcisUriTooLongError,
    Problem,
    QueryTooLargeError,
    error_for_response,
)
from ._client_http import (
    Flow,
    Link,
    Negotiation,
    Request,
    Response,
    Sleep,
    Step,
    parse_link_header,
    parse_retry_after,
)
from ._client_query import EventQuery
from ._client_results import NamedQuery, QueryPage, Schedule, ServerInfo, Subscription
from ._client_retry import PollPolicy, RetryPolicy, send_flow
from ._client_sync import EpcisClient
from ._client_webhook import (
    HMAC_SHA256,
    HmacSha256Signature,
    SignatureScheme,
    WebhookSignatureError,
    is_valid_webhook_signature,
    sign_webhook,
    verify_webhook,
    verify_webhook_signature,
)
from ._client_ws_async import AsyncWsSubscription
from ._client_ws_errors import (
    EpcisWebSocketError,
    EpcisWsClosedError,
    EpcisWsHandshakeError,
    EpcisWsMessageTooLargeError,
    EpcisWsProtocolError,
)
from ._client_ws_sync import WsSubscription

__all__ = [
    "HMAC_SHA256",
    "RESOURCES",
    "AsyncEpcisClient",
    "AsyncWsSubscription",
    "Auth",
    "BasicAuth",
    "BearerAuth",
    "CaptureFailedError",
    "CaptureJob",
    "CaptureLimitExceeded",
    "CaptureLimits",
    "CapturePayload",
    "CaptureReport",
    "CaptureTimeoutError",
    "EpcisBadRequestError",
    "EpcisClient",
    "EpcisClientError",
    "EpcisConflictError",
    "EpcisConnectionError",
    "EpcisCore",
    "EpcisForbiddenError",
    "EpcisNotAcceptableError",
    "EpcisNotFoundError",
    "EpcisNotImplementedError",
    "EpcisPayloadTooLargeError",
    "EpcisProtocolError",
    "EpcisRateLimitError",
    "EpcisRequestTimeoutError",
    "EpcisServerError",
    "EpcisStatusError",
    "EpcisUnauthorizedError",
    "EpcisUnsupportedMediaTypeError",
    "EpcisUriTooLongError",
    "EpcisWebSocketError",
    "EpcisWsClosedError",
    "EpcisWsHandshakeError",
    "EpcisWsMessageTooLargeError",
    "EpcisWsProtocolError",
    "EventQuery",
    "Flow",
    "HmacSha256Signature",
    "Link",
    "NamedQuery",
    "Negotiation",
    "OAuth2ClientCredentials",
    "PollPolicy",
    "Problem",
    "QueryPage",
    "QueryTooLargeError",
    "Request",
    "Resource",
    "Response",
    "RetryPolicy",
    "Schedule",
    "ServerInfo",
    "SignatureScheme",
    "Sleep",
    "Step",
    "Subscription",
    "WebhookSignatureError",
    "WsSubscription",
    "error_for_response",
    "is_valid_webhook_signature",
    "members",
    "parse_link_header",
    "parse_retry_after",
    "send_flow",
    "sign_webhook",
    "split_capture",
    "verify_webhook",
    "verify_webhook_signature",
]
