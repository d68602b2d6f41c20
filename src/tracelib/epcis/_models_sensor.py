"""Sensor data of EPCIS 2.0 events: ``sensorElementList`` of metadata plus reports.

In XML the fields of ``sensorMetadata`` and ``sensorReport`` are attributes (extensions
there are foreign attributes); in JSON-LD they are members (extensions prefixed members).
Both land in ``extensions`` as :class:`~tracelib.epcis.models.Extension` nodes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from ._extensions import Extension
from ._models_base import (
    CbvText,
    DecimalValue,
    HexBinary,
    StrictBool,
    Timestamp,
    Uri,
)
from ._models_extensible import Extensible, extensions_field

if TYPE_CHECKING:
    from .cbv import CbvValue

__all__ = ["SensorElement", "SensorMetadata", "SensorReport"]


def _cbv(value: str | None, kind: Any) -> CbvValue | None:
    if value is None:
        return None
    from .cbv import CbvValue

    return CbvValue.parse(value, kind)


class SensorMetadata(Extensible):
    """Metadata of one sensor element (``sensorMetadata``).

    Attributes:
        time: When the readings were taken (single time).
        start_time: Start of the interval the reports cover.
        end_time: End of that interval.
        device_id: The sensor device (``deviceID``).
        device_metadata: Where the device's metadata is (URI).
        raw_data: Where the raw data is (URI).
        data_processing_method: URI of the processing method.
        biz_rules: URI of the business rules applied.
        extensions: User extensions (foreign XML attributes, prefixed JSON members).

    Examples:
        >>> meta = SensorMetadata(device_id="urn:epc:id:giai:8935049.LOGGER1",
        ...                       start_time="2024-05-03T06:00:00+07:00")
        >>> meta.start_time.as_datetime().hour
        6
    """

    time: Timestamp | None = None
    start_time: Timestamp | None = Field(None, alias="startTime")
    end_time: Timestamp | None = Field(None, alias="endTime")
    device_id: Uri | None = Field(None, alias="deviceID")
    device_metadata: Uri | None = Field(None, alias="deviceMetadata")
    raw_data: Uri | None = Field(None, alias="rawData")
    data_processing_method: Uri | None = Field(None, alias="dataProcessingMethod")
    biz_rules: Uri | None = Field(None, alias="bizRules")
    extensions: tuple[Extension, ...] = extensions_field()

    def __repr_args__(self) -> Any:
        return [(k, v) for k, v in super().__repr_args__() if v is not None and v != ()]


class SensorReport(Extensible):
    """One reading or observation of a sensor (``sensorReport``).

    Numbers are ``Decimal``; ``type`` is a measurement type in any form (``Temperature``,
    ``gs1:Temperature``, ``https://gs1.org/voc/Temperature``) or a private URI; ``uom`` is a
    UN/CEFACT Rec. 20 code (e.g. ``CEL``).

    Attributes:
        type: Measurement type as written (optional in the XSD).
        exception: Alert type (``ALARM_CONDITION``, ``ERROR_CONDITION``) as written.
        device_id: The sensor device when it differs per report (``deviceID``).
        device_metadata: Device metadata URI.
        raw_data: Raw data URI.
        data_processing_method: Processing method URI.
        biz_rules: Business rules URI (JSON Schema; a foreign attribute in XML).
        time: Time of this reading.
        microorganism: Microorganism URI (e.g. an NCBI taxonomy link).
        chemical_substance: Chemical substance URI (e.g. an InChIKey link).
        value: The reading.
        component: Vector component (``x``, ``latitude``... or a URI).
        string_value: A string reading.
        boolean_value: A boolean reading.
        hex_binary_value: A hexBinary reading (pairs of hex digits).
        uri_value: A URI reading.
        min_value: Minimum over the interval.
        max_value: Maximum over the interval.
        mean_value: Mean over the interval.
        s_dev: Standard deviation (``sDev``).
        perc_rank: Percentile rank.
        perc_value: Value at that percentile.
        uom: Unit of measure code.
        coordinate_reference_system: URI of the coordinate reference system.
        extensions: User extensions.

    Examples:
        >>> r = SensorReport(type="Temperature", value="-18.5", uom="CEL")
        >>> r.value, r.type_cbv.to_web_uri()
        (Decimal('-18.5'), 'https://gs1.org/voc/Temperature')
    """

    type: CbvText | None = None
    exception: CbvText | None = None
    device_id: Uri | None = Field(None, alias="deviceID")
    device_metadata: Uri | None = Field(None, alias="deviceMetadata")
    raw_data: Uri | None = Field(None, alias="rawData")
    data_processing_method: Uri | None = Field(None, alias="dataProcessingMethod")
    biz_rules: Uri | None = Field(None, alias="bizRules")
    time: Timestamp | None = None
    microorganism: Uri | None = None
    chemical_substance: Uri | None = Field(None, alias="chemicalSubstance")
    value: DecimalValue | None = None
    component: CbvText | None = None
    string_value: str | None = Field(None, alias="stringValue")
    boolean_value: StrictBool | None = Field(None, alias="booleanValue")
    hex_binary_value: HexBinary | None = Field(None, alias="hexBinaryValue")
    uri_value: Uri | None = Field(None, alias="uriValue")
    min_value: DecimalValue | None = Field(None, alias="minValue")
    max_value: DecimalValue | None = Field(None, alias="maxValue")
    mean_value: DecimalValue | None = Field(None, alias="meanValue")
    s_dev: DecimalValue | None = Field(None, alias="sDev")
    perc_rank: DecimalValue | None = Field(None, alias="percRank")
    perc_value: DecimalValue | None = Field(None, alias="percValue")
    uom: str | None = None
    coordinate_reference_system: Uri | None = Field(None, alias="coordinateReferenceSystem")
    extensions: tuple[Extension, ...] = extensions_field()

    @property
    def type_cbv(self) -> CbvValue | None:
        """``type`` as a :class:`~tracelib.epcis.cbv.CbvValue` (measurement type)."""
        return _cbv(self.type, "measurementType")

    @property
    def exception_cbv(self) -> CbvValue | None:
        """``exception`` as a :class:`~tracelib.epcis.cbv.CbvValue` (sensor alert type)."""
        return _cbv(self.exception, "sensorAlertType")

    @property
    def component_cbv(self) -> CbvValue | None:
        """``component`` as a :class:`~tracelib.epcis.cbv.CbvValue` (sensor component)."""
        return _cbv(self.component, "component")

    def __repr_args__(self) -> Any:
        return [(k, v) for k, v in super().__repr_args__() if v is not None and v != ()]


class SensorElement(Extensible):
    """One ``sensorElement``: optional metadata and one report or more.

    Attributes:
        sensor_metadata: The metadata (``sensorMetadata``).
        sensor_report: The reports (``sensorReport``), at least one.
        extensions: User extensions of the element.

    Examples:
        >>> el = SensorElement(sensor_report=[{"type": "Temperature", "value": 2.5, "uom": "CEL"}])
        >>> el.sensor_report[0].value
        Decimal('2.5')
    """

    sensor_metadata: SensorMetadata | None = Field(None, alias="sensorMetadata")
    sensor_report: tuple[SensorReport, ...] = Field(alias="sensorReport", min_length=1)
    extensions: tuple[Extension, ...] = extensions_field()
