"""Sensor data of the quick JSON-LD event hash (``sensorElementList``).

Private plumbing of :mod:`tracelib.epcis._hash_jsonld`: the tokens of
:meth:`tracelib.epcis._hash_prehash.Prehasher._sensors` from the parsed JSON, every field
checked with the models' rules (:mod:`._hash_jsonld_parts`).
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from ._hash_jsonld_parts import (
    BailError,
    Parts,
    Tokens,
    as_dict,
    as_list,
    as_number,
    is_hex,
    is_stamp,
    remember,
)
from ._hash_prehash import flatten_sorted

__all__ = ["SensorParts"]

_METADATA = {
    "time": (0, "time=", "time"),
    "startTime": (1, "startTime=", "time"),
    "endTime": (2, "endTime=", "time"),
    "deviceID": (3, "deviceID=", "uri"),
    "deviceMetadata": (4, "deviceMetadata=", "uri"),
    "rawData": (5, "rawData=", "uri"),
    "dataProcessingMethod": (6, "dataProcessingMethod=", "uri"),
    "bizRules": (7, "bizRules=", "uri"),
}
_REPORT = {
    name: (index, name + "=", kind)
    for index, (name, kind) in enumerate(
        (
            ("type", "measurementType"),
            ("exception", "sensorAlertType"),
            ("deviceID", "uri"),
            ("deviceMetadata", "uri"),
            ("rawData", "uri"),
            ("dataProcessingMethod", "uri"),
            ("time", "time"),
            ("microorganism", "uri"),
            ("chemicalSubstance", "uri"),
            ("value", "number"),
            ("component", "component"),
            ("stringValue", "text"),
            ("booleanValue", "boolean"),
            ("hexBinaryValue", "hex"),
            ("uriValue", "uri"),
            ("minValue", "number"),
            ("maxValue", "number"),
            ("meanValue", "number"),
            ("sDev", "number"),
            ("percRank", "number"),
            ("percValue", "number"),
            ("uom", "plain"),
            ("coordinateReferenceSystem", "uri"),
        )
    )
}
_REPORT["bizRules"] = (99, "bizRules=", "rules")
_ELEMENT = frozenset({"sensorMetadata", "sensorReport"})
_SIMPLE_REPORT = frozenset({"type", "value", "uom"})
_SECOND = itemgetter(1)


class SensorParts(Parts):
    """The parts of an event's pre-hash with its sensor data."""

    __slots__ = ()

    def sensors(self, out: Tokens, elements: list[Any], stray: Tokens | None) -> None:
        """The sensorElementList tokens (``stray``: where CBV 2.0 puts ``bizRules``)."""
        members = []
        stray_elements = []
        for item in elements:
            element = as_dict(item)
            member = ["sensorElement"]
            if "sensorMetadata" in element:
                member.append("sensorMetadata")
                meta = as_dict(element["sensorMetadata"])
                extra = self._fields(member, meta, _METADATA, None)
                if extra:
                    member.extend(self._extensions(meta, extra))
            reports = []
            stray_reports = []
            for raw in as_list(element.get("sensorReport")):
                report = as_dict(raw)
                if report.keys() <= _SIMPLE_REPORT:  # the common reading: quicker
                    reports.append(list(self.part("sensorReport", report, self._simple_report)))
                    continue
                tokens = ["sensorReport"]
                rules: Tokens = []
                extra = self._fields(tokens, report, _REPORT, rules)
                if rules:
                    if stray is None:
                        tokens.append(rules[0])
                    else:
                        stray_reports.append(["sensorReport", rules[0]])
                if extra:
                    tokens.extend(self._extensions(report, extra))
                reports.append(tokens)
            if not reports:
                raise BailError
            member.extend(flatten_sorted(reports))
            extra = self._others(element, _ELEMENT)
            if extra:
                member.extend(self._extensions(element, extra))
            members.append(member)
            if stray_reports:
                stray_elements.append(["sensorElement", *flatten_sorted(stray_reports)])
        out.append("sensorElementList")
        out.extend(flatten_sorted(members))
        if stray is not None and stray_elements:
            stray.append("sensorElementList")
            stray.extend(flatten_sorted(stray_elements))

    def _simple_report(self, label: str, report: dict[str, Any]) -> Tokens:
        """The tokens of a sensorReport with no other members than type, value and uom
        (in the order of :data:`_REPORT`)."""
        tokens = [label]
        if "type" in report:
            tokens.append("type=" + self._cbv(report["type"], "measurementType"))
        if "value" in report:
            tokens.append("value=" + as_number(report["value"]))
        if "uom" in report:
            uom = report["uom"]
            if type(uom) is not str:
                raise BailError
            tokens.append("uom=" + uom.strip())
        return tokens

    def _fields(
        self,
        out: Tokens,
        obj: dict[str, Any],
        table: dict[str, tuple[int, str, str]],
        rules: Tokens | None,
    ) -> list[str]:
        """Append the tokens of the fields of a sensor part in pre-hash order (``rules``
        receives a report's ``bizRules`` token); return its other members (extensions)."""
        c = self._canon
        pairs = self._report_pairs if rules is not None else self._meta_pairs
        found = []
        extra = []
        for item in obj.items():
            # Only string-valued pairs are remembered, so that no other value (1 == True)
            # can find an entry; an unhashable value just misses.
            try:
                hit = pairs.get(item)
            except TypeError:
                hit = None
            if hit is not None:
                found.append(hit)
                continue
            key, value = item
            how = table.get(key)
            if how is None:
                extra.append(key)
                continue
            index, label, kind = how
            if kind == "uri":
                text = self._uri(value)
            elif kind == "number":
                text = as_number(value)
            elif kind == "time":
                if not is_stamp(value):
                    raise BailError
                text = c.time(value)
            elif kind == "rules":
                if rules is None:
                    raise BailError
                rules.append(label + self._uri(value))
                continue
            elif kind == "boolean":
                if type(value) is not bool:
                    raise BailError
                text = "true" if value else "false"
            elif kind == "text":
                if type(value) is not str:
                    raise BailError
                text = c.text(value)
            elif kind == "plain":
                if type(value) is not str:
                    raise BailError
                text = value.strip()
            elif kind == "hex":
                if not is_hex(value):
                    raise BailError
                text = value.strip()
            else:
                text = self._cbv(value, kind)
            entry = (index, label + text)
            if kind != "time" and type(value) is str:  # times seldom repeat
                remember(pairs, (key, value), entry)
            found.append(entry)
        if len(found) > 1:
            found.sort()
        out.extend(map(_SECOND, found))
        return extra
