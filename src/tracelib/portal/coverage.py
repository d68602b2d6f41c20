"""Coverage report over a dataset: which products and lots meet a profile's minimum data.

For provincial reviewers: :func:`coverage` checks a whole ``Dataset`` (model, mapping or
EPCIS document) with :func:`~tracelib.portal.compliance.check` and says, per product and
per lot, whether it meets the minimum (no error finding), with the share meeting it overall
and grouped by product category, OCOP rating and geographical indication, and the failing
items with the rules they fail.

* a **product** meets the minimum when its record has no error;
* a **lot** meets it when its record has no error and neither has any event that names
  the lot (a trace code with its GTIN and lot, as a product, input or output);
* **OCOP** and **GI** come from the dataset's certificates (``type`` ``ocop`` / ``gi``)
  whose ``subject`` is the product's GTIN (or a trace code of it).

The report is deterministic: groups and items are sorted; ``to_json()``, ``to_csv()`` and
``_repr_html_()`` render it.

Examples:
    >>> data = {"products": [
    ...     {"name": "Cam Vinh", "gtin": "8935049500568", "category": "trai-cay",
    ...      "images": [{"url": "https://example.vn/cam.jpg"}], "standards_applied": ["VietGAP"]},
    ...     {"name": "Nước cam", "gtin": "8935049500575", "category": "do-uong"}]}
    >>> report = coverage(data, "vn.tt02_2024")
    >>> report.products_ok, report.products_total, report.share("products")
    (1, 2, 0.5)
    >>> [(i.key, i.rules) for i in report.failing]
    [('08935049500575', ('vn.tt02_2024.product.images', 'vn.tt02_2024.product.standards_applied'))]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ._coverage_render import render_csv, render_html
from ._rules_base import View, gtin14, items, path_key, text
from ._rules_gs1 import product_code
from ._rules_intl import codes_of
from .compliance import ComplianceReport, Profile, _check

__all__ = ["CoverageGroup", "CoverageItem", "CoverageReport", "coverage"]

Dimension = Literal["all", "category", "ocop", "gi"]
_MEMBER = re.compile(r"^\$\.(products|lots|events)\[(\d+)\]")
NONE = "-"
"""The group of items without a category (or OCOP rating, or GI)."""


@dataclass(frozen=True, slots=True)
class CoverageItem:
    """One product or lot of the dataset and whether it meets the minimum.

    Attributes:
        kind: ``"product"`` or ``"lot"``.
        path: Its JSON path in the dataset (``$.products[0]``).
        key: GTIN-14 for a product, ``(01)…(10)…`` for a lot (the path when unknown).
        name: The product name (``""`` when absent).
        category: The product category, or ``"-"``.
        ocop: ``"ocop-4"`` (its OCOP stars; ``"ocop"`` without a rating), or ``"-"``.
        gi: ``"gi"`` when a GI certificate covers the product, or ``"-"``.
        rules: The error rules it fails (sorted; empty when it meets the minimum).
        paths: Where those errors are (sorted JSON paths: the item's own fields and the
            events naming a lot).

    Examples:
        >>> item = coverage({"products": [{"name": "Cam", "gtin": "8935049500568"}]}).items[0]
        >>> item.kind, item.key, item.ok
        ('product', '08935049500568', False)
        >>> item.paths
        ('$.products[0].images', '$.products[0].standards_applied')
    """

    kind: Literal["product", "lot"]
    path: str
    key: str
    name: str
    category: str
    ocop: str
    gi: str
    rules: tuple[str, ...]
    paths: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """It meets the minimum (no error rule).

        Examples:
            >>> CoverageItem("lot", "$.lots[0]", "k", "", "-", "-", "-", ()).ok
            True
        """
        return not self.rules

    def to_dict(self) -> dict[str, Any]:
        """The item as a JSON-ready dict.

        Returns:
            Every attribute by name, and ``ok``.

        Examples:
            >>> CoverageItem("lot", "$.lots[0]", "k", "", "-", "-", "-", ()).to_dict()["ok"]
            True
        """
        return {
            "kind": self.kind,
            "path": self.path,
            "key": self.key,
            "name": self.name,
            "category": self.category,
            "ocop": self.ocop,
            "gi": self.gi,
            "ok": self.ok,
            "rules": list(self.rules),
            "paths": list(self.paths),
        }


@dataclass(frozen=True, slots=True)
class CoverageGroup:
    """Counts for one group of one dimension.

    Attributes:
        dimension: ``"all"``, ``"category"``, ``"ocop"`` or ``"gi"``.
        group: The group's value (``"trai-cay"``, ``"ocop-4"``, ``"gi"``, ``"-"``; ``"all"``).
        products: Products in the group.
        products_ok: Of which meeting the minimum.
        lots: Lots of the group's products.
        lots_ok: Of which meeting the minimum.

    Examples:
        >>> CoverageGroup("ocop", "ocop-4", 2, 1, 4, 4).share("lots")
        1.0
    """

    dimension: Dimension
    group: str
    products: int
    products_ok: int
    lots: int
    lots_ok: int

    def share(self, kind: Literal["products", "lots"]) -> float | None:
        """The share meeting the minimum (``None`` when the group has none of that kind).

        Args:
            kind: ``"products"`` or ``"lots"``.

        Returns:
            A ratio in [0, 1], rounded to 4 decimals, or ``None``.

        Examples:
            >>> CoverageGroup("all", "all", 3, 2, 0, 0).share("products")
            0.6667
        """
        total, ok = (
            (self.products, self.products_ok)
            if kind == "products"
            else (
                self.lots,
                self.lots_ok,
            )
        )
        return round(ok / total, 4) if total else None

    def to_dict(self) -> dict[str, Any]:
        """The group as a JSON-ready dict (with both shares).

        Returns:
            The counts and ``products_share``/``lots_share``.

        Examples:
            >>> CoverageGroup("gi", "gi", 2, 1, 0, 0).to_dict()["products_share"]
            0.5
        """
        return {
            "dimension": self.dimension,
            "group": self.group,
            "products": self.products,
            "products_ok": self.products_ok,
            "products_share": self.share("products"),
            "lots": self.lots,
            "lots_ok": self.lots_ok,
            "lots_share": self.share("lots"),
        }


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """Coverage of a dataset under one profile.

    Attributes:
        profile: The profile's name.
        items: Every product and lot (products first, each sorted by key then path).
        groups: The counts, ``all`` first, then by category, OCOP and GI (sorted).
        compliance: The underlying compliance report (every finding, not only errors).

    Examples:
        >>> r = coverage({"products": [{"name": "Cam", "gtin": "8935049500568"}]})
        >>> r.products_total, r.products_ok, r.lots_total, r.lots_ok, len(r.failing)
        (1, 0, 0, 0, 1)
    """

    profile: str
    items: tuple[CoverageItem, ...]
    groups: tuple[CoverageGroup, ...]
    compliance: ComplianceReport

    @property
    def products_total(self) -> int:
        """Number of products."""
        return self.groups[0].products

    @property
    def products_ok(self) -> int:
        """Products meeting the minimum."""
        return self.groups[0].products_ok

    @property
    def lots_total(self) -> int:
        """Number of lots."""
        return self.groups[0].lots

    @property
    def lots_ok(self) -> int:
        """Lots meeting the minimum."""
        return self.groups[0].lots_ok

    @property
    def failing(self) -> tuple[CoverageItem, ...]:
        """The products and lots that do not meet the minimum."""
        return tuple(i for i in self.items if not i.ok)

    def share(self, kind: Literal["products", "lots"]) -> float | None:
        """The overall share meeting the minimum (see :meth:`CoverageGroup.share`).

        Args:
            kind: ``"products"`` or ``"lots"``.

        Returns:
            The ratio, or ``None`` when there are none.

        Examples:
            >>> coverage({"products": []}, "vn.tt02_2024").share("lots") is None
            True
        """
        return self.groups[0].share(kind)

    def __repr__(self) -> str:
        return (
            f"CoverageReport({self.profile!r}, products={self.products_ok}/{self.products_total}"
            f", lots={self.lots_ok}/{self.lots_total})"
        )

    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready dict: ``profile``, ``summary``, ``groups``, ``failing``.

        Returns:
            The dict.

        Examples:
            >>> coverage({"products": []}, "vn.tt02_2024").to_dict()["summary"]["products"]
            0
        """
        return {
            "profile": self.profile,
            "summary": self.groups[0].to_dict(),
            "groups": [g.to_dict() for g in self.groups[1:]],
            "failing": [i.to_dict() for i in self.failing],
        }

    def to_json(self) -> str:
        """Deterministic JSON (sorted keys, two-space indent, UTF-8 text kept).

        Returns:
            The JSON text.

        Examples:
            >>> json.loads(coverage({"products": []}, "vn.tt02_2024").to_json())["failing"]
            []
        """
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=True)

    def to_csv(self, table: Literal["groups", "items"] = "groups") -> str:
        """A CSV table (``\\n`` line ends, header first, rows sorted).

        Args:
            table: ``"groups"``: one row per group with counts and shares; ``"items"``:
                one row per product and lot with ``ok`` and the failed rules
                (``;``-separated).

        Returns:
            The CSV text.

        Raises:
            InputError: ``PORTAL_INVALID_VALUE`` for another table.

        Examples:
            >>> print(coverage({"products": []}, "vn.tt02_2024").to_csv(), end="")
            dimension,group,products,products_ok,products_share,lots,lots_ok,lots_share
            all,all,0,0,,0,0,
        """
        return render_csv(self, table)

    def _repr_html_(self) -> str:
        return render_html(self)


def _certified(view: View, kind: str) -> dict[str, str]:
    """GTIN-14 → group label of the products a ``kind`` certificate covers."""
    found: dict[str, str] = {}
    for _, cert in view.of("certificate"):
        if text(cert.get("type")) != kind:
            continue
        subject = cert.get("subject")
        gtin = gtin14(subject)
        if gtin is None:
            parsed = product_code(subject)
            gtin = None if isinstance(parsed, str) else parsed.gtin
        if gtin is None:
            continue
        stars = cert.get("ocop_stars")
        label = f"ocop-{stars}" if kind == "ocop" and isinstance(stars, int) else kind
        found[gtin] = max(found.get(gtin, label), label)
    return found


def _lot_key(gtin: str | None, lot: str | None) -> str | None:
    return f"(01){gtin}(10){lot}" if gtin is not None and lot is not None else None


def _event_lots(event: Mapping[str, Any]) -> set[str]:
    keys: set[str] = set()
    named = [*items(event.get("product_trace_codes")), *items(event.get("inputs"))]
    for code in codes_of(named) + codes_of(event.get("outputs")):
        parsed = product_code(code)
        if not isinstance(parsed, str):
            key = _lot_key(parsed.gtin, parsed.lot)
            if key is not None:
                keys.add(key)
    return keys


def _errors_by_member(report: ComplianceReport) -> dict[tuple[str, int], set[tuple[str, str]]]:
    errors: dict[tuple[str, int], set[tuple[str, str]]] = {}
    for f in report.errors:
        match = _MEMBER.match(f.path)
        if match is not None:
            errors.setdefault((match.group(1), int(match.group(2))), set()).add((f.rule, f.path))
    return errors


def _item(
    kind: Literal["product", "lot"],
    path: str,
    key: str,
    labels: tuple[str, str, str, str],
    errors: set[tuple[str, str]],
) -> CoverageItem:
    rules = tuple(sorted({rule for rule, _ in errors}))
    paths = tuple(sorted({where for _, where in errors}, key=path_key))
    return CoverageItem(kind, path, key, *labels, rules, paths)


def _index(path: str) -> int:
    match = _MEMBER.match(path)
    return int(match.group(2)) if match is not None else 0


def _groups(items_: Iterable[CoverageItem]) -> tuple[CoverageGroup, ...]:
    counts: dict[tuple[str, str], list[int]] = {("all", "all"): [0, 0, 0, 0]}
    for item in items_:
        column = 0 if item.kind == "product" else 2
        for dimension, group in (
            ("all", "all"),
            ("category", item.category),
            ("ocop", item.ocop),
            ("gi", item.gi),
        ):
            row = counts.setdefault((dimension, group), [0, 0, 0, 0])
            row[column] += 1
            row[column + 1] += item.ok
    order = {"all": 0, "category": 1, "ocop": 2, "gi": 3}
    return tuple(
        CoverageGroup(dimension, group, *row)  # type: ignore[arg-type]
        for (dimension, group), row in sorted(
            counts.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])
        )
    )


def coverage(
    dataset: Any, profile: str | Profile = "vn.tt02_2024", *, opt_in: Iterable[str] | str = ()
) -> CoverageReport:
    """The coverage of a dataset under a profile (see the module docstring).

    Args:
        dataset: A ``Dataset``, a dataset mapping (English or Vietnamese keys) or an EPCIS
            document.
        profile: A profile or its name (``vn.tt02_2024`` by default).
        opt_in: Opt-in rule tags, as for :func:`~tracelib.portal.compliance.check`.

    Returns:
        The report.

    Raises:
        InputError: ``PORTAL_UNKNOWN_PROFILE``, ``PORTAL_NOT_A_DATASET`` for a single
            record, or the errors of :func:`~tracelib.portal.compliance.check`.

    Examples:
        >>> coverage({"lots": [{"lot": "L1", "gtin": "8935049500568"}]}, "vn.tt02_2024")
        CoverageReport('vn.tt02_2024', products=0/0, lots=0/1)
    """
    from ..errors import InputError

    report, view = _check(dataset, profile, opt_in=opt_in)
    if not view.is_dataset:
        raise InputError(
            "coverage reads a dataset (products, lots, events...), not a single record",
            code="PORTAL_NOT_A_DATASET",
            path="$",
        )
    errors = _errors_by_member(report)
    ocop, gi = _certified(view, "ocop"), _certified(view, "gi")
    products: dict[str, Mapping[str, Any]] = view.products_by_gtin()
    lot_events: dict[str, set[tuple[str, str]]] = {}
    for path, event in view.of("event"):
        rules = errors.get(("events", _index(path)), set())
        for key in _event_lots(event):
            lot_events.setdefault(key, set()).update(rules)

    def describe(gtin: str | None) -> tuple[str, str, str, str]:
        product = products.get(gtin or "", {})
        return (
            text(product.get("name")) or "",
            text(product.get("category")) or NONE,
            ocop.get(gtin or "", NONE),
            gi.get(gtin or "", NONE),
        )

    out: list[CoverageItem] = []
    for path, product in view.of("product"):
        gtin = gtin14(product.get("gtin"))
        _, _, rating, mark = describe(gtin)
        name = text(product.get("name")) or ""
        category = text(product.get("category")) or NONE
        found = errors.get(("products", _index(path)), set())
        out.append(_item("product", path, gtin or path, (name, category, rating, mark), found))
    for path, lot in view.of("lot"):
        gtin = gtin14(lot.get("gtin"))
        lot_key = _lot_key(gtin, text(lot.get("lot")))
        found = errors.get(("lots", _index(path)), set()) | lot_events.get(lot_key or "", set())
        out.append(_item("lot", path, lot_key or path, describe(gtin), found))
    out.sort(key=lambda i: (i.kind != "product", i.key, _index(i.path)))
    return CoverageReport(report.profile, tuple(out), _groups(out), report)
