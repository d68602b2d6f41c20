"""Identifier, sensor and pattern parameters of :class:`~tracelib.epcis.client.EventQuery`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from ..errors import EpcisError
from ._client_grammar import CURIE
from ._client_query_base import Number, QueryBase, Time, values_of

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["MoreQueryMixin", "Scope", "SensorField"]

Scope = Literal[
    "event",
    "ilmd",
    "error_declaration",
    "sensor_element",
    "sensor_metadata",
    "sensor_report",
    "read_point",
    "biz_location",
]
"""Where an extension field sits (see :meth:`~tracelib.epcis.client.EventQuery.field`)."""
SensorField = Literal["value", "minValue", "maxValue", "meanValue", "sDev", "percValue"]
"""Numeric sensor report fields with a unit."""
_SCOPE_PREFIX: dict[str, str] = {
    "event": "",
    "ilmd": "ILMD_",
    "error_declaration": "ERROR_DECLARATION_",
    "sensor_element": "SENSORELEMENT_",
    "sensor_metadata": "SENSORMETADATA_",
    "sensor_report": "SENSORREPORT_",
    "read_point": "readPoint_",
    "biz_location": "bizLocation_",
}


class MoreQueryMixin(QueryBase):
    """EPC matching, sensor filters and the typed pattern parameters.

    Examples:
        >>> from tracelib.epcis.client import EventQuery
        >>> EventQuery().match_any_epc("urn:epc:id:sgtin:893012345.0012.1").names()
        ('MATCH_anyEPC',)
    """

    __slots__ = ()

    def match_epc(self, *epcs: str) -> Self:
        """``MATCH_epc``: ``epcList``/``childEPCs`` (EPC URNs, patterns or Digital Links).

        Args:
            *epcs: EPCs or EPC patterns.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().match_epc("urn:epc:idpat:sgtin:893012345.0012.*").names()
            ('MATCH_epc',)
        """
        return self._match("MATCH_epc", epcs)

    def match_parent_id(self, *epcs: str) -> Self:
        """``MATCH_parentID``.

        Args:
            *epcs: Parent identifiers or patterns.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().match_parent_id("urn:epc:id:sscc:893012345.0000000001").names()
            ('MATCH_parentID',)
        """
        return self._match("MATCH_parentID", epcs)

    def match_input_epc(self, *epcs: str) -> Self:
        """``MATCH_inputEPC``.

        Args:
            *epcs: EPCs or patterns.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().match_input_epc("urn:epc:id:sgtin:893012345.0012.1").names()
            ('MATCH_inputEPC',)
        """
        return self._match("MATCH_inputEPC", epcs)

    def match_output_epc(self, *epcs: str) -> Self:
        """``MATCH_outputEPC``.

        Args:
            *epcs: EPCs or patterns.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().match_output_epc("urn:epc:id:sgtin:893012345.0012.1").names()
            ('MATCH_outputEPC',)
        """
        return self._match("MATCH_outputEPC", epcs)

    def match_any_epc(self, *epcs: str) -> Self:
        """``MATCH_anyEPC``: any of epcList, childEPCs, parentID, inputEPCList, outputEPCList.

        Args:
            *epcs: EPCs or patterns.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().match_any_epc("urn:epc:id:sgtin:893012345.0012.1").names()
            ('MATCH_anyEPC',)
        """
        return self._match("MATCH_anyEPC", epcs)

    def match_epc_class(self, *classes: str) -> Self:
        """``MATCH_epcClass`` (quantity lists).

        Args:
            *classes: Class identifiers or patterns.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> lot = "urn:epc:class:lgtin:893012345.0012.LUA-2024-07"
            >>> EventQuery().match_epc_class(lot).names()
            ('MATCH_epcClass',)
        """
        return self._match("MATCH_epcClass", classes)

    def match_input_epc_class(self, *classes: str) -> Self:
        """``MATCH_inputEPCClass``.

        Args:
            *classes: Class identifiers or patterns.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().match_input_epc_class("urn:epc:idpat:sgtin:893012345.0012.*").names()
            ('MATCH_inputEPCClass',)
        """
        return self._match("MATCH_inputEPCClass", classes)

    def match_output_epc_class(self, *classes: str) -> Self:
        """``MATCH_outputEPCClass``.

        Args:
            *classes: Class identifiers or patterns.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().match_output_epc_class("urn:epc:idpat:sgtin:893012345.0012.*").names()
            ('MATCH_outputEPCClass',)
        """
        return self._match("MATCH_outputEPCClass", classes)

    def match_any_epc_class(self, *classes: str) -> Self:
        """``MATCH_anyEPCClass``.

        Args:
            *classes: Class identifiers or patterns.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().match_any_epc_class("urn:epc:idpat:sgtin:893012345.0012.*").names()
            ('MATCH_anyEPCClass',)
        """
        return self._match("MATCH_anyEPCClass", classes)

    def exists_sensor_element_list(self) -> Self:
        """``EXISTS_sensorElementList``.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().exists_sensor_element_list().names()
            ('EXISTS_sensorElementList',)
        """
        return self.set("EXISTS_sensorElementList", True)

    def sensor_time(self, *, ge: Time | None = None, lt: Time | None = None) -> Self:
        """``GE_time`` / ``LT_time`` (sensor report and metadata times).

        Args:
            ge: Earliest time.
            lt: Upper bound.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().sensor_time(ge="2024-07-15T00:00:00+07:00").names()
            ('GE_time',)
        """
        return self._range("time", ge, lt)

    def sensor_start_time(self, *, ge: Time | None = None, lt: Time | None = None) -> Self:
        """``GE_startTime`` / ``LT_startTime``.

        Args:
            ge: Earliest start time.
            lt: Upper bound.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().sensor_start_time(lt="2024-07-16T00:00:00Z").names()
            ('LT_startTime',)
        """
        return self._range("startTime", ge, lt)

    def sensor_end_time(self, *, ge: Time | None = None, lt: Time | None = None) -> Self:
        """``GE_endTime`` / ``LT_endTime``.

        Args:
            ge: Earliest end time.
            lt: Upper bound.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().sensor_end_time(ge="2024-07-15T00:00:00Z").names()
            ('GE_endTime',)
        """
        return self._range("endTime", ge, lt)

    def sensor(
        self,
        *,
        type: Sequence[str] = (),
        device_id: Sequence[str] = (),
        data_processing_method: Sequence[str] = (),
        microorganism: Sequence[str] = (),
        chemical_substance: Sequence[str] = (),
        biz_rules: Sequence[str] = (),
        string_value: Sequence[str] = (),
        hex_binary_value: Sequence[str] = (),
        uri_value: Sequence[str] = (),
        boolean_value: bool | None = None,
    ) -> Self:
        """Sensor report filters: ``EQ_type``, ``EQ_deviceID``, ``EQ_booleanValue``, ...

        Args:
            type: ``EQ_type`` (measurement types, e.g. ``gs1:Temperature``).
            device_id: ``EQ_deviceID``.
            data_processing_method: ``EQ_dataProcessingMethod``.
            microorganism: ``EQ_microorganism``.
            chemical_substance: ``EQ_chemicalSubstance``.
            biz_rules: ``EQ_bizRules``.
            string_value: ``EQ_stringValue``.
            hex_binary_value: ``EQ_hexBinaryValue``.
            uri_value: ``EQ_uriValue``.
            boolean_value: ``EQ_booleanValue``.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().sensor(type=["gs1:Temperature"], boolean_value=False).params
            (('EQ_type', 'gs1:Temperature'), ('EQ_booleanValue', 'false'))
        """
        out = self
        for name, values in (
            ("EQ_type", type),
            ("EQ_deviceID", device_id),
            ("EQ_dataProcessingMethod", data_processing_method),
            ("EQ_microorganism", microorganism),
            ("EQ_chemicalSubstance", chemical_substance),
            ("EQ_bizRules", biz_rules),
            ("EQ_stringValue", string_value),
            ("EQ_hexBinaryValue", hex_binary_value),
            ("EQ_uriValue", uri_value),
        ):
            if values:
                out = out.set(name, [values] if isinstance(values, str) else list(values))
        if boolean_value is not None:
            out = out.set("EQ_booleanValue", boolean_value)
        if out is self:
            raise EpcisError("sensor: give at least one filter", code="EPCIS_QUERY_BAD_VALUE")
        return out

    def perc_rank(
        self,
        *,
        gt: Number | None = None,
        ge: Number | None = None,
        lt: Number | None = None,
        le: Number | None = None,
    ) -> Self:
        """``GT/GE/LT/LE_percRank``.

        Args:
            gt: Greater than.
            ge: Greater than or equal.
            lt: Less than.
            le: Less than or equal.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().perc_rank(ge=90).names()
            ('GE_percRank',)
        """
        return self._compare("percRank", "", gt=gt, ge=ge, lt=lt, le=le)

    def sensor_value(
        self,
        uom: str,
        *,
        field: SensorField = "value",
        eq: Number | Sequence[Number] | None = None,
        gt: Number | None = None,
        ge: Number | None = None,
        lt: Number | None = None,
        le: Number | None = None,
    ) -> Self:
        """Sensor values in a unit: ``EQ_value_{UOM}``, ``GE_minValue_{UOM}``, ``LT_sDev_{UOM}``...

        Args:
            uom: The unit code (UN/CEFACT rec 20), e.g. ``"CEL"``.
            field: ``value``, ``minValue``, ``maxValue``, ``meanValue``, ``sDev`` or ``percValue``
                (only ``value`` takes ``eq``).
            eq: Equal to one of these.
            gt: Greater than.
            ge: Greater than or equal.
            lt: Less than.
            le: Less than or equal.

        Returns:
            The new query.

        Raises:
            EpcisError: ``EPCIS_QUERY_UNKNOWN_PARAMETER`` for ``eq`` on another field or a bad unit.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().sensor_value("CEL", ge=2, lt=8).params
            (('GE_value_CEL', '2'), ('LT_value_CEL', '8'))
            >>> EventQuery().sensor_value("CEL", field="minValue", ge="-18").names()
            ('GE_minValue_CEL',)
        """
        return self._compare(field, f"_{uom}", eq=eq, gt=gt, ge=ge, lt=lt, le=le)

    def biz_transaction(self, type: str, *values: str) -> Self:
        """``EQ_bizTransaction_{type}``: business transactions of one type.

        Args:
            type: The transaction type, a CBV bare word (``po``, ``inv``, ``desadv``).
            *values: Transaction identifiers.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> po = "urn:epcglobal:cbv:bt:8930123450006:PO-77"
            >>> EventQuery().biz_transaction("po", po).names()
            ('EQ_bizTransaction_po',)
        """
        return self.set(f"EQ_bizTransaction_{type}", values_of("EQ_bizTransaction", values))

    def source(self, type: str, *values: str) -> Self:
        """``EQ_source_{type}`` (``owning_party``, ``possessing_party``, ``location``).

        Args:
            type: The source type.
            *values: Source identifiers.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().source("owning_party", "urn:epc:id:pgln:893012345.0").names()
            ('EQ_source_owning_party',)
        """
        return self.set(f"EQ_source_{type}", values_of("EQ_source", values))

    def destination(self, type: str, *values: str) -> Self:
        """``EQ_destination_{type}``.

        Args:
            type: The destination type.
            *values: Destination identifiers.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().destination("location", "urn:epc:id:sgln:893456700.001.0").names()
            ('EQ_destination_location',)
        """
        return self.set(f"EQ_destination_{type}", values_of("EQ_destination", values))

    def field(
        self,
        name: str,
        *,
        scope: Scope = "event",
        inner: bool = False,
        eq: Any = None,
        gt: Number | Time | None = None,
        ge: Number | Time | None = None,
        lt: Number | Time | None = None,
        le: Number | Time | None = None,
        exists: bool = False,
    ) -> Self:
        """Extension fields: ``EQ_{field}``, ``GT_ILMD_{field}``, ``EXISTS_INNER_{field}``, ...

        ``name`` is a CURIE (``htx:vungTrong``) whose prefix the server knows (send it in
        ``GS1-Extensions`` through :class:`~tracelib.epcis.client.Negotiation`).

        Args:
            name: The field CURIE.
            scope: Where the field sits: ``event`` (top level), ``ilmd``,
                ``error_declaration``, ``sensor_element``, ``sensor_metadata``,
                ``sensor_report``, ``read_point``, ``biz_location``.
            inner: Match the field nested anywhere below that level (``INNER_``).
            eq: Equal to: strings (any of them), a number or a time.
            gt: Greater than (number or time).
            ge: Greater than or equal.
            lt: Less than.
            le: Less than or equal.
            exists: Set ``EXISTS_…``.

        Returns:
            The new query.

        Raises:
            EpcisError: ``EPCIS_QUERY_UNKNOWN_PARAMETER`` when the grammar has no such
                parameter (``read_point`` only takes ``eq``; ``exists`` is not ``inner`` for
                sensor scopes), ``EPCIS_QUERY_BAD_VALUE`` for a name that is not a CURIE.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().field("htx:vungTrong", eq="NA-01").params
            (('EQ_htx:vungTrong', 'NA-01'),)
            >>> EventQuery().field("htx:doAm", scope="sensor_report", inner=True, le=80).names()
            ('LE_INNER_SENSORREPORT_htx:doAm',)
        """
        if not isinstance(name, str) or not re.fullmatch(CURIE, name):
            raise EpcisError(
                f"{name!r} is not a CURIE like 'prefix:field'",
                code="EPCIS_QUERY_BAD_VALUE",
                path="$",
            )
        if scope not in _SCOPE_PREFIX:
            raise EpcisError(f"unknown scope {scope!r}", code="EPCIS_QUERY_BAD_VALUE", path="$")
        middle = ("INNER_" if inner else "") + _SCOPE_PREFIX[scope]
        out = (
            self._compare(middle + name, "", eq=eq, gt=gt, ge=ge, lt=lt, le=le)
            if any(v is not None for v in (eq, gt, ge, lt, le))
            else self
        )
        if exists:
            out = out.set(f"EXISTS_{middle}{name}", True)
        if out is self:
            raise EpcisError(
                f"{name}: give a comparison or exists=True", code="EPCIS_QUERY_BAD_VALUE"
            )
        return out

    def ilmd(self, name: str, *, inner: bool = False, **ops: Any) -> Self:
        """ILMD fields: ``EQ_ILMD_{field}`` and friends (see :meth:`field`).

        Args:
            name: The field CURIE, e.g. ``cbvmda:lotNumber``.
            inner: Nested below the ILMD top level.
            **ops: ``eq``, ``gt``, ``ge``, ``lt``, ``le``, ``exists``.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().ilmd("cbvmda:countryOfOrigin", eq=["VN"]).params
            (('EQ_ILMD_cbvmda:countryOfOrigin', 'VN'),)
        """
        return self.field(name, scope="ilmd", inner=inner, **ops)

    def has_attr(self, field: str, *attributes: str) -> Self:
        """``HASATTR_{field}``: the field's master data has one of these attributes.

        Args:
            field: A vocabulary field (``bizLocation``) or a CURIE.
            *attributes: Attribute names.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().has_attr("bizLocation", "cbvmda:sst").names()
            ('HASATTR_bizLocation',)
        """
        return self.set(f"HASATTR_{field}", values_of(f"HASATTR_{field}", attributes))

    def attr(self, field: str, attribute: str, *values: Any) -> Self:
        """``EQ_ATTR_{field}_{attribute}``: master-data attribute values.

        Args:
            field: A vocabulary field (``bizLocation``) or a CURIE.
            attribute: The attribute name.
            *values: Accepted values (strings), or one number or time.

        Returns:
            The new query.

        Examples:

            >>> from tracelib.epcis.client import EventQuery
            >>> EventQuery().attr("bizLocation", "cbvmda:sst", "201").names()
            ('EQ_ATTR_bizLocation_cbvmda:sst',)
        """
        value: Any = list(values) if len(values) != 1 or isinstance(values[0], str) else values[0]
        return self.set(f"EQ_ATTR_{field}_{attribute}", value)
