"""AT-19 (RFC 3161 tokens) and the anchored half of AT-17 (revocation judged at TSA time)."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import vectors
from tracelib.errors import MalformedInput, MissingDependencyError, SigningError
from tracelib.signing import timestamps
from tracelib.signing.canonical import b64url_encode
from tracelib.signing.chain import Chain
from tracelib.signing.signers import SoftwareSigner
from tracelib.signing.timestamps import TimestampToken, checkpoint_message, timestamp_anchors
from tracelib.signing.trust import TrustBundle
from tracelib.signing.verify import verify

pytest.importorskip("rfc3161_client", reason="the tsa extra (rfc3161-client) is not installed")

OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
V19 = "signing/rfc3161-client/test/fixtures"
FARM = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")

_EXT = """[ca_ext]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
[tsa_ext]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=critical,timeStamping
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
"""
_CONF = """[tsa]
default_tsa = tsa1
[tsa1]
serial = {d}/serial
crypto_device = builtin
signer_cert = {d}/tsa.pem
signer_key = {d}/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.2
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _pem_to_der(path: Path) -> bytes:
    body = "".join(line for line in path.read_text().splitlines() if "-----" not in line)
    return base64.b64decode(body)


class Tsa:
    """A throwaway OpenSSL TSA in a temporary folder."""

    def __init__(self, folder: Path) -> None:
        self.d = folder
        (folder / "ext.cnf").write_text(_EXT)
        (folder / "tsa.cnf").write_text(_CONF.format(d=folder))
        (folder / "serial").write_text("01\n")
        self._run(
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-subj",
            "/CN=Test TSA Root",
            "-days",
            "3650",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        )
        self._run(
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "tsa.key",
            "-out",
            "tsa.csr",
            "-subj",
            "/CN=Test TSA",
        )
        self._run(
            "x509",
            "-req",
            "-in",
            "tsa.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "tsa.pem",
            "-days",
            "365",
            "-extfile",
            "ext.cnf",
            "-extensions",
            "tsa_ext",
        )
        self.root = _pem_to_der(folder / "ca.pem")

    def _run(self, *args: str) -> None:
        subprocess.run([OPENSSL, *args], cwd=self.d, check=True, capture_output=True, timeout=30)

    def stamp(self, message: bytes, *, chain: bool = False) -> bytes:
        (self.d / "msg").write_bytes(message)
        self._run("ts", "-query", "-data", "msg", "-sha256", "-cert", "-out", "req.tsq")
        extra = ["-chain", "ca.pem"] if chain else []
        self._run(
            "ts",
            "-reply",
            "-config",
            "tsa.cnf",
            "-queryfile",
            "req.tsq",
            "-out",
            "resp.tsr",
            *extra,
        )
        return (self.d / "resp.tsr").read_bytes()


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Tsa:
    if not Path(OPENSSL).exists():
        pytest.skip("the openssl binary is not available")
    return Tsa(tmp_path_factory.mktemp("tsa"))


def _lot(n: int = 3, origin: str = "trace.example.vn/lot/08930000000012/TSA") -> Chain:
    lot = Chain.create(origin, signer=FARM)
    for i in range(n):
        lot.append(
            b'{"i":%d}' % i,
            payload_type="application/json",
            signer=FARM,
            iat=f"2026-05-14T08:00:0{i}Z",
        )
    return lot


def _with_tokens(lot: Chain, *entries: tuple[int, bytes]) -> bytes:
    obj = json.loads(lot.bundle())
    obj["timestamps"] = [{"checkpoint": n, "token": b64url_encode(t)} for n, t in entries]
    return json.dumps(obj).encode()


# --- V19 fixtures -----------------------------------------------------------------------


def _chain(folder: str) -> list[bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    pem = vectors.path(f"{V19}/{folder}/ts_chain.pem").read_bytes()
    return [c.public_bytes(Encoding.DER) for c in x509.load_pem_x509_certificates(pem)]


@pytest.mark.conformance
@pytest.mark.parametrize(
    ("folder", "name"),
    [
        ("sigstage", "response-sha256.tsr"),
        ("sigstage", "response-sha384.tsr"),
        ("sigstage", "response-sha512.tsr"),
        ("test_tsa", "response.tsr"),
        ("test_tsa", "response-injected-certs.tsr"),
    ],
)
def test_v19_fixtures_verify(folder: str, name: str) -> None:
    token = TimestampToken.parse(vectors.path(f"{V19}/{folder}/{name}").read_bytes())
    assert token.verify(b"hello", _chain(folder)) == token.anchored
    assert token.gen_time.startswith(("2024-10", "2025-05"))
    with pytest.raises(SigningError) as err:
        token.verify(b"hellO", _chain(folder))
    assert err.value.code == "TIMESTAMP_IMPRINT_MISMATCH"


@pytest.mark.conformance
def test_v19_negative_and_no_embedded_cert() -> None:
    certs = _chain("sigstage")
    bad = TimestampToken.parse(
        vectors.path(f"{V19}/sigstage/response-invalid-signature.tsr").read_bytes()
    )
    with pytest.raises(SigningError) as err:
        bad.verify(b"hello", certs)
    assert err.value.code == "TIMESTAMP_INVALID"
    bare = TimestampToken.parse(
        vectors.path(f"{V19}/sigstage/response-no-embedded-cert.tsr").read_bytes()
    )
    assert bare.certificates == 0
    with pytest.raises(SigningError):
        bare.verify(b"hello", certs)
    leaf = certs[0]  # ts_chain.pem lists the TSA leaf first
    assert bare.verify(b"hello", certs, tsa_certificate=leaf) == bare.anchored
    other = TimestampToken.parse(vectors.path(f"{V19}/test_tsa/other_response.tsr").read_bytes())
    with pytest.raises(SigningError) as err:
        other.verify(b"hello", _chain("test_tsa"))
    assert err.value.code == "TIMESTAMP_INVALID"


# --- openssl ts over checkpoints --------------------------------------------------------


def test_openssl_token_over_checkpoint_verifies(tsa: Tsa) -> None:
    lot = _lot()
    message = checkpoint_message(lot.checkpoint())
    token = TimestampToken.parse(tsa.stamp(message))
    assert token.hash_alg == "sha256"
    assert token.certificates == 1
    assert token.verify(message, [tsa.root]) == token.anchored
    trust = TrustBundle.from_signers([FARM]).with_roots(tsa_roots=[tsa.root])
    anchors = timestamp_anchors(_with_tokens(lot, (3, token.der)), trust)
    assert anchors.findings == ()
    assert [anchors.at(s) for s in range(4)] == [token.anchored] * 3 + [None]


def test_changed_checkpoint_is_imprint_mismatch(tsa: Tsa) -> None:
    lot = _lot()
    token = tsa.stamp(checkpoint_message(lot.checkpoint(2)))
    trust = TrustBundle.from_signers([FARM]).with_roots(tsa_roots=[tsa.root])
    # the entry claims checkpoint 3, the token is over checkpoint 2
    anchors = timestamp_anchors(_with_tokens(lot, (3, token)), trust)
    assert [(f.code, f.severity, f.seq) for f in anchors.findings] == [
        ("TIMESTAMP_IMPRINT_MISMATCH", "error", 2)
    ]
    assert anchors.at(0) is None
    # a record edited after stamping: the recomputed checkpoint differs
    other = _lot(origin="trace.example.vn/lot/08930000000012/TSA2")
    assert timestamp_anchors(_with_tokens(other, (2, token)), trust).findings[0].code == (
        "TIMESTAMP_IMPRINT_MISMATCH"
    )
    with pytest.raises(SigningError) as err:
        TimestampToken.parse(token).verify(checkpoint_message(lot.checkpoint(3)), [tsa.root])
    assert err.value.code == "TIMESTAMP_IMPRINT_MISMATCH"


def test_multi_cert_openssl_token_is_unparseable_not_a_crash(tsa: Tsa) -> None:
    lot = _lot()
    token = tsa.stamp(checkpoint_message(lot.checkpoint()), chain=True)
    with pytest.raises(MalformedInput) as err:
        TimestampToken.parse(token)
    assert err.value.code == "TIMESTAMP_UNPARSEABLE"
    trust = TrustBundle.from_signers([FARM]).with_roots(tsa_roots=[tsa.root])
    anchors = timestamp_anchors(_with_tokens(lot, (3, token)), trust)
    assert [(f.code, f.severity, f.details["reason"]) for f in anchors.findings] == [
        ("TIMESTAMP_UNPARSEABLE", "warning", "parse")
    ]


def test_unpinned_tsa_and_bad_entries(tsa: Tsa) -> None:
    lot = _lot()
    token = tsa.stamp(checkpoint_message(lot.checkpoint()))
    anchors = timestamp_anchors(_with_tokens(lot, (3, token)), TrustBundle())
    assert anchors.findings[0].details["reason"] == "untrusted"
    assert anchors.at(0) is None
    obj = json.loads(lot.bundle())
    obj["timestamps"] = [
        {"checkpoint": 0, "token": "AA"},
        "x",
        {"checkpoint": 9, "token": b64url_encode(token)},
    ]
    found = timestamp_anchors(
        json.dumps(obj), TrustBundle().with_roots(tsa_roots=[tsa.root])
    ).findings
    assert [f.code for f in found] == [
        "TIMESTAMP_UNPARSEABLE",
        "TIMESTAMP_UNPARSEABLE",
        "TIMESTAMP_IMPRINT_MISMATCH",
    ]
    assert timestamp_anchors(b"not json", TrustBundle()).times == {}


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=300))
def test_junk_tokens_never_crash(junk: bytes) -> None:
    with pytest.raises(MalformedInput) as err:
        TimestampToken.parse(junk)
    assert err.value.code == "TIMESTAMP_UNPARSEABLE"


def test_missing_dependency(monkeypatch: pytest.MonkeyPatch) -> None:
    real: Callable[[str], object] = timestamps.importlib.import_module

    def fake(name: str) -> object:
        if name == "rfc3161_client":
            raise ImportError(name)
        return real(name)

    monkeypatch.setattr(timestamps.importlib, "import_module", fake)
    with pytest.raises(MissingDependencyError) as err:
        TimestampToken.parse(b"0")
    assert err.value.extra == "tsa"
    assert err.value.package == "rfc3161-client"
    lot = _lot(1)
    anchors = timestamp_anchors(_with_tokens(lot, (1, b"0")), TrustBundle())
    assert anchors.findings[0].details["reason"] == "missing-dependency"


# --- AT-17: keyCompromise judged at the TSA time ----------------------------------------


def test_key_compromise_judged_at_tsa_time(tsa: Tsa) -> None:
    lot = _lot()
    token = TimestampToken.parse(tsa.stamp(checkpoint_message(lot.checkpoint())))
    bundle = _with_tokens(lot, (3, token.der))
    base = TrustBundle.from_signers([FARM]).with_roots(tsa_roots=[tsa.root])

    def codes(effective: str, data: bytes = bundle) -> list[tuple[str, int | None, str]]:
        trust = base.revoke(FARM.kid, reason="keyCompromise", effective=effective)
        return _key_codes(data, trust)

    later, earlier = "2099-01-01T00:00:00Z", "2026-05-15T00:00:00Z"
    assert token.anchored < later
    assert token.anchored > earlier
    assert codes(later) == []  # TSA time < T: valid
    assert codes(earlier) == [("SIGNED_AFTER_REVOCATION", s, "error") for s in range(3)]
    unanchored = codes(later, lot.bundle())  # no anchor
    assert unanchored == [("UNANCHORED_AFTER_COMPROMISE", s, "error") for s in range(3)]
    superseded = base.revoke(FARM.kid, reason="superseded", effective=later)
    assert _key_codes(bundle, superseded) == []
    assert {sev for _, _, sev in _key_codes(lot.bundle(), superseded)} == {"info"}


_KEY_CODES = frozenset(
    {"KEY_EXPIRED", "KEY_REVOKED", "SIGNED_AFTER_REVOCATION", "UNANCHORED_AFTER_COMPROMISE"}
)


def _key_codes(data: bytes, trust: TrustBundle) -> list[tuple[str, int | None, str]]:
    """The key findings ``verify`` reports (judged at the anchored time)."""
    report = verify(data, trust=trust)
    return [(f.code, f.seq, f.severity) for f in report.findings if f.code in _KEY_CODES]
