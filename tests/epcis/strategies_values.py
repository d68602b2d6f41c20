"""Hypothesis strategies for EPCIS values: times, identifiers, CBV values, extension trees.

Re-exported by :mod:`tests.epcis.strategies`, whose docstring explains ``syntax``.
"""

from __future__ import annotations

import functools
import string
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from hypothesis import strategies as st

from tests import strategies as gs
from tracelib.epcis import cbv
from tracelib.epcis.models import Extension, ExtensionAttribute

Syntax = Literal["any", "xml", "jsonld"]

#: The extension prefixes the strategies use (declare them in a JSON-LD ``@context``).
NAMESPACES: dict[str, str] = {
    "ex": "http://ns.example.com/epcis/",
    "vn": "https://example.vn/truy-xuat/",
    "rail": "urn:gs1:epcisapp:rail:",
    "cbvmda": "urn:epcglobal:cbv:mda:",
}
_XSI_TYPES = ("xsd:string", "xsd:integer", "xsd:decimal", "xsd:boolean", "xsd:dateTime")
_SAFE = string.ascii_letters + string.digits
_NCNAME_START = string.ascii_letters + "_"
_NCNAME = string.ascii_letters + string.digits + "_-."
# Text of extensions and strings: printable, some Vietnamese, no control characters.
_TEXT = st.text(
    alphabet=st.characters(
        codec="utf-8",
        exclude_categories=("Cc", "Cs", "Co", "Cn"),
    )
    | st.sampled_from("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"),
    max_size=24,
)


@functools.cache
def _texts(syntax: Syntax) -> st.SearchStrategy[str]:
    # XML codecs trim values: no surrounding white space there.
    return _TEXT.map(str.strip) if syntax == "xml" else _TEXT


# -- scalars -----------------------------------------------------------------------------------


@functools.cache
def offsets() -> st.SearchStrategy[str]:
    """``±hh:mm`` offsets of at most ±14:00."""
    normal = st.builds(
        lambda sign, h, m: f"{sign}{h:02d}:{m:02d}",
        st.sampled_from("+-"),
        st.integers(0, 13),
        st.sampled_from((0, 15, 30, 45, 59)),
    )
    return normal | st.sampled_from(("+14:00", "-14:00", "+07:00", "+00:00", "-06:00"))


@functools.cache
def timestamps() -> st.SearchStrategy[str]:
    """EPCIS timestamp texts: any offset form, 0 to 9 fractional digits."""
    return st.builds(
        lambda dt, digits, zone: (
            dt.strftime("%Y-%m-%dT%H:%M:%S") + (f".{digits}" if digits else "") + zone
        ),
        st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2099, 12, 31)),
        st.text("0123456789", max_size=9),
        st.just("Z") | offsets(),
    )


@functools.cache
def decimals(syntax: Syntax = "any") -> st.SearchStrategy[Decimal]:
    """Finite decimals; for JSON-LD, values that survive an IEEE double exactly."""
    if syntax == "jsonld":
        return (
            st.integers(-(10**9), 10**9)
            .flatmap(lambda n: st.sampled_from((Decimal(n), Decimal(n) / 4, Decimal(n) / 100)))
            .filter(lambda d: Decimal(repr(float(d))) == d)
        )
    return st.decimals(
        allow_nan=False, allow_infinity=False, places=6, min_value=-(10**12), max_value=10**12
    )


@functools.cache
def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=n, max_size=n)


@functools.cache
def _serial() -> st.SearchStrategy[str]:
    return st.text(_SAFE, min_size=1, max_size=12)


@functools.cache
def _company_split(total: int) -> st.SearchStrategy[tuple[str, str]]:
    return st.integers(6, 12).flatmap(lambda cp: st.tuples(_digits(cp), _digits(total - cp)))


@functools.cache
def epc_urns() -> st.SearchStrategy[str]:
    """Pure-identity EPC URNs: SGTIN, SSCC, GRAI, GIAI."""
    sgtin = st.builds(
        lambda parts, s: f"urn:epc:id:sgtin:{parts[0]}.{parts[1]}.{s}",
        _company_split(13),
        _serial(),
    )
    sscc = st.builds(lambda parts: f"urn:epc:id:sscc:{parts[0]}.{parts[1]}", _company_split(17))
    grai = st.builds(
        lambda parts, s: f"urn:epc:id:grai:{parts[0]}.{parts[1]}.{s}", _company_split(12), _serial()
    )
    giai = st.builds(lambda cp, s: f"urn:epc:id:giai:{cp}.{s}", _digits(7), _serial())
    return st.one_of(sgtin, sscc, grai, giai)


@functools.cache
def digital_links() -> st.SearchStrategy[str]:
    """Canonical GS1 Digital Link URIs of serialised items and logistic units."""
    item = st.builds(
        lambda g, s: f"https://id.gs1.org/01/{g}/21/{s}", gs.numeric_keys(14), _serial()
    )
    unit = st.builds(lambda s: f"https://id.gs1.org/00/{s}", gs.numeric_keys(18))
    return item | unit


@functools.cache
def instance_ids() -> st.SearchStrategy[str]:
    """Instance-level identifiers: EPC URNs or Digital Link URIs."""
    return epc_urns() | digital_links()


@functools.cache
def class_ids() -> st.SearchStrategy[str]:
    """Class-level identifiers: LGTIN URNs, patterns, Digital Links with a lot or none."""
    lgtin = st.builds(
        lambda parts, lot: f"urn:epc:class:lgtin:{parts[0]}.{parts[1]}.{lot}",
        _company_split(13),
        _serial(),
    )
    idpat = st.builds(
        lambda parts: f"urn:epc:idpat:sgtin:{parts[0]}.{parts[1]}.*", _company_split(13)
    )
    dl = st.builds(
        lambda g, lot: f"https://id.gs1.org/01/{g}" + (f"/10/{lot}" if lot else ""),
        gs.numeric_keys(14),
        st.none() | _serial(),
    )
    return st.one_of(lgtin, idpat, dl)


@functools.cache
def location_ids() -> st.SearchStrategy[str]:
    """SGLN URNs and GLN Digital Links."""
    sgln = st.builds(
        lambda parts, ext: f"urn:epc:id:sgln:{parts[0]}.{parts[1]}.{ext}",
        _company_split(12),
        st.text(_SAFE, min_size=1, max_size=5),
    )
    dl = st.builds(lambda g: f"https://id.gs1.org/414/{g}", gs.numeric_keys(13))
    return sgln | dl


@functools.cache
def private_uris() -> st.SearchStrategy[str]:
    """URIs outside the GS1 namespaces (private vocabularies, documents, devices)."""
    path = st.text(_SAFE + "-_/", min_size=1, max_size=16).filter(lambda p: not p.startswith("/"))
    return st.one_of(
        st.builds(lambda p: f"https://example.com/{p}", path),
        st.builds(lambda p: f"urn:example:{p.replace('/', ':')}", path),
        st.builds(lambda p: f"http://transaction.example.vn/po/{p}", path),
    )


@functools.cache
def event_ids() -> st.SearchStrategy[str]:
    """UUID URNs and ``ni:///`` hash IDs."""
    uuid = st.uuids().map(lambda u: f"urn:uuid:{u}")
    ni = st.text("0123456789abcdef", min_size=64, max_size=64).map(
        lambda h: f"ni:///sha-256;{h}?ver=CBV2.0"
    )
    return uuid | ni


@functools.cache
def cbv_values(kind: cbv.CbvKind) -> st.SearchStrategy[str]:
    """A value of a CBV list in any of its four forms, a newer GS1 term, or a private URI."""
    words = cbv.terms(kind)
    known = st.sampled_from(words).flatmap(
        lambda w: st.sampled_from(
            tuple(
                {
                    cbv.CbvValue.parse(w, kind).to(form)
                    for form in ("urn", "web_uri", "bare", "curie")
                }
            )
        )
    )
    newer = st.from_regex(r"[a-z][a-z_]{2,11}", fullmatch=True).map(
        lambda w: cbv.CbvValue.parse(w, kind).to_web_uri()
    )
    return st.one_of(known, known, newer, private_uris())


# -- extensions ---------------------------------------------------------------------------------


@functools.cache
def _names() -> st.SearchStrategy[str]:
    return st.builds(
        lambda a, b: a + b, st.sampled_from(_NCNAME_START), st.text(_NCNAME, max_size=10)
    ).filter(lambda n: n != "value")


@functools.cache
def _namespace_and_prefix() -> st.SearchStrategy[tuple[str, str]]:
    return st.sampled_from(sorted(NAMESPACES.items())).map(lambda item: (item[1], item[0]))


@functools.cache
def _number_texts() -> st.SearchStrategy[str]:
    return st.integers(-(10**12), 10**12).map(str) | st.floats(
        allow_nan=False, allow_infinity=False, width=64
    ).map(repr)


@functools.cache
def _leaf(syntax: Syntax, simple: bool) -> st.SearchStrategy[dict[str, Any]]:
    kinds: list[st.SearchStrategy[dict[str, Any]]] = [_texts(syntax).map(lambda t: {"text": t})]
    if syntax != "xml" and not simple:
        kinds += [
            _number_texts().map(lambda t: {"text": t, "json_type": "number"}),
            st.booleans().map(lambda b: {"text": "true" if b else "false", "json_type": "boolean"}),
            st.just({"json_type": "null"}),
            st.just({"json_type": "object"}),
        ]
    if syntax == "any":
        kinds.append(st.just({}))  # text None: an XML element read without content
    return st.one_of(kinds)


@functools.cache
def extension_nodes(
    syntax: Syntax = "any", *, qualified: bool = True, simple: bool = False, depth: int = 2
) -> st.SearchStrategy[Extension]:
    """One extension node (with children down to ``depth``).

    Args:
        syntax: ``"any"``, ``"xml"`` or ``"jsonld"`` (see the module docstring).
        qualified: The node has a namespace (required at extension points).
        simple: A leaf with text only: sensor metadata/report extensions are XML attributes.
        depth: Maximum depth of children.
    """

    @st.composite
    def build(draw: Any) -> Extension:
        if qualified or draw(st.booleans()):
            namespace, prefix = draw(_namespace_and_prefix())
        else:
            namespace, prefix = None, None
        name = draw(_names())
        xsi_type = None
        if not simple and draw(st.integers(0, 4)) == 0:
            xsi_type = draw(st.sampled_from(_XSI_TYPES))
        attributes: tuple[ExtensionAttribute, ...] = ()
        if syntax != "jsonld" and not simple and draw(st.integers(0, 3)) == 0:
            attrs = draw(
                st.lists(
                    st.tuples(_namespace_and_prefix(), _names(), _texts(syntax)),
                    max_size=2,
                    unique_by=lambda t: (t[0][0], t[1]),
                )
            )
            attributes = tuple(ExtensionAttribute(ns, n, v, p) for (ns, p), n, v in attrs)
        if depth > 0 and not simple and draw(st.booleans()):
            children = draw(_siblings(syntax, depth - 1, qualified=False, min_size=1))
            text = None
            if syntax != "xml" and draw(st.integers(0, 4)) == 0:
                text = draw(_texts(syntax))  # "rdf:value" beside the members
            return Extension(namespace, name, prefix, text, children, attributes, xsi_type)
        leaf = draw(_leaf(syntax, simple))
        if syntax == "jsonld" and leaf.get("json_type") == "object" and xsi_type:
            leaf = {"text": ""}
        return Extension(
            namespace,
            name,
            prefix,
            leaf.get("text"),
            (),
            attributes,
            xsi_type,
            leaf.get("json_type"),
        )

    return build()


@functools.cache
def _siblings(
    syntax: Syntax,
    depth: int,
    *,
    qualified: bool,
    simple: bool = False,
    min_size: int = 0,
    max_size: int = 4,
) -> st.SearchStrategy[tuple[Extension, ...]]:
    """Sibling nodes; for JSON-LD, distinct names, repeated ones as consecutive array items."""

    @st.composite
    def build(draw: Any) -> tuple[Extension, ...]:
        nodes = draw(
            st.lists(
                extension_nodes(syntax, qualified=qualified, simple=simple, depth=depth),
                min_size=min_size,
                max_size=max_size,
            )
        )
        if syntax != "jsonld":
            if syntax == "any" and nodes and draw(st.booleans()):
                nodes = [nodes[0].replace(array=True), *nodes[1:]]
            return tuple(nodes)
        out: list[Extension] = []
        seen: set[tuple[str | None, str]] = set()
        for node in nodes:
            key = (node.namespace, node.name)
            if key in seen:
                continue
            seen.add(key)
            if node.json_type != "array" and draw(st.integers(0, 3)) == 0:
                out.extend(node.replace(array=True) for _ in range(draw(st.integers(1, 3))))
            else:
                out.append(node)
        if draw(st.integers(0, 9)) == 0:
            namespace, prefix = draw(_namespace_and_prefix())
            name = draw(_names())
            if (namespace, name) not in seen:
                out.append(Extension(namespace, name, prefix, json_type="array"))
        return tuple(out)

    return build()


@functools.cache
def extensions(
    syntax: Syntax = "any", *, simple: bool = False, max_size: int = 4
) -> st.SearchStrategy[tuple[Extension, ...]]:
    """The ``extensions`` of an extension point (qualified top-level nodes)."""
    return _siblings(syntax, 2, qualified=True, simple=simple, max_size=max_size)
