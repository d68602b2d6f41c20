"""The ``nbc-v5`` profile: every endpoint path and wire field name of the national portal.

No public specification of the national portal's API exists (design §0/§1). What third-party
code shows of it lives in one versioned TOML file, never in code: the ``nbc-v5`` transport
builds its requests from it and the emulator serves the same paths and names, so editing
the file changes both. The default file (``tracelib/portal/_data/nbc-v5.toml``) carries
only the design's observations; names inferred from that vocabulary are listed in its
``[provenance].inferred`` array. Replace the file when the official integration guide and
sandbox credentials arrive.

Layout: ``[profile]`` (``name``, ``version``, ``experimental``, ``base_url``), ``[auth]``,
``[endpoints]`` (operation = ``{method, path}``, ``{name}`` placeholders), ``[fields.<entity>]``
(canonical name = wire name), ``[stages]`` (canonical stage = portal event type),
``[catalogues].keys`` and ``[errors]`` (``{pattern, error}`` tried in order).

Examples:
    >>> profile = NbcProfile.load()
    >>> profile.name, profile.experimental
    ('nbc-v5', True)
    >>> profile.endpoints["create_product"]
    Endpoint(method='POST', path='/tochuc/v5/ToChuc_SanPham')
    >>> method, path = profile.endpoints["create_product"]
    >>> profile.wire("product", "gtin")
    'gtinCode'
    >>> profile.classify("UploadFile: cannot download image")
    'MediaFetchError'
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple
from urllib.parse import quote

from ..errors import InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

__all__ = ["DEFAULT_PROFILE", "Endpoint", "ErrorRule", "NbcProfile", "ProfileError"]

DEFAULT_PROFILE = "nbc-v5.toml"
"""The file name of the bundled default profile (in ``tracelib/portal/_data``)."""

_ERROR_CLASSES = frozenset(
    {
        "AuthError",
        "ConflictError",
        "IdentifierError",
        "MediaFetchError",
        "OrganizationNotActivated",
        "PortalBug",
        "PortalError",
        "RateLimited",
        "TransientError",
        "ValidationError",
    }
)
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class ProfileError(InputError):
    """A profile file that cannot be used: unreadable, not TOML, or missing a member.

    ``path`` is the JSON path of the offending member (``$.endpoints.token.path``).

    Examples:
        >>> ProfileError("no path", path="$.endpoints.token").code
        'PORTAL_PROFILE_INVALID'
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message, code="PORTAL_PROFILE_INVALID", path=path or "$")


class Endpoint(NamedTuple):
    """One operation's HTTP method and path template (unpacks as ``method, path``).

    Attributes:
        method: ``GET``, ``POST``, ``PUT``, ``PATCH`` or ``DELETE``.
        path: The path below ``base_url``, with ``{name}`` placeholders.

    Examples:
        >>> Endpoint("GET", "/tochuc/v5/SuKien/{id}").format(id="a/b")
        '/tochuc/v5/SuKien/a%2Fb'
    """

    method: str
    path: str

    def format(self, **params: str) -> str:
        """The path with its placeholders filled (values percent-encoded).

        Args:
            **params: A value for every ``{name}`` in the path.

        Returns:
            The path.

        Raises:
            ProfileError: A placeholder has no value.

        Examples:
            >>> Endpoint("GET", "/DanhMuc/{key}").format(key="nganhHang")
            '/DanhMuc/nganhHang'
        """

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in params:
                raise ProfileError(f"{self.path} needs a value for {{{name}}}", path="$.endpoints")
            return quote(str(params[name]), safe="")

        return _PLACEHOLDER.sub(fill, self.path)

    @property
    def placeholders(self) -> tuple[str, ...]:
        """The ``{name}`` placeholders of the path, in order."""
        return tuple(_PLACEHOLDER.findall(self.path))


class ErrorRule(NamedTuple):
    """One ``[errors]`` entry: a regex on the error text and the error class it means.

    Attributes:
        name: The entry's key (``not_activated``).
        pattern: The regular expression (searched, not anchored).
        error: A :mod:`tracelib.portal.errors` class name.

    Examples:
        >>> ErrorRule("bug", "ERR_SYS_DEV", "PortalBug").matches('{"error":"ERR_SYS_DEV"}')
        True
    """

    name: str
    pattern: str
    error: str

    def matches(self, text: str) -> bool:
        """Whether the pattern occurs in ``text``.

        Args:
            text: A response body or message.

        Returns:
            ``True`` on a match.

        Examples:
            >>> ErrorRule("x", "Check[Dd]igit", "IdentifierError").matches("bad CheckDigit")
            True
        """
        return re.search(self.pattern, text) is not None


def _table(data: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise ProfileError(f"{path}.{key} must be a table", path=f"{path}.{key}")
    return value


def _text(data: Mapping[str, Any], key: str, path: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise ProfileError(f"{path}.{key} must be a non-empty string", path=f"{path}.{key}")
    return value


@dataclass(frozen=True, slots=True)
class NbcProfile:
    """A parsed ``nbc-v5`` profile (read-only mappings).

    Attributes:
        name: The profile name (``nbc-v5``).
        version: The profile's own version string.
        experimental: Whether the profile rests on observation, not a specification.
        base_url: The portal gateway URL.
        auth: The ``[auth]`` table (``kind``, ``token_url``, env variable names).
        endpoints: Operation name → :class:`Endpoint`.
        fields: Entity → ``{canonical name: wire name}``.
        stages: Canonical stage (``van_chuyen``) → portal event type (``SU_KIEN_VAN_CHUYEN``).
        catalogues: The catalogue keys.
        error_rules: The ``[errors]`` rules, in order.
        inferred: Dotted keys (``endpoints.token``) that are inferred, not observed.
        source: Where the profile was read from.

    Examples:
        >>> NbcProfile.load().stages["van_chuyen"]
        'SU_KIEN_VAN_CHUYEN'
    """

    name: str
    version: str
    experimental: bool
    base_url: str
    auth: Mapping[str, Any]
    endpoints: Mapping[str, Endpoint]
    fields: Mapping[str, Mapping[str, str]]
    stages: Mapping[str, str]
    catalogues: tuple[str, ...]
    error_rules: tuple[ErrorRule, ...]
    inferred: frozenset[str] = frozenset()
    source: str = "<memory>"
    _reverse: Mapping[str, Mapping[str, str]] = field(
        default_factory=lambda: MappingProxyType({}), repr=False, compare=False
    )

    # ---- construction -------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> NbcProfile:
        """Read a profile file (the bundled default when ``path`` is ``None``).

        Args:
            path: A TOML file.

        Returns:
            The profile.

        Raises:
            ProfileError: The file cannot be read, is not TOML or lacks a member.

        Examples:
            >>> NbcProfile.load().base_url
            'https://quantri.truyxuatnguongoc.gov.vn/gwdev'
            >>> NbcProfile.load("/no/such/file.toml")
            Traceback (most recent call last):
            ...
            tracelib.portal.profile.ProfileError: cannot read profile /no/such/file.toml: ...
        """
        if path is None:
            ref = resources.files("tracelib.portal").joinpath("_data").joinpath(DEFAULT_PROFILE)
            text = ref.read_text(encoding="utf-8")
            source = f"tracelib.portal:_data/{DEFAULT_PROFILE}"
        else:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ProfileError(f"cannot read profile {os.fspath(path)}: {exc}") from exc
            source = os.fspath(path)
        return cls.loads(text, source=source)

    @classmethod
    def loads(cls, text: str, *, source: str = "<memory>") -> NbcProfile:
        """Parse a profile from TOML text.

        Args:
            text: The TOML document.
            source: A label for error messages and :attr:`source`.

        Returns:
            The profile.

        Raises:
            ProfileError: Not TOML, or a member is missing or of the wrong type.

        Examples:
            >>> NbcProfile.loads("not toml = = 1")
            Traceback (most recent call last):
            ...
            tracelib.portal.profile.ProfileError: <memory> is not TOML: ...
        """
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ProfileError(f"{source} is not TOML: {exc}") from exc
        return cls.from_mapping(data, source=source)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, source: str = "<memory>") -> NbcProfile:
        """Build a profile from the parsed TOML tables.

        Args:
            data: The tables (as :mod:`tomllib` returns them).
            source: A label for :attr:`source`.

        Returns:
            The profile.

        Raises:
            ProfileError: A member is missing or of the wrong type.

        Examples:
            >>> p = NbcProfile.from_mapping({"profile": {"name": "x", "version": "1",
            ...     "base_url": "http://127.0.0.1"}, "endpoints": {"token": {"method": "POST",
            ...     "path": "/token"}}})
            >>> p.experimental, p.endpoints["token"].method
            (True, 'POST')
        """
        if not isinstance(data, Mapping):
            raise ProfileError("a profile is a TOML table")
        head = _table(data, "profile", "$")
        experimental = head.get("experimental", True)
        if not isinstance(experimental, bool):
            raise ProfileError(
                "$.profile.experimental must be true or false", path="$.profile.experimental"
            )
        auth = data.get("auth", {})
        if not isinstance(auth, Mapping):
            raise ProfileError("$.auth must be a table", path="$.auth")
        endpoints: dict[str, Endpoint] = {}
        for op, spec in _table(data, "endpoints", "$").items():
            where = f"$.endpoints.{op}"
            if not isinstance(spec, Mapping):
                raise ProfileError(f"{where} must be a table {{method, path}}", path=where)
            method = _text(spec, "method", where).upper()
            if method not in _METHODS:
                raise ProfileError(f"{where}.method {method!r} is not supported", path=where)
            path = _text(spec, "path", where)
            if not path.startswith("/"):
                raise ProfileError(f"{where}.path must start with /", path=f"{where}.path")
            endpoints[op] = Endpoint(method, path)
        fields: dict[str, Mapping[str, str]] = {}
        reverse: dict[str, Mapping[str, str]] = {}
        for entity, names in dict(data.get("fields", {})).items():
            where = f"$.fields.{entity}"
            if not isinstance(names, Mapping) or not all(
                isinstance(v, str) and v for v in names.values()
            ):
                raise ProfileError(f"{where} maps names to non-empty strings", path=where)
            fields[entity] = MappingProxyType(dict(names))
            reverse[entity] = MappingProxyType({v: k for k, v in names.items()})
        stages = data.get("stages", {})
        if not isinstance(stages, Mapping) or not all(isinstance(v, str) for v in stages.values()):
            raise ProfileError("$.stages maps stages to event types", path="$.stages")
        catalogue_keys = dict(data.get("catalogues", {})).get("keys", [])
        if not isinstance(catalogue_keys, list) or not all(
            isinstance(k, str) for k in catalogue_keys
        ):
            raise ProfileError("$.catalogues.keys is a list of strings", path="$.catalogues.keys")
        rules: list[ErrorRule] = []
        for name, spec in dict(data.get("errors", {})).items():
            where = f"$.errors.{name}"
            if not isinstance(spec, Mapping):
                raise ProfileError(f"{where} must be a table {{pattern, error}}", path=where)
            pattern, error = _text(spec, "pattern", where), _text(spec, "error", where)
            if error not in _ERROR_CLASSES:
                raise ProfileError(
                    f"{where}.error {error!r} is not a tracelib.portal.errors class",
                    path=f"{where}.error",
                )
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ProfileError(
                    f"{where}.pattern is not a regex: {exc}", path=f"{where}.pattern"
                ) from exc
            rules.append(ErrorRule(name, pattern, error))
        inferred = dict(data.get("provenance", {})).get("inferred", [])
        if not isinstance(inferred, list) or not all(isinstance(k, str) for k in inferred):
            raise ProfileError(
                "$.provenance.inferred is a list of strings", path="$.provenance.inferred"
            )
        return cls(
            name=_text(head, "name", "$.profile"),
            version=_text(head, "version", "$.profile"),
            experimental=experimental,
            base_url=_text(head, "base_url", "$.profile").rstrip("/"),
            auth=MappingProxyType(dict(auth)),
            endpoints=MappingProxyType(endpoints),
            fields=MappingProxyType(fields),
            stages=MappingProxyType(dict(stages)),
            catalogues=tuple(catalogue_keys),
            error_rules=tuple(rules),
            inferred=frozenset(inferred),
            source=source,
            _reverse=MappingProxyType(reverse),
        )

    # ---- use ----------------------------------------------------------------------------

    @property
    def errors(self) -> Mapping[str, str]:
        """The ``[errors]`` rules as ``{regex: error class name}``, in order.

        Examples:
            >>> NbcProfile.load().errors["ERR_SYS_DEV"]
            'PortalBug'
        """
        return MappingProxyType({rule.pattern: rule.error for rule in self.error_rules})

    def endpoint(self, op: str) -> Endpoint:
        """The endpoint of an operation.

        Args:
            op: The operation name (``create_product``).

        Returns:
            The endpoint.

        Raises:
            ProfileError: The profile has no such operation.

        Examples:
            >>> NbcProfile.load().endpoint("location_by_gln").path
            '/tochuc/v5/LocationByGln'
        """
        try:
            return self.endpoints[op]
        except KeyError:
            raise ProfileError(
                f"profile {self.name} has no endpoint {op!r}", path=f"$.endpoints.{op}"
            ) from None

    def url(self, op: str, *, base_url: str | None = None, **params: str) -> str:
        """The absolute URL of an operation (placeholders filled).

        Args:
            op: The operation name.
            base_url: Another base URL (the emulator's), instead of :attr:`base_url`.
            **params: Values for the path's placeholders.

        Returns:
            The URL.

        Raises:
            ProfileError: Unknown operation or a placeholder without a value.

        Examples:
            >>> NbcProfile.load().url("get_event", base_url="http://127.0.0.1:8080", id="7")
            'http://127.0.0.1:8080/tochuc/v5/SuKien/7'
        """
        base = (base_url if base_url is not None else self.base_url).rstrip("/")
        return base + self.endpoint(op).format(**params)

    def wire(self, entity: str, name: str) -> str:
        """The wire name of a canonical field (``common`` names are the fallback).

        Args:
            entity: The entity (``product``, ``location``...).
            name: The canonical field name.

        Returns:
            The wire name.

        Raises:
            ProfileError: Neither the entity nor ``common`` maps the name.

        Examples:
            >>> NbcProfile.load().wire("event", "client_ref")
            'maThamChieu'
        """
        for table in (entity, "common"):
            names = self.fields.get(table)
            if names is not None and name in names:
                return names[name]
        raise ProfileError(
            f"profile {self.name} has no wire name for {entity}.{name}",
            path=f"$.fields.{entity}.{name}",
        )

    def canonical(self, entity: str, wire: str) -> str | None:
        """The canonical name of a wire field, or ``None`` when the profile does not map it.

        Args:
            entity: The entity.
            wire: The wire name.

        Returns:
            The canonical name or ``None``.

        Examples:
            >>> NbcProfile.load().canonical("product", "donViTinh")
            'unit'
        """
        for table in (entity, "common"):
            names = self._reverse.get(table)
            if names is not None and wire in names:
                return names[wire]
        return None

    def to_wire(self, entity: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """Rename canonical keys to wire names.

        Args:
            entity: The entity.
            values: ``{canonical name: value}``.

        Returns:
            ``{wire name: value}``.

        Raises:
            ProfileError: A key has no wire name.

        Examples:
            >>> NbcProfile.load().to_wire("product", {"name": "Cam Vinh", "unit": "kg"})
            {'ten': 'Cam Vinh', 'donViTinh': 'kg'}
        """
        return {self.wire(entity, key): value for key, value in values.items()}

    def from_wire(self, entity: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """Rename wire keys to canonical names (unmapped keys are kept as they are).

        Args:
            entity: The entity.
            values: ``{wire name: value}``.

        Returns:
            ``{canonical name: value}``.

        Examples:
            >>> NbcProfile.load().from_wire("product", {"ten": "Cam", "x": 1})
            {'name': 'Cam', 'x': 1}
        """
        return {self.canonical(entity, key) or key: value for key, value in values.items()}

    def classify(self, text: str) -> str | None:
        """The error class name the first matching ``[errors]`` rule gives, or ``None``.

        Args:
            text: A response body (``debugMessage``/``error``/``message``) or message.

        Returns:
            A :mod:`tracelib.portal.errors` class name or ``None``.

        Examples:
            >>> NbcProfile.load().classify(
            ...     "System.NullReferenceException at ToChuc_SanPhamService.DoBusinessInsertAsync")
            'OrganizationNotActivated'
            >>> NbcProfile.load().classify("fine") is None
            True
        """
        for rule in self.error_rules:
            if rule.matches(text):
                return rule.error
        return None

    def event_type(self, stage: str) -> str:
        """The portal event type of a canonical stage.

        Args:
            stage: The stage (``van_chuyen``).

        Returns:
            The event type (``SU_KIEN_VAN_CHUYEN``).

        Raises:
            ProfileError: The profile does not map the stage.

        Examples:
            >>> NbcProfile.load().event_type("kho_tong")
            'SU_KIEN_KHO_TONG'
        """
        try:
            return self.stages[stage]
        except KeyError:
            raise ProfileError(
                f"profile {self.name} maps no event type for stage {stage!r}",
                path=f"$.stages.{stage}",
            ) from None
