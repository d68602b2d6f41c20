"""Plumbing of the compliance rules: :class:`Finding`, :class:`Rule`, the record view.

Rules do not read models: they read **records**, the English-key JSON form of a model
(``model.dump("en")``) or a mapping given by the caller (Vietnamese keys are translated
with the models' aliases). A payload becomes a :class:`_View`: every organisation,
location, product, lot, event, certificate and media record with its JSON path, plus the
EPCIS rendering for the ``epcis2`` profile. Rules are pure functions of a record and the
view; they never raise for bad data (a value of the wrong type is a finding, not a crash).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "ENTITY_KEYS",
    "Evidence",
    "Finding",
    "Miss",
    "Rule",
    "RuleEntity",
    "Severity",
    "View",
    "canonical",
    "child",
    "gtin14",
    "items",
    "path_key",
    "present",
    "text",
]

Severity = Literal["error", "warning", "info"]
"""``error`` fails the report (``ok`` is false); ``warning`` and ``info`` do not."""

Evidence = Literal["D-law", "D-2nd", "OBS", "INF", "DRAFT"]
"""The design's evidence tags (design §0): text of a legal instrument or standard,
secondary source, observed in third-party code, inference, draft not in force."""

RuleEntity = Literal[
    "organization",
    "location",
    "product",
    "lot",
    "event",
    "certificate",
    "media",
    "dataset",
    "document",
]
"""What a rule reads: one record kind, the whole dataset, or the EPCIS rendering."""

ENTITY_KEYS: dict[str, str] = {
    "organizations": "organization",
    "locations": "location",
    "products": "product",
    "lots": "lot",
    "events": "event",
    "certificates": "certificate",
    "media": "media",
    "chains": "chain",
    "stamps": "stamp",
}
"""Dataset member → record kind (English keys of ``Dataset.dump("en")``)."""

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
_INDEX = re.compile(r"\[(\d+)\]")


def path_key(path: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key reading indexes as numbers: ``$.a[2]`` before ``$.a[10]``."""
    parts: list[tuple[int, int | str]] = []
    for piece in _INDEX.split(path):
        if piece.isdigit():
            parts.append((0, int(piece)))
        elif piece:
            parts.append((1, piece))
    return tuple(parts)


@dataclass(frozen=True, slots=True)
class Finding:
    """One failed rule at one place of the payload.

    Attributes:
        rule: The rule's stable code, e.g. ``"vn.tt02_2024.product.images"``.
        path: JSON path of the field concerned, English keys (``$.products[0].images``).
        severity: ``"error"``, ``"warning"`` or ``"info"``.
        label_vi: The field's name in Vietnamese.
        label_en: The field's name in English.
        message_vi: What is wrong, in Vietnamese.
        message_en: What is wrong, in English.
        source: The legal (or other) source of the rule, e.g. ``"TT 02/2024/TT-BKHCN Art. 6 §5b"``.
        evidence: The evidence tag of the source (design §0): ``D-law``, ``D-2nd``, ``OBS``,
            ``INF`` or ``DRAFT``.

    Examples:
        >>> f = Finding("vn.tt02_2024.product.images", "$.images", "error", "Hình ảnh",
        ...     "Images", "Thiếu hình ảnh", "No image", "TT 02/2024/TT-BKHCN Art. 6 §5b", "D-2nd")
        >>> f.is_error, f.to_dict()["path"]
        (True, '$.images')
    """

    rule: str
    path: str
    severity: Severity
    label_vi: str
    label_en: str
    message_vi: str
    message_en: str
    source: str
    evidence: Evidence = "D-law"

    @property
    def is_error(self) -> bool:
        """Whether the finding fails the report.

        Examples:
            >>> Finding("r", "$", "warning", "", "", "", "", "").is_error
            False
        """
        return self.severity == "error"

    def sort_key(self) -> tuple[Any, ...]:
        """The deterministic order of findings: path (indexes numerically), rule, message.

        Examples:
            >>> a = Finding("r", "$.lots[2]", "error", "", "", "", "", "")
            >>> b = Finding("r", "$.lots[10]", "error", "", "", "", "", "")
            >>> sorted([b, a], key=Finding.sort_key) == [a, b]
            True
        """
        return (
            path_key(self.path),
            self.rule,
            _SEVERITY_RANK[self.severity],
            self.message_en,
            self.message_vi,
        )

    def message(self, lang: Literal["en", "vi"] = "en") -> str:
        """The message in one language.

        Args:
            lang: ``"en"`` or ``"vi"``.

        Returns:
            ``message_en`` or ``message_vi``.

        Examples:
            >>> Finding("r", "$", "error", "Tên", "Name", "Thiếu tên", "No name", "").message("vi")
            'Thiếu tên'
        """
        return self.message_vi if lang == "vi" else self.message_en

    def to_dict(self) -> dict[str, str]:
        """The finding as a JSON-ready dict.

        Returns:
            Every attribute by name.

        Examples:
            >>> sorted(Finding("r", "$", "error", "", "", "", "", "").to_dict())[:3]
            ['evidence', 'label_en', 'label_vi']
        """
        return {
            "rule": self.rule,
            "path": self.path,
            "severity": self.severity,
            "label_vi": self.label_vi,
            "label_en": self.label_en,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
            "source": self.source,
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class Miss:
    """What a rule's test reports: where (relative to the record) and, optionally, why.

    Attributes:
        path: Path suffix relative to the record (``".images"``, ``".inputs"``, ``""``).
        message_vi: Overrides the rule's Vietnamese message.
        message_en: Overrides the rule's English message.
        severity: Overrides the rule's severity (only ever downwards, e.g. a warning).
    """

    path: str = ""
    message_vi: str | None = None
    message_en: str | None = None
    severity: Severity | None = None


Test = Callable[[Mapping[str, Any], "View"], Iterable[Miss]]


@dataclass(frozen=True, slots=True)
class Rule:
    """One compliance rule: a stable code, what it checks, its source and its test.

    Attributes:
        code: Stable code ``<profile>.<entity>.<field>``, e.g. ``"vn.tt02_2024.product.images"``.
        entity: What it reads (``product``, ``event``, ``dataset``, ``document``...).
        field: The English field name it is about (the path suffix of most findings).
        severity: The severity of its findings.
        evidence: The evidence tag of its source (design §0).
        source: The legal or other source, e.g. ``"TT 02/2024/TT-BKHCN Art. 6 §5b"``.
        label_vi: The field's name in Vietnamese.
        label_en: The field's name in English.
        message_vi: The finding's message in Vietnamese.
        message_en: The finding's message in English.
        checks: What the rule checks, in English (the reference page).
        opt_in: ``None`` if the rule always runs in its profile, else the tag that enables
            it (``"INF"``, ``"passport"``): see ``check(..., opt_in=...)``.
        test: The check itself: ``test(record, view)`` yields the misses (private use).

    Examples:
        >>> from tracelib.portal.compliance import rules
        >>> rule = next(r for r in rules() if r.code == "vn.tt02_2024.product.images")
        >>> rule.entity, rule.severity, rule.evidence, rule.source
        ('product', 'error', 'D-2nd', 'TT 02/2024/TT-BKHCN Art. 6 §5b')
    """

    code: str
    entity: RuleEntity
    field: str
    severity: Severity
    evidence: Evidence
    source: str
    label_vi: str
    label_en: str
    message_vi: str
    message_en: str
    checks: str
    opt_in: str | None = None
    test: Test = dataclasses.field(default=lambda record, view: (), repr=False, compare=False)

    @property
    def profile(self) -> str:
        """The profile the rule belongs to: its code up to the entity.

        Examples:
            >>> from tracelib.portal.compliance import rules
            >>> rules("vn.tt02_2024")[0].profile
            'vn.tt02_2024'
        """
        return self.code.rsplit(".", 2)[0]

    def _run(self, record: Mapping[str, Any], base: str, view: View) -> Iterator[Finding]:
        """Run the test on one record and turn its misses into findings.

        Args:
            record: The record (English keys).
            base: The record's JSON path (``$.products[0]``, or ``$`` for a single record).
            view: The whole payload (for rules that look across records).

        Yields:
            One :class:`Finding` per miss.
        """
        for miss in self.test(record, view):
            yield Finding(
                rule=self.code,
                path=base + miss.path,
                severity=miss.severity or self.severity,
                label_vi=self.label_vi,
                label_en=self.label_en,
                message_vi=miss.message_vi or self.message_vi,
                message_en=miss.message_en or self.message_en,
                source=self.source,
                evidence=self.evidence,
            )


@dataclass(slots=True)
class View:
    """A payload as records with their JSON paths (built by ``compliance._view``).

    Attributes:
        records: Record kind → ``[(path, record), ...]`` in payload order.
        epcis: What the ``epcis2`` rules validate: ``[(path, document or event or text)]``.
        options: ``check()`` options the rules may read (``schemas``).
        is_dataset: The payload is a whole dataset (``dataset`` rules run only then).
    """

    records: dict[str, list[tuple[str, Mapping[str, Any]]]] = dataclasses.field(
        default_factory=dict
    )
    epcis: list[tuple[str, Any]] = dataclasses.field(default_factory=list)
    options: dict[str, Any] = dataclasses.field(default_factory=dict)
    is_dataset: bool = False

    def of(self, kind: str) -> list[tuple[str, Mapping[str, Any]]]:
        """The records of one kind (``[]`` when there are none)."""
        return self.records.get(kind, [])

    def products_by_gtin(self) -> dict[str, Mapping[str, Any]]:
        """Product records by GTIN-14 (for lot and event rules that need their product).

        Computed once per view (the first product with a GTIN wins).
        """
        cached = self.options.get("_products_by_gtin")
        if isinstance(cached, dict):
            return cached
        found: dict[str, Mapping[str, Any]] = {}
        for _, record in self.of("product"):
            gtin = gtin14(record.get("gtin"))
            if gtin is not None:
                found.setdefault(gtin, record)
        self.options["_products_by_gtin"] = found
        return found


def present(value: Any) -> bool:
    """Whether a value counts as given: not ``None``, not blank text, not an empty container.

    Examples:
        >>> [present(v) for v in (None, "", "  ", [], {}, 0, "x", [1])]
        [False, False, False, False, False, True, True, True]
    """
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (Mapping, list, tuple, set, frozenset)):
        return len(value) > 0
    return True


def text(value: Any) -> str | None:
    """A value as stripped text, or ``None`` when it is not a non-blank string.

    Examples:
        >>> text(" Cam Vinh "), text(3), text("")
        ('Cam Vinh', None, None)
    """
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def items(value: Any) -> list[Any]:
    """A list value as a list (``[]`` for anything that is not a list or tuple)."""
    if isinstance(value, (list, tuple)):
        return list(value)
    return []


def child(record: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """A nested mapping member (``{}`` when absent or not a mapping)."""
    value = record.get(key)
    return value if isinstance(value, Mapping) else {}


def gtin14(value: Any) -> str | None:
    """A valid GTIN as 14 digits, or ``None``.

    Examples:
        >>> gtin14("8935049500568"), gtin14("8935049500569"), gtin14(None)
        ('08935049500568', None, None)
    """
    from ..gs1 import gtin

    if not isinstance(value, str) or not gtin.is_valid(value):
        return None
    return gtin.to_gtin14(gtin.compact(value))


def canonical(value: Any) -> str:
    """Deterministic JSON text of a JSON-like value (for messages and comparisons)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
