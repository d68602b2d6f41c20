"""The plumbing of :class:`~tracelib.epcis.client.EventQuery`: storage, setter, serialisation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote

from ..errors import EpcisError
from ._client_grammar import JSON_NAMES, Kind, decode, encode, encode_json, kind_of, url_name

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["Number", "Params", "QueryBase", "Time"]

Time = datetime | str
"""A time parameter: an aware ``datetime`` or RFC 3339 text."""
Number = int | float | Decimal | str
"""A number parameter (text must look like a JSON number)."""
Params = tuple[tuple[str, str], ...]
"""``(name, url_text)`` pairs."""


def values_of(name: str, values: Sequence[str]) -> list[str]:
    """The values of a list parameter, refusing an empty list.

    Args:
        name: The parameter name.
        values: The values.

    Returns:
        The values as a list.

    Raises:
        EpcisError: ``EPCIS_QUERY_BAD_VALUE`` for no values.

    Examples:
        >>> values_of("EQ_bizStep", ("shipping",))
        ['shipping']
    """
    if not values:
        raise EpcisError(f"{name}: needs at least one value", code="EPCIS_QUERY_BAD_VALUE")
    return list(values)


def kind_or_raise(name: str) -> Kind:
    """The kind of a parameter name, or an error for a name outside the grammar.

    Args:
        name: The parameter name.

    Returns:
        The kind.

    Raises:
        EpcisError: ``EPCIS_QUERY_UNKNOWN_PARAMETER``.

    Examples:
        >>> kind_or_raise("perPage")
        'integer'
    """
    kind = kind_of(name)
    if kind is None:
        raise EpcisError(
            f"{name!r} is not an EPCIS 2.0 query parameter",
            code="EPCIS_QUERY_UNKNOWN_PARAMETER",
            path=f"$.{name}",
        )
    return kind


class QueryBase:
    """Parameters stored as ``(name, text)`` pairs, with the JSON values of those set in code.

    Examples:
        >>> from tracelib.epcis.client import EventQuery
        >>> isinstance(EventQuery(), QueryBase)
        True
    """

    __slots__ = ()
    params: Params
    _json: tuple[tuple[str, Any], ...]

    if TYPE_CHECKING:

        def __init__(
            self, params: Params = (), _json: tuple[tuple[str, Any], ...] = ()
        ) -> None: ...

    def set(self, name: str, value: Any) -> Self:
        """A copy with one parameter set by name (any name of the grammar, either spelling).

        Args:
            name: The parameter name, e.g. ``"EQ_bizStep"`` or ``"GE_quantity_KGM"``.
            value: A Python value of the parameter's kind.

        Returns:
            The new query.

        Raises:
            EpcisError: ``EPCIS_QUERY_UNKNOWN_PARAMETER`` for a name outside the grammar,
                ``EPCIS_QUERY_BAD_VALUE`` for a value of the wrong kind.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().set("EQ_source_owning_party", ["urn:epc:id:pgln:893012345.0"]).params
            (('EQ_source_owning_party', 'urn:epc:id:pgln:893012345.0'),)
        """
        kind = kind_of(name)
        name = url_name(name)
        if kind is None:
            raise EpcisError(
                f"{name!r:.80} is not an EPCIS 2.0 query parameter",
                code="EPCIS_QUERY_UNKNOWN_PARAMETER",
                path=f"$.{name}",
            )
        text, json_value = encode(kind, name, value)
        return self._put(name, text, json_value)

    def _put(self, name: str, text: str, json_value: Any) -> Self:
        if name == "eventCountLimit" and self.get("maxEventCount") is not None:
            raise EpcisError(
                "eventCountLimit and maxEventCount are mutually exclusive",
                code="EPCIS_QUERY_CONFLICT",
                path="$.eventCountLimit",
            )
        if name == "maxEventCount" and self.get("eventCountLimit") is not None:
            raise EpcisError(
                "eventCountLimit and maxEventCount are mutually exclusive",
                code="EPCIS_QUERY_CONFLICT",
                path="$.maxEventCount",
            )
        params = list(self.params)
        json_values = dict(self._json)
        for i, (key, _) in enumerate(params):
            if key == name:
                params[i] = (name, text)
                break
        else:
            params.append((name, text))
        json_values[name] = json_value
        return type(self)(tuple(params), tuple(json_values.items()))

    def without(self, *names: str) -> Self:
        """A copy without these parameters.

        Args:
            *names: Parameter names.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().per_page(10).biz_step("shipping").without("perPage").names()
            ('EQ_bizStep',)
        """
        drop = {url_name(n) for n in names if isinstance(n, str)}
        return type(self)(
            tuple(p for p in self.params if p[0] not in drop),
            tuple(p for p in self._json if p[0] not in drop),
        )

    def get(self, name: object) -> str | None:
        """The URL text of a parameter, or ``None``.

        Args:
            name: The parameter name.

        Returns:
            The text or ``None``.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().biz_step("shipping", "receiving").get("EQ_bizStep")
            'shipping|receiving'
        """
        if not isinstance(name, str):
            return None
        name = url_name(name)
        for key, text in self.params:
            if key == name:
                return text
        return None

    def names(self) -> tuple[str, ...]:
        """The parameter names in order.

        Returns:
            The names.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().action("ADD").names()
            ('EQ_action',)
        """
        return tuple(name for name, _ in self.params)

    def __len__(self) -> int:
        return len(self.params)

    def merged(self, other: QueryBase) -> Self:
        """This query with every parameter of ``other`` set on top.

        Args:
            other: Another query.

        Returns:
            The merged query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().biz_step("shipping").merged(EventQuery().per_page(5)).names()
            ('EQ_bizStep', 'perPage')
        """
        out = self
        json_values = dict(other._json)
        for name, text in other.params:
            value = json_values.get(name)
            if value is None and name not in json_values:
                value = decode(kind_or_raise(name), name, text)
            out = out._put(name, text, value)
        return out

    def _range(self, stem: str, ge: Any, lt: Any) -> Self:
        out = self
        if ge is None and lt is None:
            raise EpcisError(f"{stem}: give ge= or lt=", code="EPCIS_QUERY_BAD_VALUE")
        if ge is not None:
            out = out.set(f"GE_{stem}", ge)
        if lt is not None:
            out = out.set(f"LT_{stem}", lt)
        return out

    def _compare(self, stem: str, suffix: str, **ops: Any) -> Self:
        out = self
        for op, value in ops.items():
            if value is not None:
                out = out.set(f"{op.upper()}_{stem}{suffix}", value)
        if out is self:
            raise EpcisError(f"{stem}: give at least one comparison", code="EPCIS_QUERY_BAD_VALUE")
        return out

    def _match(self, name: str, values: Sequence[str]) -> Self:
        return self.set(name, values_of(name, values))

    def to_params(self) -> list[tuple[str, str]]:
        """The ``(name, text)`` pairs, lists pipe-delimited.

        Returns:
            The pairs in order.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().biz_step("a", "b").to_params()
            [('EQ_bizStep', 'a|b')]
        """
        return list(self.params)

    def to_query_string(self) -> str:
        """The URL query string (names and values percent-encoded, ``|`` as ``%7C``).

        Returns:
            The query string without ``?``.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().match_epc("urn:epc:id:sgtin:893012345.0012.1").to_query_string()
            'MATCH_epc=urn%3Aepc%3Aid%3Asgtin%3A893012345.0012.1'
        """
        return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in self.params)

    def to_json(self) -> dict[str, Any]:
        """The query as the JSON ``query`` member of a named query (``query-schema.json`` names).

        Returns:
            ``{name: value}`` with arrays for lists, numbers, booleans, ``null`` for ``EXISTS_…``.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> q = EventQuery().biz_step("shipping").quantity(eq=5)
            >>> q.exists_error_declaration().to_json()
            {'EQ_bizStep': ['shipping'], 'EQ_quantity': [5], 'EXISTS_errorDeclaration': None}
        """
        known = dict(self._json)
        out: dict[str, Any] = {}
        for name, text in self.params:
            if name in ("perPage", "nextPageToken"):
                continue
            value = known[name] if name in known else decode(kind_or_raise(name), name, text)
            out[JSON_NAMES.get(name, name)] = value
        return out

    @classmethod
    def from_params(cls, pairs: Iterable[tuple[str, str]]) -> Self:
        """Read ``(name, text)`` pairs (as from a parsed query string).

        Args:
            pairs: The pairs.

        Returns:
            The query.

        Raises:
            EpcisError: ``EPCIS_QUERY_UNKNOWN_PARAMETER``, ``EPCIS_QUERY_DUPLICATE`` or
                ``EPCIS_QUERY_BAD_VALUE`` with the parameter's ``path``.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery.from_params([("EQ_bizStep", "shipping"), ("perPage", "5")]).names()
            ('EQ_bizStep', 'perPage')
        """
        params: list[tuple[str, str]] = []
        json_values: list[tuple[str, Any]] = []
        seen: set[str] = set()
        if isinstance(pairs, (str, bytes, bytearray, Mapping)) or not isinstance(pairs, Iterable):
            raise EpcisError(
                "query parameters are (name, text) pairs", code="EPCIS_QUERY_BAD_VALUE", path="$"
            )
        for pair in pairs:
            if not (isinstance(pair, tuple | list) and len(pair) == 2):
                raise EpcisError(
                    f"{pair!r:.80} is not a pair",
                    code="EPCIS_QUERY_BAD_VALUE",
                    path="$",
                )
            raw_name, text = pair
            if not isinstance(raw_name, str) or not isinstance(text, str):
                raise EpcisError(
                    f"{pair!r:.80}: a parameter's name and text are strings",
                    code="EPCIS_QUERY_BAD_VALUE",
                    path="$",
                )
            name = url_name(raw_name)
            if name in seen:
                raise EpcisError(
                    f"{name} is given twice", code="EPCIS_QUERY_DUPLICATE", path=f"$.{name}"
                )
            seen.add(name)
            kind = kind_or_raise(name)
            json_values.append((name, decode(kind, name, text)))
            params.append((name, text))
        query = cls(tuple(params), tuple(json_values))
        query._check()
        return query

    @classmethod
    def from_query_string(cls, query_string: str) -> Self:
        """Read a URL query string (with or without the leading ``?``).

        Args:
            query_string: The query string.

        Returns:
            The query.

        Raises:
            EpcisError: As :meth:`from_params`; ``position`` is not set (the path names the
                parameter).

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery.from_query_string("?EQ_bizStep=shipping%7Creceiving").get("EQ_bizStep")
            'shipping|receiving'
        """
        if not isinstance(query_string, str):
            raise EpcisError(
                f"a query string is text, not {type(query_string).__name__}",
                code="EPCIS_QUERY_BAD_VALUE",
                position=0,
            )
        text = query_string[1:] if query_string.startswith("?") else query_string
        pairs = parse_qsl(text, keep_blank_values=True)
        return cls.from_params(pairs)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Self:
        """Read the JSON ``query`` member of a named query.

        Args:
            obj: ``{name: value}`` (either name spelling; ``@context`` ignored).

        Returns:
            The query.

        Raises:
            EpcisError: ``EPCIS_QUERY_UNKNOWN_PARAMETER`` or ``EPCIS_QUERY_BAD_VALUE``.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery.from_json({"eventType": ["ObjectEvent"], "EQ_bizStep": ["shipping",
            ...     "receiving"]}).to_query_string()
            'eventType=ObjectEvent&EQ_bizStep=shipping%7Creceiving'
        """
        if not isinstance(obj, Mapping):
            raise EpcisError("a query is a JSON object", code="EPCIS_QUERY_BAD_VALUE", path="$")
        params: list[tuple[str, str]] = []
        json_values: list[tuple[str, Any]] = []
        for raw_name, value in obj.items():
            if raw_name == "@context":
                continue
            name = url_name(str(raw_name))
            kind = kind_or_raise(name)
            text, json_value = encode_json(kind, name, value)
            params.append((name, text))
            json_values.append((name, json_value))
        query = cls(tuple(params), tuple(json_values))
        query._check()
        return query

    def _check(self) -> None:
        if self.get("eventCountLimit") is not None and self.get("maxEventCount") is not None:
            raise EpcisError(
                "eventCountLimit and maxEventCount are mutually exclusive",
                code="EPCIS_QUERY_CONFLICT",
                path="$.eventCountLimit",
            )
