"""The parts of the quick JSON-LD event hash: validators, memo tables, lists and quantities.

Private plumbing of :mod:`tracelib.epcis._hash_jsonld` (see there): every value is checked
with the models' own patterns (:mod:`._models_base`) and canonicalised with the pre-hasher's
value functions; anything not handled raises :class:`BailError` (the caller answers ``None``).
"""

from __future__ import annotations

import marshal
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ._context import DEFAULT_NAMESPACES
from ._extensions_json import from_json
from ._hash_ids import epc_tokens
from ._hash_prehash import Prehasher, flatten_sorted
from ._hash_values import number_text
from ._models_base import (
    CBV_PATTERN,
    DATETIME_PATTERN,
    EXTENSION_KEY_PATTERN,
    HEX_PATTERN,
    OFFSET_PATTERN,
    TIMESTAMP_PATTERN,
    UOM_PATTERN,
    URI_PATTERN,
    VERSION_PATTERN,
)

__all__ = [
    "JOIN",
    "BailError",
    "Memo",
    "Parts",
    "Tokens",
    "are_uris",
    "as_dict",
    "as_list",
    "as_number",
    "is_cbv",
    "is_datetime",
    "is_hex",
    "is_offset",
    "is_stamp",
    "is_unique_uri",
    "is_uri",
    "is_version",
    "remember",
]

Tokens = list[str]
JOIN: Callable[[Any], str] = "".join
_LIMIT = 1 << 14
_TYPED = ("@value", "@type")  # typed literals (xsi:type in XML): the readers' nodes
_PARTS_LIMIT = 4096  # whole parts are larger: fewer of them
#: The parts whose values hold decimals (keyed by ``repr``, see :meth:`Parts.part`).
_NUMERIC = frozenset(
    {"quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"}
    | {"sensorReport"}
)


class BailError(Exception):
    """Not handled here (or invalid): the caller asks the models."""


def _unique_matcher(pattern: str) -> Callable[[Any], bool]:
    """``fullmatch`` of one of the models' patterns (``str`` values only), for values that
    seldom repeat (timestamps, event IDs): remembering them would only churn a table."""
    match = re.compile(pattern).fullmatch

    def check(value: Any) -> bool:
        return type(value) is str and match(value) is not None

    return check


def _fullmatcher(pattern: str) -> Callable[[Any], bool]:
    """A memoised ``fullmatch`` of one of the models' patterns (``str`` values only)."""
    match = re.compile(pattern).fullmatch
    seen: dict[str, bool] = {}

    def check(value: Any) -> bool:
        if type(value) is not str:
            return False
        hit = seen.get(value)
        if hit is None:
            if len(seen) >= _LIMIT:
                seen.clear()
            hit = seen[value] = match(value) is not None
        return hit

    return check


is_uri = _fullmatcher(URI_PATTERN)
is_cbv = _fullmatcher(CBV_PATTERN)
is_stamp = _unique_matcher(TIMESTAMP_PATTERN)
is_unique_uri = _unique_matcher(URI_PATTERN)
is_datetime = _fullmatcher(DATETIME_PATTERN)
is_offset = _fullmatcher(OFFSET_PATTERN)
_is_uom = _fullmatcher(UOM_PATTERN)
is_hex = _fullmatcher(HEX_PATTERN)
is_version = _fullmatcher(VERSION_PATTERN)
_is_key = _fullmatcher(EXTENSION_KEY_PATTERN)


_QUANTITY = frozenset({"epcClass", "quantity", "uom"})
_TRANSACTION = frozenset({"type", "bizTransaction"})
_PLACE = frozenset({"id"})


def as_list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise BailError
    return value


def as_dict(value: Any) -> dict[str, Any]:
    if type(value) is not dict:
        raise BailError
    return value


#: A JSON number -> its canonical text (equal numbers, 2 == Decimal("2.0"), have one text).
_NUMBERS: dict[Decimal | int, str] = {}


def as_number(value: Any) -> str:
    """A decimal field's canonical text (JSON integers and decimals; never a bool)."""
    if type(value) is not Decimal and type(value) is not int:
        raise BailError
    hit = _NUMBERS.get(value)
    if hit is None:
        hit = remember(_NUMBERS, value, number_text(Decimal(value)))
    return hit


def _frozen(value: Any) -> bytes | str:
    """A memo key of a parsed JSON value, exact: ``marshal.dumps`` (about twice as quick as
    ``repr``; it keeps every type apart, ``True`` from ``1``, and ``marshal.loads`` gives the
    value back, so two values never share a key), else, for what marshal refuses (a
    ``Decimal``), its ``repr``, exact for parsed JSON (a decimal's digits and exponent are
    kept). The two kinds of key are ``bytes`` and ``str``: they never meet."""
    try:
        return marshal.dumps(value)
    except ValueError:
        return repr(value)


_URI_LINES = re.compile(rf"(?:{URI_PATTERN[1:-1]}\n)*")


def are_uris(values: list[Any]) -> bool:
    """Whether every member of a non-empty list is a string of the models' ``Uri`` pattern
    (one regular expression for the whole list)."""
    try:
        text = "\n".join(values) + "\n"
    except TypeError:
        return False
    # a member holding a line break would pass as two lines: count them
    return text.count("\n") == len(values) and _URI_LINES.fullmatch(text) is not None


class Memo:
    """What one builder remembers between events (every table bounded, emptied when full).

    Only what a successful check produced is stored, under exact keys: canonical URIs and
    CBV values by their text; under the default prefixes only, the token of a string-valued
    extension member by (name, value), the tokens of other extension values and of whole
    parts by their exact content (:meth:`Parts.part`); the token of a string-valued
    sensor field by (name, value), so that no other JSON value (``1 == True``) can find it.
    """

    __slots__ = ("cbvs", "leaves", "meta_pairs", "parts", "report_pairs", "trees", "uris")

    def __init__(self) -> None:
        self.uris: dict[str, str] = {}
        self.cbvs: dict[str, dict[str, str]] = {}
        self.leaves: dict[tuple[str, str], str] = {}
        # member lists are never changed once made (callers copy before they extend)
        self.trees: dict[tuple[str, Any], tuple[tuple[str, ...], tuple[Tokens, ...]]] = {}
        self.meta_pairs: dict[tuple[str, Any], tuple[int, str]] = {}
        self.report_pairs: dict[tuple[str, Any], tuple[int, str]] = {}
        self.parts: dict[tuple[str, Any], tuple[str, ...]] = {}


def remember(table: dict[Any, Any], key: Any, value: Any, limit: int = _LIMIT) -> Any:
    """``table[key] = value`` (``table`` emptied first when it holds ``limit`` entries)."""
    if len(table) >= limit:
        table.clear()
    table[key] = value
    return value


class Parts:
    """The parts of an event's pre-hash below its head, for one builder and one prefix
    mapping (``_hash_jsonld._Event`` adds the head and the order)."""

    __slots__ = (
        "_canon",
        "_cbv21",
        "_cbvs",
        "_leaves",
        "_meta_pairs",
        "_namespaces",
        "_parts",
        "_prehasher",
        "_report_pairs",
        "_trees",
        "_uris",
    )

    def __init__(self, builder: tuple[Any, Any, Any, Memo], namespaces: Mapping[str, str]) -> None:
        self._prehasher, self._canon, _, memo = builder
        self._cbv21: bool = self._prehasher._cbv21
        self._namespaces = namespaces
        self._uris = memo.uris
        self._cbvs = memo.cbvs
        # Leaf tokens are remembered under the default prefixes only (the common case).
        default = namespaces is DEFAULT_NAMESPACES
        self._leaves = memo.leaves if default else None
        self._trees = memo.trees if default else None
        self._parts = memo.parts if default else None
        self._meta_pairs = memo.meta_pairs
        self._report_pairs = memo.report_pairs

    # -- values ------------------------------------------------------------------------------

    def _uri(self, value: Any) -> str:
        """The canonical form of a URI-valued member (``BailError`` unless the models'
        ``Uri`` pattern holds)."""
        hit = self._uris.get(value)
        if hit is None:
            if not is_uri(value):
                raise BailError
            hit = remember(self._uris, value, self._canon.uri(value))
        return hit

    def _cbv(self, value: Any, kind: str) -> str:
        """The canonical form of a CBV-typed member (the models' ``CbvText`` pattern)."""
        table = self._cbvs.get(kind)
        if table is None:
            table = self._cbvs[kind] = {}
        hit = table.get(value)
        if hit is None:
            if not is_cbv(value):
                raise BailError
            hit = remember(table, value, self._canon.cbv(value, kind))
        return hit

    # -- extensions --------------------------------------------------------------------------

    def _nodes(self, obj: dict[str, Any], keys: list[str]) -> tuple[Any, ...]:
        """The extension nodes of the prefixed members ``keys`` of ``obj`` (as the readers)."""
        nodes: list[Any] = []
        for key in keys:
            if not _is_key(key) or key.startswith("epcis:") or "/epcis/" in key:
                raise BailError
            value = obj[key]
            if type(value) is not str:
                _plain(value, 0)
            nodes.extend(from_json(key, value, self._namespaces))
        return tuple(nodes)

    def _members(self, obj: dict[str, Any], keys: list[str]) -> tuple[list[str], list[Tokens]]:
        """The extension tokens of the members ``keys``: (leaf tokens, trees), as
        :meth:`Prehasher._sorted_extensions` sees them."""
        memo = self._leaves
        tree_memo = self._trees
        leaves: list[str] = []
        trees: list[Tokens] = []
        for key in keys:
            value = obj[key]
            if memo is not None and type(value) is str:
                token = memo.get((key, value))
                if token is None:
                    token = remember(memo, (key, value), self._leaf(obj, key))
                if token:
                    leaves.append(token)
                continue
            if tree_memo is not None:
                frozen = _frozen(value)
                known = tree_memo.get((key, frozen))
                if known is None:
                    found = self._members_of(obj, key)
                    known = (tuple(found[0]), tuple(found[1]))
                    remember(tree_memo, (key, frozen), known)
                leaves.extend(known[0])
                trees.extend([list(t) for t in known[1]])
                continue
            found = self._members_of(obj, key)
            leaves.extend(found[0])
            trees.extend(found[1])
        return leaves, trees

    def _members_of(self, obj: dict[str, Any], key: str) -> tuple[list[str], list[Tokens]]:
        """:meth:`_members` of one member, from its nodes."""
        prehasher: Prehasher = self._prehasher
        return prehasher.member_tokens(self._nodes(obj, [key]))

    def _leaf(self, obj: dict[str, Any], key: str) -> str:
        """The token of one string-valued extension member (``""`` when left out)."""
        (node,) = self._nodes(obj, [key])
        namespace, name, _, text, _, _, _, json_type, _ = node
        if namespace is None:
            raise BailError
        token: str = self._prehasher._leaf((namespace, name, text, json_type))
        return token

    def _extensions(self, obj: dict[str, Any], keys: list[str]) -> Tokens:
        """:meth:`Prehasher._sorted_extensions` of the members ``keys`` of ``obj``."""
        return Prehasher.sorted_members(*self._members(obj, keys))

    def _others(self, obj: dict[str, Any], known: Any) -> list[str]:
        """The members of ``obj`` not in ``known`` (its extensions)."""
        if obj.keys() <= known:  # the common case, tested in C
            return []
        return [key for key in obj if key not in known]

    # -- parts -------------------------------------------------------------------------------

    def quantities(self, label: str, value: Any) -> Tokens:
        """A quantity list's tokens (none when empty)."""
        items = as_list(value)
        if not items:
            return []
        uri = self._uri
        members = []
        for item in items:
            q = as_dict(item)
            if not _QUANTITY.issuperset(q):
                raise BailError
            member = ["quantityElement", "epcClass=" + uri(q.get("epcClass"))]
            if "quantity" in q:
                member.append("quantity=" + as_number(q["quantity"]))
            if "uom" in q:
                uom = q["uom"]
                if "quantity" not in q or not _is_uom(uom):
                    raise BailError
                member.append("uom=" + uom)
            members.append(member)
        return [label, *flatten_sorted(members)]

    def ilmd(self, label: str, value: Any) -> Tokens:
        """The ``ilmd`` tokens: its members are all extensions."""
        raw = as_dict(value)
        return [label, *self._extensions(raw, list(raw))]

    def _persistent(self, out: Tokens, value: dict[str, Any]) -> None:
        if not value or not {"set", "unset"}.issuperset(value):
            raise BailError
        out.append("persistentDisposition")
        for name in ("set", "unset"):
            if name not in value:
                continue
            items = as_list(value[name])
            words = [self._cbv(x, "disposition") for x in items]
            if not words or len(set(words)) != len(words) or len(set(items)) != len(items):
                raise BailError  # empty or a repeated disposition: the models refuse it
            out.extend(sorted([name + "=" + w for w in words]))

    def part(self, name: str, value: Any, compute: Callable[[str, Any], Tokens]) -> tuple[str, ...]:
        """``compute(name, value)``, remembered by the exact content of ``value``.

        The key is :func:`_frozen` of ``value`` (``repr`` for the parts that hold decimals):
        exact for parsed JSON (strings, numbers, booleans, ``null``, lists, objects; a
        decimal's ``repr`` keeps its digits and exponent). What events of one chain repeat (a
        location, the parties, the business transactions, an EPC list, a quantity, an
        ILMD, a plain sensor reading such as 4.5 CEL) is then canonicalised and checked
        once. With prefixes other than the defaults nothing is remembered.
        """
        if self._parts is None:
            return tuple(compute(name, value))
        # numbers are decimals, which marshal refuses: their repr straight away
        key = (name, repr(value) if name in _NUMERIC else _frozen(value))
        hit = self._parts.get(key)
        if hit is None:
            hit = remember(self._parts, key, tuple(compute(name, value)), _PARTS_LIMIT)
        return hit

    def lists(self, d: dict[str, Any], kind: str) -> list[Tokens]:
        """The bizTransactionList, sourceList and destinationList members of the pre-hash."""
        lists: list[Tokens] = []
        if "bizTransactionList" in d:
            tokens = self.part("bizTransactionList", d["bizTransactionList"], self._transactions)
            if tokens:
                lists.append(list(tokens))
            elif kind == "TransactionEvent":
                raise BailError
        elif kind == "TransactionEvent":
            raise BailError
        if "sourceList" in d:
            tokens = self.part("sourceList", d["sourceList"], self._parties)
            if tokens:
                lists.append(list(tokens))
        if "destinationList" in d:
            tokens = self.part("destinationList", d["destinationList"], self._parties)
            if tokens:
                lists.append(list(tokens))
        return lists

    def _transactions(self, label: str, value: Any) -> Tokens:
        uri, cbv = self._uri, self._cbv
        members = []
        for item in as_list(value):
            bt = as_dict(item)
            if not _TRANSACTION.issuperset(bt):
                raise BailError
            token = "bizTransaction=" + uri(bt.get("bizTransaction"))
            if "type" in bt:
                members.append(["type=" + cbv(bt["type"], "bizTransactionType"), token])
            else:
                members.append([token])
        return [label, *flatten_sorted(members)] if members else []

    def _parties(self, label: str, value: Any) -> Tokens:
        uri, cbv = self._uri, self._cbv
        key = "source" if label == "sourceList" else "destination"
        members = []
        for item in as_list(value):
            sd = as_dict(item)
            if len(sd) != 2:
                raise BailError
            members.append(
                ["type=" + cbv(sd.get("type"), "sourceDestType"), key + "=" + uri(sd.get(key))]
            )
        return [label, *flatten_sorted(members)] if members else []

    def epcs(self, label: str, value: Any) -> Tokens:
        """An EPC list's tokens (none when empty)."""
        if type(value) is not list or (value and not are_uris(value)):
            raise BailError
        return [label, *epc_tokens(tuple(value), self._canon.uri)] if value else []

    def place(self, label: str, value: Any) -> Tokens:
        """A readPoint's or bizLocation's tokens."""
        place = as_dict(value)
        out = [label, "id=" + self._uri(place.get("id"))]
        extra = self._others(place, _PLACE)
        if extra:
            out.extend(self._extensions(place, extra))
        return out

    def certificates(self, label: str, value: Any) -> Tokens:
        """The certificationInfo tokens (one URI or a list)."""
        certs = [value] if type(value) is str else as_list(value)
        return sorted([label + "=" + self._uri(x) for x in certs])


def _plain(value: Any, depth: int) -> None:
    """Refuse extension values with JSON-LD keywords other than ``@value`` and ``@type``
    (``@id``, ``@context``, ``@list``...) or nested too deeply: their nodes are the
    models' to decide."""
    if depth > 16:
        raise BailError
    if type(value) is dict:
        for key, item in value.items():
            if key[:1] == "@" and key not in _TYPED:
                raise BailError
            _plain(item, depth + 1)
    elif type(value) is list:
        for item in value:
            _plain(item, depth + 1)
    elif type(value) is float:
        raise BailError
