"""Auth providers (design §7) and P-12: secrets never in logs, reprs or exceptions."""

from __future__ import annotations

import json
import logging

import pytest

from tracelib.epcis.testing import EpcisTestServer
from tracelib.portal.auth import ApiKey, BearerWithRefresh, NoAuth, OAuth2ClientCredentials
from tracelib.portal.drivers import CallableChannel, HttpxChannel, run_sync
from tracelib.portal.errors import AuthError, PortalError, TransientError
from tracelib.portal.transport import Flow, Request, Response, Sleep
from tracelib.portal.transports.epcis import EpcisTransport

from .test_transport_epcis import FAST_POLL, event_items

SECRET = "cL13nt-S3cr3t-9f8e7d"


def _authorize(auth: object, request: Request, responses: list[Response]) -> Request:
    flow = auth.auth_flow(request, now=0.0)  # type: ignore[attr-defined]
    try:
        next(flow)
        while True:
            flow.send(responses.pop(0))
    except StopIteration as done:
        result: Request = done.value
        return result


def test_api_key_and_no_auth() -> None:
    req = Request("GET", "http://h/")
    assert _authorize(ApiKey("X-API-Key", "k-1"), req, []).header("X-API-Key") == "k-1"
    assert _authorize(NoAuth(), req, []).headers == ()
    with pytest.raises(AuthError):
        _authorize(ApiKey("X-API-Key", ""), req, [])
    with pytest.raises(PortalError):
        ApiKey("", "k")
    assert ApiKey("X-API-Key", "k").invalidate() is False


def test_token_health_states() -> None:
    assert NoAuth().health() == "NOT_CONFIGURED"
    assert ApiKey("X-Key", "").health() == "NOT_CONFIGURED"
    assert ApiKey("X-Key", "v").health() == "VALID"
    assert BearerWithRefresh(None).health() == "NOT_CONFIGURED"
    assert BearerWithRefresh(None, refresh=lambda: "t").health() == "EXPIRED"
    assert BearerWithRefresh("t", expires_at=100.0).health(now=50.0) == "VALID"
    assert BearerWithRefresh("t", expires_at=100.0).health(now=100.0) == "EXPIRED"
    oauth = OAuth2ClientCredentials("http://h/token", "htx", SECRET)
    assert oauth.health(now=0.0) == "EXPIRED"
    _authorize(
        oauth,
        Request("GET", "http://h/"),
        [
            Response(
                200, content=b'{"access_token": "T-1", "token_type": "Bearer", "expires_in": 60}'
            )
        ],
    )
    assert oauth.health(now=10.0) == "VALID"
    assert oauth.health(now=70.0) == "EXPIRED"
    assert OAuth2ClientCredentials("http://h/token", "", "").health() == "NOT_CONFIGURED"


def test_oauth_body_credentials_and_refused_token() -> None:
    oauth = OAuth2ClientCredentials("http://h/token", "htx", SECRET)
    flow = oauth.auth_flow(Request("GET", "http://h/x"), now=0.0)
    token_request = next(flow)
    assert token_request.content is not None
    assert b"client_id=htx" in token_request.content
    with pytest.raises(AuthError) as info:
        flow.send(Response(400, content=b'{"error": "invalid_client"}', url="http://h/token"))
    assert SECRET not in str(info.value)
    oauth.invalidate()
    flow = oauth.auth_flow(Request("GET", "http://h/x"), now=0.0)
    next(flow)
    with pytest.raises(TransientError):
        flow.send(Response(503, url="http://h/token"))


def test_oauth_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("External_CLIENT_ID", "htx-env")
    monkeypatch.setenv("External_CLIENT_SECRET", SECRET)
    auth = OAuth2ClientCredentials.from_env("http://h/token")
    assert auth.client_id == "htx-env"
    assert auth.health() == "EXPIRED"
    assert SECRET not in repr(auth)


def test_bearer_refresh_once_per_401_then_auth_error() -> None:
    calls: list[str] = []

    def refresh() -> tuple[str, float | None]:
        calls.append("r")
        return f"fresh-{len(calls)}", None

    auth = BearerWithRefresh("stale", refresh=refresh)
    transport = EpcisTransport("http://portal.test", auth=auth, discover_limits=False)
    seen: list[str | None] = []

    def always_401(request: Request) -> Response:
        seen.append(request.header("Authorization"))
        return Response(401, content=b'{"message": "Unauthorized"}')

    with pytest.raises(AuthError):
        run_sync(transport.send("event", event_items(1)), CallableChannel(always_401))
    assert seen == ["Bearer stale", "Bearer fresh-1"]
    assert calls == ["r"]


def test_bearer_refresh_failure_is_auth_error_without_its_text() -> None:
    def refresh() -> str:
        raise RuntimeError(f"keyring said {SECRET}")

    auth = BearerWithRefresh(None, refresh=refresh)
    with pytest.raises(AuthError) as info:
        _authorize(auth, Request("GET", "http://h/"), [])
    assert SECRET not in str(info.value)
    assert info.value.__cause__ is None


def test_p12_secrets_never_in_logs_reprs_or_exceptions(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    with EpcisTestServer(oauth_clients={"htx": SECRET}) as srv:
        auth = OAuth2ClientCredentials(srv.token_url, "htx", SECRET)
        transport = EpcisTransport(srv.url, auth=auth, poll=FAST_POLL)
        steps: list[Request | Sleep] = []
        with HttpxChannel() as channel:
            created = run_sync(transport.send("event", event_items(2)), channel, record=steps)
            done = run_sync(transport.confirm("event", created), channel, record=steps)
            srv.revoke_tokens()
            again = run_sync(
                transport.send("event", event_items(1, start=7)), channel, record=steps
            )
            assert again[0].state == "CREATED"
            srv.inject(status=503, times=1, path="/capture")
            with pytest.raises(TransientError) as transient:
                run_sync(transport.send("event", event_items(1, start=9)), channel, record=steps)
            texts += [str(transient.value), repr(transient.value), json.dumps(transient.value.raw)]
        bad = OAuth2ClientCredentials(srv.token_url, "htx", SECRET + "-wrong")
        with HttpxChannel() as channel, pytest.raises(AuthError) as refused:
            run_sync(EpcisTransport(srv.url, auth=bad).send("event", event_items(1)), channel)
        texts += [str(refused.value), repr(refused.value), json.dumps(refused.value.raw)]
    tokens = {
        s.header("Authorization").split(" ", 1)[1]  # type: ignore[union-attr]
        for s in steps
        if isinstance(s, Request) and (s.header("Authorization") or "").startswith("Bearer ")
    }
    assert len(tokens) == 2  # one before, one after the revocation
    assert [o.state for o in done] == ["CONFIRMED", "CONFIRMED"]
    texts += [repr(auth), repr(bad), repr(transport), repr(BearerWithRefresh(SECRET))]
    texts += [repr(ApiKey("X-API-Key", SECRET)), caplog.text]
    texts += [str(getattr(r, "args", "")) for r in caplog.records]
    blob = "\n".join(texts)
    assert SECRET not in blob
    for token in tokens:
        assert token not in blob
    assert "htx" in repr(auth)  # the client id is not a secret


def _flow_with_auth(auth: object) -> Flow[int]:
    request = yield from auth.auth_flow(Request("GET", "http://h/"), now=0.0)  # type: ignore[attr-defined]
    response = yield request
    assert response is not None
    return response.status


def test_oauth_token_request_goes_through_the_channel() -> None:
    seen: list[str] = []

    def handler(request: Request) -> Response:
        seen.append(request.url)
        if request.url.endswith("/token"):
            return Response(200, content=b'{"access_token": "A", "expires_in": 3600}')
        return Response(204)

    auth = OAuth2ClientCredentials("http://h/token", "htx", SECRET)
    channel = CallableChannel(handler)
    assert run_sync(_flow_with_auth(auth), channel) == 204
    assert run_sync(_flow_with_auth(auth), channel) == 204
    assert seen == ["http://h/token", "http://h/", "http://h/"]
