"""Compliance profiles: check a payload against the law before it is sent (it never is here).

:func:`check` runs the rules of a profile over a portal model, a ``Dataset``, a mapping
(English or Vietnamese keys) or an EPCIS document, and returns a :class:`ComplianceReport`
of :class:`Finding` objects, each with a stable ``rule`` code, the JSON ``path`` of the
field (English keys), a severity, vi/en labels and messages, and the legal ``source``.

Profiles (:data:`PROFILES`) and the evidence behind their rules (design §0):

* ``vn.tt02_2024``: Circular 02/2024/TT-BKHCN (minimum data, one step back / one step
  forward, trace codes, GS1 keys, carriers); update window ``None`` ("promptly": age only).
* ``vn.nd37_2026``: extends TT02 with Decree 37/2026/NĐ-CP (origin, lot or serial, stage
  names); the digital passport rules (Art. 32) run with ``opt_in={"passport"}``.
* ``vn.mps_draft_2026``: extends ND37 with the MPS draft decree ([DRAFT], not in force:
  chosen explicitly); 24 h update window.
* ``fsma204``: 21 CFR Part 1 Subpart S: KDEs of each critical tracking event with the
  traceability lot code.
* ``epcis2``: the EPCIS 2.0 rendering validates (:func:`tracelib.epcis.validate`).
* ``nbc-v5``: the portal's observed preconditions ([OBS]), for the experimental transport.

Rules from legal text ([D-law]) or secondary sources ([D-2nd]) are errors; [OBS] rules
live only in ``nbc-v5``; [INF] rules are warnings that run only with ``opt_in={"INF"}``.

Examples:
    >>> report = check({"name": "Cam Vinh", "standards_applied": ["TCVN 12827:2023"]},
    ...                "vn.tt02_2024", kind="product")
    >>> report.ok, [f.rule for f in report.findings]
    (False, ['vn.tt02_2024.product.images'])
    >>> report.findings[0].label_vi, report.findings[0].source
    ('Hình ảnh sản phẩm, hàng hóa', 'TT 02/2024/TT-BKHCN Art. 6 §5b')
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType
from typing import Any, Literal

from ..errors import InputError
from ._rules_base import Evidence, Finding, Rule, Severity, View
from ._rules_intl import EPCIS2_RULES, FSMA_RULES, NBC_RULES
from ._rules_nd37 import MPS_RULES, ND37_RULES
from ._rules_view import build_view
from ._rules_vn import TT02_RULES
from .errors import ValidationError

__all__ = [
    "PROFILES",
    "ComplianceReport",
    "Evidence",
    "Finding",
    "Profile",
    "Rule",
    "Severity",
    "check",
    "get_profile",
    "rules",
]


@dataclass(frozen=True, slots=True)
class Profile:
    """A named set of rules; a profile may extend another (its rules come first).

    Attributes:
        name: E.g. ``"vn.tt02_2024"``.
        title_vi: Title in Vietnamese.
        title_en: Title in English.
        evidence: The evidence level of the instrument (design §0).
        own_rules: The rules the profile adds.
        extends: The profile extended, or ``None``.
        update_window: The data-update deadline after an event (``None``: none set, age
            only); ``tracelib.portal.sla`` applies it.
        experimental: Built on observations, not law (``nbc-v5``).

    Examples:
        >>> nd37 = get_profile("vn.nd37_2026")
        >>> nd37.extends.name, len(nd37.rules) > len(nd37.own_rules)
        ('vn.tt02_2024', True)
    """

    name: str
    title_vi: str
    title_en: str
    evidence: Evidence
    own_rules: tuple[Rule, ...]
    extends: Profile | None = None
    update_window: timedelta | None = None
    experimental: bool = False

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule: the extended profile's, then this one's.

        Examples:
            >>> get_profile("vn.tt02_2024").rules[0].code
            'vn.tt02_2024.organization.name'
        """
        inherited = self.extends.rules if self.extends is not None else ()
        return inherited + self.own_rules

    def __repr__(self) -> str:
        return f"Profile({self.name!r}, rules={len(self.rules)})"


_TT02 = Profile(
    "vn.tt02_2024",
    "Thông tư 02/2024/TT-BKHCN về truy xuất nguồn gốc sản phẩm, hàng hóa",
    "Circular 02/2024/TT-BKHCN on product and goods traceability",
    "D-law",
    TT02_RULES,
)
_ND37 = Profile(
    "vn.nd37_2026",
    "Nghị định 37/2026/NĐ-CP (thông tin truy xuất tối thiểu, hộ chiếu số sản phẩm)",
    "Decree 37/2026/NĐ-CP (minimum traceability information, digital product passport)",
    "D-2nd",
    ND37_RULES,
    extends=_TT02,
)
_MPS = Profile(
    "vn.mps_draft_2026",
    "Dự thảo Nghị định của Bộ Công an về định danh, xác thực, truy xuất nguồn gốc "
    "(chưa có hiệu lực)",
    "MPS draft decree on identification, authentication and traceability (not in force)",
    "DRAFT",
    MPS_RULES,
    extends=_ND37,
    update_window=timedelta(hours=24),
)
_FSMA = Profile(
    "fsma204",
    "Quy định truy xuất thực phẩm FSMA 204 của FDA (21 CFR Part 1 Subpart S)",
    "FDA Food Traceability Rule, FSMA 204 (21 CFR Part 1 Subpart S)",
    "D-law",
    FSMA_RULES,
    update_window=timedelta(hours=24),
)
_EPCIS2 = Profile(
    "epcis2",
    "Tài liệu EPCIS 2.0 hợp lệ",
    "Valid EPCIS 2.0 rendering",
    "D-law",
    EPCIS2_RULES,
)
_NBC = Profile(
    "nbc-v5",
    "Điều kiện thực tế của Cổng truy xuất quốc gia (quan sát, thử nghiệm)",
    "National portal practice checks (observed, experimental)",
    "OBS",
    NBC_RULES,
    experimental=True,
)

PROFILES: Mapping[str, Profile] = MappingProxyType(
    {p.name: p for p in (_TT02, _ND37, _MPS, _FSMA, _EPCIS2, _NBC)}
)
"""Every profile by name."""


def get_profile(name: str | Profile) -> Profile:
    """A profile by name (a :class:`Profile` is returned as it is).

    Args:
        name: ``vn.tt02_2024``, ``vn.nd37_2026``, ``vn.mps_draft_2026``, ``fsma204``,
            ``epcis2`` or ``nbc-v5``.

    Returns:
        The profile.

    Raises:
        InputError: ``PORTAL_UNKNOWN_PROFILE`` for another name.

    Examples:
        >>> get_profile("fsma204").update_window
        datetime.timedelta(days=1)
        >>> get_profile("vn.tt03")
        Traceback (most recent call last):
        ...
        tracelib.errors.InputError: unknown compliance profile 'vn.tt03'; known: ...
    """
    if isinstance(name, Profile):
        return name
    profile = PROFILES.get(name) if isinstance(name, str) else None
    if profile is None:
        raise InputError(
            f"unknown compliance profile {name!r}; known: {', '.join(PROFILES)}",
            code="PORTAL_UNKNOWN_PROFILE",
        )
    return profile


def rules(profile: str | Profile | None = None) -> tuple[Rule, ...]:
    """The rules of a profile (inherited ones included), or of every profile.

    Args:
        profile: A profile or its name; ``None`` for every rule of every profile, once each.

    Returns:
        The rules, in profile order.

    Raises:
        InputError: ``PORTAL_UNKNOWN_PROFILE``.

    Examples:
        >>> [r.code for r in rules("fsma204")][:2]
        ['fsma204.product.description', 'fsma204.lot.tlc']
        >>> len(rules()) == len({r.code for r in rules()})
        True
    """
    if profile is not None:
        return get_profile(profile).rules
    return tuple(rule for p in PROFILES.values() for rule in p.own_rules)


_WORDS = {
    "en": {"error": "ERROR", "warning": "WARNING", "info": "INFO", "ok": "OK"},
    "vi": {"error": "LỖI", "warning": "CẢNH BÁO", "info": "THÔNG TIN", "ok": "ĐẠT"},
}


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    """The findings of one :func:`check`, sorted by path then rule.

    Attributes:
        profile: The profile's name.
        findings: The findings (deterministic order: path with numeric indexes, rule).

    Examples:
        >>> r = check({"name": "Cam"}, "vn.tt02_2024", kind="product")
        >>> r.ok, len(r.errors), r
        (False, 2, ComplianceReport('vn.tt02_2024', ok=False, errors=2, warnings=0))
    """

    profile: str
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """No finding is an error.

        Examples:
            >>> ComplianceReport("epcis2", ()).ok
            True
        """
        return not any(f.is_error for f in self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The error findings.

        Examples:
            >>> [f.rule for f in check({"name": "Cam"}, "vn.tt02_2024", kind="product").errors]
            ['vn.tt02_2024.product.images', 'vn.tt02_2024.product.standards_applied']
        """
        return tuple(f for f in self.findings if f.is_error)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The warning findings.

        Examples:
            >>> lot = {"lot": "L1", "gtin": "8935049500568", "production_date": "2025-01-10",
            ...        "product_trace_code": "CAM-L1"}
            >>> [f.rule for f in check(lot, "vn.tt02_2024", kind="lot", opt_in="INF").warnings]
            ['vn.tt02_2024.lot.format']
        """
        return tuple(f for f in self.findings if f.severity == "warning")

    def __repr__(self) -> str:
        return (
            f"ComplianceReport({self.profile!r}, ok={self.ok}, errors={len(self.errors)}, "
            f"warnings={len(self.warnings)})"
        )

    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready dict.

        Returns:
            ``{"profile", "ok", "counts", "findings"}``.

        Examples:
            >>> ComplianceReport("epcis2", ()).to_dict()["counts"]
            {'error': 0, 'info': 0, 'warning': 0}
        """
        counts = {"error": 0, "info": 0, "warning": 0}
        for f in self.findings:
            counts[f.severity] += 1
        return {
            "profile": self.profile,
            "ok": self.ok,
            "counts": counts,
            "findings": [f.to_dict() for f in self.findings],
        }

    def to_json(self) -> str:
        """Deterministic JSON (sorted keys, UTF-8 text kept, two-space indent).

        Returns:
            The JSON text.

        Examples:
            >>> json.loads(ComplianceReport("epcis2", ()).to_json())["ok"]
            True
        """
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=True)

    def to_text(self, lang: Literal["en", "vi"] = "en") -> str:
        """A plain-text report, one line per finding.

        Args:
            lang: ``"en"`` or ``"vi"``.

        Returns:
            The text (ends with a newline).

        Raises:
            InputError: ``PORTAL_INVALID_VALUE`` for another language.

        Examples:
            >>> r = check({"name": "Cam", "standards_applied": ["TCVN 1"]}, "vn.tt02_2024",
            ...           kind="product")
            >>> print(r.to_text("vi"), end="")  # doctest: +ELLIPSIS
            vn.tt02_2024: 1 LỖI, 0 CẢNH BÁO
            LỖI $.images [vn.tt02_2024.product.images] Hình ảnh sản phẩm, hàng hóa: Thiếu ...
        """
        if lang not in _WORDS:
            raise InputError(f"lang is 'en' or 'vi', not {lang!r}", code="PORTAL_INVALID_VALUE")
        words = _WORDS[lang]
        if not self.findings:
            return f"{self.profile}: {words['ok']}\n"
        lines = [
            f"{self.profile}: {len(self.errors)} {words['error']}, "
            f"{len(self.warnings)} {words['warning']}"
        ]
        for f in self.findings:
            label = f.label_vi if lang == "vi" else f.label_en
            lines.append(
                f"{words[f.severity]} {f.path} [{f.rule}] {label}: {f.message(lang)} ({f.source})"
            )
        return "\n".join(lines) + "\n"

    def _repr_html_(self) -> str:
        head = (
            f"<p><b>{html.escape(self.profile)}</b>: "
            f"{'OK' if self.ok else 'not compliant'} ({len(self.errors)} errors, "
            f"{len(self.warnings)} warnings)</p>"
        )
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td>{html.escape(v)}</td>"
                for v in (
                    f.severity,
                    f.path,
                    f.rule,
                    f"{f.label_vi} / {f.label_en}",
                    f"{f.message_vi} / {f.message_en}",
                    f.source,
                )
            )
            + "</tr>"
            for f in self.findings
        )
        header = "".join(
            f"<th>{h}</th>" for h in ("severity", "path", "rule", "field", "message", "source")
        )
        return f"{head}<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>"

    def raise_for_errors(self) -> ComplianceReport:
        """Raise :class:`~tracelib.portal.errors.ValidationError` if any finding is an error.

        Returns:
            The report itself, when it has no error.

        Raises:
            ValidationError: ``PORTAL_VALIDATION`` with ``findings`` (the errors) and
                ``path`` (the first error's).

        Examples:
            >>> check({"name": "Cam"}, "vn.tt02_2024", kind="product").raise_for_errors()
            Traceback (most recent call last):
            ...
            tracelib.portal.errors.ValidationError: vn.tt02_2024: 2 rules failed: ...
        """
        errors = self.errors
        if not errors:
            return self
        listed = "; ".join(f"{f.rule} at {f.path}" for f in errors)
        raise ValidationError(
            f"{self.profile}: {len(errors)} rules failed: {listed}",
            findings=errors,
            path=errors[0].path,
        )


def _enabled(opt_in: Iterable[str] | str) -> frozenset[str]:
    if isinstance(opt_in, str):
        opt_in = (opt_in,)
    try:
        tags = frozenset(opt_in)
    except TypeError as exc:
        raise InputError("opt_in is a set of tags", code="PORTAL_INVALID_VALUE") from exc
    if not all(isinstance(t, str) for t in tags):
        raise InputError("opt_in is a set of tags (text)", code="PORTAL_INVALID_VALUE")
    return tags


def check(
    payload: Any,
    profile: str | Profile,
    *,
    kind: str | None = None,
    opt_in: Iterable[str] | str = (),
    schemas: Any = None,
) -> ComplianceReport:
    """Check a payload against a compliance profile; nothing is sent anywhere.

    Args:
        payload: A portal model (``Product``, ``Lot``, ``TraceEvent``...), a ``Dataset``, a
            mapping with English or Vietnamese keys (a record, or a dataset with
            ``products``/``lots``/... members), an EPCIS document or event (model, or
            XML/JSON-LD text).
        profile: A profile or its name (see :data:`PROFILES`).
        kind: For a single mapping: ``organization``, ``location``, ``product``, ``lot``,
            ``event``, ``certificate`` or ``media`` (sniffed from the keys when ``None``).
        opt_in: Tags of the opt-in rules to run as well: ``"INF"`` (inferences),
            ``"passport"`` (ND37 Art. 32), or individual rule codes.
        schemas: The GS1 EPCIS schemas for ``epcis2`` (a
            :class:`~tracelib.epcis.validate.SchemaSet` or a directory); without them the
            report says the schema step was not run (``EPCIS_SCHEMA_UNAVAILABLE`` warning).

    Returns:
        The report; ``report.ok`` is false when any finding is an error.

    Raises:
        InputError: ``PORTAL_UNKNOWN_PROFILE``, ``PORTAL_UNKNOWN_PAYLOAD`` (a payload that is
            none of the above), ``PORTAL_NOT_AN_OBJECT``, or the reading error of text input.

    Examples:
        >>> lot = {"lot": "NA-01", "gtin": "8935049500568", "production_date": "2025-01-10"}
        >>> check(lot, "vn.tt02_2024").ok, check(lot, "fsma204").ok
        (True, True)
        >>> [f.rule for f in check({"gtin": "8935049500568", "production_date": "2025-01-10"},
        ...                        "vn.nd37_2026", kind="lot").findings]
        ['vn.nd37_2026.lot.lot_or_serial', 'vn.tt02_2024.lot.product_trace_code']
    """
    return _check(payload, profile, kind=kind, opt_in=opt_in, schemas=schemas)[0]


def _check(
    payload: Any,
    profile: str | Profile,
    *,
    kind: str | None = None,
    opt_in: Iterable[str] | str = (),
    schemas: Any = None,
) -> tuple[ComplianceReport, View]:
    """:func:`check`, also returning the records it read (for the coverage report)."""
    chosen = get_profile(profile)
    enabled = _enabled(opt_in)
    active = [
        rule
        for rule in chosen.rules
        if rule.opt_in is None or rule.opt_in in enabled or rule.code in enabled
    ]
    if schemas is not None and not isinstance(schemas, (str, os.PathLike)):
        from ..epcis.validate import SchemaSet

        if not isinstance(schemas, SchemaSet):
            raise InputError("schemas is a SchemaSet or a directory", code="PORTAL_INVALID_VALUE")
    view = build_view(
        payload,
        kind=kind,
        want_epcis=any(rule.entity == "document" for rule in active),
        want_records=any(rule.entity != "document" for rule in active),
    )
    view.options["schemas"] = schemas
    found: set[Finding] = set()
    for rule in active:
        if rule.entity == "dataset":
            if view.is_dataset:
                found.update(rule._run({}, "$", view))
            continue
        if rule.entity == "document":
            found.update(rule._run({}, "$", view))
            continue
        for path, record in view.of(rule.entity):
            found.update(rule._run(record, path, view))
    return ComplianceReport(chosen.name, tuple(sorted(found, key=Finding.sort_key))), view
