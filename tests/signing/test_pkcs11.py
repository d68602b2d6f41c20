"""Pkcs11Signer against SoftHSM2 (extra ``pkcs11``); skips without softhsm2-util or the module."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracelib.errors import InputError, SigningError
from tracelib.signing.chain import Chain
from tracelib.signing.pkcs11 import Pkcs11Signer, parse_pkcs11_uri
from tracelib.signing.trust import TrustBundle
from tracelib.signing.verify import verify

MODULES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
MODULE = next((m for m in MODULES if Path(m).exists()), None)
ACTOR = "https://id.gs1.org/417/8930000000019"
PIN = "1234"


def test_uri_parsing() -> None:
    uri = parse_pkcs11_uri("pkcs11:token=t;object=a%20b;id=%0A?module-path=/m.so&pin-value=9")
    assert (uri.token, uri.object, uri.id, uri.module_path, uri.pin) == (
        "t",
        "a b",
        b"\n",
        "/m.so",
        "9",
    )
    assert "9" not in repr(uri)
    for bad in (
        "pkcs11:object=a;object=b",
        "pkcs11:colour=red",
        "pkcs11:object=%zz",
        "pkcs11:type=cert",
        "pkcs11:object",
        "pkcs11:id=%ff?pin-source=x",
        "nope",
    ):
        with pytest.raises(InputError) as err:
            parse_pkcs11_uri(bad)
        assert err.value.code == "PKCS11_URI_INVALID"


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pkcs11 = pytest.importorskip(
        "pkcs11", reason="the pkcs11 extra (python-pkcs11) is not installed"
    )
    util = shutil.which("softhsm2-util")
    if util is None or MODULE is None:
        pytest.skip("SoftHSM2 is not installed (apt-get install softhsm2)")
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run(
        [util, "--init-token", "--free", "--label", "tracelib", "--pin", PIN, "--so-pin", "5678"],
        check=True,
        capture_output=True,
        timeout=30,
    )
    tok = pkcs11.lib(MODULE).get_token(token_label="tracelib")
    with tok.open(rw=True, user_pin=PIN) as session:
        session.generate_keypair(pkcs11.KeyType.RSA, 2048, label="rsa", id=b"\x01", store=True)
        params = session.create_domain_parameters(
            pkcs11.KeyType.EC,
            {
                pkcs11.Attribute.EC_PARAMS: __import__(
                    "pkcs11.util.ec", fromlist=["x"]
                ).encode_named_curve_parameters("secp256r1")
            },
            local=True,
        )
        params.generate_keypair(label="ec", id=b"\x02", store=True)
    yield f"pkcs11:token=tracelib;object={{}};type=private?module-path={MODULE}&pin-value={PIN}"
    mp.undo()


@pytest.mark.parametrize(("label", "alg"), [("rsa", "PS256"), ("rsa", "RS256"), ("ec", "ES256")])
def test_pkcs11_signer_signs_a_chain(token: str, label: str, alg: str) -> None:
    signer = Pkcs11Signer.from_uri(token.format(label), actor=ACTOR, alg=alg)  # type: ignore[arg-type]
    try:
        assert signer.alg == alg
        assert signer.public_key.kty == ("EC" if label == "ec" else "RSA")
        lot = Chain.create("trace.example.vn/lot/08930000000012/HSM", signer=signer)
        lot.append(b'{"q":1}', payload_type="application/json", signer=signer)
        record = lot.records[0]
        record.verify(signer.public_key)
        report = verify(lot.bundle(), trust=TrustBundle.from_signers([signer]))
        assert report.verdict == "VALID", report.findings
        if alg == "ES256":
            assert len(signer.sign(b"x")) == 64
    finally:
        signer.close()


def test_pkcs11_errors(token: str) -> None:
    with pytest.raises(InputError) as err:
        Pkcs11Signer.from_uri(token.format("missing"), actor=ACTOR)
    assert err.value.code == "PKCS11_KEY_NOT_FOUND"
    with pytest.raises(InputError) as err:
        Pkcs11Signer.from_uri(token.format("ec"), actor=ACTOR, alg="PS256")
    assert err.value.code == "ALG_KEY_MISMATCH"
    with pytest.raises(SigningError) as err2:
        Pkcs11Signer.from_uri(token.format("rsa"), actor=ACTOR, pin="0000")
    assert err2.value.code == "PKCS11_ERROR"
