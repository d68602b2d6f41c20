"""The sans-I/O core: flows driven by scripted responses and a fake clock (no network)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracelib.epcis.client import (
    BasicAuth,
    BearerAuth,
    CaptureLimitExceeded,
    CaptureLimits,
    EpcisConnectionError,
    EpcisCore,
    EpcisProtocolError,
    EpcisRateLimitError,
    EpcisServerError,
    EpcisStatusError,
    EpcisUnauthorizedError,
    EventQuery,
    Negotiation,
    OAuth2ClientCredentials,
    Problem,
    Request,
    Response,
    RetryPolicy,
    ServerInfo,
    Sleep,
    error_for_response,
    parse_retry_after,
)
from tracelib.errors import EpcisError, InputError

BASE = "http://epcis.htx-nghean.test/epcis"


class FakeClock:
    """Time that only moves when the flow sleeps."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


Handler = Callable[[Request], Response]


def drive(flow, handler: Handler, clock: FakeClock | None = None) -> tuple[Any, list[Request]]:
    """Run a flow like a driver does; ``handler`` may raise EpcisConnectionError."""
    sent: list[Request] = []
    try:
        step = next(flow)
        while True:
            if isinstance(step, Sleep):
                assert step.seconds >= 0
                if clock is not None:
                    clock.sleep(step.seconds)
                step = flow.send(None)
                continue
            sent.append(step)
            try:
                response = handler(step)
            except EpcisConnectionError as exc:
                step = flow.throw(exc)
                continue
            step = flow.send(
                Response(response.status, response.headers, response.content, step.url)
            )
    except StopIteration as done:
        return done.value, sent


def script(*responses: Response | Exception) -> Handler:
    queue = list(responses)

    def handler(request: Request) -> Response:
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    handler.queue = queue  # type: ignore[attr-defined]
    return handler


def core(clock: FakeClock | None = None, **options: Any) -> EpcisCore:
    clock = clock or FakeClock()
    options.setdefault("retry", RetryPolicy(jitter=0.0))
    return EpcisCore(BASE, clock=clock, random=lambda: 0.5, **options)


OK = Response(200, (("Content-Type", "application/json"),), b"{}")


# ---- retries ------------------------------------------------------------------------------------


def test_retry_after_is_honoured_then_success():
    clock = FakeClock()
    handler = script(
        Response(503, (("Retry-After", "2"),)),
        Response(429, (("Retry-After", "1"),)),
        OK,
    )
    result, sent = drive(core(clock).send(Request("GET", BASE + "/events")), handler, clock)
    assert result.status == 200
    assert len(sent) == 3
    assert clock.sleeps == [2.0, 1.0]


def test_retry_after_as_an_http_date():
    clock = FakeClock(start=784111777.0)  # Sun, 06 Nov 1994 08:49:37 GMT
    handler = script(Response(503, (("Retry-After", "Sun, 06 Nov 1994 08:49:40 GMT"),)), OK)
    drive(core(clock).send(Request("GET", BASE)), handler, clock)
    assert clock.sleeps == [3.0]


def test_backoff_without_retry_after_grows_and_is_capped():
    clock = FakeClock()
    policy = RetryPolicy(max_retries=5, initial_delay=0.5, max_delay=2.0, jitter=0.0)
    handler = script(*[Response(502)] * 5, OK)
    drive(core(clock, retry=policy).send(Request("GET", BASE)), handler, clock)
    assert clock.sleeps == [0.5, 1.0, 2.0, 2.0, 2.0]


def test_retries_exhausted_raise_the_typed_error_with_retry_after():
    clock = FakeClock()
    problem = json.dumps({"type": "epcisException:ImplementationException", "title": "Down"})
    down = Response(
        503, (("Retry-After", "1"), ("Content-Type", "application/problem+json")), problem.encode()
    )
    handler = script(down, down, down, down)
    with pytest.raises(EpcisServerError) as info:
        drive(core(clock).send(Request("GET", BASE)), handler, clock)
    assert info.value.status == 503
    assert info.value.retry_after == 1.0
    assert info.value.problem.title == "Down"
    assert clock.sleeps == [1.0, 1.0, 1.0]


def test_a_retry_after_too_long_is_not_waited_for():
    clock = FakeClock()
    handler = script(Response(429, (("Retry-After", "3600"),)))
    with pytest.raises(EpcisRateLimitError) as info:
        drive(core(clock).send(Request("GET", BASE)), handler, clock)
    assert info.value.retry_after == 3600.0
    assert clock.sleeps == []


@pytest.mark.parametrize("status", [400, 401, 403, 404, 406, 409, 413, 415, 501])
def test_client_errors_are_not_retried(status):
    clock = FakeClock()
    handler = script(Response(status))
    with pytest.raises(EpcisStatusError) as info:
        drive(core(clock).send(Request("GET", BASE)), handler, clock)
    assert info.value.status == status
    assert clock.sleeps == []


def test_connection_errors_are_retried_then_raised():
    clock = FakeClock()
    refused = EpcisConnectionError("refused")
    handler = script(refused, refused, OK)
    result, sent = drive(core(clock).send(Request("GET", BASE)), handler, clock)
    assert result.status == 200
    assert len(sent) == 3
    assert clock.sleeps == [0.5, 1.0]
    handler = script(*[refused] * 4)
    with pytest.raises(EpcisConnectionError):
        drive(core(clock).send(Request("GET", BASE)), handler, clock)
    bad_url = EpcisConnectionError("no such scheme", retryable=False)
    with pytest.raises(EpcisConnectionError):
        drive(core(FakeClock()).send(Request("GET", BASE)), script(bad_url))


def test_no_retry_policy():
    handler = script(Response(503))
    with pytest.raises(EpcisServerError):
        drive(core(retry=RetryPolicy(max_retries=0)).send(Request("GET", BASE)), handler)


@given(
    st.integers(0, 40),
    st.floats(0, 1, exclude_max=True),
    st.floats(0.01, 5),
    st.floats(0.01, 60),
    st.floats(0, 1),
)
def test_backoff_stays_within_the_jitter_band_and_the_cap(attempt, rand, initial, cap, jitter):
    policy = RetryPolicy(initial_delay=initial, max_delay=cap, jitter=jitter)
    base = min(cap, initial * 2**attempt)
    delay = policy.backoff(attempt, rand=rand)
    assert base * (1 - jitter) - 1e-9 <= delay <= base + 1e-9


@pytest.mark.parametrize(
    "options",
    [{"max_retries": -1}, {"jitter": 1.5}, {"initial_delay": float("nan")}, {"max_delay": -1}],
)
def test_bad_retry_options(options):
    with pytest.raises(InputError):
        RetryPolicy(**options)


def test_retry_after_parsing():
    assert parse_retry_after("0", now=0) == 0.0
    assert parse_retry_after("-1", now=0) is None
    assert parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now=10**10) == 0.0
    assert parse_retry_after("", now=0) is None
    assert parse_retry_after(None, now=0) is None


# ---- authentication -----------------------------------------------------------------------------


def test_basic_and_bearer_headers():
    _, sent = drive(core(auth=BasicAuth("htx", "mk")).send(Request("GET", BASE)), script(OK))
    assert sent[0].header("Authorization") == "Basic aHR4Om1r"
    _, sent = drive(core(auth=BearerAuth("t")).send(Request("GET", BASE)), script(OK))
    assert sent[0].header("Authorization") == "Bearer t"
    with pytest.raises(InputError):
        BasicAuth("a:b", "c")


def test_a_fixed_credential_is_not_retried_after_401():
    handler = script(Response(401))
    with pytest.raises(EpcisUnauthorizedError):
        drive(core(auth=BearerAuth("t")).send(Request("GET", BASE)), handler)


def _token(value: str, expires: int = 3600) -> Response:
    body = {"access_token": value, "token_type": "bearer", "expires_in": expires}
    return Response(200, (("Content-Type", "application/json"),), json.dumps(body).encode())


def test_oauth2_token_is_cached_refreshed_once_and_expires():
    clock = FakeClock()
    auth = OAuth2ClientCredentials(BASE + "/oauth/token", "htx", "bi-mat", scope="epcis")
    c = core(clock, auth=auth)
    _, sent = drive(c.send(Request("GET", BASE + "/events")), script(_token("t1"), OK), clock)
    assert [r.url for r in sent] == [BASE + "/oauth/token", BASE + "/events"]
    assert sent[0].content == b"grant_type=client_credentials&scope=epcis"
    assert sent[0].header("Authorization") == "Basic aHR4OmJpLW1hdA=="
    assert sent[1].header("Authorization") == "Bearer t1"
    # cached: no token request
    _, sent = drive(c.send(Request("GET", BASE + "/events")), script(OK), clock)
    assert len(sent) == 1
    # a 401 drops the token, fetches a new one once, retries
    _, sent = drive(
        c.send(Request("GET", BASE + "/events")), script(Response(401), _token("t2"), OK), clock
    )
    assert [r.header("Authorization") for r in sent] == [
        "Bearer t1",
        sent[1].header("Authorization"),
        "Bearer t2",
    ]
    # a second 401 after the refresh is final
    with pytest.raises(EpcisUnauthorizedError):
        drive(
            c.send(Request("GET", BASE)), script(Response(401), _token("t3"), Response(401)), clock
        )
    # expiry (minus leeway) triggers a new token request
    assert auth.invalidate()
    assert auth.token_expires_at is None
    drive(c.send(Request("GET", BASE)), script(_token("t4", expires=100), OK), clock)
    assert auth.token_expires_at == clock.now + 100
    clock.now += 69
    _, sent = drive(c.send(Request("GET", BASE)), script(OK), clock)
    assert sent[0].header("Authorization") == "Bearer t4"
    clock.now += 2  # 29 s left: inside the 30 s leeway
    _, sent = drive(c.send(Request("GET", BASE)), script(_token("t5"), OK), clock)
    assert sent[0].url.endswith("/oauth/token")
    assert sent[1].header("Authorization") == "Bearer t5"


def test_oauth2_token_failures():
    auth = OAuth2ClientCredentials(BASE + "/oauth/token", "htx", "sai", client_auth="body")
    refused = Response(401, (("Content-Type", "application/json"),), b'{"error": "invalid_client"}')
    with pytest.raises(EpcisUnauthorizedError) as info:
        drive(core(auth=auth).send(Request("GET", BASE)), script(refused))
    assert info.value.code == "EPCIS_OAUTH_TOKEN_FAILED"
    not_bearer = Response(200, (), b'{"access_token": "x", "token_type": "mac"}')
    with pytest.raises(EpcisProtocolError) as info2:
        drive(core(auth=auth).send(Request("GET", BASE)), script(not_bearer))
    assert info2.value.code == "EPCIS_OAUTH_BAD_TOKEN"
    with pytest.raises(InputError):
        OAuth2ClientCredentials(BASE, "a", "b", client_auth="header")


def test_credentials_stay_on_the_base_origin():
    c = core(auth=BearerAuth("t"))
    _, sent = drive(c.send(Request("GET", "http://elsewhere.test/capture/1")), script(OK))
    assert sent[0].header("Authorization") is None


# ---- requests, headers, negotiation -------------------------------------------------------------


def test_version_negotiation_headers_by_kind():
    neg = Negotiation(
        epcis_min="2.0.0",
        epcis_max="2.0.0",
        cbv_min="2.0.0",
        cbv_max="2.0.0",
        epc_format="Always_EPC_URN",
        cbv_xml_format="Always_Web_URI",
        extensions={"htx": "https://htx-nghean.example.vn/voc/"},
    )
    c = core(negotiation=neg)
    write = dict(c.request("POST", BASE, kind="write").headers)
    read = dict(c.request("GET", BASE, kind="read").headers)
    other = dict(c.request("DELETE", BASE).headers)
    assert write["GS1-EPCIS-Version"] == "2.0.0"
    assert write["GS1-CBV-Version"] == "2.0.0"
    assert "GS1-EPCIS-Version" not in read
    assert read["GS1-EPC-Format"] == "Always_EPC_URN"
    assert read["GS1-CBV-XML-Format"] == "Always_Web_URI"
    for headers in (write, read, other):
        assert headers["GS1-EPCIS-Min"] == "2.0.0"
        assert headers["GS1-CBV-Max"] == "2.0.0"
        assert headers["GS1-Extensions"] == "htx=https://htx-nghean.example.vn/voc/"
    assert "GS1-EPC-Format" not in other
    assert other["User-Agent"].startswith("tracelib/")


@pytest.mark.parametrize(
    "options",
    [
        {"epcis_version": "two"},
        {"cbv_min": "2.0-beta"},
        {"extensions": {"a b": "x"}},
        {"extensions": {"a": "x,y"}},
    ],
)
def test_bad_negotiation_options(options):
    with pytest.raises(InputError):
        Negotiation(**options)


def test_core_options_are_checked():
    with pytest.raises(EpcisError):
        EpcisCore("ftp://h")
    with pytest.raises(EpcisError):
        EpcisCore(BASE, capture_error_behaviour="all")  # type: ignore[arg-type]


def test_urls_of_every_endpoint():
    c = core()
    dl = "https://id.gs1.org/01/08930123450012/21/1001"
    assert c.events_url(resource=("epcs", dl)) == (
        BASE + "/epcs/https%3A%2F%2Fid.gs1.org%2F01%2F08930123450012%2F21%2F1001/events"
    )
    for resource in ("eventTypes", "bizSteps", "bizLocations", "readPoints", "dispositions"):
        assert c.events_url(resource=(resource, "x")) == f"{BASE}/{resource}/x/events"
    assert c.events_url(EventQuery().per_page(5), query_name="xuat kho") == (
        BASE + "/queries/xuat%20kho/events?perPage=5"
    )
    with pytest.raises(EpcisError):
        c.events_url(resource=("places", "x"))  # type: ignore[arg-type]
    with pytest.raises(EpcisError):
        c.events_url(resource=("epcs", "x"), query_name="q")
    flows = [
        (c.get_event("urn:uuid:1"), "GET", "/events/urn%3Auuid%3A1"),
        (c.capture_job("abc"), "GET", "/capture/abc"),
        (c.capture_jobs(), "GET", "/capture"),
        (c.get_query("q"), "GET", "/queries/q"),
        (c.list_queries(), "GET", "/queries"),
        (c.delete_query("q"), "DELETE", "/queries/q"),
        (c.list_subscriptions("q"), "GET", "/queries/q/subscriptions"),
        (c.unsubscribe("s", query_name="q"), "DELETE", "/queries/q/subscriptions/s"),
        (c.release_page_token("t"), "DELETE", "/nextPageToken/t"),
        (c.resource_values("bizSteps"), "GET", "/bizSteps"),
        (c.discover("events"), "OPTIONS", "/events"),
        (c.top_level(), "GET", ""),
    ]
    for flow, method, path in flows:
        request = next(flow)
        assert (request.method, request.url) == (method, BASE + path)
    with pytest.raises(EpcisError):
        next(c.unsubscribe("s"))


def test_release_page_token_tolerates_501():
    result, _ = drive(core().release_page_token("t"), script(Response(501)))
    assert result is None


def test_capture_limits_without_options_support():
    for status in (404, 405, 501):
        result, _ = drive(core().capture_limits(), script(Response(status)))
        assert result == CaptureLimits()
    with pytest.raises(EpcisServerError):
        drive(core(retry=RetryPolicy(max_retries=0)).capture_limits(), script(Response(500)))


def test_discovery_reads_every_header():
    headers = (
        ("Allow", "OPTIONS, POST"),
        ("GS1-EPCIS-Version", "2.0.0"),
        ("GS1-EPCIS-Min", "2.0.0"),
        ("GS1-EPCIS-Max", "2.0.0"),
        ("GS1-CBV-Version", "2.0.0"),
        ("GS1-Vendor-Version", "v"),
        ("GS1-Extensions", "htx=https://htx.example.vn/"),
        ("GS1-EPCIS-Capture-Limit", "500"),
        ("GS1-EPCIS-Capture-File-Size-Limit", "1048576"),
        ("GS1-Capture-Error-Behaviour", "proceed"),
    )
    info, _ = drive(core().discover("capture"), script(Response(204, headers)))
    assert info == ServerInfo(
        allow=("OPTIONS", "POST"),
        epcis_version="2.0.0",
        epcis_min="2.0.0",
        epcis_max="2.0.0",
        cbv_version="2.0.0",
        vendor_version="v",
        extensions={"htx": "https://htx.example.vn/"},
        capture_error_behaviour="proceed",
        capture_limits=CaptureLimits(500, 1048576),
    )


# ---- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "name"),
    [
        (400, "EpcisBadRequestError"),
        (401, "EpcisUnauthorizedError"),
        (403, "EpcisForbiddenError"),
        (404, "EpcisNotFoundError"),
        (406, "EpcisNotAcceptableError"),
        (408, "EpcisRequestTimeoutError"),
        (409, "EpcisConflictError"),
        (413, "EpcisPayloadTooLargeError"),
        (414, "EpcisUriTooLongError"),
        (415, "EpcisUnsupportedMediaTypeError"),
        (429, "EpcisRateLimitError"),
        (500, "EpcisServerError"),
        (501, "EpcisNotImplementedError"),
        (502, "EpcisServerError"),
        (418, "EpcisStatusError"),
    ],
)
def test_every_status_has_its_class(status, name):
    err = error_for_response(Response(status, url="http://h/x"), Request("GET", "http://h/x"))
    assert type(err).__name__ == name
    assert err.code.startswith("EPCIS_")
    assert err.status == status
    assert not isinstance(err, ValueError)


def test_problem_details_in_json_xml_and_text():
    body = (
        b'{"type": "epcisException:QueryParameterException", "title": "Bad", '
        b'"status": 400, "detail": "EQ_x", "instance": "urn:x", "param": "EQ_x"}'
    )
    err = error_for_response(Response(400, (("Content-Type", "application/problem+json"),), body))
    assert err.problem == Problem(
        "epcisException:QueryParameterException", "Bad", 400, "EQ_x", "urn:x", {"param": "EQ_x"}
    )
    assert "EQ_x" in str(err)
    xml = (
        b'<epcis:EPCISException xmlns:epcis="urn:epcglobal:epcis:xsd:2"><type>'
        b"epcisException:SecurityException</type><title>No</title><status>403</status>"
        b"</epcis:EPCISException>"
    )
    err = error_for_response(Response(403, (("Content-Type", "application/problem+xml"),), xml))
    assert (err.problem.exception, err.problem.status) == ("SecurityException", 403)
    hostile = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    err = error_for_response(Response(400, (("Content-Type", "application/problem+xml"),), hostile))
    assert "root:" not in err.problem.title
    err = error_for_response(
        Response(502, (("Content-Type", "text/html"),), b"<h1>Bad gateway</h1>")
    )
    assert err.problem.title == "<h1>Bad gateway</h1>"
    assert Problem.from_json({"status": True}).status is None


def test_413_on_capture_vs_query():
    capture = error_for_response(
        Response(413, (("GS1-EPCIS-Capture-File-Size-Limit", "99"),)), capture=True
    )
    assert isinstance(capture, CaptureLimitExceeded)
    assert capture.max_bytes == 99
    query = error_for_response(
        Response(413, (), b'{"type": "epcisException:QueryTooLargeException", "title": "Big"}'),
        capture=True,
    )
    assert type(query).__name__ == "QueryTooLargeError"


def test_unexpected_success_status_and_bad_json():
    with pytest.raises(EpcisProtocolError) as info:
        drive(core().post_event({"type": "ObjectEvent"}), script(Response(200)))
    assert info.value.code == "EPCIS_UNEXPECTED_STATUS"
    with pytest.raises(EpcisProtocolError) as info:
        drive(core().post_event({"type": "ObjectEvent"}), script(Response(201)))
    assert info.value.code == "EPCIS_NO_LOCATION"
    with pytest.raises(EpcisProtocolError) as info:
        drive(core().capture_job("x"), script(Response(200, content=b"<html>")))
    assert info.value.code == "EPCIS_RESPONSE_NOT_JSON"
    with pytest.raises(EpcisProtocolError) as info:
        drive(core().capture_job("x"), script(Response(200, content=b'{"running": "no"}')))
    assert info.value.code == "EPCIS_BAD_CAPTURE_JOB"


@given(st.text(max_size=40))
def test_parse_retry_after_never_raises(text: str) -> None:
    delay = parse_retry_after(text, now=0.0)
    assert delay is None or delay >= 0.0
