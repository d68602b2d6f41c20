"""Pluggable authentication for the EPCIS client: Basic, Bearer, OAuth2 client credentials.

EPCIS 2.0 defines no security scheme, so authentication is a strategy object with one
generator method in the httpx style: :meth:`Auth.auth_flow` receives the request, may yield
requests of its own (an OAuth2 token request) and returns the request to send. After a 401
the core calls :meth:`Auth.invalidate` once; ``True`` means "try again with fresh
credentials".
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Generator
from typing import Protocol, runtime_checkable
from urllib.parse import urlencode

from ..errors import InputError
from ._client_errors import EpcisProtocolError, EpcisUnauthorizedError, error_for_response
from ._client_http import Request, Response, Step

__all__ = ["Auth", "BasicAuth", "BearerAuth", "OAuth2ClientCredentials"]

AuthFlow = Generator[Step, Response | None, Request]


@runtime_checkable
class Auth(Protocol):
    """What the client needs from an authentication strategy.

    Examples:
        >>> isinstance(BearerAuth("t0k3n"), Auth)
        True
    """

    def auth_flow(self, request: Request, *, now: float) -> AuthFlow:
        """Yield any requests of its own, then return ``request`` with credentials."""
        ...  # pragma: no cover

    def invalidate(self) -> bool:
        """Forget cached credentials after a 401; ``True`` when a retry may succeed."""
        ...  # pragma: no cover


def _basic(username: str, password: str) -> str:
    raw = f"{username}:{password}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


class BasicAuth:
    """HTTP Basic authentication (as FasTnT uses).

    Args:
        username: The user name (no ``:``).
        password: The password.

    Raises:
        InputError: ``EPCIS_CLIENT_BAD_CREDENTIALS`` for a ``:`` in the user name.

    Examples:
        >>> auth = BasicAuth("htx-nghe-an", "mat-khau")
        >>> flow = auth.auth_flow(Request("GET", "http://h/"), now=0)
        >>> try:
        ...     next(flow)
        ... except StopIteration as done:
        ...     print(done.value.header("Authorization"))
        Basic aHR4LW5naGUtYW46bWF0LWtoYXU=
    """

    __slots__ = ("_header",)

    def __init__(self, username: str, password: str) -> None:
        if not isinstance(username, str) or not isinstance(password, str):
            raise InputError(
                "a Basic user name and password are strings",
                code="EPCIS_CLIENT_BAD_CREDENTIALS",
                position=0,
            )
        if ":" in username:
            raise InputError(
                "a Basic user name cannot contain ':'",
                code="EPCIS_CLIENT_BAD_CREDENTIALS",
                position=username.index(":"),
            )
        self._header = _basic(username, password)

    def __repr__(self) -> str:
        return "BasicAuth(...)"

    def auth_flow(self, request: Request, *, now: float) -> AuthFlow:
        """Add the ``Authorization`` header.

        Args:
            request: The request.
            now: Unused.

        Returns:
            The request with credentials (the generator yields nothing).

        Examples:
            >>> list(BasicAuth("a", "b").auth_flow(Request("GET", "http://h/"), now=0))
            []
        """
        yield from ()
        return request.with_headers([("Authorization", self._header)])

    def invalidate(self) -> bool:
        """Fixed credentials: a retry would fail the same way.

        Returns:
            ``False``.

        Examples:
            >>> BasicAuth("a", "b").invalidate()
            False
        """
        return False


class BearerAuth:
    """A fixed bearer token (``Authorization: Bearer …``).

    Args:
        token: The token.

    Examples:
        >>> flow = BearerAuth("abc").auth_flow(Request("GET", "http://h/"), now=0)
        >>> try:
        ...     next(flow)
        ... except StopIteration as done:
        ...     print(done.value.header("Authorization"))
        Bearer abc
    """

    __slots__ = ("_token",)

    def __init__(self, token: str) -> None:
        self._token = token

    def __repr__(self) -> str:
        return "BearerAuth(...)"

    def auth_flow(self, request: Request, *, now: float) -> AuthFlow:
        """Add the ``Authorization`` header.

        Args:
            request: The request.
            now: Unused.

        Returns:
            The request with the token.

        Examples:
            >>> list(BearerAuth("abc").auth_flow(Request("GET", "http://h/"), now=0))
            []
        """
        yield from ()
        return request.with_headers([("Authorization", f"Bearer {self._token}")])

    def invalidate(self) -> bool:
        """A fixed token cannot be refreshed.

        Returns:
            ``False``.

        Examples:
            >>> BearerAuth("abc").invalidate()
            False
        """
        return False


class OAuth2ClientCredentials:
    """OAuth 2.0 client credentials grant (RFC 6749 §4.4) with a cached token.

    The token is fetched on first use through the same transport, kept until ``expires_in``
    minus ``leeway`` seconds, and fetched again once after a 401.

    Args:
        token_url: The token endpoint.
        client_id: The client identifier.
        client_secret: The client secret.
        scope: Space-separated scopes, if the server wants them.
        client_auth: ``"basic"`` (credentials in an ``Authorization`` header, the RFC's
            preferred way) or ``"body"`` (``client_id``/``client_secret`` form fields).
        leeway: Seconds before expiry at which a token counts as expired.

    Examples:
        >>> auth = OAuth2ClientCredentials("http://h/oauth/token", "htx", "bi-mat")
        >>> flow = auth.auth_flow(Request("GET", "http://h/events"), now=1000.0)
        >>> token_request = next(flow)
        >>> token_request.method, token_request.content
        ('POST', b'grant_type=client_credentials')
        >>> try:
        ...     flow.send(Response(200, (("Content-Type", "application/json"),),
        ...         b'{"access_token": "t1", "token_type": "Bearer", "expires_in": 3600}'))
        ... except StopIteration as done:
        ...     print(done.value.header("Authorization"))
        Bearer t1
        >>> auth.token_expires_at
        4600.0
    """

    __slots__ = (
        "_expires_at",
        "_lock",
        "_secret",
        "_token",
        "client_auth",
        "client_id",
        "leeway",
        "scope",
        "token_url",
    )

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        scope: str | None = None,
        client_auth: str = "basic",
        leeway: float = 30.0,
    ) -> None:
        if client_auth not in ("basic", "body"):
            raise InputError(
                f"client_auth must be 'basic' or 'body', not {client_auth!r}",
                code="EPCIS_CLIENT_BAD_CREDENTIALS",
                position=0,
            )
        self.token_url = token_url
        self.client_id = client_id
        self._secret = client_secret
        self.scope = scope
        self.client_auth = client_auth
        self.leeway = leeway
        self._token: str | None = None
        self._expires_at: float = 0.0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"OAuth2ClientCredentials({self.token_url!r}, {self.client_id!r}, ...)"

    @property
    def token_expires_at(self) -> float | None:
        """When the cached token expires (epoch seconds), or ``None`` without a token."""
        with self._lock:
            return self._expires_at if self._token is not None else None

    def token_request(self) -> Request:
        """The token request (form-encoded, ``grant_type=client_credentials``).

        Returns:
            The request.

        Examples:
            >>> OAuth2ClientCredentials("http://h/t", "a", "b", client_auth="body",
            ...                         scope="capture").token_request().content
            b'grant_type=client_credentials&scope=capture&client_id=a&client_secret=b'
        """
        form = [("grant_type", "client_credentials")]
        if self.scope:
            form.append(("scope", self.scope))
        headers = [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ]
        if self.client_auth == "basic":
            headers.append(("Authorization", _basic(self.client_id, self._secret)))
        else:
            form += [("client_id", self.client_id), ("client_secret", self._secret)]
        return Request("POST", self.token_url, tuple(headers), urlencode(form).encode("ascii"))

    def _store(self, response: Response, request: Request, now: float) -> str:
        if response.status != 200:
            error = error_for_response(response, request, now=now)
            raise EpcisUnauthorizedError(
                f"the OAuth2 token request failed: {error.message}",
                code="EPCIS_OAUTH_TOKEN_FAILED",
                status=response.status,
                problem=error.problem,
                request=request,
                response=response,
            )
        body = response.json()
        token = body.get("access_token") if isinstance(body, dict) else None
        kind = body.get("token_type", "Bearer") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token or str(kind).lower() != "bearer":
            raise EpcisProtocolError(
                "the OAuth2 token response has no bearer access_token",
                code="EPCIS_OAUTH_BAD_TOKEN",
                request=request,
            )
        expires_in = body.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, (int, float)) else 3600.0
        with self._lock:
            self._token = token
            self._expires_at = now + lifetime
        return token

    def auth_flow(self, request: Request, *, now: float) -> AuthFlow:
        """Fetch a token when none is cached (or it expired), then add it.

        Args:
            request: The request.
            now: The current time (epoch seconds).

        Returns:
            The request with ``Authorization: Bearer …``.

        Raises:
            EpcisUnauthorizedError: ``EPCIS_OAUTH_TOKEN_FAILED`` when the token endpoint refuses.
            EpcisProtocolError: ``EPCIS_OAUTH_BAD_TOKEN`` for a response without a bearer token.

        Examples:
            >>> auth = OAuth2ClientCredentials("http://h/t", "a", "b")
            >>> isinstance(next(auth.auth_flow(Request("GET", "http://h/"), now=0)), Request)
            True
        """
        with self._lock:
            token = self._token if now < self._expires_at - self.leeway else None
        if token is None:
            token_request = self.token_request()
            response = yield token_request
            if response is None:  # pragma: no cover - drivers always answer a request
                raise EpcisProtocolError("no token response", code="EPCIS_OAUTH_BAD_TOKEN")
            token = self._store(response, token_request, now)
        return request.with_headers([("Authorization", f"Bearer {token}")])

    def invalidate(self) -> bool:
        """Drop the cached token so that the next request fetches a new one.

        Returns:
            ``True``: a fresh token may succeed.

        Examples:
            >>> OAuth2ClientCredentials("http://h/t", "a", "b").invalidate()
            True
        """
        with self._lock:
            self._token = None
            self._expires_at = 0.0
        return True
