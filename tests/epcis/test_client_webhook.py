"""``GS1-Signature``: default HMAC-SHA-256 of the raw body, pluggable schemes, junk-proof checks."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracelib.epcis.client import (
    HMAC_SHA256,
    HmacSha256Signature,
    SignatureScheme,
    WebhookSignatureError,
    is_valid_webhook_signature,
    sign_webhook,
    verify_webhook,
    verify_webhook_signature,
)
from tracelib.errors import SignatureInvalid

BODY = (
    b'{"type":"EPCISQueryDocument","epcisBody":{"queryResults":{"queryName":"xuat-kho",'
    b'"subscriptionID":"s1","resultsBody":{"eventList":[]}}}}'
)
TOKEN = "bi-mat-htx-nghe-an"


def test_default_is_hex_hmac_sha256_of_the_raw_body():
    expected = hmac.new(TOKEN.encode(), BODY, hashlib.sha256).hexdigest()
    assert sign_webhook(BODY, TOKEN) == expected
    verify_webhook_signature(BODY, expected, TOKEN)
    verify_webhook_signature(BODY, expected.upper(), TOKEN)  # hex digits in either case


def test_verify_webhook_returns_the_delivered_page():
    page = verify_webhook({"GS1-Signature": sign_webhook(BODY, TOKEN)}, BODY, TOKEN)
    assert page.subscription_id == "s1"
    assert page.query_name == "xuat-kho"


def test_missing_and_wrong_signatures():
    with pytest.raises(WebhookSignatureError) as info:
        verify_webhook({}, BODY, TOKEN)
    assert info.value.code == "WEBHOOK_SIGNATURE_MISSING"
    with pytest.raises(WebhookSignatureError) as info:
        verify_webhook_signature(BODY, sign_webhook(BODY, "another token"), TOKEN)
    assert info.value.code == "WEBHOOK_SIGNATURE_INVALID"
    assert isinstance(info.value, SignatureInvalid)
    assert not isinstance(info.value, ValueError)


@given(st.binary(min_size=1, max_size=300), st.data())
def test_any_flipped_byte_fails(body, data):
    signature = sign_webhook(body, TOKEN)
    assert is_valid_webhook_signature(body, signature, TOKEN)
    index = data.draw(st.integers(0, len(body) - 1))
    bit = data.draw(st.integers(0, 7))
    tampered = bytearray(body)
    tampered[index] ^= 1 << bit
    assert not is_valid_webhook_signature(bytes(tampered), signature, TOKEN)
    with pytest.raises(WebhookSignatureError):
        verify_webhook_signature(bytes(tampered), signature, TOKEN)


@given(
    st.one_of(st.none(), st.integers(), st.text(), st.binary(), st.just("🙂" * 40)),
    st.one_of(st.none(), st.integers(), st.text(), st.binary()),
    st.one_of(st.none(), st.integers(), st.text()),
)
def test_junk_never_raises(body, signature, token):
    assert is_valid_webhook_signature(body, signature, token) in (True, False)
    assert HMAC_SHA256.verify(body, signature, token) in (True, False)


def test_base64_and_prefixed_schemes():
    scheme = HmacSha256Signature(encoding="base64", prefix="sha256=")
    signature = scheme.sign(BODY, TOKEN)
    assert signature.startswith("sha256=")
    assert len(signature) == 7 + 44
    assert is_valid_webhook_signature(BODY, signature, TOKEN, scheme=scheme)
    assert not is_valid_webhook_signature(BODY, signature[7:], TOKEN, scheme=scheme)
    assert not is_valid_webhook_signature(BODY, signature, TOKEN)  # wrong scheme


def test_a_custom_scheme_plugs_in():
    class Reversed:
        def sign(self, body: bytes, token: str) -> str:
            return (token + body.decode())[::-1]

        def verify(self, body: bytes, signature: str, token: str) -> bool:
            return hmac.compare_digest(self.sign(body, token), signature)

    scheme = Reversed()
    assert isinstance(scheme, SignatureScheme)
    verify_webhook_signature(b"{}", sign_webhook(b"{}", "k", scheme=scheme), "k", scheme=scheme)

    class Broken:
        def sign(self, body: bytes, token: str) -> str:
            return "x"

        def verify(self, body: bytes, signature: str, token: str) -> bool:
            raise RuntimeError("boom")

    assert not is_valid_webhook_signature(b"{}", "x", "k", scheme=Broken())
