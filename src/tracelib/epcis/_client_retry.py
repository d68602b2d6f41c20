"""Retry and polling decisions (pure, clock and randomness injected) and the send flow.

:func:`send_flow` is the one place a request goes out: it applies authentication, retries
408/429/5xx responses and connection errors with capped exponential backoff and jitter,
honours ``Retry-After``, refreshes credentials once after a 401, and maps error statuses to
typed exceptions.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from ..errors import InputError
from ._client_auth import Auth
from ._client_errors import EpcisConnectionError, error_for_response
from ._client_http import Flow, Request, Response, Sleep, parse_retry_after

__all__ = ["PollPolicy", "RetryPolicy", "send_flow"]

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def _check_positive(name: str, value: float, *, allow_zero: bool = True) -> None:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    ok = number and (value >= 0 if allow_zero else value > 0)
    if not ok or value != value:  # NaN fails too
        raise InputError(
            f"{name} must be {'>= 0' if allow_zero else '> 0'}, not {value!r}",
            code="EPCIS_CLIENT_BAD_OPTION",
            position=0,
        )


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When and how long to wait before sending a request again.

    Delay before retry ``n`` (0-based): ``min(max_delay, initial_delay * 2**n)`` shortened by up
    to ``jitter`` (a fraction) at random. A ``Retry-After`` header replaces that delay; one
    longer than ``max_retry_after`` stops the retries (the error then carries ``retry_after``).

    Attributes:
        max_retries: Retries after the first attempt (0 disables retrying).
        initial_delay: First backoff delay, seconds.
        max_delay: Cap of the backoff delay, seconds.
        jitter: Fraction of the delay taken off at random (0 = none, 0.25 = up to a quarter).
        max_retry_after: Longest ``Retry-After`` honoured, seconds.
        statuses: Statuses retried (408, 429, 500, 502, 503, 504).
        retry_connection_errors: Retry when no response came back.

    Examples:
        >>> policy = RetryPolicy(initial_delay=0.5, max_delay=4.0, jitter=0.0)
        >>> [policy.backoff(n, rand=0.0) for n in range(5)]
        [0.5, 1.0, 2.0, 4.0, 4.0]
        >>> policy.delay(0, status=503, retry_after="2", now=0.0, rand=0.9)
        2.0
        >>> policy.delay(3, status=503, retry_after=None, now=0.0, rand=0.0) is None
        True
    """

    max_retries: int = 3
    initial_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.25
    max_retry_after: float = 60.0
    statuses: Collection[int] = RETRY_STATUSES
    retry_connection_errors: bool = True

    def __post_init__(self) -> None:
        _check_positive("max_retries", self.max_retries)
        _check_positive("initial_delay", self.initial_delay)
        _check_positive("max_delay", self.max_delay)
        _check_positive("max_retry_after", self.max_retry_after)
        jitter_ok = isinstance(self.jitter, (int, float)) and not isinstance(self.jitter, bool)
        if not jitter_ok or not 0.0 <= self.jitter <= 1.0:
            raise InputError(
                f"jitter must be within [0, 1], not {self.jitter!r}",
                code="EPCIS_CLIENT_BAD_OPTION",
                position=0,
            )

    def backoff(self, attempt: int, *, rand: float) -> float:
        """The backoff delay before retry ``attempt`` (0-based).

        Args:
            attempt: How many retries were made already.
            rand: A random number in ``[0, 1)``.

        Returns:
            Seconds to wait.

        Examples:
            >>> RetryPolicy(initial_delay=1.0, jitter=0.5).backoff(1, rand=1.0)
            1.0
        """
        base = min(self.max_delay, self.initial_delay * (2.0 ** min(attempt, 62)))
        return base * (1.0 - self.jitter * rand)

    def delay(
        self,
        attempt: int,
        *,
        status: int | None,
        retry_after: str | None,
        now: float,
        rand: float,
    ) -> float | None:
        """Whether to retry, and after how long.

        Args:
            attempt: Retries made already.
            status: The response status, or ``None`` for a connection error.
            retry_after: The ``Retry-After`` header value, if any.
            now: The current time (for an HTTP-date ``Retry-After``).
            rand: A random number in ``[0, 1)`` for the jitter.

        Returns:
            Seconds to wait before retrying, or ``None`` to stop.

        Examples:
            >>> RetryPolicy().delay(0, status=404, retry_after=None, now=0.0, rand=0.0) is None
            True
            >>> RetryPolicy().delay(0, status=429, retry_after="120", now=0.0, rand=0.0) is None
            True
        """
        if attempt >= self.max_retries:
            return None
        if status is None:
            if not self.retry_connection_errors:
                return None
        elif status not in self.statuses:
            return None
        asked = parse_retry_after(retry_after, now=now)
        if asked is not None:
            return asked if asked <= self.max_retry_after else None
        return self.backoff(attempt, rand=rand)


NO_RETRY = RetryPolicy(max_retries=0)
"""A policy that never retries."""


@dataclass(frozen=True, slots=True)
class PollPolicy:
    """How a capture job is polled until ``running`` is false.

    Attributes:
        initial_interval: First wait after the 202, seconds.
        max_interval: Cap of the wait, seconds.
        factor: Growth of the wait after each poll.
        timeout: Give up (:class:`~tracelib.epcis.client.CaptureTimeoutError`) after this long.

    Examples:
        >>> policy = PollPolicy(initial_interval=0.2, factor=2.0, max_interval=1.0)
        >>> [policy.interval(n) for n in range(4)]
        [0.2, 0.4, 0.8, 1.0]
    """

    initial_interval: float = 0.25
    max_interval: float = 5.0
    factor: float = 1.5
    timeout: float = 300.0

    def __post_init__(self) -> None:
        _check_positive("initial_interval", self.initial_interval)
        _check_positive("max_interval", self.max_interval)
        _check_positive("timeout", self.timeout)
        _check_positive("factor", self.factor, allow_zero=False)

    def interval(self, polls: int) -> float:
        """The wait after ``polls`` polls.

        Args:
            polls: Polls made so far.

        Returns:
            Seconds.

        Examples:
            >>> PollPolicy().interval(0)
            0.25
        """
        return min(self.max_interval, self.initial_interval * self.factor ** min(polls, 64))


def send_flow(
    request: Request,
    *,
    auth: Auth | None,
    retry: RetryPolicy,
    clock: Callable[[], float],
    rand: Callable[[], float],
    ok: Collection[int] = (200,),
    capture: bool = False,
) -> Flow[Response]:
    """Send one request: authenticate, retry, refresh credentials once, map errors.

    Args:
        request: The request.
        auth: The authentication strategy, or ``None``.
        retry: The retry policy.
        clock: Current time (epoch seconds).
        rand: Random numbers in ``[0, 1)``.
        ok: Statuses that count as success (anything else below 400 too, when listed is empty).
        capture: Whether this is a capture (for the 413 mapping).

    Returns:
        The successful response.

    Raises:
        EpcisStatusError: A subclass by status once retries are exhausted or not allowed.
        EpcisConnectionError: No response after the retries.
        EpcisProtocolError: A success status outside ``ok``.

    Examples:
        >>> flow = send_flow(Request("GET", "http://h/events"), auth=None,
        ...                  retry=RetryPolicy(jitter=0.0), clock=lambda: 0.0, rand=lambda: 0.0)
        >>> next(flow).url
        'http://h/events'
        >>> flow.send(Response(503, (("Retry-After", "1"),)))
        Sleep(seconds=1.0)
        >>> next(flow).url
        'http://h/events'
        >>> try:
        ...     flow.send(Response(200, content=b"{}"))
        ... except StopIteration as done:
        ...     print(done.value.status)
        200
    """
    attempt = 0
    refreshed = False
    while True:
        prepared = request
        if auth is not None:
            prepared = yield from auth.auth_flow(request, now=clock())
        try:
            response = yield prepared
        except EpcisConnectionError as exc:
            wait = (
                retry.delay(attempt, status=None, retry_after=None, now=clock(), rand=rand())
                if exc.retryable
                else None
            )
            if wait is None:
                raise
            yield Sleep(wait)
            attempt += 1
            continue
        if response is None:  # pragma: no cover - drivers always answer a request
            raise EpcisConnectionError("the driver sent no response", request=request)
        if response.status == 401 and auth is not None and not refreshed and auth.invalidate():
            refreshed = True
            continue
        if response.status >= 400:
            wait = retry.delay(
                attempt,
                status=response.status,
                retry_after=response.header("Retry-After"),
                now=clock(),
                rand=rand(),
            )
            if wait is None:
                raise error_for_response(response, prepared, now=clock(), capture=capture)
            yield Sleep(wait)
            attempt += 1
            continue
        if ok and response.status not in ok:
            from ._client_errors import EpcisProtocolError

            allowed = ", ".join(str(s) for s in ok)
            raise EpcisProtocolError(
                f"{request.method} {request.url} answered {response.status}, expected {allowed}",
                code="EPCIS_UNEXPECTED_STATUS",
                request=prepared,
            )
        return response
