"""tracelib.portal: a client for Vietnam's national traceability portal, and a local emulator.

The national portal (Cổng thông tin truy xuất nguồn gốc sản phẩm, hàng hóa quốc gia) publishes
no API specification, so this package is right where the law and the EPCIS standard are
clear and configurable where the portal is not:

- :mod:`~tracelib.portal.models`: the canonical data model (organisation, location, product,
  lot, trace event, certificate, media, chain) with English and Vietnamese field names,
  GS1-checked identifiers and a lossless mapping of trace events to EPCIS 2.0;
- :mod:`~tracelib.portal.compliance` and :mod:`~tracelib.portal.coverage`: checks against
  the profiles ``vn.tt02_2024``, ``vn.nd37_2026``, ``vn.mps_draft_2026``, ``fsma204``,
  ``epcis2`` (and ``nbc-v5``), before anything is sent, and coverage reports for provincial
  reviewers; :mod:`~tracelib.portal.sla`: update deadlines;
- :mod:`~tracelib.portal.outbox`: the durable SQLite outbox (nothing lost, nothing
  duplicated, even after ``kill -9``) and :mod:`~tracelib.portal.client`: the
  :class:`PortalClient` / :class:`AsyncPortalClient` facade;
- :mod:`~tracelib.portal.transports`: ``emulator``, ``epcis`` (EPCIS 2.0 capture),
  ``export`` (files for manual upload or regulators) and the experimental ``nbc-v5``
  (every path and field name from a profile file, :mod:`~tracelib.portal.profile`), over the
  drivers of :mod:`~tracelib.portal.drivers` with the auth of :mod:`~tracelib.portal.auth`;
- :mod:`~tracelib.portal.emulator`: a real loopback HTTP portal emulator with SQLite storage
  and fault injection (:mod:`~tracelib.portal.testing` for test fixtures);
- :mod:`~tracelib.portal.errors`: typed errors with vi/en hints.

Names are loaded on first use, so ``import tracelib.portal`` stays cheap.

Examples:
    >>> from tracelib import portal
    >>> p = portal.Product(name="Cam Vinh", gtin="8930123451019", images=[
    ...     portal.Media(url="https://example.vn/cam.jpg")], origin_country="VN")
    >>> p.gtin
    '08930123451019'
    >>> report = portal.check(p, "vn.tt02_2024")
    >>> sorted({f.rule for f in report.findings})[:1]
    ['vn.tt02_2024.product.standards_applied']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import (
        auth,
        client,
        compliance,
        coverage,
        drivers,
        emulator,
        errors,
        models,
        outbox,
        profile,
        sla,
        testing,
        transport,
        transports,
    )
    from .auth import ApiKey, BearerWithRefresh, NoAuth, OAuth2ClientCredentials
    from .client import AsyncPortalClient, Catalog, CatalogEntry, PortalClient
    from .compliance import ComplianceReport, check, get_profile, rules
    from .coverage import CoverageReport
    from .emulator import PortalEmulator
    from .errors import (
        AuthError,
        ConflictError,
        IdentifierError,
        MediaFetchError,
        OrganizationNotActivated,
        PortalBug,
        PortalError,
        RateLimited,
        TransientError,
        ValidationError,
    )
    from .models import (
        Certificate,
        Dataset,
        Location,
        Lot,
        Media,
        Organization,
        Product,
        Stamp,
        TraceChain,
        TraceEvent,
    )
    from .outbox import Outbox, Submitter
    from .sla import SlaTracker, WorkingCalendar, deadline
    from .transports.emulator import EmulatorTransport
    from .transports.epcis import EpcisTransport
    from .transports.export import ExportTransport
    from .transports.nbc_v5 import NbcV5Transport

__all__ = [
    "ApiKey",
    "AsyncPortalClient",
    "AuthError",
    "BearerWithRefresh",
    "Catalog",
    "CatalogEntry",
    "Certificate",
    "ComplianceReport",
    "ConflictError",
    "CoverageReport",
    "Dataset",
    "EmulatorTransport",
    "EpcisTransport",
    "ExportTransport",
    "IdentifierError",
    "Location",
    "Lot",
    "Media",
    "MediaFetchError",
    "NbcV5Transport",
    "NoAuth",
    "OAuth2ClientCredentials",
    "Organization",
    "OrganizationNotActivated",
    "Outbox",
    "PortalBug",
    "PortalClient",
    "PortalEmulator",
    "PortalError",
    "Product",
    "RateLimited",
    "SlaTracker",
    "Stamp",
    "Submitter",
    "TraceChain",
    "TraceEvent",
    "TransientError",
    "ValidationError",
    "WorkingCalendar",
    "auth",
    "check",
    "client",
    "compliance",
    "coverage",
    "deadline",
    "drivers",
    "emulator",
    "errors",
    "get_profile",
    "models",
    "outbox",
    "profile",
    "rules",
    "sla",
    "testing",
    "transport",
    "transports",
]

_SUBMODULES = frozenset(
    {
        "auth",
        "client",
        "compliance",
        "coverage",
        "drivers",
        "emulator",
        "errors",
        "models",
        "outbox",
        "profile",
        "sla",
        "testing",
        "transport",
        "transports",
    }
)
_WHERE = {
    "ApiKey": "auth",
    "BearerWithRefresh": "auth",
    "NoAuth": "auth",
    "OAuth2ClientCredentials": "auth",
    "AsyncPortalClient": "client",
    "Catalog": "client",
    "CatalogEntry": "client",
    "PortalClient": "client",
    "ComplianceReport": "compliance",
    "check": "compliance",
    "get_profile": "compliance",
    "rules": "compliance",
    "CoverageReport": "coverage",
    "PortalEmulator": "emulator",
    "AuthError": "errors",
    "ConflictError": "errors",
    "IdentifierError": "errors",
    "MediaFetchError": "errors",
    "OrganizationNotActivated": "errors",
    "PortalBug": "errors",
    "PortalError": "errors",
    "RateLimited": "errors",
    "TransientError": "errors",
    "ValidationError": "errors",
    "Certificate": "models",
    "Dataset": "models",
    "Location": "models",
    "Lot": "models",
    "Media": "models",
    "Organization": "models",
    "Product": "models",
    "Stamp": "models",
    "TraceChain": "models",
    "TraceEvent": "models",
    "Outbox": "outbox",
    "Submitter": "outbox",
    "SlaTracker": "sla",
    "WorkingCalendar": "sla",
    "deadline": "sla",
    "EmulatorTransport": "transports.emulator",
    "EpcisTransport": "transports.epcis",
    "ExportTransport": "transports.export",
    "NbcV5Transport": "transports.nbc_v5",
}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{where}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
