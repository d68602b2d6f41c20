"""The catalogue operations of the ``nbc-v5`` transport (a mixin of
:class:`~tracelib.portal.transports.nbc_v5.NbcV5Transport`).

Keys and paths come only from the profile: ``[catalogues].keys`` are fetched from
``[endpoints.catalogue]`` (``GET /tochuc/v5/DanhMuc/{key}`` by default, the nested form with
the ``[fields.catalogue].tree`` query flag), and two more keys are offered when the profile
has their endpoints: ``provinces`` (``[endpoints.provinces]``) and ``wards``
(``[endpoints.wards]``, optionally below one province with ``[fields.catalogue].province_root``).
An unknown key is refused before any request.

Examples:
    >>> import logging
    >>> from tracelib.portal.auth import NoAuth
    >>> from tracelib.portal.transports.nbc_v5 import NbcV5Transport
    >>> t = NbcV5Transport(experimental=True, base_url="http://h", auth=NoAuth(), warn=False)
    >>> next(t.catalog("nganhHang", tree=True)).url
    'http://h/tochuc/v5/DanhMuc/nganhHang?dangCay=true'
    >>> next(t.catalog("wards", parent="p-40")).url
    'http://h/tochuc/v5/Wards?provinceIdRoot=p-40'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...errors import InputError
from ..transport import Flow
from ._catalog import Catalog, parse_catalog

if TYPE_CHECKING:
    from ...epcis.client import Request
    from ..profile import NbcProfile

__all__ = ["EXTRA_CATALOGUES", "CatalogOperations"]

EXTRA_CATALOGUES: tuple[tuple[str, str], ...] = (("provinces", "provinces"), ("wards", "wards"))
"""``(key, endpoint operation)`` of the catalogues served by endpoints of their own."""


def _value(value: Any) -> Flow[Any]:
    yield from ()
    return value


class CatalogOperations:
    """``catalogs()`` and ``catalog(key)`` flows over the profile's catalogue endpoints."""

    if TYPE_CHECKING:
        profile: NbcProfile
        name: str

        def _request(
            self,
            op: str,
            *,
            body: Mapping[str, Any] | None = None,
            query: Mapping[str, str] | None = None,
            **params: str,
        ) -> Request: ...

        def _call(self, request: Request) -> Flow[Any]: ...

    def catalog_keys(self) -> tuple[str, ...]:
        """The catalogue keys of the profile (``[catalogues].keys``, then ``provinces`` and
        ``wards`` when the profile has their endpoints); no request.

        Returns:
            The keys, in profile order.

        Examples:
            >>> from tracelib.portal.auth import NoAuth
            >>> from tracelib.portal.transports.nbc_v5 import NbcV5Transport
            >>> t = NbcV5Transport(experimental=True, auth=NoAuth(), warn=False)
            >>> t.catalog_keys()[0], t.catalog_keys()[-2:]
            ('nganhHang', ('provinces', 'wards'))
        """
        keys = list(dict.fromkeys(self.profile.catalogues))
        for key, op in EXTRA_CATALOGUES:
            if op in self.profile.endpoints and key not in keys:
                keys.append(key)
        return tuple(keys)

    def catalogs(self) -> Flow[tuple[str, ...]]:
        """The catalogue keys, as a flow (it makes no request; see :meth:`catalog_keys`).

        Returns:
            A flow returning the keys.

        Examples:
            >>> from tracelib.portal.auth import NoAuth
            >>> from tracelib.portal.drivers import CallableChannel, run_sync
            >>> from tracelib.portal.transports.nbc_v5 import NbcV5Transport
            >>> t = NbcV5Transport(experimental=True, auth=NoAuth(), warn=False)
            >>> len(run_sync(t.catalogs(), CallableChannel(lambda request: None)))
            11
        """
        keys: Flow[tuple[str, ...]] = _value(self.catalog_keys())
        return keys

    def catalog(self, key: str, *, tree: bool = False, parent: str | None = None) -> Flow[Catalog]:
        """Fetch one catalogue.

        The key and options are checked when this is called, before any request.

        Args:
            key: A key of :meth:`catalog_keys`.
            tree: Ask for the nested form (``DANH_MUC`` keys; provinces and wards are flat).
            parent: For ``wards``: only those of this province (its id).

        Returns:
            A flow returning the :class:`~tracelib.portal.transports._catalog.Catalog`.

        Raises:
            InputError: ``PORTAL_CATALOG_UNKNOWN_KEY`` for a key the profile does not list,
                ``PORTAL_CATALOG_BAD_OPTION`` for ``parent`` with another key than
                ``wards`` (both raised at once, before any request).
            PortalError: From the flow: the typed error of a failed request
                (``TransientError`` for 5xx...), ``PortalBug`` for a malformed reply.

        Examples:
            >>> from tracelib.portal.auth import NoAuth
            >>> from tracelib.portal.transports.nbc_v5 import NbcV5Transport
            >>> t = NbcV5Transport(experimental=True, auth=NoAuth(), warn=False)
            >>> t.catalog("congViec")
            Traceback (most recent call last):
            ...
            tracelib.errors.InputError: unknown catalogue 'congViec': the profile lists ...
        """
        keys = self.catalog_keys()
        if not isinstance(key, str) or key not in keys:
            raise InputError(
                f"unknown catalogue {key!r}: the profile lists {', '.join(keys) or 'none'}",
                code="PORTAL_CATALOG_UNKNOWN_KEY",
                position=0,
            )
        ops = dict(EXTRA_CATALOGUES)
        query: dict[str, str] = {}
        if parent is not None:
            if key != "wards" or "wards" not in self.profile.endpoints:
                raise InputError(
                    f"parent= applies to the wards catalogue only, not to {key!r}",
                    code="PORTAL_CATALOG_BAD_OPTION",
                    position=0,
                )
            query[self.profile.wire("catalogue", "province_root")] = str(parent)
        if key in ops and key not in self.profile.catalogues:
            request = self._request(ops[key], query=query)
        else:
            if tree:
                query[self.profile.wire("catalogue", "tree")] = "true"
            request = self._request("catalogue", query=query, key=key)
        return self._fetch_catalog(key, request)

    def _fetch_catalog(self, key: str, request: Request) -> Flow[Catalog]:
        data = yield from self._call(request)
        path = request.url.split("://", 1)[-1].partition("/")[2].partition("?")[0]
        endpoint = f"{request.method} /{path}"
        return parse_catalog(key, data, self.profile, endpoint=endpoint)
