"""The EPCIS client's errors: RFC 7807 problems mapped to one class per HTTP status.

::

    TracelibError
    └── EpcisClientError                 base of everything the REST client raises
        ├── EpcisConnectionError         the request never got a response (after retries)
        ├── EpcisProtocolError           a response that breaks the REST bindings
        ├── EpcisStatusError             an HTTP error status, with its RFC 7807 problem
        │   ├── EpcisBadRequestError            400 (QueryParameterException, ...)
        │   ├── EpcisUnauthorizedError          401
        │   ├── EpcisForbiddenError             403
        │   ├── EpcisNotFoundError              404
        │   ├── EpcisNotAcceptableError         406 (version negotiation failed)
        │   ├── EpcisRequestTimeoutError        408
        │   ├── EpcisConflictError              409 (ResourceAlreadyExistsException)
        │   ├── EpcisPayloadTooLargeError       413
        │   │   ├── CaptureLimitExceeded        413 on capture (CaptureLimitExceededException)
        │   │   └── QueryTooLargeError          413 on queries (QueryTooLarge/TooComplex)
        │   ├── EpcisUriTooLongError            414
        │   ├── EpcisUnsupportedMediaTypeError  415
        │   ├── EpcisRateLimitError             429
        │   └── EpcisServerError                5xx
        │       └── EpcisNotImplementedError    501
        ├── CaptureFailedError           a capture job finished with ``success: false``
        ├── CaptureTimeoutError          a capture job still ran when polling gave up
        └── EpcisWebSocketError          WebSocket subscriptions (``_client_ws_errors``):
            ├── EpcisWsHandshakeError           EPCIS_WS_HANDSHAKE_FAILED
            ├── EpcisWsProtocolError            EPCIS_WS_PROTOCOL
            ├── EpcisWsMessageTooLargeError     EPCIS_WS_MESSAGE_TOO_LARGE
            └── EpcisWsClosedError              EPCIS_WS_CLOSED

None of them is a ``ValueError``: they describe the server's answer, not bad input (bad
input to the builders raises :class:`tracelib.errors.EpcisError`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import TracelibError
from ._client_http import Request, Response, parse_retry_after
from ._client_problem import Problem, problem_of

if TYPE_CHECKING:
    from ._client_capture import CaptureJob, CaptureReport

__all__ = [
    "CaptureFailedError",
    "CaptureLimitExceeded",
    "CaptureTimeoutError",
    "EpcisBadRequestError",
    "EpcisClientError",
    "EpcisConflictError",
    "EpcisConnectionError",
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
    "Problem",
    "error_for_response",
]


class EpcisClientError(TracelibError):
    """Base class of the EPCIS REST client's errors.

    Args:
        message: Human-readable description.
        code: Stable machine-readable code.
        request: The request concerned, when there is one.

    Examples:
        >>> EpcisClientError("no", code="EPCIS_X").code
        'EPCIS_X'
    """

    request: Request | None

    def __init__(self, message: str, *, code: str, request: Request | None = None) -> None:
        super().__init__(message, code=code)
        self.request = request


class EpcisConnectionError(EpcisClientError):
    """The request got no HTTP response (refused, reset, timed out), after any retries.

    Args:
        message: Description (the transport's error text).
        code: ``EPCIS_CONNECTION_FAILED`` or ``EPCIS_TIMEOUT``.
        request: The request.
        retryable: ``False`` when retrying cannot help (bad URL scheme).

    Examples:
        >>> EpcisConnectionError("refused", code="EPCIS_CONNECTION_FAILED").retryable
        True
    """

    retryable: bool

    def __init__(
        self,
        message: str,
        *,
        code: str = "EPCIS_CONNECTION_FAILED",
        request: Request | None = None,
        retryable: bool = True,
    ) -> None:
        super().__init__(message, code=code, request=request)
        self.retryable = retryable


class EpcisProtocolError(EpcisClientError):
    """A response that breaks the REST bindings (no ``Location`` on 202, a body that is not JSON).

    Examples:
        >>> EpcisProtocolError("202 without Location", code="EPCIS_NO_LOCATION").code
        'EPCIS_NO_LOCATION'
    """


class EpcisStatusError(EpcisClientError):
    """An HTTP error status; ``problem`` holds the RFC 7807 body when there is one.

    Args:
        message: Description (status, title, detail).
        code: Stable code of the class (``EPCIS_BAD_REQUEST``, ``EPCIS_NOT_FOUND``...).
        status: The HTTP status.
        problem: The parsed problem (an empty :class:`Problem` when the body had none).
        request: The request.
        response: The response.
        retry_after: Seconds from ``Retry-After``, when the server sent it.

    Examples:
        >>> err = error_for_response(Response(404, content=b'{"type": "epcisException:'
        ...     b'NoSuchNameException", "title": "No such query", "status": 404}'))
        >>> type(err).__name__, err.code, err.status, err.problem.exception
        ('EpcisNotFoundError', 'EPCIS_NOT_FOUND', 404, 'NoSuchNameException')
    """

    default_code = "EPCIS_HTTP_ERROR"
    status: int
    problem: Problem
    response: Response | None
    retry_after: float | None

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int,
        problem: Problem | None = None,
        request: Request | None = None,
        response: Response | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, code=code or self.default_code, request=request)
        self.status = status
        self.problem = problem if problem is not None else Problem(status=status)
        self.response = response
        self.retry_after = retry_after


class EpcisBadRequestError(EpcisStatusError):
    """400: the server refused the request (``QueryParameterException``, ``ValidationException``,
    ``SubscriptionControlsException``...).

    Examples:
        >>> EpcisBadRequestError.default_code
        'EPCIS_BAD_REQUEST'
    """

    default_code = "EPCIS_BAD_REQUEST"


class EpcisUnauthorizedError(EpcisStatusError):
    """401: credentials missing or refused (also a failed OAuth2 token request).

    Examples:
        >>> EpcisUnauthorizedError.default_code
        'EPCIS_UNAUTHORIZED'
    """

    default_code = "EPCIS_UNAUTHORIZED"


class EpcisForbiddenError(EpcisStatusError):
    """403: authenticated but not allowed.

    Examples:
        >>> EpcisForbiddenError.default_code
        'EPCIS_FORBIDDEN'
    """

    default_code = "EPCIS_FORBIDDEN"


class EpcisNotFoundError(EpcisStatusError):
    """404: no such event, query, subscription or capture job.

    Examples:
        >>> EpcisNotFoundError.default_code
        'EPCIS_NOT_FOUND'
    """

    default_code = "EPCIS_NOT_FOUND"


class EpcisNotAcceptableError(EpcisStatusError):
    """406: the server cannot answer as asked (versions, formats).

    Examples:
        >>> EpcisNotAcceptableError.default_code
        'EPCIS_NOT_ACCEPTABLE'
    """

    default_code = "EPCIS_NOT_ACCEPTABLE"


class EpcisRequestTimeoutError(EpcisStatusError):
    """408: the server timed out waiting for the request (retried by default).

    Examples:
        >>> EpcisRequestTimeoutError.default_code
        'EPCIS_REQUEST_TIMEOUT'
    """

    default_code = "EPCIS_REQUEST_TIMEOUT"


class EpcisConflictError(EpcisStatusError):
    """409: the resource exists already (an event ID, a query name).

    Examples:
        >>> EpcisConflictError.default_code
        'EPCIS_CONFLICT'
    """

    default_code = "EPCIS_CONFLICT"


class EpcisPayloadTooLargeError(EpcisStatusError):
    """413: a capture payload or a query result too large.

    Examples:
        >>> EpcisPayloadTooLargeError.default_code
        'EPCIS_PAYLOAD_TOO_LARGE'
    """

    default_code = "EPCIS_PAYLOAD_TOO_LARGE"


class CaptureLimitExceeded(EpcisPayloadTooLargeError):  # noqa: N818 - name fixed by the design
    """413 on capture: more events or bytes than ``GS1-EPCIS-Capture-Limit`` /
    ``GS1-EPCIS-Capture-File-Size-Limit`` allow; also raised before sending when one event
    alone is larger than the file size limit (``EPCIS_CAPTURE_EVENT_TOO_LARGE``).

    ``max_events`` and ``max_bytes`` hold the limits the server announced.

    Examples:
        >>> err = CaptureLimitExceeded("too big", status=413, max_events=500)
        >>> err.code, err.max_events, err.max_bytes
        ('EPCIS_CAPTURE_LIMIT_EXCEEDED', 500, None)
    """

    default_code = "EPCIS_CAPTURE_LIMIT_EXCEEDED"
    max_events: int | None
    max_bytes: int | None

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int = 413,
        problem: Problem | None = None,
        request: Request | None = None,
        response: Response | None = None,
        retry_after: float | None = None,
        max_events: int | None = None,
        max_bytes: int | None = None,
    ) -> None:
        super().__init__(
            message,
            code=code,
            status=status,
            problem=problem,
            request=request,
            response=response,
            retry_after=retry_after,
        )
        self.max_events = max_events
        self.max_bytes = max_bytes


class QueryTooLargeError(EpcisPayloadTooLargeError):
    """413 on a query: ``QueryTooLargeException`` (past ``maxEventCount``) or
    ``QueryTooComplexException``.

    Examples:
        >>> QueryTooLargeError.default_code
        'EPCIS_QUERY_TOO_LARGE'
    """

    default_code = "EPCIS_QUERY_TOO_LARGE"


class EpcisUriTooLongError(EpcisStatusError):
    """414: the query string is too long (use a named query instead).

    Examples:
        >>> EpcisUriTooLongError.default_code
        'EPCIS_URI_TOO_LONG'
    """

    default_code = "EPCIS_URI_TOO_LONG"


class EpcisUnsupportedMediaTypeError(EpcisStatusError):
    """415: the server does not take this content type.

    Examples:
        >>> EpcisUnsupportedMediaTypeError.default_code
        'EPCIS_UNSUPPORTED_MEDIA_TYPE'
    """

    default_code = "EPCIS_UNSUPPORTED_MEDIA_TYPE"


class EpcisRateLimitError(EpcisStatusError):
    """429: too many requests (retried by default, honouring ``Retry-After``).

    Examples:
        >>> EpcisRateLimitError.default_code
        'EPCIS_RATE_LIMITED'
    """

    default_code = "EPCIS_RATE_LIMITED"


class EpcisServerError(EpcisStatusError):
    """5xx: the server failed (``ImplementationException``); 500/502/503/504 are retried.

    Examples:
        >>> EpcisServerError.default_code
        'EPCIS_SERVER_ERROR'
    """

    default_code = "EPCIS_SERVER_ERROR"


class EpcisNotImplementedError(EpcisServerError):
    """501: the server does not implement this (an optional endpoint or parameter).

    Examples:
        >>> EpcisNotImplementedError.default_code
        'EPCIS_NOT_IMPLEMENTED'
    """

    default_code = "EPCIS_NOT_IMPLEMENTED"


class CaptureFailedError(EpcisClientError):
    """A capture job finished with ``success: false``; ``report`` holds every job so far.

    Args:
        message: Description (the first problem of the failed job).
        report: The capture report (``report.jobs[-1]`` is the failed job).

    Examples:
        >>> CaptureFailedError.__mro__[1].__name__
        'EpcisClientError'
    """

    report: CaptureReport

    def __init__(self, message: str, *, report: CaptureReport) -> None:
        super().__init__(message, code="EPCIS_CAPTURE_FAILED")
        self.report = report

    @property
    def job(self) -> CaptureJob:
        """The job that failed."""
        failed = [job for job in self.report.jobs if not job.success]
        return failed[0] if failed else self.report.jobs[-1]


class CaptureTimeoutError(EpcisClientError):
    """A capture job was still running when the poll budget ran out; ``job`` is its last state.

    Args:
        message: Description.
        job: The last state read.

    Examples:
        >>> CaptureTimeoutError.__mro__[1].__name__
        'EpcisClientError'
    """

    job: CaptureJob

    def __init__(self, message: str, *, job: CaptureJob) -> None:
        super().__init__(message, code="EPCIS_CAPTURE_TIMEOUT")
        self.job = job


_BY_STATUS: dict[int, type[EpcisStatusError]] = {
    400: EpcisBadRequestError,
    401: EpcisUnauthorizedError,
    403: EpcisForbiddenError,
    404: EpcisNotFoundError,
    406: EpcisNotAcceptableError,
    408: EpcisRequestTimeoutError,
    409: EpcisConflictError,
    413: EpcisPayloadTooLargeError,
    414: EpcisUriTooLongError,
    415: EpcisUnsupportedMediaTypeError,
    429: EpcisRateLimitError,
    501: EpcisNotImplementedError,
}

_QUERY_413 = frozenset({"QueryTooLargeException", "QueryTooComplexException"})


def _int_header(response: Response, name: str) -> int | None:
    value = response.header(name)
    return int(value) if value and value.strip().isdigit() else None


def error_for_response(
    response: Response,
    request: Request | None = None,
    *,
    now: float = 0.0,
    capture: bool = False,
) -> EpcisStatusError:
    """The typed error for an HTTP error response (pure; never raises).

    Args:
        response: A response with status >= 400.
        request: The request that got it.
        now: The current time, for a ``Retry-After`` date.
        capture: Whether the request was a capture (a 413 is then :class:`CaptureLimitExceeded`
            unless the problem names a query exception).

    Returns:
        An :class:`EpcisStatusError` subclass chosen by status (and, for 413, by problem type).

    Examples:
        >>> err = error_for_response(Response(413, (("GS1-EPCIS-Capture-Limit", "2"),),
        ...     b'{"type": "epcisException:CaptureLimitExceededException", "title": "Too big"}',
        ...     url="http://h/capture"))
        >>> type(err).__name__, err.max_events
        ('CaptureLimitExceeded', 2)
        >>> type(error_for_response(Response(503))).__name__
        'EpcisServerError'
    """
    status = response.status
    problem = problem_of(response)
    retry_after = parse_retry_after(response.header("Retry-After"), now=now)
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = EpcisServerError if status >= 500 else EpcisStatusError
    where = f" ({request.method} {request.url})" if request is not None else ""
    summary = problem.title or problem.exception or "HTTP error"
    message = f"{status} {summary}{where}"
    if problem.detail:
        message += f": {problem.detail}"
    if status == 413:
        if problem.exception in _QUERY_413:
            return QueryTooLargeError(
                message,
                status=status,
                problem=problem,
                request=request,
                response=response,
                retry_after=retry_after,
            )
        if capture or problem.exception == "CaptureLimitExceededException":
            return CaptureLimitExceeded(
                message,
                status=status,
                problem=problem,
                request=request,
                response=response,
                retry_after=retry_after,
                max_events=_int_header(response, "GS1-EPCIS-Capture-Limit"),
                max_bytes=_int_header(response, "GS1-EPCIS-Capture-File-Size-Limit"),
            )
    return cls(
        message,
        status=status,
        problem=problem,
        request=request,
        response=response,
        retry_after=retry_after,
    )
