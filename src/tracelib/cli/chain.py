"""``tracelib chain``: keys, appending, verifying and QR heads of signed trace-record chains.

* ``tracelib chain keygen -o KEY.jwk --actor ACTOR [--alg Ed25519]``: a new private key,
  written as a JWK with the actor in a ``tracelib_actor`` member (file mode 0600);
* ``tracelib chain append BUNDLE --key KEY --payload FILE [--kind event|accept|seal]
  [--chain ORIGIN] [--type MEDIA] [--withhold]``: append a record (the bundle is created,
  with ``--chain``, when it does not exist yet) and rewrite the bundle;
* ``tracelib chain verify BUNDLE --trust TRUST.json [--head URI]... [--json]``: verify
  offline and print the report;
* ``tracelib chain head BUNDLE --key KEY [--base URI]``: print the GS1 Digital Link URI with
  the compact signed head (``?th=``) for the QR label.

``--json`` prints one JSON object on standard output for every sub-command.

Exit status, as for every ``tracelib`` command: 0 ``VALID`` (or the command succeeded),
1 ``INVALID`` or ``VALID_WITH_WARNINGS`` (the verdict is the first word of the output, or
``verdict`` with ``--json``), or a bundle that is malformed or refuses the append (custody,
seal), 2 usage error (bad option, unreadable file, a key or trust bundle that is not one).
Earlier development versions used 64 for usage errors and 2 for ``INVALID``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from ..errors import TracelibError
from ..signing.canonical import b64url_decode, b64url_encode, canonicalize, parse_json
from ..signing.chain import Chain
from ..signing.signers import SoftwareSigner
from ..signing.trust import TrustBundle
from ..signing.verify import verify
from ._inputs import UsageError
from ._output import error_text

__all__ = ["EXIT", "add_parser"]

#: Exit status by verdict, and of a usage error: the scheme of the whole ``tracelib`` command.
EXIT = {"VALID": 0, "VALID_WITH_WARNINGS": 1, "INVALID": 1, "USAGE": 2}
_ACTOR = "tracelib_actor"
_EXAMPLE_ACTOR = "https://id.gs1.org/417/8930000000019"
_DEFAULT_BASE = "https://id.gs1.org"
_TYPES = {
    ".xml": "application/epcis+xml",
    ".json": 'application/ld+json; profile="https://ref.gs1.org/standards/epcis"',
    ".jsonld": 'application/ld+json; profile="https://ref.gs1.org/standards/epcis"',
}


class _RefusedError(Exception):
    """The bundle was read but is malformed or refuses the operation: exit status 1."""


def add_parser(commands: Any) -> None:
    """Register ``chain`` and its sub-commands.

    Args:
        commands: The object returned by ``ArgumentParser.add_subparsers()``.

    Examples:
        >>> parser = argparse.ArgumentParser(prog="tracelib")
        >>> add_parser(parser.add_subparsers())
        >>> args = parser.parse_args(["chain", "verify", "lot.json", "--trust", "t.json"])
        >>> args.bundle, args.trust, args.json
        ('lot.json', 't.json', False)
    """
    chain = commands.add_parser(
        "chain",
        help="signed trace-record chains: keygen, append, verify, head",
        description="Signed, append-only trace-record chains (tracelib chain v1).",
        epilog=(
            "examples:\n"
            f"  tracelib chain keygen -o farm.jwk --actor {_EXAMPLE_ACTOR}\n"
            "  tracelib chain append lot.json --key farm.jwk --payload harvest.xml "
            "--chain trace.example.vn/lot/1\n"
            "  tracelib chain verify lot.json --trust trust.json\n\n"
            "exit status: 0 VALID (or done), 1 INVALID or VALID_WITH_WARNINGS (or the\n"
            "bundle refused the append), 2 usage error"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    chain.set_defaults(func=lambda _args: _missing(chain), command_name="tracelib chain")
    sub = chain.add_subparsers(dest="chain_command", metavar="COMMAND")
    status = "exit status: 0 VALID, 1 INVALID or VALID_WITH_WARNINGS, 2 usage error"
    keygen = sub.add_parser(
        "keygen",
        help="make a private key (JWK) for an actor",
        description="Write a new private key as a JWK (mode 0600) and print its key ID.\n\n"
        "exit status: 0 written, 2 usage error",
        epilog=(
            "examples:\n"
            f"  tracelib chain keygen -o farm.jwk --actor {_EXAMPLE_ACTOR}\n"
            "  tracelib chain keygen -o proc.jwk --actor did:web:proc.example.vn --alg ES256 "
            "--json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    keygen.add_argument("-o", "--out", required=True, metavar="KEY.jwk", help="the file to write")
    keygen.add_argument("--actor", required=True, help="the party URI (GLN Digital Link, did)")
    keygen.add_argument("--alg", default="Ed25519", choices=("Ed25519", "ES256"))
    keygen.add_argument("--force", action="store_true", help="overwrite an existing file")
    keygen.add_argument("--json", action="store_true", help="print the result as JSON")
    keygen.set_defaults(func=_keygen)

    append = sub.add_parser(
        "append",
        help="append a signed record to a bundle",
        description="Append a record over the exact bytes of FILE and rewrite BUNDLE.\n"
        "EPCIS events get their CBV 2.0 eventId in the header.\n\n"
        "exit status: 0 appended, 1 refused (custody, seal) or a malformed bundle,\n"
        "2 usage error",
        epilog=(
            "examples:\n"
            "  tracelib chain append lot.json --key farm.jwk --payload harvest.xml "
            "--chain trace.example.vn/lot/1\n"
            "  tracelib chain append lot.json --key dist.jwk --kind accept --json\n"
            "  tracelib chain append lot.json --key farm.jwk --kind seal"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    append.add_argument("bundle", metavar="BUNDLE")
    append.add_argument("--key", required=True, metavar="KEY", help="the signer's JWK")
    append.add_argument("--payload", metavar="FILE", help="the payload (EPCIS XML or JSON-LD)")
    append.add_argument("--kind", default="event", choices=("event", "accept", "seal"))
    append.add_argument("--type", dest="media_type", help="media type (default: by suffix)")
    append.add_argument("--chain", help="the chain origin, to create BUNDLE")
    append.add_argument("--withhold", action="store_true", help="keep the payload out")
    append.add_argument("--iat", help="claimed time (RFC 3339; default now)")
    append.add_argument("--json", action="store_true", help="print the record as JSON")
    append.set_defaults(func=_append)

    check = sub.add_parser(
        "verify",
        help="verify a bundle offline",
        description=f"Verify BUNDLE against a trust bundle.\n\n{status}",
        epilog=(
            "examples:\n"
            "  tracelib chain verify lot.json --trust trust.json\n"
            "  tracelib chain verify lot.json --trust trust.json --head "
            "'https://id.gs1.org/01/09520123456788?th=...' --json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("bundle", metavar="BUNDLE")
    check.add_argument("--trust", required=True, metavar="TRUST.json")
    check.add_argument(
        "--head", action="append", default=[], metavar="URI", help="scanned QR head or note file"
    )
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.add_argument("--now", help="the verifier's time (RFC 3339; default now)")
    check.set_defaults(func=_verify)

    head = sub.add_parser(
        "head",
        help="print the Digital Link URI with the signed head",
        description="Sign the chain head and print the GS1 Digital Link URI with ?th=.\n\n"
        "exit status: 0 printed, 1 a malformed bundle, 2 usage error",
        epilog=(
            "examples:\n"
            "  tracelib chain head lot.json --key farm.jwk --base "
            "https://id.gs1.org/01/09520123456788/10/LOT1\n"
            "  tracelib chain head lot.json --key farm.jwk --json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    head.add_argument("bundle", metavar="BUNDLE")
    head.add_argument("--key", required=True, metavar="KEY")
    head.add_argument("--base", default=_DEFAULT_BASE, help="the product's Digital Link URI")
    head.add_argument("--json", action="store_true", help="print the result as JSON")
    head.set_defaults(func=_head)
    for parser in (keygen, append, check, head):
        parser.set_defaults(command_name=f"tracelib chain {parser.prog.split()[-1]}")
        parser.set_defaults(func=_guarded(parser.get_default("func")))


def _missing(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT["USAGE"]


def _guarded(func: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            return int(func(args))
        except UsageError as exc:
            print(f"{args.command_name}: error: {exc}", file=sys.stderr)
            return EXIT["USAGE"]
        except _RefusedError as exc:
            print(f"{args.command_name}: error: {exc}", file=sys.stderr)
            return EXIT["INVALID"]
        except TracelibError as exc:
            source = getattr(args, "bundle", None)
            print(f"{args.command_name}: error: {error_text(exc, source)}", file=sys.stderr)
            return EXIT["INVALID"]

    return run


def _read(name: str) -> bytes:
    try:
        return Path(name).read_bytes()
    except FileNotFoundError:
        raise UsageError(f"no such file: {name}") from None
    except IsADirectoryError:
        raise UsageError(f"{name} is a directory, not a file") from None
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None


def _print_json(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


def _load_chain(name: str, signer: SoftwareSigner) -> Chain:
    try:
        return Chain.load(_read(name), signers=[signer])
    except TracelibError as exc:
        raise _RefusedError(error_text(exc, name)) from None


def _write(name: str, data: bytes, *, private: bool = False) -> None:
    try:
        if private:
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
        else:
            tmp = Path(name + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(name)
    except OSError as exc:
        raise UsageError(f"cannot write {name}: {exc.strerror or exc}") from None


def _load_key(name: str) -> SoftwareSigner:
    try:
        jwk = parse_json(_read(name))
    except TracelibError as exc:
        raise UsageError(
            f"--key {error_text(exc, name)}; give a key from 'tracelib chain keygen'"
        ) from None
    if not isinstance(jwk, dict) or not isinstance(jwk.get(_ACTOR), str):
        raise UsageError(f"{name} is not a tracelib key (JWK with {_ACTOR})")
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519

    try:
        d = b64url_decode(jwk["d"])
        if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
            key: Any = ed25519.Ed25519PrivateKey.from_private_bytes(d)
        elif jwk.get("kty") == "EC" and jwk.get("crv") == "P-256":
            key = ec.derive_private_key(int.from_bytes(d, "big"), ec.SECP256R1())
        else:
            raise UsageError(f"{name}: only Ed25519 and P-256 keys are supported")
    except (KeyError, TypeError, ValueError, TracelibError):
        raise UsageError(f"{name}: the private key member d is missing or bad") from None
    signer = SoftwareSigner.from_private_key(key, actor=jwk[_ACTOR])
    if any(jwk.get(k) != v for k, v in signer.public_jwk().items()):
        raise UsageError(f"{name}: the public members do not match the private key")
    return signer


def _keygen(args: argparse.Namespace) -> int:
    if Path(args.out).exists() and not args.force:
        raise UsageError(f"{args.out} exists (use --force to overwrite)")
    signer = SoftwareSigner.generate(actor=args.actor, alg=args.alg)
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519

    key: Any = signer.private_key
    if isinstance(key, ed25519.Ed25519PrivateKey):
        d = key.private_bytes_raw()
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        d = key.private_numbers().private_value.to_bytes(32, "big")
    else:  # pragma: no cover - the choices above
        raise UsageError("unsupported key type")
    jwk = {**signer.public_jwk(), "d": b64url_encode(d), _ACTOR: args.actor, "kid": signer.kid}
    _write(args.out, canonicalize(jwk) + b"\n", private=True)
    if args.json:
        _print_json({"actor": args.actor, "alg": args.alg, "file": args.out, "kid": signer.kid})
    else:
        print(signer.kid)
    return 0


def _append(args: argparse.Namespace) -> int:
    signer = _load_key(args.key)
    if Path(args.bundle).exists():
        lot = _load_chain(args.bundle, signer)
        if args.chain is not None and args.chain != lot.id:
            raise UsageError(f"{args.bundle} is the chain {lot.id}, not {args.chain}")
    elif args.chain is None:
        raise UsageError(f"{args.bundle} does not exist: give --chain ORIGIN to create it")
    else:
        lot = Chain.create(args.chain, signer=signer)
    payload = _read(args.payload) if args.payload else None
    media = args.media_type or (_TYPES.get(Path(args.payload).suffix.lower()) if payload else None)
    if payload is not None and media is None:
        raise UsageError("give --type for a payload without .xml/.json/.jsonld suffix")
    if args.kind == "event" and payload is None:
        raise UsageError("an event needs --payload")
    if args.kind == "seal" and payload is not None:
        raise UsageError("a seal carries no payload")
    try:
        record = _add(lot, args, signer, payload, media)
    except TracelibError as exc:
        raise _RefusedError(error_text(exc, args.bundle)) from None
    _write(args.bundle, lot.bundle())
    record_id = b64url_encode(record.id)
    if args.json:
        header = record.header
        _print_json(
            {"bundle": args.bundle, "id": record_id, "kind": header.kind, "seq": header.seq}
        )
    else:
        print(f"seq {record.header.seq} {record.header.kind} {record_id}")
    return 0


def _add(
    lot: Chain, args: argparse.Namespace, signer: SoftwareSigner, payload: Any, media: Any
) -> Any:
    if args.kind == "event":
        return lot.append(
            payload, payload_type=media, signer=signer, iat=args.iat, withhold=args.withhold
        )
    if args.kind == "accept":
        return lot.accept(
            signer=signer,
            payload=payload,
            payload_type=media,
            iat=args.iat,
            withhold=args.withhold,
        )
    lot.seal(signer=signer, iat=args.iat)
    return lot.records[-1]


def _verify(args: argparse.Namespace) -> int:
    try:
        trust = TrustBundle.load(_read(args.trust))
    except TracelibError as exc:
        raise UsageError(f"--trust {error_text(exc, args.trust)}") from None
    evidence: list[object] = [
        _read(given).decode("utf-8", "replace") if Path(given).is_file() else given
        for given in args.head
    ]
    report = verify(_read(args.bundle), trust=trust, evidence=evidence, now=args.now)
    if args.json:
        sys.stdout.write(report.to_bytes().decode() + "\n")
    else:
        print(
            f"{report.verdict}  {report.chain}  {report.size} records, verified prefix "
            f"{report.verified_prefix}"
        )
        for f in report.findings:
            where = "-" if f.seq is None else str(f.seq)
            print(f"  {f.severity:<7} {where:>5}  {f.code}  {f.message}")
    return EXIT[report.verdict]


def _head(args: argparse.Namespace) -> int:
    signer = _load_key(args.key)
    lot = _load_chain(args.bundle, signer)
    uri = lot.head(signer).digital_link(args.base)
    if args.json:
        _print_json({"bundle": args.bundle, "size": len(lot.records), "uri": uri})
    else:
        print(uri)
    return 0
