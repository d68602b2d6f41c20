"""P-6: HTTP status + body → typed portal errors (pure), with the nbc-v5 profile's texts."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracelib.portal.errors import (
    AuthError,
    ConflictError,
    IdentifierError,
    MediaFetchError,
    OrganizationNotActivated,
    PortalBug,
    PortalError,
    RateLimited,
    TransientError,
)
from tracelib.portal.profile import NbcProfile
from tracelib.portal.transport import Response
from tracelib.portal.transports._errors import (
    compile_patterns,
    endpoint_of,
    error_for_response,
)

PATTERNS = compile_patterns(NbcProfile.load().errors)


def body(**members: object) -> bytes:
    return json.dumps(members, ensure_ascii=False).encode()


@pytest.mark.parametrize(
    ("status", "content", "headers", "expected"),
    [
        (500, b"", (), TransientError),
        (502, b"<html>bad gateway</html>", (), TransientError),
        (503, body(title="down"), (("Retry-After", "1"),), TransientError),
        (408, b"", (), TransientError),
        (429, b"", (("Retry-After", "12"),), RateLimited),
        (401, body(message="Unauthorized"), (), AuthError),
        (403, b"", (), AuthError),
        (409, b"", (), ConflictError),
        (400, body(message="Sản phẩm đã tồn tại"), (), ConflictError),
        (
            500,
            body(
                error="ERR_SYS_DEV",
                debugMessage="System.NullReferenceException: Object reference not set ... at "
                "ToChuc_SanPhamService.DoBusinessInsertAsync()",
            ),
            (),
            OrganizationNotActivated,
        ),
        (400, body(message="UploadFile: không tải được ảnh"), (), MediaFetchError),
        (400, body(message="GTIN sai CheckDigit"), (), IdentifierError),
        (400, body(errors=[{"field": "maBarcode", "msg": "invalid"}]), (), IdentifierError),
        (500, body(error="ERR_SYS_DEV", debugMessage="boom"), (), PortalBug),
        (500, body(debugMessage="System.InvalidOperationException"), (), PortalBug),
    ],
)
def test_status_and_body_map_to_classes(
    status: int, content: bytes, headers: tuple[tuple[str, str], ...], expected: type
) -> None:
    err = error_for_response(
        Response(status, headers, content), target="nbc-v5", endpoint="POST /x", patterns=PATTERNS
    )
    assert type(err) is expected
    assert err.http_status == status
    assert err.endpoint == "POST /x"
    assert err.target == "nbc-v5"


def test_retryability_and_retry_after() -> None:
    limited = error_for_response(Response(429, (("Retry-After", "12"),)))
    assert isinstance(limited, RateLimited)
    assert limited.retry_after == 12.0
    assert limited.retryable
    bug = error_for_response(Response(500, content=body(error="ERR_SYS_DEV")), patterns=PATTERNS)
    assert not bug.retryable
    assert bug.raw == {"error": "ERR_SYS_DEV"}
    assert error_for_response(Response(503)).retryable


def test_plain_client_errors_are_rejections_not_retryable() -> None:
    err = error_for_response(Response(400, content=b'{"message": "sai"}'))
    assert type(err) is PortalError
    assert err.code == "PORTAL_REJECTED"
    assert not err.retryable
    assert error_for_response(Response(404)).code == "PORTAL_NOT_FOUND"


def test_raw_payload_is_kept_with_secrets_redacted() -> None:
    content = body(error="ERR_SYS_DEV", debugMessage="x", access_token="tok-123", echo="Bearer abc")
    err = error_for_response(Response(500, content=content), patterns=PATTERNS)
    assert isinstance(err, PortalBug)
    assert err.raw["access_token"] == "***"
    assert "abc" not in json.dumps(err.raw)
    assert "tok-123" not in str(err)
    assert "tok-123" not in repr(err)


def test_profile_order_wins_over_status() -> None:
    # a 401 whose text says the organisation is not activated is that, not an auth problem
    content = body(debugMessage="NullReferenceException in ToChuc_SanPhamService")
    err = error_for_response(Response(401, content=content), patterns=PATTERNS)
    assert isinstance(err, OrganizationNotActivated)


def test_changing_the_patterns_changes_the_mapping() -> None:
    content = body(message="Ảnh lỗi XYZ")
    assert type(error_for_response(Response(400, content=content))) is PortalError
    custom = compile_patterns({"XYZ": "MediaFetchError"})
    assert isinstance(
        error_for_response(Response(400, content=content), patterns=custom), MediaFetchError
    )


def test_bad_patterns_raise_portal_errors() -> None:
    with pytest.raises(PortalError) as info:
        compile_patterns({"(": "PortalBug"})
    assert info.value.code == "PORTAL_BAD_PROFILE"
    with pytest.raises(PortalError):
        compile_patterns([("x", "NoSuchError")])


def test_endpoint_of_strips_query_and_host() -> None:
    from tracelib.portal.transport import Request

    assert endpoint_of(Request("GET", "http://h:1/a/b?token=zzz")) == "GET /a/b"
    assert endpoint_of(Request("GET", "http://h")) == "GET /"
    assert endpoint_of(None) is None


@given(
    status=st.integers(min_value=400, max_value=599),
    content=st.binary(max_size=300),
    retry_after=st.one_of(st.none(), st.text(max_size=30)),
)
def test_mapping_never_raises_and_is_a_portal_error(
    status: int, content: bytes, retry_after: str | None
) -> None:
    headers = () if retry_after is None else (("Retry-After", retry_after),)
    err = error_for_response(Response(status, headers, content), patterns=PATTERNS, now=0.0)
    assert isinstance(err, PortalError)
    assert err.http_status == status
    if status >= 500 and not isinstance(err, (PortalBug, OrganizationNotActivated)):
        assert err.retryable or isinstance(
            err, (MediaFetchError, IdentifierError, ConflictError, AuthError)
        )
