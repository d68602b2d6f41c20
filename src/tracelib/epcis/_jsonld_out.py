"""Writing JSON-LD: prefixes for namespaces, the output ``@context``, extensions, exact numbers.

* :class:`Prefixer` gives every extension namespace a prefix that is declared where it is
  used: the prefix hint of the node when the context binds it to that namespace, another
  prefix the context binds to it, the absolute IRI for ``scheme:`` namespaces (``example:x``
  with no ``example`` prefix), or a new declaration (``ex``, ``ex2``..., ``ns1``...) that
  clashes with no term of the contexts in use. New declarations are collected in
  :attr:`Prefixer.additions` for the caller to add to a ``@context``.
* :func:`output_context` turns a model's ``@context`` into the one written: bundled context
  URLs become the ratified 2.0.0 URL, inline members that redefine a protected term are left
  out, everything else is kept as written.
* :func:`dumps` serialises with :mod:`json` and writes every ``Decimal`` as a JSON number with
  exactly its digits (``1200.50`` stays ``1200.50``).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from ..errors import EpcisError, UnknownContextError
from ._context import RDF_NS, JsonLdContext
from ._extensions import Extension
from ._jsonld_context import DEFAULT_CONTEXT_URL, EMPTY, Active, Problem, context_key, process
from ._jsonld_parse import Number

__all__ = [
    "Prefixer",
    "decimal_value",
    "declarations",
    "dumps",
    "extension_members",
    "output_context",
]

_PREFIX_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_GEN_DELIMS = tuple(":/?#[]@")
_RATIFIED = "epcis-2.0.0"


def number_text(text: str) -> Any:
    """A JSON number text as the value to serialise: ``int``, ``float`` or :class:`Number`."""
    if _INTEGER.fullmatch(text) and str(int(text)) == text:
        return int(text)
    value = float(text)
    return value if repr(value) == text else Number(text)


def decimal_value(value: Decimal) -> Any:
    """A ``Decimal`` as the value to serialise, keeping its digits."""
    return number_text(str(value))


class Prefixer:
    """Chooses the member name (``prefix:local``) of extension nodes in one scope.

    Args:
        scope: ``{prefix: IRI}`` declared where the members are written.
        avoid: Names not to declare: ``{name: None}`` never (terms of the contexts in use,
            schemes written as absolute IRIs), ``{name: IRI}`` only for that IRI (prefixes
            of events' own contexts). Shared and extended.
        parent: The document's prefixer, which declares new prefixes for an event that has
            its own ``@context`` (``None``: declare them here).
    """

    __slots__ = ("_added", "_cache", "additions", "avoid", "parent", "reverse", "scope")

    def __init__(
        self,
        scope: Mapping[str, str],
        avoid: dict[str, str | None],
        parent: Prefixer | None = None,
    ) -> None:
        self.scope = dict(scope)
        self.reverse: dict[str, str] = {}
        for prefix, iri in self.scope.items():
            self.reverse.setdefault(iri, prefix)
        self.avoid = avoid
        self.parent = parent
        self.additions: dict[str, str] = {}
        self._added: dict[str, str] = {}
        self._cache: dict[tuple[str, str | None], str | None] = {}

    def key(self, namespace: str | None, name: str, hint: str | None) -> str:
        """The member name of ``{namespace}name``."""
        if namespace is None:
            return name
        prefix = self.prefix(namespace, hint)
        return namespace + name if prefix is None else f"{prefix}:{name}"

    def prefix(self, namespace: str, hint: str | None) -> str | None:
        """The prefix for ``namespace`` (``None``: write the absolute IRI)."""
        cache_key = (namespace, hint)
        try:
            return self._cache[cache_key]
        except KeyError:
            pass
        chosen = self._choose(namespace, hint)
        self._cache[cache_key] = chosen
        return chosen

    def _choose(self, namespace: str, hint: str | None) -> str | None:
        if hint is not None and self.scope.get(hint) == namespace:
            return hint
        known = self.reverse.get(namespace)
        if known is not None:
            return known
        scheme = namespace[:-1]
        if namespace.endswith(":") and _SCHEME.fullmatch(scheme) and scheme not in self.scope:
            # "example:" + "x" is the absolute IRI example:x when no prefix example exists.
            self.avoid[scheme] = None
            return None
        owner = self.parent if self.parent is not None else self
        prefix = owner.declare(namespace, hint)
        self.scope[prefix] = namespace
        self.reverse.setdefault(namespace, prefix)
        return prefix

    def declare(self, namespace: str, hint: str | None) -> str:
        """A new prefix for ``namespace``, recorded in :attr:`additions`."""
        existing = self._added.get(namespace)
        if existing is not None:
            return existing
        for candidate in self._candidates(hint):
            if candidate in self.scope or (
                candidate in self.avoid and self.avoid[candidate] != namespace
            ):
                continue
            self.additions[candidate] = namespace
            self._added[namespace] = candidate
            self.scope[candidate] = namespace
            self.reverse.setdefault(namespace, candidate)
            return candidate
        raise AssertionError("unreachable: the candidates never run out")  # pragma: no cover

    @staticmethod
    def _candidates(hint: str | None) -> Iterable[str]:
        if hint and hint != "_" and _PREFIX_NAME.fullmatch(hint):
            yield hint
            number = 2
            while True:
                yield f"{hint}{number}"
                number += 1
        number = 1
        while True:
            yield f"ns{number}"
            number += 1

    def curie(self, value: str, source: Mapping[str, str] | None) -> str:
        """A CURIE-like ``value`` (``ex:Gauge``) with its prefix declared in this scope.

        ``source`` gives the prefixes in scope where the value was read (XML ``xmlns``);
        values whose prefix it does not know are kept as written.
        """
        if source is None:
            return value
        prefix, colon, local = value.partition(":")
        if not colon or local.startswith("//"):
            return value
        iri = source.get(prefix)
        if iri is None or self.scope.get(prefix) == iri:
            return value
        chosen = self.prefix(iri, prefix)
        return iri + local if chosen is None else f"{chosen}:{local}"


def declarations(additions: Mapping[str, str]) -> dict[str, Any]:
    """``@context`` members declaring new prefixes (``@prefix`` where JSON-LD 1.1 needs it)."""
    return {
        prefix: iri if iri.endswith(_GEN_DELIMS) else {"@id": iri, "@prefix": True}
        for prefix, iri in additions.items()
    }


def output_context(
    context: JsonLdContext | None, active: Active, *, top: bool, path: str = "$['@context']"
) -> tuple[list[Any], Active]:
    """The entries of the ``@context`` to write, and the state they give after ``active``.

    URLs of the ratified 2.0.0 context (the versioned, unversioned and announced 2.0.1 ones)
    are kept, other bundled URLs become :data:`DEFAULT_CONTEXT_URL`; members redefining protected
    terms are left out (the models kept the protected definitions); ``null`` entries are
    left out. At the top of a document the 2.0.0 URL comes first when no URL was given.

    Raises:
        UnknownContextError: For a context URL that is not bundled.
    """
    entries: list[Any] = []
    if context is not None:
        value = context.value
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, str):
                if context_key(item) is None:
                    raise UnknownContextError(
                        f"{path}: the context {item!r} is not bundled with tracelib",
                        code="EPCIS_UNKNOWN_CONTEXT",
                        path=path,
                    )
                # Aliases of the ratified file stay as written; other copies become it.
                url = item if context_key(item) == _RATIFIED else DEFAULT_CONTEXT_URL
                if url not in entries:
                    entries.append(url)
            elif isinstance(item, dict) and item:
                entries.append(item)
    if top and not any(isinstance(e, str) for e in entries):
        entries.insert(0, DEFAULT_CONTEXT_URL)
    problems: list[Problem] = []
    state = process(entries, active, path, problems)
    if problems:
        drop = {(p.entry, p.term) for p in problems}
        kept: list[Any] = []
        for index, entry in enumerate(entries):
            if isinstance(entry, dict):
                entry = {k: v for k, v in entry.items() if (index, k) not in drop}
                if not entry:
                    continue
            kept.append(entry)
        entries = kept
        state = process(entries, active, path, [])
    return entries, state


def context_value(
    entries: list[Any], additions: Mapping[str, str], context: JsonLdContext | None
) -> Any:
    """The ``@context`` value: the entries plus the new declarations.

    One URL alone is written as a string, unless the model's context was an array.
    """
    if additions:
        entries = [*entries, declarations(additions)]
    if len(entries) == 1 and isinstance(entries[0], str):
        was_list = context is not None and context.json.startswith("[")
        return entries if was_list else entries[0]
    return entries


def default_state() -> Active:
    """The state of a document written against the 2.0.0 context."""
    return process(DEFAULT_CONTEXT_URL, EMPTY, "$['@context']", [])


# -- extension nodes ------------------------------------------------------------------------


def _leaf(text: str | None, json_type: str | None) -> Any:
    if json_type is None:
        return "" if text is None else text
    if json_type == "null":
        return None
    if text is None:
        return ""
    if json_type == "boolean":
        return text == "true"
    if json_type == "number":
        return number_text(text)
    return text


def _add(out: dict[str, Any], key: str, value: Any) -> None:
    if key in out:
        previous = out[key]
        out[key] = [*(previous if isinstance(previous, list) else [previous]), value]
    else:
        out[key] = value


def _value(node: Extension, pf: Prefixer, source: Mapping[str, str] | None) -> Any:
    """The JSON-LD value of one extension node inside a document being written.

    Not :func:`tracelib.epcis._extensions_json.json_value` (the value
    :meth:`~tracelib.epcis.models.Extension.to_json` gives a caller), on purpose: here
    every name is chosen by the document's :class:`Prefixer`, which declares a prefix in the
    output ``@context`` for a namespace that has none (``ns1``...) instead of refusing it,
    the text member is ``rdf:value`` under whatever prefix the scope binds to RDF,
    ``@type`` CURIEs read from XML are re-prefixed with ``source`` (the ``xmlns`` in scope
    where they were read), and numbers keep their exact digits (:func:`number_text`) for
    :func:`dumps`. The JSON-LD output is byte-for-byte what the corpus tests pin.

    Args:
        node: The node.
        pf: The prefixer of the scope being written.
        source: The prefixes in scope where the node was read (XML), or ``None``.

    Returns:
        The JSON value to serialise (numbers may be :class:`~decimal.Decimal`).

    Examples:
        >>> from tracelib.epcis._extensions_json import from_json
        >>> from tracelib.epcis._jsonld_parse import Number
        >>> (node,) = from_json("ex:w", {"@type": "ex:Kg", "@value": Number("1200.50")},
        ...                     {"ex": "urn:x:"})
        >>> _value(node, Prefixer({}, {}), None)
        {'@value': Decimal('1200.50'), '@type': 'ex:Kg'}
        >>> (node,) = from_json("urn:x/w", {"urn:y#a": "1", "rdf:value": "t"}, {"rdf": RDF_NS})
        >>> pf = Prefixer({"r": RDF_NS}, {})
        >>> _value(node, pf, None), pf.additions
        ({'r:value': 't', 'ns1:a': '1'}, {'ns1': 'urn:y#'})
    """
    _, _, _, text, children, attributes, xsi_type, json_type, _ = node
    if json_type == "array":
        return []
    if not children and not attributes:
        if xsi_type is None:
            return {} if json_type == "object" else _leaf(text, json_type)
        return {"@value": _leaf(text, json_type), "@type": pf.curie(xsi_type, source)}
    out: dict[str, Any] = {}
    if xsi_type is not None:
        out["@type"] = pf.curie(xsi_type, source)
    for attr_ns, attr_name, attr_value, attr_prefix in attributes:
        _add(out, pf.key(attr_ns, attr_name, attr_prefix), attr_value)
    # An empty XML element with attributes (<ex:a ex:u="K"/>) says nothing with its text:
    # no "rdf:value": "" member, so its triples are those of the XML it becomes again (the
    # attributes as child elements).
    if json_type == "null" or (text is not None and (text or not attributes)):
        out[pf.key(RDF_NS, "value", "rdf")] = _leaf(text, json_type)
    for key, value in extension_members(children, pf, source, top=False).items():
        _add(out, key, value)
    return out


def extension_members(
    nodes: tuple[Extension, ...],
    pf: Prefixer,
    source: Mapping[str, str] | None,
    *,
    top: bool = True,
) -> dict[str, Any]:
    """Sibling nodes as JSON-LD members (repeated names become one array).

    Raises:
        EpcisError: ``EPCIS_NO_PREFIX`` for a node without a namespace at an extension point.
    """
    out: dict[str, Any] = {}
    arrays: set[str] | None = None
    cache = pf._cache
    for node in nodes:
        namespace, name, hint, text, children, attributes, xsi_type, json_type, array = node
        if namespace is None:
            if top:
                raise EpcisError(
                    f"the extension {name!r} has no namespace: JSON-LD needs prefixed members "
                    "at extension points",
                    code="EPCIS_NO_PREFIX",
                )
            key = name
        else:
            prefix = cache.get((namespace, hint), _UNSET)
            if prefix is _UNSET:
                prefix = pf.prefix(namespace, hint)
            key = namespace + name if prefix is None else f"{prefix}:{name}"
        if json_type is None and xsi_type is None and not children and not attributes:
            value: Any = "" if text is None else text
        elif json_type == "array":
            if arrays is None:
                arrays = set()
            out.setdefault(key, [])
            arrays.add(key)
            continue
        else:
            value = _value(node, pf, source)
        if key in out:
            if arrays is None:
                arrays = set()
            previous = out[key]
            out[key] = [*(previous if key in arrays else [previous]), value]
            arrays.add(key)
        elif array:
            if arrays is None:
                arrays = set()
            out[key] = [value]
            arrays.add(key)
        else:
            out[key] = value
    return out


_UNSET: Any = object()


# -- serialisation --------------------------------------------------------------------------------


def dumps(obj: Any, *, indent: int | None = None) -> str:
    """JSON text of ``obj``; ``Decimal`` values become JSON numbers with their exact digits.

    Raises:
        EpcisError: ``EPCIS_INVALID_VALUE`` for values JSON cannot hold.
    """
    numbers: list[str] = []

    def default(value: object) -> str:
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise EpcisError(f"{value} is not a JSON number", code="EPCIS_INVALID_VALUE")
            numbers.append(str(value))
            return marker
        raise EpcisError(
            f"a {type(value).__name__} is not a JSON value", code="EPCIS_INVALID_VALUE"
        )

    separators = (",", ":") if indent is None else (",", ": ")
    marker = "\x00tracelib-number\x00"
    while True:
        numbers.clear()
        try:
            text = json.dumps(
                obj,
                ensure_ascii=False,
                indent=indent,
                separators=separators,
                default=default,
                allow_nan=False,
            )
        except (TypeError, ValueError, RecursionError) as exc:
            if isinstance(exc, EpcisError):
                raise
            raise EpcisError(
                f"not serialisable as JSON: {exc}", code="EPCIS_INVALID_VALUE"
            ) from exc
        if not numbers:
            return text
        token = json.dumps(marker)
        parts = text.split(token)
        if len(parts) == len(numbers) + 1:
            out = [parts[0]]
            for number, part in zip(numbers, parts[1:], strict=True):
                out.append(number)
                out.append(part)
            return "".join(out)
        marker = f"\x00tracelib-number-{secrets.token_hex(8)}\x00"  # a string held the marker
