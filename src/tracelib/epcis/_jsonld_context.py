"""JSON-LD ``@context`` processing for the EPCIS codec: offline, prefixes and protected terms.

Only what the codec needs of JSON-LD 1.1 context processing is done here: remote contexts are
resolved from the bundled tables (:mod:`tracelib.epcis._data.contexts`, generated from the GS1
files; an unknown URL is an :class:`~tracelib.errors.UnknownContextError` and is never
fetched), inline objects are read in order, and the prefixes (JSON-LD 1.1: a simple term
definition ending in a gen-delim character, or ``"@prefix": true``) and the term definitions
are tracked. A term of a ``@protected`` context keeps its definition when a later context
redefines it differently (JSON-LD would raise "protected term redefinition"): the redefinition
is reported as a :class:`Problem` and ignored.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ..errors import UnknownContextError
from ._context import DEFAULT_NAMESPACES, PROTECTED_PREFIXES

__all__ = [
    "DEFAULT_CONTEXT_URL",
    "EMPTY",
    "Active",
    "Problem",
    "bundled_urls",
    "context_key",
    "definition_digest",
    "effective_namespaces",
    "member_path",
    "prefix_iri",
    "process",
    "terms_of",
]

DEFAULT_CONTEXT_URL = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
_GEN_DELIMS = tuple(":/?#[]@")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def definition_digest(definition: Any) -> str:
    """A short digest of a term definition (a string ``s`` counts as ``{"@id": s}``)."""
    value = {"@id": definition} if isinstance(definition, str) else definition
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def prefix_iri(term: str, definition: Any) -> str | None:
    """The IRI of ``term`` when its definition makes it a prefix (JSON-LD 1.1), else ``None``."""
    if ":" in term or "/" in term:
        return None
    if isinstance(definition, str):
        return definition if definition.endswith(_GEN_DELIMS) else None
    if isinstance(definition, dict) and definition.get("@prefix") is True:
        iri = definition.get("@id")
        return iri if isinstance(iri, str) and iri else None
    return None


def member_path(path: str, name: str | int) -> str:
    """``path`` extended by one member name or array index, as in error paths."""
    if isinstance(name, int):
        return f"{path}[{name}]"
    if _IDENT.fullmatch(name):
        return f"{path}.{name}"
    return f"{path}[{name!r}]"


@dataclass(frozen=True, slots=True)
class Problem:
    """A protected term a context tried to redefine (or nullify): kept, and reported.

    Attributes:
        path: JSON path of the offending context member.
        term: The term (``cbvmda``); ``None`` for a ``null`` context entry.
        message: What happened.
        entry: Index of the context entry (``None`` when the context is one object).
    """

    path: str
    term: str | None
    message: str
    entry: int | None


@dataclass(frozen=True, slots=True)
class Active:
    """The state of context processing: prefixes and term definitions in effect.

    Attributes:
        prefixes: ``{prefix: IRI}`` declared by the contexts processed so far.
        terms: ``{term: (definition digest, protected)}``.
        urls: The bundled context keys applied, in order.
    """

    prefixes: Mapping[str, str]
    terms: Mapping[str, tuple[str, bool]]
    urls: tuple[str, ...] = ()


EMPTY = Active(MappingProxyType({}), MappingProxyType({}))
"""No context at all."""


def _tables() -> Any:
    from ._data import contexts

    return contexts


def bundled_urls() -> tuple[str, ...]:
    """The context URLs tracelib resolves offline."""
    return tuple(_tables().URLS)


def context_key(url: str) -> str | None:
    """Key of the bundled context ``url`` resolves to, or ``None``."""
    key: str | None = _tables().URLS.get(url)
    return key


def terms_of(key: str) -> Mapping[str, tuple[str | None, str | None, str | None]]:
    """``{term: (IRI, @type, @container)}`` of a bundled EPCIS context (empty if unknown)."""
    terms: Mapping[str, tuple[str | None, str | None, str | None]] = _tables().TERMS.get(key, {})
    return terms


_FROM_EMPTY: dict[str, Active] = {}


def _apply_url(
    url: str, active: Active, path: str, problems: list[Problem], entry: int | None
) -> Active:
    tables = _tables()
    key = tables.URLS.get(url)
    if key is None:
        raise UnknownContextError(
            f"{path}: the context {url!r} is not bundled with tracelib and is never fetched "
            f"(bundled: {', '.join(sorted(tables.URLS))})",
            code="EPCIS_UNKNOWN_CONTEXT",
            path=path,
        )
    if active is EMPTY:
        cached = _FROM_EMPTY.get(key)
        if cached is not None:
            return cached
    prefixes = dict(active.prefixes)
    terms = dict(active.terms)
    protected = tables.PROTECTED.get(key, {})
    declared = tables.PREFIXES.get(key, {})
    # Term digests of a context are known for protected contexts; others only declare prefixes.
    names = protected or dict.fromkeys(declared, "")
    for term, digest in names.items():
        old = terms.get(term)
        if old is not None and old[1] and old[0] != digest:
            problems.append(
                Problem(
                    path,
                    term,
                    f"{path}: the context {url!r} redefines the protected term {term!r}",
                    entry,
                )
            )
            continue
        terms[term] = (digest, bool(protected))
        iri = declared.get(term)
        if iri is not None:
            prefixes[term] = iri
        else:
            prefixes.pop(term, None)
    result = Active(MappingProxyType(prefixes), MappingProxyType(terms), (*active.urls, key))
    if active is EMPTY:
        _FROM_EMPTY[key] = result
    return result


def _apply_object(
    obj: Mapping[str, Any], active: Active, path: str, problems: list[Problem], entry: int | None
) -> Active:
    prefixes = dict(active.prefixes)
    terms = dict(active.terms)
    urls = active.urls
    imported = obj.get("@import")
    if imported is not None:
        if not isinstance(imported, str):
            raise UnknownContextError(
                f"{member_path(path, '@import')}: @import needs a context URL",
                code="EPCIS_UNKNOWN_CONTEXT",
                path=member_path(path, "@import"),
            )
        staged = _apply_url(imported, active, member_path(path, "@import"), problems, entry)
        prefixes, terms, urls = dict(staged.prefixes), dict(staged.terms), staged.urls
    protect_all = obj.get("@protected") is True
    for term, definition in obj.items():
        if not isinstance(term, str) or term.startswith("@"):
            continue
        where = member_path(path, term)
        digest = definition_digest(definition)
        old = terms.get(term)
        iri = prefix_iri(term, definition)
        if old is not None and old[1] and old[0] != digest:
            problems.append(
                Problem(where, term, f"{where}: redefines the protected term {term!r}", entry)
            )
            continue
        if term in PROTECTED_PREFIXES and iri != DEFAULT_NAMESPACES[term] and old is None:
            # No EPCIS context is in effect, but the models bind the EPCIS prefixes anyway.
            problems.append(
                Problem(
                    where,
                    term,
                    f"{where}: redefines the EPCIS prefix {term!r} "
                    f"(kept as {DEFAULT_NAMESPACES[term]!r})",
                    entry,
                )
            )
            continue
        own = isinstance(definition, dict) and definition.get("@protected") is True
        terms[term] = (digest, protect_all or own)
        if iri is not None:
            prefixes[term] = iri
        else:
            prefixes.pop(term, None)
    return Active(MappingProxyType(prefixes), MappingProxyType(terms), urls)


def process(value: Any, active: Active, path: str, problems: list[Problem]) -> Active:
    """Apply a ``@context`` value (URL, object, ``null`` or an array of those) to ``active``.

    Args:
        value: The parsed ``@context`` value.
        active: The state before (``EMPTY`` at the top of a document).
        path: JSON path of the value, for errors and problems.
        problems: Receives the protected-term redefinitions (which are ignored).

    Returns:
        The new state.

    Raises:
        UnknownContextError: ``EPCIS_UNKNOWN_CONTEXT`` for a URL that is not bundled or a
            value that is not a context.
    """
    entries = value if isinstance(value, list) else [value]
    single = not isinstance(value, list)
    for index, item in enumerate(entries):
        where = path if single else f"{path}[{index}]"
        entry = None if single else index
        if isinstance(item, str):
            active = _apply_url(item, active, where, problems, entry)
        elif isinstance(item, dict):
            active = _apply_object(item, active, where, problems, entry)
        elif item is None:
            if any(protected for _, protected in active.terms.values()):
                problems.append(
                    Problem(where, None, f"{where}: null cannot clear protected terms", entry)
                )
            else:
                active = EMPTY
        else:
            raise UnknownContextError(
                f"{where}: a context is a URL, an object, null or an array of those, "
                f"not {type(item).__name__}",
                code="EPCIS_UNKNOWN_CONTEXT",
                path=where,
            )
    return active


def effective_namespaces(active: Active) -> dict[str, str]:
    """The prefixes the models bind for ``active``: declared ones plus the EPCIS defaults."""
    out = dict(DEFAULT_NAMESPACES)
    out.update(
        (prefix, iri) for prefix, iri in active.prefixes.items() if prefix not in PROTECTED_PREFIXES
    )
    return out
