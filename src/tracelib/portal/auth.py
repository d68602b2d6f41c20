"""Pluggable authentication for the portal transports (design §7).

Every provider is an auth strategy of the EPCIS client (``auth_flow`` + ``invalidate``, see
:class:`tracelib.epcis.client.Auth`), so it plugs into the EPCIS core and into the ``nbc-v5``
flows alike: credentials are added to each request, and after a 401 the request is sent once
more with fresh credentials; a second 401 is an :class:`~tracelib.portal.errors.AuthError`.

* :class:`OAuth2ClientCredentials` — the client-credentials grant (the portal's observed
  ``External_CLIENT_ID`` / ``External_CLIENT_SECRET``), token cached in memory until it expires;
* :class:`BearerWithRefresh` — an SSO token with a ``refresh`` callable used once per 401;
* :class:`ApiKey` — a fixed header (``X-API-Key: …``);
* :class:`NoAuth` — nothing (the local emulator).

:meth:`health` reports ``VALID``, ``EXPIRED`` or ``NOT_CONFIGURED`` (the observed token
health states). Secrets never appear in reprs, logs or error messages.

Examples:
    >>> auth = ApiKey("X-API-Key", "k-123456")
    >>> auth
    ApiKey('X-API-Key', ***)
    >>> auth.health()
    'VALID'
    >>> NoAuth().health()
    'NOT_CONFIGURED'
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Generator
from typing import Literal

from ..epcis.client import (
    EpcisClientError,
    Request,
    Response,
    Step,
)
from ..epcis.client import (
    OAuth2ClientCredentials as _EpcisOAuth2,
)
from .errors import AuthError, PortalError

__all__ = [
    "ApiKey",
    "BearerWithRefresh",
    "NoAuth",
    "OAuth2ClientCredentials",
    "PortalAuth",
    "TokenHealth",
]

TokenHealth = Literal["VALID", "EXPIRED", "NOT_CONFIGURED"]
"""``VALID``: credentials present (and a cached token not expired); ``EXPIRED``: a token is
needed or has run out (it will be fetched/refreshed on the next request when possible);
``NOT_CONFIGURED``: no credentials."""

AuthFlow = Generator[Step, Response | None, Request]


class PortalAuth:
    """Base of the portal auth providers: the EPCIS ``Auth`` protocol plus :meth:`health`."""

    __slots__ = ()

    def auth_flow(self, request: Request, *, now: float) -> AuthFlow:
        """Return ``request`` with credentials (may yield requests of its own first).

        Args:
            request: The request.
            now: The current time (epoch seconds).

        Returns:
            The request to send.

        Examples:
            >>> list(NoAuth().auth_flow(Request("GET", "http://h/"), now=0))
            []
        """
        yield from ()
        return request

    def invalidate(self) -> bool:
        """Forget cached credentials after a 401; ``True`` when one more try may succeed.

        Returns:
            Whether to retry.

        Examples:
            >>> NoAuth().invalidate()
            False
        """
        return False

    def health(self, now: float | None = None) -> TokenHealth:
        """The token health.

        Args:
            now: The current time (``time.time()`` by default).

        Returns:
            ``VALID``, ``EXPIRED`` or ``NOT_CONFIGURED``.

        Examples:
            >>> NoAuth().health()
            'NOT_CONFIGURED'
        """
        return "NOT_CONFIGURED"


class NoAuth(PortalAuth):
    """No credentials (the local emulator).

    Examples:
        >>> NoAuth()
        NoAuth()
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "NoAuth()"


class ApiKey(PortalAuth):
    """A fixed key sent in a header (``apiKey`` of the observed vendor integrations).

    Args:
        header: The header name, e.g. ``"X-API-Key"``.
        value: The key (a secret: never shown).

    Raises:
        PortalError: ``PORTAL_BAD_CREDENTIALS`` for an empty or non-text header name.

    Examples:
        >>> flow = ApiKey("X-API-Key", "k1").auth_flow(Request("GET", "http://h/"), now=0)
        >>> try:
        ...     next(flow)
        ... except StopIteration as done:
        ...     print(done.value.header("X-API-Key"))
        k1
    """

    __slots__ = ("_value", "header")

    def __init__(self, header: str, value: str) -> None:
        if not isinstance(header, str) or not header.strip() or ":" in header:
            raise PortalError("ApiKey needs a header name", code="PORTAL_BAD_CREDENTIALS")
        self.header = header
        self._value = value if isinstance(value, str) else ""

    def __repr__(self) -> str:
        return f"ApiKey({self.header!r}, ***)"

    def auth_flow(self, request: Request, *, now: float) -> AuthFlow:
        """Add the header.

        Args:
            request: The request.
            now: Unused.

        Returns:
            The request with the key.

        Raises:
            AuthError: The key is empty.

        Examples:
            >>> list(ApiKey("X-API-Key", "k1").auth_flow(Request("GET", "http://h/"), now=0))
            []
        """
        yield from ()
        if not self._value:
            raise AuthError("no API key configured", code="PORTAL_AUTH_NOT_CONFIGURED")
        return request.with_headers([(self.header, self._value)])

    def health(self, now: float | None = None) -> TokenHealth:
        """``VALID`` with a key, ``NOT_CONFIGURED`` without.

        Args:
            now: Unused.

        Returns:
            The health.

        Examples:
            >>> ApiKey("X-API-Key", "").health()
            'NOT_CONFIGURED'
        """
        return "VALID" if self._value else "NOT_CONFIGURED"


class BearerWithRefresh(PortalAuth):
    """A bearer token (the portal's "Token SSO") with one refresh per 401.

    After a 401 the token is replaced by ``refresh()`` and the request is sent once more; a
    second 401 raises :class:`~tracelib.portal.errors.AuthError`. Without ``refresh`` a 401 is
    an ``AuthError`` at once.

    Args:
        token: The current token (a secret).
        refresh: Returns a new token, or ``(token, expires_at)`` with ``expires_at`` in epoch
            seconds; it does its own I/O (an SSO login, a keyring read).
        expires_at: When ``token`` expires (epoch seconds), if known.

    Examples:
        >>> auth = BearerWithRefresh("old", refresh=lambda: "new")
        >>> auth
        BearerWithRefresh(***)
        >>> auth.invalidate()
        True
        >>> flow = auth.auth_flow(Request("GET", "http://h/"), now=0)
        >>> try:
        ...     next(flow)
        ... except StopIteration as done:
        ...     print(done.value.header("Authorization"))
        Bearer new
    """

    __slots__ = ("_expires_at", "_lock", "_refresh", "_stale", "_token", "refreshes")

    def __init__(
        self,
        token: str | None,
        refresh: Callable[[], str | tuple[str, float | None]] | None = None,
        *,
        expires_at: float | None = None,
    ) -> None:
        self._token = token or None
        self._refresh = refresh
        self._expires_at = expires_at
        self._stale = False
        self._lock = threading.Lock()
        self.refreshes = 0

    def __repr__(self) -> str:
        return "BearerWithRefresh(***)"

    def _do_refresh(self) -> str:
        if self._refresh is None:
            raise AuthError("the token expired and no refresh is configured")
        try:
            fresh = self._refresh()
        except PortalError:
            raise
        except Exception as exc:  # the callable is user code: report, never leak its text
            raise AuthError(
                f"the token refresh failed ({type(exc).__name__})", code="PORTAL_AUTH_REFRESH"
            ) from None
        token, expires = fresh if isinstance(fresh, tuple) else (fresh, None)
        if not isinstance(token, str) or not token:
            raise AuthError("the token refresh returned no token", code="PORTAL_AUTH_REFRESH")
        self._token, self._expires_at, self._stale = token, expires, False
        self.refreshes += 1
        return token

    def auth_flow(self, request: Request, *, now: float) -> AuthFlow:
        """Add ``Authorization: Bearer …`` (refreshing first after a 401 or past expiry).

        Args:
            request: The request.
            now: The current time.

        Returns:
            The request with the token.

        Raises:
            AuthError: No token and no refresh, or the refresh failed.

        Examples:
            >>> list(BearerWithRefresh("t").auth_flow(Request("GET", "http://h/"), now=0))
            []
        """
        yield from ()
        with self._lock:
            expired = self._expires_at is not None and now >= self._expires_at
            token = self._token
            if token is None or self._stale or (expired and self._refresh is not None):
                token = self._do_refresh()
        return request.with_headers([("Authorization", f"Bearer {token}")])

    def invalidate(self) -> bool:
        """Mark the token stale after a 401.

        Returns:
            ``True`` when a refresh is configured.

        Examples:
            >>> BearerWithRefresh("t").invalidate()
            False
        """
        with self._lock:
            if self._refresh is None:
                return False
            self._stale = True
            return True

    def health(self, now: float | None = None) -> TokenHealth:
        """``VALID``, ``EXPIRED`` (stale or past ``expires_at``) or ``NOT_CONFIGURED``.

        Args:
            now: The current time.

        Returns:
            The health.

        Examples:
            >>> BearerWithRefresh("t", expires_at=10.0).health(now=11.0)
            'EXPIRED'
        """
        if self._token is None:
            return "EXPIRED" if self._refresh is not None else "NOT_CONFIGURED"
        moment = time.time() if now is None else now
        if self._stale or (self._expires_at is not None and moment >= self._expires_at):
            return "EXPIRED"
        return "VALID"


class OAuth2ClientCredentials(PortalAuth):
    """OAuth 2.0 client credentials (RFC 6749 §4.4), wrapping the EPCIS client's provider.

    The token is fetched through the same channel as the other requests (so it shows in the
    recorded request sequence), cached until ``expires_in`` minus ``leeway``, and fetched again
    once after a 401. A refused token request is an :class:`AuthError`.

    Args:
        token_url: The token endpoint.
        client_id: The client id (``External_CLIENT_ID``).
        client_secret: The secret (``External_CLIENT_SECRET``; never shown).
        scope: Space-separated scopes, if any.
        client_auth: ``"body"`` (form fields, the default: what the observed gateway takes) or
            ``"basic"`` (an ``Authorization: Basic`` header).
        leeway: Seconds before expiry at which the token is renewed.

    Examples:
        >>> auth = OAuth2ClientCredentials("http://h/token", "htx", "bi-mat")
        >>> auth
        OAuth2ClientCredentials('http://h/token', 'htx', ***)
        >>> auth.health(now=0)
        'EXPIRED'
        >>> flow = auth.auth_flow(Request("GET", "http://h/x"), now=0.0)
        >>> next(flow).url
        'http://h/token'
        >>> try:
        ...     flow.send(Response(200, content=b'{"access_token": "t1", "expires_in": 60}'))
        ... except StopIteration as done:
        ...     print(done.value.header("Authorization"))
        Bearer t1
        >>> auth.health(now=1.0), auth.health(now=61.0)
        ('VALID', 'EXPIRED')
    """

    __slots__ = ("_configured", "_inner", "client_id", "token_url")

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        scope: str | None = None,
        client_auth: Literal["body", "basic"] = "body",
        leeway: float = 30.0,
    ) -> None:
        if not isinstance(client_id, str) or not isinstance(client_secret, str):
            raise PortalError(
                "client_id and client_secret are strings", code="PORTAL_BAD_CREDENTIALS"
            )
        try:
            self._inner = _EpcisOAuth2(
                token_url,
                client_id,
                client_secret,
                scope=scope,
                client_auth=client_auth,
                leeway=leeway,
            )
        except EpcisClientError as exc:  # pragma: no cover - inputs checked above
            raise PortalError(exc.message, code="PORTAL_BAD_CREDENTIALS") from None
        except ValueError:
            raise PortalError(
                "client_auth is 'body' or 'basic'", code="PORTAL_BAD_CREDENTIALS"
            ) from None
        self.token_url = token_url
        self.client_id = client_id
        self._configured = bool(client_id) and bool(client_secret)

    @classmethod
    def from_env(
        cls,
        token_url: str,
        *,
        id_var: str = "External_CLIENT_ID",
        secret_var: str = "External_CLIENT_SECRET",  # noqa: S107 - a variable name
        scope: str | None = None,
    ) -> OAuth2ClientCredentials:
        """Read the client id and secret from environment variables.

        Args:
            token_url: The token endpoint.
            id_var: The variable holding the client id.
            secret_var: The variable holding the secret.
            scope: Scopes, if any.

        Returns:
            The provider (``NOT_CONFIGURED`` when a variable is unset).

        Examples:
            >>> auth = OAuth2ClientCredentials.from_env("http://h/t", id_var="NO_SUCH_VAR_1",
            ...                                         secret_var="NO_SUCH_VAR_2")
            >>> auth.health()
            'NOT_CONFIGURED'
        """
        return cls(
            token_url, os.environ.get(id_var, ""), os.environ.get(secret_var, ""), scope=scope
        )

    def __repr__(self) -> str:
        return f"OAuth2ClientCredentials({self.token_url!r}, {self.client_id!r}, ***)"

    @property
    def configured(self) -> bool:
        """Whether a client id and secret are set."""
        return self._configured

    def auth_flow(self, request: Request, *, now: float) -> AuthFlow:
        """Fetch a token when needed (yielding the token request), then add it.

        Args:
            request: The request.
            now: The current time.

        Returns:
            The request with ``Authorization: Bearer …``.

        Raises:
            AuthError: Not configured, or the token endpoint refused (``PORTAL_AUTH_TOKEN``).
            TransientError: The token endpoint failed with a 5xx.

        Examples:
            >>> auth = OAuth2ClientCredentials("http://h/t", "", "")
            >>> next(auth.auth_flow(Request("GET", "http://h/"), now=0))
            Traceback (most recent call last):
            ...
            tracelib.portal.errors.AuthError: no client id/secret configured
        """
        if not self.configured:
            raise AuthError("no client id/secret configured", code="PORTAL_AUTH_NOT_CONFIGURED")
        try:
            prepared = yield from self._inner.auth_flow(request, now=now)
        except EpcisClientError as exc:
            from .transports._errors import from_client_error

            err = from_client_error(exc, target=None)
            if isinstance(err, AuthError) or err.retryable:
                raise err from None
            raise AuthError(
                f"the token endpoint answered unexpectedly ({exc.code})",
                code="PORTAL_AUTH_TOKEN",
                http_status=err.http_status,
            ) from None
        return prepared

    def invalidate(self) -> bool:
        """Drop the cached token (the next request fetches a new one).

        Returns:
            ``True``.

        Examples:
            >>> OAuth2ClientCredentials("http://h/t", "a", "b").invalidate()
            True
        """
        return self._inner.invalidate()

    def health(self, now: float | None = None) -> TokenHealth:
        """``NOT_CONFIGURED`` without credentials, ``VALID`` with an unexpired cached token,
        ``EXPIRED`` otherwise (a token will be fetched on the next request).

        Args:
            now: The current time.

        Returns:
            The health.

        Examples:
            >>> OAuth2ClientCredentials("http://h/t", "a", "b").health()
            'EXPIRED'
        """
        if not self.configured:
            return "NOT_CONFIGURED"
        expires = self._inner.token_expires_at
        moment = time.time() if now is None else now
        return "VALID" if expires is not None and moment < expires else "EXPIRED"
