"""``EventQuery``: a typed, immutable builder of EPCIS 2.0 event queries.

Each method returns a new query with one parameter set (a repeated call replaces it), under
its exact documented name: :meth:`EventQuery.biz_step` sets ``EQ_bizStep``,
:meth:`EventQuery.event_time` ``GE_eventTime``/``LT_eventTime``, :meth:`EventQuery.ilmd`
``EQ_ILMD_{prefix:field}`` and so on. The same query renders as a URL query string
(:meth:`~EventQuery.to_query_string`, pipe-delimited lists) and as the JSON body of a named
query (:meth:`~EventQuery.to_json`), and reads back from both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import EpcisError
from ._client_query_base import Number, Params, Time, values_of
from ._client_query_more import MoreQueryMixin

__all__ = ["EventQuery"]

_ACTIONS = ("ADD", "OBSERVE", "DELETE")


@dataclass(frozen=True, slots=True)
class EventQuery(MoreQueryMixin):
    """An EPCIS 2.0 event query: ordered ``(name, text)`` parameters, built fluently.

    Attributes:
        params: The parameters as ``(name, url_text)`` pairs, in the order set.

    Examples:
        >>> from tracelib.epcis.client import EventQuery
        >>> q = (EventQuery()
        ...      .event_type("ObjectEvent")
        ...      .biz_step("shipping", "receiving")
        ...      .event_time(ge="2024-07-01T00:00:00+07:00")
        ...      .ilmd("cbvmda:lotNumber", eq="LUA-2024-07"))
        >>> q.names()
        ('eventType', 'EQ_bizStep', 'GE_eventTime', 'EQ_ILMD_cbvmda:lotNumber')
        >>> q.to_query_string()
        'eventType=ObjectEvent&EQ_bizStep=shipping%7Creceiving&GE_eventTime=2024-07-01T00%3A00%3A00%2B07%3A00&EQ_ILMD_cbvmda%3AlotNumber=LUA-2024-07'
        >>> EventQuery.from_query_string(q.to_query_string()) == q
        True
    """

    params: Params = ()
    _json: tuple[tuple[str, Any], ...] = field(default=(), compare=False, repr=False)

    def event_type(self, *types: str) -> EventQuery:
        """``eventType``: ``ObjectEvent``, ``AggregationEvent``, ... or extension type URIs.

        Args:
            *types: Event types.

        Returns:
            The new query.

        Examples:
            >>> EventQuery().event_type("ObjectEvent", "TransformationEvent").get("eventType")
            'ObjectEvent|TransformationEvent'
        """
        return self.set("eventType", values_of("eventType", types))

    def event_time(self, *, ge: Time | None = None, lt: Time | None = None) -> EventQuery:
        """``GE_eventTime`` (inclusive) and ``LT_eventTime`` (exclusive).

        Args:
            ge: Earliest event time (aware datetime or RFC 3339 text).
            lt: Event time upper bound, excluded.

        Returns:
            The new query.

        Raises:
            EpcisError: ``EPCIS_QUERY_NAIVE_TIME`` for a datetime without offset.

        Examples:
            >>> from datetime import datetime, timedelta, timezone
            >>> ict = timezone(timedelta(hours=7))
            >>> EventQuery().event_time(lt=datetime(2024, 8, 1, tzinfo=ict)).params
            (('LT_eventTime', '2024-08-01T00:00:00+07:00'),)
        """
        return self._range("eventTime", ge, lt)

    def record_time(self, *, ge: Time | None = None, lt: Time | None = None) -> EventQuery:
        """``GE_recordTime`` and ``LT_recordTime``.

        Args:
            ge: Earliest record time.
            lt: Record time upper bound, excluded.

        Returns:
            The new query.

        Examples:
            >>> EventQuery().record_time(ge="2024-07-15T00:00:00Z").names()
            ('GE_recordTime',)
        """
        return self._range("recordTime", ge, lt)

    def action(self, *actions: Literal["ADD", "OBSERVE", "DELETE"]) -> EventQuery:
        """``EQ_action``.

        Args:
            *actions: ``ADD``, ``OBSERVE`` or ``DELETE``.

        Returns:
            The new query.

        Raises:
            EpcisError: ``EPCIS_QUERY_BAD_VALUE`` for another word.

        Examples:
            >>> EventQuery().action("ADD", "OBSERVE").get("EQ_action")
            'ADD|OBSERVE'
        """
        for act in actions:
            if act not in _ACTIONS:
                raise EpcisError(
                    f"EQ_action: {act!r} is not ADD, OBSERVE or DELETE",
                    code="EPCIS_QUERY_BAD_VALUE",
                    path="$.EQ_action",
                )
        return self.set("EQ_action", values_of("EQ_action", actions))

    def biz_step(self, *values: str) -> EventQuery:
        """``EQ_bizStep``: bare CBV words (``shipping``) or URIs/CURIEs for custom steps.

        Args:
            *values: Business steps.

        Returns:
            The new query.

        Examples:
            >>> EventQuery().biz_step("commissioning").params
            (('EQ_bizStep', 'commissioning'),)
        """
        return self.set("EQ_bizStep", values_of("EQ_bizStep", values))

    def disposition(self, *values: str) -> EventQuery:
        """``EQ_disposition``.

        Args:
            *values: Dispositions.

        Returns:
            The new query.

        Examples:
            >>> EventQuery().disposition("in_transit").names()
            ('EQ_disposition',)
        """
        return self.set("EQ_disposition", values_of("EQ_disposition", values))

    def persistent_disposition(
        self, *, set: Sequence[str] = (), unset: Sequence[str] = ()
    ) -> EventQuery:
        """``EQ_persistentDisposition_set`` and ``EQ_persistentDisposition_unset``.

        Args:
            set: Dispositions that must be set.
            unset: Dispositions that must be unset.

        Returns:
            The new query.

        Examples:
            >>> EventQuery().persistent_disposition(set=["completeness_inferred"]).names()
            ('EQ_persistentDisposition_set',)
        """
        out = self
        if set:
            out = out.set("EQ_persistentDisposition_set", list(set))
        if unset:
            out = out.set("EQ_persistentDisposition_unset", list(unset))
        if out is self:
            raise EpcisError(
                "persistent_disposition: give set= or unset=", code="EPCIS_QUERY_BAD_VALUE"
            )
        return out

    def read_point(self, *ids: str, with_descendants: bool = False) -> EventQuery:
        """``EQ_readPoint``, or ``WD_readPoint`` (with master-data descendants).

        Args:
            *ids: Read point identifiers.
            with_descendants: Use ``WD_readPoint``.

        Returns:
            The new query.

        Examples:
            >>> gate = "urn:epc:id:sgln:893012345.001.0"
            >>> EventQuery().read_point(gate, with_descendants=True).names()
            ('WD_readPoint',)
        """
        name = "WD_readPoint" if with_descendants else "EQ_readPoint"
        return self.set(name, values_of(name, ids))

    def biz_location(self, *ids: str, with_descendants: bool = False) -> EventQuery:
        """``EQ_bizLocation``, or ``WD_bizLocation``.

        Args:
            *ids: Business location identifiers.
            with_descendants: Use ``WD_bizLocation``.

        Returns:
            The new query.

        Examples:
            >>> EventQuery().biz_location("urn:epc:id:sgln:893012345.001.0").names()
            ('EQ_bizLocation',)
        """
        name = "WD_bizLocation" if with_descendants else "EQ_bizLocation"
        return self.set(name, values_of(name, ids))

    def transformation_id(self, *ids: str) -> EventQuery:
        """``EQ_transformationID``.

        Args:
            *ids: Transformation identifiers.

        Returns:
            The new query.

        Examples:
            >>> EventQuery().transformation_id("urn:uuid:1").names()
            ('EQ_transformationID',)
        """
        return self.set("EQ_transformationID", values_of("EQ_transformationID", ids))

    def event_id(self, *ids: str) -> EventQuery:
        """``EQ_eventID``.

        Args:
            *ids: Event identifiers.

        Returns:
            The new query.

        Examples:
            >>> EventQuery().event_id("urn:uuid:6f0e0e8c").names()
            ('EQ_eventID',)
        """
        return self.set("EQ_eventID", values_of("EQ_eventID", ids))

    def quantity(
        self,
        *,
        eq: Number | Sequence[Number] | None = None,
        gt: Number | None = None,
        ge: Number | None = None,
        lt: Number | None = None,
        le: Number | None = None,
        uom: str | None = None,
    ) -> EventQuery:
        """``EQ/GT/GE/LT/LE_quantity``, or ``…_quantity_{UOM}`` with a unit (UN/CEFACT rec 20).

        Args:
            eq: Equal to (one number or several).
            gt: Greater than.
            ge: Greater than or equal.
            lt: Less than.
            le: Less than or equal.
            uom: The unit code, e.g. ``"KGM"``.

        Returns:
            The new query.

        Examples:
            >>> from decimal import Decimal
            >>> EventQuery().quantity(ge=10, lt=Decimal("20.5"), uom="KGM").params
            (('GE_quantity_KGM', '10'), ('LT_quantity_KGM', '20.5'))
        """
        suffix = "" if uom is None else f"_{uom}"
        return self._compare("quantity", suffix, eq=eq, gt=gt, ge=ge, lt=lt, le=le)

    def exists_error_declaration(self) -> EventQuery:
        """``EXISTS_errorDeclaration``: only events with an error declaration.

        Returns:
            The new query.

        Examples:
            >>> EventQuery().exists_error_declaration().params
            (('EXISTS_errorDeclaration', 'true'),)
        """
        return self.set("EXISTS_errorDeclaration", True)

    def error_declaration_time(
        self, *, ge: Time | None = None, lt: Time | None = None
    ) -> EventQuery:
        """``GE_errorDeclarationTime`` / ``LT_errorDeclarationTime``.

        Args:
            ge: Earliest declaration time.
            lt: Declaration time upper bound.

        Returns:
            The new query.

        Examples:
            >>> EventQuery().error_declaration_time(ge="2024-07-01T00:00:00Z").names()
            ('GE_errorDeclarationTime',)
        """
        return self._range("errorDeclarationTime", ge, lt)

    def error_reason(self, *reasons: str) -> EventQuery:
        """``EQ_errorReason`` (``did_not_occur``, ``incorrect_data`` or URIs).

        Args:
            *reasons: Reasons.

        Returns:
            The new query.

        Examples:
            >>> EventQuery().error_reason("incorrect_data").names()
            ('EQ_errorReason',)
        """
        return self.set("EQ_errorReason", values_of("EQ_errorReason", reasons))

    def corrective_event_id(self, *ids: str) -> EventQuery:
        """``EQ_correctiveEventID``.

        Args:
            *ids: Event identifiers.

        Returns:
            The new query.

        Examples:
            >>> EventQuery().corrective_event_id("urn:uuid:1").names()
            ('EQ_correctiveEventID',)
        """
        return self.set("EQ_correctiveEventID", values_of("EQ_correctiveEventID", ids))

    def order_by(self, field: str, direction: Literal["ASC", "DESC"] | None = None) -> EventQuery:
        """``orderBy`` (``eventTime``, ``recordTime`` or an extension field) and ``orderDirection``.

        Args:
            field: The ordering field.
            direction: ``ASC`` or ``DESC`` (the server default is ``DESC``).

        Returns:
            The new query.

        Raises:
            EpcisError: ``EPCIS_QUERY_BAD_VALUE`` for another direction.

        Examples:
            >>> EventQuery().order_by("eventTime", "ASC").params
            (('orderBy', 'eventTime'), ('orderDirection', 'ASC'))
        """
        out = self.set("orderBy", field)
        if direction is not None:
            if direction not in ("ASC", "DESC"):
                raise EpcisError(
                    f"orderDirection: {direction!r} is not ASC or DESC",
                    code="EPCIS_QUERY_BAD_VALUE",
                    path="$.orderDirection",
                )
            out = out.set("orderDirection", direction)
        return out

    def event_count_limit(self, count: int) -> EventQuery:
        """``eventCountLimit``: the first ``count`` events in ``orderBy`` order.

        Args:
            count: How many.

        Returns:
            The new query.

        Raises:
            EpcisError: ``EPCIS_QUERY_CONFLICT`` when ``maxEventCount`` is set.

        Examples:
            >>> EventQuery().order_by("eventTime").event_count_limit(5).get("eventCountLimit")
            '5'
        """
        return self.set("eventCountLimit", count)

    def max_event_count(self, count: int) -> EventQuery:
        """``maxEventCount``: fail (``QueryTooLargeException``) past ``count`` events.

        Args:
            count: The ceiling.

        Returns:
            The new query.

        Raises:
            EpcisError: ``EPCIS_QUERY_CONFLICT`` when ``eventCountLimit`` is set.

        Examples:
            >>> EventQuery().max_event_count(1000).names()
            ('maxEventCount',)
        """
        return self.set("maxEventCount", count)

    def per_page(self, count: int) -> EventQuery:
        """``perPage``: events per page (the server may send fewer).

        Args:
            count: Events per page (at least 1).

        Returns:
            The new query.

        Raises:
            EpcisError: ``EPCIS_QUERY_BAD_VALUE`` below 1.

        Examples:
            >>> EventQuery().per_page(100).params
            (('perPage', '100'),)
        """
        if isinstance(count, int) and not isinstance(count, bool) and count < 1:
            raise EpcisError(
                "perPage must be at least 1", code="EPCIS_QUERY_BAD_VALUE", path="$.perPage"
            )
        return self.set("perPage", count)
