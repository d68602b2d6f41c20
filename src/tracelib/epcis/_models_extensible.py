"""The extension points of the models: ``extensions`` fields and prefixed JSON-LD members.

:class:`Extensible` turns JSON-LD members with a prefix into :class:`Extension` nodes while
pydantic validates, with the prefixes of the validation context, of the object's own
``@context`` and the EPCIS defaults. A ``@context`` that comes after the members it binds
(JSON-LD puts it anywhere) re-binds the nodes of the object when it is validated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import ConfigDict, Field, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from ._context import DEFAULT_NAMESPACES, JsonLdContext, merge_namespaces
from ._extensions import Extension, ExtensionAttribute, fast_node
from ._extensions_json import from_json
from ._models_base import EXTENSION_KEY_PATTERN, NAMESPACES_KEY, EpcisModel, ExtensionKey

if TYPE_CHECKING:
    from typing_extensions import Self

_DEFAULTS: dict[str, str] = dict(DEFAULT_NAMESPACES)
_KEY = re.compile(EXTENSION_KEY_PATTERN)

__all__ = ["Extensible", "context_namespaces", "extensions_field", "prefix_changes", "rebind"]


def extensions_field() -> Any:
    """The ``extensions`` field of an extension point (a fresh ``FieldInfo`` each time)."""
    return Field((), alias="extensions", description="User extensions, in document order.")


_MERGED_KEY = "_tracelib_merged_namespaces"


def context_namespaces(info: ValidationInfo | None) -> Mapping[str, str]:
    """The ``{prefix: IRI}`` mapping of a validation context, with the defaults.

    The merged mapping is cached in the context dict for the rest of the validation (treat
    the ``namespaces`` mapping as read-only while it is in use).
    """
    ctx = info.context if info is not None else None
    if isinstance(ctx, dict):
        given = ctx.get(NAMESPACES_KEY)
        if isinstance(given, Mapping) and given:
            cached = ctx.get(_MERGED_KEY)
            if cached is not None and cached[0] is given:
                return cached[1]  # type: ignore[no-any-return]
            merged = merge_namespaces(given)
            ctx[_MERGED_KEY] = (given, merged)
            return merged
    return _DEFAULTS


class Extensible(EpcisModel):
    """Base of the classes that carry user extensions (events, readPoint, ILMD, sensors...).

    ``extensions`` holds :class:`Extension` nodes. JSON-LD members with a prefix
    (``"ex:myField": ...``) are accepted beside the standard members and become nodes,
    their prefixes bound by the ``{"namespaces": {...}}`` validation context, then by the
    object's own ``@context`` (events and documents), then by the EPCIS 2.0 defaults such as
    ``cbvmda``. An unprefixed unknown member is an error (``EPCIS_UNKNOWN_MEMBER``).

    Examples:
        >>> from tracelib.epcis.models import BizLocation
        >>> loc = BizLocation.model_validate({"id": "urn:epc:id:sgln:8935049.50000.0",
        ...                                   "vn:kho": "Cần Thơ"},
        ...                                  context={"namespaces": {"vn": "https://example.vn/ns/"}})
        >>> loc.extensions[0].clark, loc.extensions[0].text
        ('{https://example.vn/ns/}kho', 'Cần Thơ')
    """

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[ExtensionKey, Any] = Field(init=False)
    #: Whether the class has a ``context`` (``@context``) field.
    _has_context: ClassVar[bool] = False

    if TYPE_CHECKING:
        # Declared last by each concrete class, so that dumps list it after the standard fields.
        extensions: tuple[Extension, ...]
        context: JsonLdContext | None

    @model_validator(mode="after")
    def _collect_extensions(self, info: ValidationInfo) -> Self:
        extra = self.__pydantic_extra__
        if not self._has_context or self.context is None:
            if extra:
                self._take_extras(extra, context_namespaces(info))
            return self
        outer = context_namespaces(info)
        changes = prefix_changes(outer, self.context)
        if extra:
            inner = dict(outer)
            inner.update({prefix: new for prefix, (_, new) in changes.items()})
            self._take_extras(extra, inner)
        if changes:
            # This instance is being built by this validation; nested values may be shared,
            # so they are copied (rebind), never changed.
            for name in type(self).model_fields:
                if name in ("extensions", "context"):
                    continue
                value = self.__dict__.get(name)
                new = _rebind_value(value, changes)
                if new is not value:
                    self.__dict__[name] = new
        return self

    def _take_extras(self, extra: dict[str, Any], namespaces: Mapping[str, str]) -> None:
        nodes: list[Extension] = []
        for key, value in extra.items():
            # pydantic-core checks the keys too (since 2.14.2 in JSON mode, with exact paths).
            if not _KEY.match(key):
                raise PydanticCustomError(
                    "EPCIS_UNKNOWN_MEMBER",
                    "unknown member '{key}' (extensions need a namespace prefix, e.g. ex:myField)",
                    {"key": key},
                )
            if type(value) is str:  # the common case, inlined: "prefix:local": "text"
                prefix, _, local = key.partition(":")
                namespace = namespaces.get(prefix)
                if namespace is not None and local and local[0] != "/":
                    nodes.append(
                        fast_node((namespace, local, prefix, value, (), (), None, None, False))
                    )
                    continue
            nodes.extend(from_json(key, value, namespaces))
        extra.clear()
        # The instance is being built by this validation: setting the field is safe.
        fields = self.__dict__
        given = fields["extensions"]
        fields["extensions"] = given + tuple(nodes) if given else tuple(nodes)
        self.__pydantic_fields_set__.add("extensions")

    def find_extensions(
        self, name: str, namespaces: Mapping[str, str] | None = None
    ) -> tuple[Extension, ...]:
        """The top-level extension nodes with a given name.

        Args:
            name: ``{namespace}local`` (Clark notation), ``prefix:local`` (prefixes from
                ``namespaces`` and the EPCIS defaults, e.g. ``cbvmda:lotNumber``), or a bare
                local name (any namespace).
            namespaces: Extra ``{prefix: IRI}`` bindings for ``prefix:local``.

        Returns:
            The matching nodes, in order.

        Examples:
            >>> from tracelib.epcis.models import Ilmd
            >>> ilmd = Ilmd.model_validate({"cbvmda:lotNumber": "LOT-7"})
            >>> ilmd.find_extensions("cbvmda:lotNumber")[0].text
            'LOT-7'
            >>> [n.text for n in ilmd.find_extensions("{urn:epcglobal:cbv:mda:}lotNumber")]
            ['LOT-7']
        """
        namespace: str | None
        if name.startswith("{"):
            namespace, _, local = name[1:].partition("}")
        elif ":" in name:
            prefix, _, local = name.partition(":")
            namespace = merge_namespaces(namespaces).get(prefix, prefix + ":")
        else:
            return tuple(node for node in self.extensions if node.name == name)
        return tuple(
            node for node in self.extensions if node.name == local and node.namespace == namespace
        )


# -- prefix re-binding (a @context seen after the members it binds) -------------------------------


def prefix_changes(
    outer: Mapping[str, str], context: JsonLdContext | None
) -> dict[str, tuple[str, str]]:
    """``{prefix: (namespace used so far, namespace of context)}`` for prefixes to re-bind."""
    if context is None:
        return {}
    changes = {}
    for prefix, iri in merge_namespaces(context.namespaces).items():
        before = outer.get(prefix, prefix + ":")
        if before != iri:
            changes[prefix] = (before, iri)
    return changes


def _rebind_node(node: Extension, changes: Mapping[str, tuple[str, str]]) -> Extension:
    namespace = node.namespace
    change = changes.get(node.prefix) if node.prefix is not None else None
    if change is not None and namespace == change[0]:
        namespace = change[1]
    children = tuple(_rebind_node(child, changes) for child in node.children)
    attributes = tuple(_rebind_attribute(attr, changes) for attr in node.attributes)
    unchanged = (
        namespace == node.namespace
        and all(a is b for a, b in zip(children, node.children, strict=True))
        and all(a is b for a, b in zip(attributes, node.attributes, strict=True))
    )
    if unchanged:
        return node
    return Extension(
        namespace,
        node.name,
        node.prefix,
        node.text,
        children,
        attributes,
        node.xsi_type,
        node.json_type,
        node.array,
    )


def _rebind_attribute(
    attr: ExtensionAttribute, changes: Mapping[str, tuple[str, str]]
) -> ExtensionAttribute:
    change = changes.get(attr.prefix) if attr.prefix is not None else None
    if change is not None and attr.namespace == change[0]:
        return ExtensionAttribute(change[1], attr.name, attr.value, attr.prefix)
    return attr


def _rebind_value(value: Any, changes: Mapping[str, tuple[str, str]]) -> Any:
    if isinstance(value, Extension):
        return _rebind_node(value, changes)
    if isinstance(value, EpcisModel):
        return rebind(value, changes)
    if isinstance(value, tuple) and value and isinstance(value[0], (Extension, EpcisModel)):
        items = tuple(_rebind_value(item, changes) for item in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value


def rebind(model: EpcisModel, changes: Mapping[str, tuple[str, str]]) -> Any:
    """A copy of ``model`` with extension prefixes re-bound (``model`` itself if unchanged).

    Objects that carry their own ``@context`` (events of a document) keep the bindings
    they resolved themselves; only nodes still bound to the old namespace change.
    """
    if not changes:
        return model
    update = {}
    for name in type(model).model_fields:
        value = model.__dict__.get(name)
        new = _rebind_value(value, changes)
        if new is not value:
            update[name] = new
    return model.model_copy(update=update) if update else model
