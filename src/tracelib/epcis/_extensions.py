"""User extensions as an ordered tree of frozen nodes, shared by the XML and JSON-LD codecs.

An :class:`Extension` is one element of a user namespace: ``{namespace}name`` with a prefix
hint, XML attributes, and either text (with an optional JSON type), or child elements. It is
XML-shaped: repeated elements are repeated siblings, and a JSON array of ``n`` items becomes
``n`` sibling nodes flagged ``array=True``. The mapping (``docs/epcis/models.md`` has more):

* ``<ex:a>t</ex:a>`` = ``text="t"`` = ``"ex:a": "t"``;
* JSON ``"ex:a": 10`` (or ``true``, ``null``) = ``text="10", json_type="number"``; XML has
  only the text ``10``;
* ``<ex:a><ex:b>1</ex:b></ex:a>`` = ``children=(b,)`` = ``"ex:a": {"ex:b": "1"}``;
* ``<ex:b>1</ex:b><ex:b>2</ex:b>`` = two siblings (``array=True`` when read from JSON) =
  ``"ex:b": ["1", "2"]``;
* ``<ex:a ex:u="K">3</ex:a>`` = ``attributes=(u,), text="3"`` =
  ``"ex:a": {"ex:u": "K", "rdf:value": "3"}``;
* ``<ex:a xsi:type="xsd:int">3</ex:a>`` = ``xsi_type="xsd:int"`` =
  ``"ex:a": {"@value": "3", "@type": "xsd:int"}``.

XML attributes become JSON members, so XML -> JSON-LD -> XML turns them into elements; every
other path round-trips. Equality and hashing ignore prefix hints (compare by namespace).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from functools import partial
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Literal

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import core_schema

from ..errors import EpcisError

__all__ = [
    "Extension",
    "ExtensionAttribute",
    "JsonType",
    "fast_attribute",
    "fast_node",
    "scalar",
    "typed",
]

JsonType = Literal["number", "boolean", "null", "object", "array"]
"""How a JSON-LD value was typed: a text with ``None`` is a JSON string (or XML text)."""
_JSON_TYPES = frozenset({"number", "boolean", "null", "object", "array"})
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_DUMP_KEYS = frozenset(
    {"namespace", "name", "prefix", "text", "children", "attributes", "xsiType", "jsonType"}
    | {"array"}
)


def _fail(message: str, code: str = "EPCIS_INVALID_EXTENSION") -> EpcisError:
    return EpcisError(message, code=code)


def _check_json_type(name: str, jt: object, text: str | None, children: tuple[Any, ...]) -> None:
    if jt not in _JSON_TYPES:
        raise _fail(f"extension {name!r}: unknown json_type {jt!r}")
    if jt == "number" and not (text is not None and _NUMBER.fullmatch(text)):
        raise _fail(f"extension {name!r}: {text!r} is not a JSON number")
    if jt == "boolean" and text not in ("true", "false"):
        raise _fail(f"extension {name!r}: {text!r} is not a JSON boolean")
    if jt in ("null", "object", "array") and (text is not None or children):
        raise _fail(f"extension {name!r}: a JSON {jt} has no text nor children")
    if jt in ("number", "boolean", "null") and children:
        raise _fail(f"extension {name!r}: a JSON {jt} has no children")


def scalar(value: object) -> tuple[str | None, JsonType | None]:
    """A JSON scalar -> (text, json type)."""
    if isinstance(value, str):
        return value, None
    if value is None:
        return None, "null"
    if isinstance(value, bool):
        return ("true" if value else "false"), "boolean"
    if isinstance(value, int):
        return str(value), "number"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _fail(f"{value!r} is not a JSON number")
        return repr(value), "number"
    if isinstance(value, Decimal):
        text = str(value)
        if not value.is_finite() or not _NUMBER.fullmatch(text):
            raise _fail(f"{value!r} is not a JSON number")
        return text, "number"
    raise _fail(f"a {type(value).__name__} is not a JSON value")


def typed(text: str | None, json_type: JsonType | None) -> Any:
    if json_type == "null":
        return None
    if json_type == "boolean":
        return text == "true"
    if json_type == "number":
        assert text is not None
        return int(text) if _INTEGER.fullmatch(text) else float(text)
    return text


class ExtensionAttribute(tuple):  # type: ignore[type-arg]
    """A namespaced XML attribute of an extension element (``<ex:a ex:unit="KGM">``).

    An immutable value (a ``tuple`` underneath, like :class:`Extension`).

    Attributes:
        namespace: Namespace IRI, or ``None`` for an unqualified attribute.
        name: Local name.
        value: The attribute value.
        prefix: Prefix hint for writers (ignored by equality).

    Examples:
        >>> ExtensionAttribute("http://ns.example.com/", "unit", "KGM", prefix="ex")
        ExtensionAttribute('{http://ns.example.com/}unit'='KGM')
    """

    __slots__ = ()

    def __new__(
        cls, namespace: str | None, name: str, value: str, prefix: str | None = None
    ) -> ExtensionAttribute:
        if not (namespace is None or (isinstance(namespace, str) and namespace)):
            raise _fail(f"attribute namespace must be a non-empty string, not {namespace!r}")
        if not isinstance(name, str) or not name:
            raise _fail(f"attribute name must be a non-empty string, not {name!r}")
        if not isinstance(value, str):
            raise _fail(f"attribute {name!r} value must be a string")
        if not (prefix is None or isinstance(prefix, str)):
            raise _fail("attribute prefix hint must be a string")
        return tuple.__new__(cls, (namespace, name, value, prefix))

    if TYPE_CHECKING:
        namespace: str | None
        name: str
        value: str
        prefix: str | None
    else:
        namespace = property(itemgetter(0), doc="Namespace IRI, or ``None``.")
        name = property(itemgetter(1), doc="Local name.")
        value = property(itemgetter(2), doc="The attribute value.")
        prefix = property(itemgetter(3), doc="Prefix hint (ignored by equality).")

    def __eq__(self, other: object) -> bool:
        if type(other) is not ExtensionAttribute:
            return False if isinstance(other, tuple) else NotImplemented
        return self[:3] == other[:3]

    def __ne__(self, other: object) -> bool:
        if type(other) is not ExtensionAttribute:
            return True if isinstance(other, tuple) else NotImplemented
        return self[:3] != other[:3]

    def __hash__(self) -> int:
        return hash(self[:3])

    def __getnewargs__(self) -> tuple[Any, ...]:
        return tuple(self[:])

    @property
    def clark(self) -> str:
        """``{namespace}name`` (Clark notation), or the bare name without a namespace."""
        return self.name if self.namespace is None else f"{{{self.namespace}}}{self.name}"

    def __repr__(self) -> str:
        return f"ExtensionAttribute({self.clark!r}={self.value!r})"


class Extension(tuple):  # type: ignore[type-arg]
    """One user-extension element: a node of an ordered, frozen tree.

    Content is either ``text`` (simple content; with ``json_type`` when it came from a JSON
    number, boolean or null) or ``children`` (element content). ``json_type`` ``"object"``
    and ``"array"`` mark an empty JSON object and an empty JSON array. ``array`` marks one
    item of a JSON array. Build nodes with :meth:`element`, :meth:`from_json` or the constructor
    (arguments in the order of the attributes below). Nodes are immutable values (a
    ``tuple`` underneath, for speed); :meth:`replace` makes a changed copy.

    Attributes:
        namespace: Namespace IRI; ``None`` only for unqualified child elements.
        name: Local name.
        prefix: Prefix hint (from the document); ignored by equality and hashing.
        text: Simple content, exactly as written (``""`` for an empty element).
        children: Child elements, in document order.
        attributes: XML attributes other than ``xsi:type``, in document order.
        xsi_type: The ``xsi:type`` QName as written, e.g. ``"xsd:integer"``.
        json_type: ``"number"``/``"boolean"``/``"null"`` for typed JSON scalars, ``"object"``
            or ``"array"`` for an empty JSON object or array, else ``None``.
        array: ``True`` when the node is one item of a JSON array.

    Examples:
        >>> lot = Extension.element("{urn:epcglobal:cbv:mda:}lotNumber", "LOT-2024-07")
        >>> lot.clark, lot.text
        ('{urn:epcglobal:cbv:mda:}lotNumber', 'LOT-2024-07')
        >>> (n,) = Extension.from_json("ex:count", 10, {"ex": "http://ns.example.com/"})
        >>> n.value, n.json_type, n.to_json()
        (10, 'number', ('ex:count', 10))
    """

    __slots__ = ()

    def __new__(
        cls,
        namespace: str | None,
        name: str,
        prefix: str | None = None,
        text: str | None = None,
        children: tuple[Extension, ...] = (),
        attributes: tuple[ExtensionAttribute, ...] = (),
        xsi_type: str | None = None,
        json_type: JsonType | None = None,
        array: bool = False,
    ) -> Extension:
        if not (namespace is None or (type(namespace) is str and namespace)):
            raise _fail(f"extension namespace must be a non-empty string, not {namespace!r}")
        if type(name) is not str or not name:
            raise _fail(f"extension name must be a non-empty string, not {name!r}")
        if not (text is None or type(text) is str):
            raise _fail(f"extension {name!r}: text must be a string")
        if type(children) is not tuple or type(attributes) is not tuple:
            raise _fail(f"extension {name!r}: children and attributes must be tuples")
        for child in children:
            if type(child) is not Extension:
                raise _fail(f"extension {name!r}: children must be Extension nodes")
        for attr in attributes:
            if type(attr) is not ExtensionAttribute:
                raise _fail(f"extension {name!r}: attributes must be ExtensionAttribute")
        if not (xsi_type is None or (type(xsi_type) is str and xsi_type)):
            raise _fail(f"extension {name!r}: xsi_type must be a non-empty string")
        if not (prefix is None or type(prefix) is str):
            raise _fail(f"extension {name!r}: prefix must be a string")
        if type(array) is not bool:
            raise _fail(f"extension {name!r}: array must be a bool")
        if json_type is not None:
            _check_json_type(name, json_type, text, children)
        return tuple.__new__(
            cls, (namespace, name, prefix, text, children, attributes, xsi_type, json_type, array)
        )

    if TYPE_CHECKING:
        namespace: str | None
        name: str
        prefix: str | None
        text: str | None
        children: tuple[Extension, ...]
        attributes: tuple[ExtensionAttribute, ...]
        xsi_type: str | None
        json_type: JsonType | None
        array: bool
    else:
        namespace = property(itemgetter(0), doc="Namespace IRI, or ``None``.")
        name = property(itemgetter(1), doc="Local name.")
        prefix = property(itemgetter(2), doc="Prefix hint (ignored by equality).")
        text = property(itemgetter(3), doc="Simple content as written.")
        children = property(itemgetter(4), doc="Child elements, in order.")
        attributes = property(itemgetter(5), doc="XML attributes, in order.")
        xsi_type = property(itemgetter(6), doc="The ``xsi:type`` QName as written.")
        json_type = property(itemgetter(7), doc="JSON type of a typed scalar or empty value.")
        array = property(itemgetter(8), doc="Whether the node is an item of a JSON array.")

    def __eq__(self, other: object) -> bool:
        if type(other) is not Extension:
            return False if isinstance(other, tuple) else NotImplemented
        return self[:2] == other[:2] and self[3:] == other[3:]

    def __ne__(self, other: object) -> bool:
        if type(other) is not Extension:
            return True if isinstance(other, tuple) else NotImplemented
        return self[:2] != other[:2] or self[3:] != other[3:]

    def __hash__(self) -> int:
        return hash((self[0], self[1], self[3:]))

    def __getnewargs__(self) -> tuple[Any, ...]:
        return tuple(self[:])

    def replace(self, **changes: Any) -> Extension:
        """A copy with some attributes changed (checked like the constructor).

        Args:
            **changes: New values by attribute name, e.g. ``namespace=...``.

        Returns:
            The new node.

        Raises:
            EpcisError: ``EPCIS_INVALID_EXTENSION`` for an unknown name or a bad value.

        Examples:
            >>> node = Extension("urn:epcglobal:cbv:mda", "lotNumber", text="L1")
            >>> node.replace(namespace="urn:epcglobal:cbv:mda:").namespace
            'urn:epcglobal:cbv:mda:'
        """
        fields = dict(zip(_FIELDS, self[:], strict=True))
        unknown = set(changes) - set(_FIELDS)
        if unknown:
            raise _fail(f"Extension has no field {sorted(unknown)[0]!r}")
        fields.update(changes)
        return Extension(**fields)

    # -- constructors -----------------------------------------------------------------------

    @classmethod
    def element(
        cls,
        name: str,
        content: str | bool | int | float | Decimal | Iterable[Extension] | None = "",
        *,
        namespace: str | None = None,
        prefix: str | None = None,
        attributes: Mapping[str, str] | Iterable[ExtensionAttribute] = (),
        xsi_type: str | None = None,
    ) -> Extension:
        """Build an element from Python values.

        Args:
            name: ``{namespace}local`` (Clark notation) or a local name with ``namespace=``.
            content: Text; a number, boolean or ``None`` (kept as a typed JSON scalar); or
                child elements.
            namespace: Namespace IRI when ``name`` is not in Clark notation.
            prefix: Prefix hint for writers.
            attributes: ``{"{ns}name" or "name": value}`` or :class:`ExtensionAttribute`\\ s.
            xsi_type: An ``xsi:type`` QName.

        Returns:
            The node.

        Raises:
            EpcisError: ``EPCIS_INVALID_EXTENSION`` for a bad name or content.

        Examples:
            >>> weight = Extension.element("{urn:epcglobal:cbv:mda:}netWeight", "3.5",
            ...                            attributes={"measurementUnitCode": "KGM"})
            >>> weight.attributes[0].name
            'measurementUnitCode'
            >>> weight.to_json(prefixes={"urn:epcglobal:cbv:mda:": "cbvmda"})
            ('cbvmda:netWeight', {'measurementUnitCode': 'KGM', 'rdf:value': '3.5'})
        """
        from ._extensions_build import attribute, attribute_items, clark

        ns, local = clark(name, namespace)
        attrs = tuple(attribute(item) for item in attribute_items(attributes))
        text: str | None
        json_type: JsonType | None
        children: tuple[Extension, ...] = ()
        if content is None or isinstance(content, (str, bool, int, float, Decimal)):
            text, json_type = scalar(content)
        else:
            try:
                children = tuple(content)
            except TypeError:
                raise _fail(f"{type(content).__name__} is not valid extension content") from None
            text, json_type = None, None
        return Extension(ns, local, prefix, text, children, attrs, xsi_type, json_type)

    @classmethod
    def from_json(
        cls, key: str, value: Any, namespaces: Mapping[str, str] | None = None
    ) -> tuple[Extension, ...]:
        """The nodes of one JSON-LD member: one node, or one per item of an array.

        Args:
            key: The member name: a CURIE (``ex:field``), an absolute IRI, or (inside an
                extension object only) a plain name.
            value: The parsed JSON value.
            namespaces: ``{prefix: IRI}`` from the ``@context``; the EPCIS defaults
                (:data:`~tracelib.epcis.models.DEFAULT_NAMESPACES`) are added and win for the
                protected EPCIS prefixes. A CURIE whose prefix is not declared is an absolute
                IRI, as in JSON-LD.

        Returns:
            The nodes, in order (an empty array gives one node with ``json_type="array"``).

        Raises:
            EpcisError: ``EPCIS_INVALID_EXTENSION`` for values JSON cannot hold or the tree
                cannot represent (nested arrays, ``@context`` or ``@list`` inside a value).

        Examples:
            >>> nodes = Extension.from_json("ex:tag", ["a", "b"], {"ex": "http://ex.com/"})
            >>> [(n.name, n.text, n.array) for n in nodes]
            [('tag', 'a', True), ('tag', 'b', True)]
            >>> Extension.from_json("cbvmda:lotNumber", "LOT1")[0].namespace
            'urn:epcglobal:cbv:mda:'
        """
        if not isinstance(key, str):
            raise _fail(f"an extension member name must be a string, not {type(key).__name__}")
        from ._context import merge_namespaces
        from ._extensions_json import from_json

        return from_json(key, value, merge_namespaces(namespaces))

    @staticmethod
    def from_json_object(
        members: Mapping[str, Any], namespaces: Mapping[str, str] | None = None
    ) -> tuple[Extension, ...]:
        """The nodes of all members of a JSON object (e.g. an ``ilmd`` object).

        Args:
            members: The JSON object.
            namespaces: As for :meth:`from_json`.

        Returns:
            The nodes, in member order.

        Raises:
            EpcisError: As :meth:`from_json`.

        Examples:
            >>> nodes = Extension.from_json_object({"cbvmda:lotNumber": "L1",
            ...                                     "cbvmda:countryOfOrigin": "VN"})
            >>> [n.name for n in nodes]
            ['lotNumber', 'countryOfOrigin']
        """
        if not isinstance(members, Mapping):
            raise _fail(f"expected a JSON object, not {type(members).__name__}")
        from ._context import merge_namespaces
        from ._extensions_json import from_json

        merged = merge_namespaces(namespaces)
        out: list[Extension] = []
        for key, value in members.items():
            if not isinstance(key, str):
                raise _fail("an extension member name must be a string")
            out.extend(from_json(key, value, merged))
        return tuple(out)

    # -- JSON output --------------------------------------------------------------------------

    def to_json(self, *, prefixes: Mapping[str, str] | None = None) -> tuple[str, Any]:
        """This node as one JSON-LD member ``(key, value)``; an array item gives ``[value]``.

        Args:
            prefixes: ``{namespace: prefix}`` overriding the prefix hints.

        Returns:
            The member name and its JSON value.

        Raises:
            EpcisError: ``EPCIS_NO_PREFIX`` when a namespace has no prefix and does not end
                in ``/``, ``#`` or ``:``.

        Examples:
            >>> Extension.element("{http://ns.example.com/}flag", True, prefix="ex").to_json()
            ('ex:flag', True)
        """
        from ._extensions_json import json_key, json_value

        value = json_value(self, prefixes)
        key = json_key(self.namespace, self.name, self.prefix, prefixes)
        return key, ([value] if self.array and self.json_type != "array" else value)

    @staticmethod
    def to_json_object(
        nodes: Iterable[Extension], *, prefixes: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """Sibling nodes as JSON-LD members: repeated names become one array.

        Args:
            nodes: Sibling nodes (an extension point's ``extensions``, or ``children``).
            prefixes: ``{namespace: prefix}`` overriding the prefix hints.

        Returns:
            The members, in order of first appearance.

        Raises:
            EpcisError: As :meth:`to_json`.

        Examples:
            >>> nodes = Extension.from_json_object({"ex:a": ["1"], "ex:b": {"ex:c": 2}},
            ...                                    {"ex": "urn:x:"})
            >>> Extension.to_json_object(nodes)
            {'ex:a': ['1'], 'ex:b': {'ex:c': 2}}
        """
        from ._extensions_json import group

        return group(tuple(nodes), prefixes)

    # -- reading ------------------------------------------------------------------------------

    @property
    def clark(self) -> str:
        """``{namespace}name`` (Clark notation), or the bare name without a namespace."""
        return self.name if self.namespace is None else f"{{{self.namespace}}}{self.name}"

    @property
    def iri(self) -> str:
        """``namespace + name``: the property IRI JSON-LD gives this member.

        XML namespaces are compared as written: ``urn:epcglobal:cbv:mda`` (the usual XML
        declaration) and ``urn:epcglobal:cbv:mda:`` (the JSON-LD ``cbvmda`` prefix) differ.
        """
        return self.name if self.namespace is None else self.namespace + self.name

    @property
    def value(self) -> Any:
        """The content as a Python value: ``int``/``float``/``bool``/``None`` for typed JSON
        scalars, else the text (``None`` for element content)."""
        return typed(self.text, self.json_type)

    def __repr__(self) -> str:
        inner = f"[{len(self.children)} children]" if self.children else repr(self.value)
        return f"Extension({self.clark!r}={inner})"

    # -- pydantic integration ----------------------------------------------------------------

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return {
            "type": "object",
            "description": "An extension node (tracelib dump form)",
            "required": ["namespace", "name"],
        }

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        from ._extensions_build import dump, validate_dump

        from_dump = core_schema.no_info_plain_validator_function(validate_dump)
        return core_schema.json_or_python_schema(
            json_schema=from_dump,
            python_schema=from_dump,
            serialization=core_schema.plain_serializer_function_ser_schema(dump),
        )


_FIELDS = (
    "namespace",
    "name",
    "prefix",
    "text",
    "children",
    "attributes",
    "xsi_type",
    "json_type",
    "array",
)
fast_node: Callable[[tuple[Any, ...]], Extension] = partial(tuple.__new__, Extension)
"""Build a node from a 9-tuple of already checked values (the codecs' fast path)."""
fast_attribute: Callable[[tuple[Any, ...]], ExtensionAttribute] = partial(
    tuple.__new__, ExtensionAttribute
)
"""Build an attribute from a 4-tuple of already checked values."""
