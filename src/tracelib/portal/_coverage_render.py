"""CSV and HTML renderings of a :class:`~tracelib.portal.coverage.CoverageReport`."""

from __future__ import annotations

import csv
import html
import io
from typing import TYPE_CHECKING, Any

from ..errors import InputError

if TYPE_CHECKING:
    from .coverage import CoverageReport

__all__ = ["GROUP_COLUMNS", "ITEM_COLUMNS", "render_csv", "render_html"]

GROUP_COLUMNS = (
    "dimension",
    "group",
    "products",
    "products_ok",
    "products_share",
    "lots",
    "lots_ok",
    "lots_share",
)
ITEM_COLUMNS = ("kind", "key", "path", "name", "category", "ocop", "gi", "ok", "rules", "paths")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def render_csv(report: CoverageReport, table: str) -> str:
    """The ``groups`` or ``items`` table as CSV text (see ``CoverageReport.to_csv``)."""
    if table == "groups":
        columns: tuple[str, ...] = GROUP_COLUMNS
        rows = [g.to_dict() for g in report.groups]
    elif table == "items":
        columns = ITEM_COLUMNS
        rows = [i.to_dict() for i in report.items]
    else:
        raise InputError(
            f"table is 'groups' or 'items', not {table!r}", code="PORTAL_INVALID_VALUE"
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[c]) for c in columns])
    return out.getvalue()


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def render_html(report: CoverageReport) -> str:
    """An HTML summary: the groups table, then the failing items."""
    esc = html.escape
    head = (
        f"<p><b>{esc(report.profile)}</b>: products {report.products_ok}/"
        f"{report.products_total} ({_share(report.share('products'))}), lots "
        f"{report.lots_ok}/{report.lots_total} ({_share(report.share('lots'))})</p>"
    )
    groups = "".join(
        f"<tr><td>{esc(g.dimension)}</td><td>{esc(g.group)}</td>"
        f"<td>{g.products_ok}/{g.products}</td><td>{_share(g.share('products'))}</td>"
        f"<td>{g.lots_ok}/{g.lots}</td><td>{_share(g.share('lots'))}</td></tr>"
        for g in report.groups
    )
    failing = "".join(
        f"<tr><td>{esc(i.kind)}</td><td>{esc(i.key)}</td><td>{esc(i.name)}</td>"
        f"<td>{esc(', '.join(i.rules))}</td><td>{esc(', '.join(i.paths))}</td></tr>"
        for i in report.failing
    )
    table = (
        "<table><thead><tr><th>dimension</th><th>group</th><th>products</th><th>share</th>"
        f"<th>lots</th><th>share</th></tr></thead><tbody>{groups}</tbody></table>"
    )
    if failing:
        table += (
            "<table><thead><tr><th>kind</th><th>key</th><th>name</th><th>failed rules</th>"
            "<th>where</th>"
            f"</tr></thead><tbody>{failing}</tbody></table>"
        )
    return head + table
