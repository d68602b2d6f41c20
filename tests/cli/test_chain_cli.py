"""``tracelib chain keygen|append|verify|head``: files written, output, exit status.

The exit statuses follow the scheme of the whole ``tracelib`` command (docs/cli.md): 0 VALID,
1 INVALID, VALID_WITH_WARNINGS or a refused append, 2 usage error. (They were 2 for INVALID
and 64 for usage errors before the CLI was made consistent: these tests changed with it.)
"""

from __future__ import annotations

import argparse
import json
import stat
from pathlib import Path
from typing import Any

import pytest

from tracelib import epcis
from tracelib.cli import chain as cli_chain
from tracelib.signing.head import CompactHead
from tracelib.signing.keys import PublicKey
from tracelib.signing.trust import TrustBundle, TrustedKey

FARM = "https://id.gs1.org/417/8930000000019"
PROC = "https://id.gs1.org/417/8930000000026"
BASE = "https://id.gs1.org/01/09520123456788/10/LOT1"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tracelib")
    cli_chain.add_parser(parser.add_subparsers(dest="command"))
    return parser


def run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    try:
        args = _parser().parse_args(["chain", *argv])
        status = int(args.func(args))
    except SystemExit as exc:
        status = int(exc.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def _trust(*keys: Path) -> bytes:
    entries = []
    for path in keys:
        jwk = json.loads(path.read_bytes())
        public = PublicKey.from_jwk({k: v for k, v in jwk.items() if k in ("kty", "crv", "x", "y")})
        alg = "Ed25519" if jwk["kty"] == "OKP" else "ES256"
        entries.append(TrustedKey(jwk["tracelib_actor"], public, alg))
    return TrustBundle(tuple(entries)).to_bytes()


@pytest.fixture
def lot(tmp_path: Path, capsys: Any) -> dict[str, Path]:
    key = tmp_path / "farm.jwk"
    assert run(capsys, "keygen", "--out", str(key), "--actor", FARM)[0] == 0
    event = tmp_path / "harvest.xml"
    event.write_bytes(epcis.ObjectEvent.create("2026-05-14T08:00:00+07:00", action="ADD").to_xml())
    bundle = tmp_path / "lot.json"
    status, out, _ = run(
        capsys,
        "append",
        str(bundle),
        "--key",
        str(key),
        "--payload",
        str(event),
        "--chain",
        "trace.example.vn/lot/1",
        "--iat",
        "2026-05-14T01:00:00Z",
    )
    assert status == 0, out
    assert out.startswith("seq 0 event ")
    trust = tmp_path / "trust.json"
    trust.write_bytes(_trust(key))
    return {"key": key, "event": event, "bundle": bundle, "trust": trust, "dir": tmp_path}


def test_keygen_writes_a_private_jwk_with_the_actor(lot: dict[str, Path], capsys: Any) -> None:
    jwk = json.loads(lot["key"].read_bytes())
    assert jwk["tracelib_actor"] == FARM
    assert jwk["kty"] == "OKP"
    assert len(jwk["d"]) == 43
    assert stat.S_IMODE(lot["key"].stat().st_mode) == 0o600
    status, _, err = run(capsys, "keygen", "--out", str(lot["key"]), "--actor", FARM)
    assert status == 2
    assert "exists" in err


def test_append_fills_the_event_id_and_verify_is_valid(lot: dict[str, Path], capsys: Any) -> None:
    bundle = json.loads(lot["bundle"].read_bytes())
    assert len(bundle["records"]) == 1
    status, out, _ = run(
        capsys,
        "verify",
        str(lot["bundle"]),
        "--trust",
        str(lot["trust"]),
        "--json",
        "--now",
        "2026-05-15T00:00:00Z",
    )
    assert status == 0
    report = json.loads(out)
    assert report["verdict"] == "VALID"
    assert [f["code"] for f in report["findings"]] == ["FRESHNESS_UNKNOWN"]
    from tracelib.signing.chain import Chain

    header = Chain.load(lot["bundle"].read_bytes()).records[0].header
    assert header.event_id == epcis.parse(lot["event"].read_bytes()).hash_id()


def test_head_prints_a_digital_link_that_clears_freshness(
    lot: dict[str, Path], capsys: Any
) -> None:
    status, out, _ = run(
        capsys, "head", str(lot["bundle"]), "--key", str(lot["key"]), "--base", BASE
    )
    assert status == 0
    uri = out.strip()
    assert uri.startswith(BASE + "?th=")
    assert CompactHead.from_digital_link(uri).size == 1
    status, out, _ = run(
        capsys, "verify", str(lot["bundle"]), "--trust", str(lot["trust"]), "--head", uri, "--json"
    )
    assert status == 0
    assert json.loads(out)["findings"] == []


def test_exit_codes_for_warnings_invalid_and_usage(lot: dict[str, Path], capsys: Any) -> None:
    stale = TrustBundle.load(lot["trust"].read_bytes())
    stale_path = lot["dir"] / "stale.json"
    stale_path.write_bytes(
        TrustBundle(stale.keys, "2026-01-01T00:00:00Z", "2030-01-01T00:00:00Z").to_bytes()
    )
    status, out, _ = run(
        capsys,
        "verify",
        str(lot["bundle"]),
        "--trust",
        str(stale_path),
        "--now",
        "2026-06-01T00:00:00Z",
    )
    assert status == 1
    assert out.startswith("VALID_WITH_WARNINGS")
    tampered = lot["dir"] / "tampered.json"
    data = json.loads(lot["bundle"].read_bytes())
    key = next(iter(data["payloads"]))
    data["payloads"][key] = data["payloads"][key][:-4] + "AAAA"
    tampered.write_text(json.dumps(data))
    status, out, _ = run(capsys, "verify", str(tampered), "--trust", str(lot["trust"]))
    assert status == 1
    assert "PAYLOAD_DIGEST_MISMATCH" in out
    assert run(capsys, "verify", str(lot["bundle"]))[0] == 2  # --trust missing
    assert (
        run(capsys, "verify", str(lot["dir"] / "nope.json"), "--trust", str(lot["trust"]))[0] == 2
    )
    assert run(capsys, "bogus")[0] == 2
    assert run(capsys)[0] == 2


def test_append_is_refused_for_another_custodian(lot: dict[str, Path], capsys: Any) -> None:
    other = lot["dir"] / "proc.jwk"
    assert run(capsys, "keygen", "--out", str(other), "--actor", PROC, "--alg", "ES256")[0] == 0
    status, _, err = run(
        capsys, "append", str(lot["bundle"]), "--key", str(other), "--payload", str(lot["event"])
    )
    assert status == 1  # refused by the chain: the input is not acceptable, not a usage error
    assert "custody" in err
    before = lot["bundle"].read_bytes()
    assert (
        run(capsys, "append", str(lot["bundle"]), "--key", str(lot["key"]), "--kind", "seal")[0]
        == 0
    )
    assert lot["bundle"].read_bytes() != before
    status, _, err = run(
        capsys,
        "append",
        str(lot["bundle"]),
        "--key",
        str(lot["key"]),
        "--payload",
        str(lot["event"]),
    )
    assert status == 1
    assert "seal" in err


def test_append_usage_errors(lot: dict[str, Path], capsys: Any) -> None:
    fresh = lot["dir"] / "new.json"
    status, _, err = run(
        capsys, "append", str(fresh), "--key", str(lot["key"]), "--payload", str(lot["event"])
    )
    assert status == 2
    assert "--chain" in err
    bad_key = lot["dir"] / "bad.jwk"
    bad_key.write_text('{"kty":"OKP"}')
    assert (
        run(
            capsys,
            "append",
            str(lot["bundle"]),
            "--key",
            str(bad_key),
            "--payload",
            str(lot["event"]),
        )[0]
        == 2
    )
    blob = lot["dir"] / "blob.bin"
    blob.write_bytes(b"x")
    status, _, err = run(
        capsys, "append", str(lot["bundle"]), "--key", str(lot["key"]), "--payload", str(blob)
    )
    assert status == 2
    assert "--type" in err
