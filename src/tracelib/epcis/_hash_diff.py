"""Pre-hash comparison: the first token that differs, with context and an explanation."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

__all__ = ["PrehashDiff", "diff_tokens", "split_token", "tokenize"]

_CONTAINERS = frozenset(
    {
        "epcList",
        "inputEPCList",
        "childEPCs",
        "outputEPCList",
        "quantityList",
        "childQuantityList",
        "inputQuantityList",
        "outputQuantityList",
        "quantityElement",
        "persistentDisposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "sensorElement",
        "sensorMetadata",
        "sensorReport",
        "ilmd",
    }
)
_KEYS = (
    *("eventType", "eventTimeZoneOffset", "eventTime", "certificationInfo", "parentID"),
    *("epcClass", "epc", "quantity", "uom", "action", "transformationID", "bizStep"),
    *("disposition", "set", "unset", "id", "bizTransaction", "type", "source", "destination"),
    *("time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData"),
    *("dataProcessingMethod", "bizRules", "exception", "microorganism", "chemicalSubstance"),
    *("value", "component", "stringValue", "booleanValue", "hexBinaryValue", "uriValue"),
    *("minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue"),
    "coordinateReferenceSystem",
)
_STARTS = sorted([k + "=" for k in _KEYS] + list(_CONTAINERS), key=len, reverse=True)
_TOKEN_START = re.compile(r"\{[^}]*\}|" + "|".join(re.escape(s) for s in _STARTS))
_CONTEXT = 3


@dataclass(frozen=True, slots=True)
class PrehashDiff:
    """Where two pre-hash strings part: the first differing token and why.

    Attributes:
        index: Index of the first differing token.
        offset: Character offset of that token in the first pre-hash.
        token_a: The token of the first pre-hash (``None`` when it ended first).
        token_b: The token of the second pre-hash (``None`` when it ended first).
        context: Up to three tokens both share just before the difference.
        field: The pre-hash key concerned (``eventTimeZoneOffset``, ``epc``,
            ``{namespace}localName``...).
        container: The nearest enclosing list or element (``epcList``, ``readPoint``,
            ``sensorReport``, an extension name...), or ``""`` at the top level.
        explanation: A sentence such as ``eventTimeZoneOffset differs: +07:00 vs +00:00``.

    Examples:
        >>> d = diff_tokens(["eventType=ObjectEvent", "action=ADD"],
        ...                 ["eventType=ObjectEvent", "action=OBSERVE"])
        >>> d.field, d.explanation
        ('action', 'action differs: ADD vs OBSERVE')
    """

    index: int
    offset: int
    token_a: str | None
    token_b: str | None
    context: tuple[str, ...]
    field: str
    container: str
    explanation: str

    def __str__(self) -> str:
        return self.explanation


def split_token(token: str) -> tuple[str, str | None]:
    """``key=value`` -> ``(key, value)``; a name alone gives ``(name, None)``.

    Extension names may hold ``=`` inside their ``{namespace}``.

    Examples:
        >>> split_token("{https://ns.example.com/?a=b}field=3")
        ('{https://ns.example.com/?a=b}field', '3')
    """
    start = token.find("}") + 1 if token.startswith("{") else 0
    eq = token.find("=", start)
    if eq < 0:
        return token, None
    return token[:eq], token[eq + 1 :]


def tokenize(prehash: str) -> list[str]:
    """Split a pre-hash string at the names of the pre-hash (heuristic for plain strings).

    Examples:
        >>> tokenize("eventType=ObjectEventepcListepc=https://id.gs1.org/00/106141412345678908")
        ['eventType=ObjectEvent', 'epcList', 'epc=https://id.gs1.org/00/106141412345678908']
    """
    starts = [m.start() for m in _TOKEN_START.finditer(prehash)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    bounds = [*starts, len(prehash)]
    return [prehash[i:j] for i, j in itertools.pairwise(bounds) if j > i]


def _container(tokens: list[str], index: int) -> str:
    for token in reversed(tokens[:index]):
        key, value = split_token(token)
        if value is None:
            return key
    return ""


def diff_tokens(a: list[str], b: list[str]) -> PrehashDiff | None:
    """The first difference of two token lists, or ``None`` when they are equal."""
    if a == b or "".join(a) == "".join(b):
        return None
    index = 0
    for index, (x, y) in enumerate(zip(a, b, strict=False)):  # noqa: B007
        if x != y:
            break
    else:
        index = min(len(a), len(b))
    token_a = a[index] if index < len(a) else None
    token_b = b[index] if index < len(b) else None
    offset = sum(len(t) for t in a[:index])
    context = tuple(a[max(0, index - _CONTEXT) : index])
    container = _container(a if token_a is not None else b, index)
    where = f" (in {container})" if container else ""
    if token_a is not None and token_b is not None:
        key_a, value_a = split_token(token_a)
        key_b, value_b = split_token(token_b)
        field = key_a
        if key_a == key_b and value_a is not None and value_b is not None:
            explanation = f"{key_a} differs: {value_a} vs {value_b}{where}"
        else:
            explanation = f"a has {token_a} where b has {token_b}{where}"
    elif token_a is not None:
        field = split_token(token_a)[0]
        explanation = f"only a has {token_a}{where}"
    else:
        assert token_b is not None
        field = split_token(token_b)[0]
        explanation = f"only b has {token_b}{where}"
    return PrehashDiff(index, offset, token_a, token_b, context, field, container, explanation)
