"""The JSON-LD ``@context`` of a document or event, and the EPCIS 2.0 default prefixes.

Contexts are resolved by the JSON-LD codec (offline); the models keep the value as written
and read the prefixes it declares inline, to bind the prefixes of user extensions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

from ..errors import EpcisError

__all__ = [
    "DEFAULT_NAMESPACES",
    "PROTECTED_PREFIXES",
    "RDF_NS",
    "JsonLdContext",
    "merge_namespaces",
]

DEFAULT_NAMESPACES: Mapping[str, str] = MappingProxyType(
    {
        "epcis": "https://ref.gs1.org/epcis/",
        "cbv": "https://ref.gs1.org/cbv/",
        "cbvmda": "urn:epcglobal:cbv:mda:",
        "gs1": "https://gs1.org/voc/",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "dcterms": "http://purl.org/dc/terms/",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    }
)
"""Prefixes bound by the EPCIS 2.0 JSON-LD context (protected there), plus ``rdf``."""
PROTECTED_PREFIXES = frozenset(set(DEFAULT_NAMESPACES) - {"rdf"})
"""The prefixes a document's ``@context`` cannot redefine (``@protected`` in EPCIS 2.0)."""
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def merge_namespaces(namespaces: Mapping[str, str] | None) -> Mapping[str, str]:
    """``namespaces`` with the defaults; the protected EPCIS prefixes cannot be redefined."""
    if not namespaces:
        return DEFAULT_NAMESPACES
    given = {
        prefix: iri
        for prefix, iri in namespaces.items()
        if isinstance(prefix, str)
        and isinstance(iri, str)
        and iri
        and prefix not in PROTECTED_PREFIXES
    }
    return {**DEFAULT_NAMESPACES, **given}


_GEN_DELIMS = tuple(":/?#[]@")


@dataclass(frozen=True, slots=True)
class JsonLdContext:
    """A JSON-LD ``@context`` value kept exactly (as compact JSON text), with helpers.

    tracelib resolves contexts offline (the JSON-LD codec); the model only keeps the value
    and reads the prefixes it declares inline.

    Attributes:
        json: The context as compact JSON text (member order kept).

    Examples:
        >>> ctx = JsonLdContext.of(["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        ...                         {"ex": "http://ns.example.com/epcis/"}])
        >>> ctx.urls
        ('https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',)
        >>> ctx.namespaces
        {'ex': 'http://ns.example.com/epcis/'}
    """

    json: str

    @classmethod
    def of(cls, value: Any) -> JsonLdContext:
        """Wrap a parsed ``@context`` value (string, object or array of those).

        Args:
            value: The parsed JSON value of ``@context``.

        Returns:
            The context.

        Raises:
            EpcisError: ``EPCIS_INVALID_CONTEXT`` when the value is not JSON or not a
                string, object, array or ``null``.

        Examples:
            >>> JsonLdContext.of("https://gs1.github.io/EPCIS/epcis-context.jsonld").value
            'https://gs1.github.io/EPCIS/epcis-context.jsonld'
        """
        if isinstance(value, JsonLdContext):
            return value
        if not (value is None or isinstance(value, (str, dict, list))):
            raise EpcisError(
                f"@context must be a string, an object or an array, not {type(value).__name__}",
                code="EPCIS_INVALID_CONTEXT",
            )
        try:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise EpcisError(f"@context is not JSON: {exc}", code="EPCIS_INVALID_CONTEXT") from exc
        return cls(text)

    @property
    def value(self) -> Any:
        """A fresh copy of the parsed context value."""
        return json.loads(self.json)

    def _entries(self) -> list[Any]:
        value = self.value
        return value if isinstance(value, list) else [value]

    @property
    def urls(self) -> tuple[str, ...]:
        """The remote contexts it references, in order."""
        return tuple(entry for entry in self._entries() if isinstance(entry, str))

    @property
    def namespaces(self) -> dict[str, str]:
        """Prefixes defined inline, as JSON-LD 1.1 uses them to expand compact IRIs.

        A term is a prefix when its definition is a string ending in a gen-delim character
        (``:/?#[]@``) or an object with ``"@prefix": true``. Later entries win.
        """
        out: dict[str, str] = {}
        for entry in self._entries():
            if not isinstance(entry, dict):
                continue
            for term, definition in entry.items():
                if term.startswith("@") or ":" in term:
                    continue
                if isinstance(definition, str) and definition.endswith(_GEN_DELIMS):
                    out[term] = definition
                elif (
                    isinstance(definition, dict)
                    and definition.get("@prefix") is True
                    and isinstance(definition.get("@id"), str)
                ):
                    out[term] = definition["@id"]
        return out

    def redefined_protected(self) -> tuple[str, ...]:
        """Protected EPCIS prefixes (``cbvmda``, ``gs1`` ...) this context redefines.

        Returns:
            The prefixes whose inline definition differs from the EPCIS 2.0 context; the
            models keep the protected definition (JSON-LD 1.1 would raise an error).

        Examples:
            >>> JsonLdContext.of([{"cbvmda": "http://example.com/cbvmda/"}]).redefined_protected()
            ('cbvmda',)
        """
        return tuple(
            prefix
            for prefix, iri in self.namespaces.items()
            if prefix in PROTECTED_PREFIXES and DEFAULT_NAMESPACES[prefix] != iri
        )

    def __repr__(self) -> str:
        return f"JsonLdContext({self.json if len(self.json) < 80 else self.json[:77] + '...'})"

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return {"description": "A JSON-LD @context: a URL, an object, or an array of those"}

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _validate_context,
            serialization=core_schema.plain_serializer_function_ser_schema(_context_value),
        )


def _context_value(context: JsonLdContext) -> Any:
    return context.value


def _validate_context(value: Any) -> JsonLdContext:
    try:
        return JsonLdContext.of(value)
    except EpcisError as err:
        raise PydanticCustomError(
            "EPCIS_INVALID_CONTEXT", "{reason}", {"reason": err.message}
        ) from None
