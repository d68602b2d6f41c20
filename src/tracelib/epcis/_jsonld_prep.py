"""Parsed JSON-LD events made cheaper to validate, giving the very same models.

The reader hands each event of a document (one without its own ``@context``) to
:meth:`Prep.event` before the models validate the document. What the models would otherwise
do with Python code for every object is done here once per event, or once per document:

* prefixed members (``"vn:truck": "29C-00001"``) become the :class:`Extension` nodes that
  the ``Extensible`` validator would build from them, passed as the ``extensions`` field. An
  event where any of them would fail (a name that is not a CURIE, a value the extension
  mapping refuses) is left as it is, so that the models report the problem with its path;
* a read point or business location ``{"id": ...}``, and an ILMD object whose values are all
  strings, that the document repeats are validated once, from their second occurrence, and
  the (immutable) model is shared by the events that repeat it; one seen once stays for the
  document's validation (cheaper there), and so does an invalid one, which it reports;
* the members of an ILMD object that is not shared become its ``extensions`` nodes, as
  those of the event do (and on the same terms).

What this costs (a few dictionary look-ups per event) and saves (one model validation per
shared object, the ``Extensible`` validator's work) is measured by ``bench/epcis_codec.py``;
``tests/epcis/test_jsonld_prep.py`` checks that the outcome is the models' own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import EpcisError
from ._context import merge_namespaces
from ._extensions import Extension, fast_node
from ._extensions_json import from_json
from ._models_base import EXTENSION_KEY_PATTERN, NAMESPACES_KEY

__all__ = ["Prep"]

# Used with fullmatch: "$" of Python's re also matches before a final newline, which the
# models' own check (a Rust regex) refuses; fullmatch accepts a subset of what they accept.
_KEY = re.compile(EXTENSION_KEY_PATTERN)
_CACHE_LIMIT = 4096


def _models() -> Any:
    from . import models

    return models


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> Any:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


class Prep:
    """The preparation of the events of one document (or of one stream of events).

    Args:
        namespaces: The prefixes in scope, as given to the models in the validation context.

    Examples:
        >>> prep = Prep({"vn": "https://htx.example.vn/ns/"})
        >>> event = {"type": "ObjectEvent", "vn:xe": "37C-123.45",
        ...          "readPoint": {"id": "urn:epc:id:sgln:893012345.001.0"}}
        >>> prep.event(event)
        >>> event["extensions"][0].clark, "vn:xe" in event, type(event["readPoint"])
        ('{https://htx.example.vn/ns/}xe', False, <class 'dict'>)
        >>> again = {"readPoint": {"id": "urn:epc:id:sgln:893012345.001.0"}}
        >>> prep.event(again)  # the second time: one shared model
        >>> again["readPoint"]
        ReadPoint(id='urn:epc:id:sgln:893012345.001.0', extensions=())
    """

    __slots__ = ("_ilmds", "_keys", "_merged", "_namespaces", "_places", "_points")

    def __init__(self, namespaces: Mapping[str, str]) -> None:
        self._namespaces = namespaces
        # What the models bind prefixes with (their context_namespaces()).
        self._merged = merge_namespaces(namespaces)
        # By content: True once seen, then the shared model, or False when it is invalid.
        self._points: dict[str, Any] = {}
        self._places: dict[str, Any] = {}
        self._ilmds: dict[tuple[tuple[str, str], ...], Any] = {}
        # A prefixed member name -> how the models bind it (see _key).
        self._keys: dict[str, tuple[str, str, str] | bool] = {}

    def fresh(self) -> Prep:
        """A preparation for another document with the same prefixes.

        It shares what depends only on the prefixes (how member names bind), not the
        shared models of this one's document.

        Returns:
            The new preparation.

        Examples:
            >>> prep = Prep({})
            >>> other = prep.fresh()
            >>> other._keys is prep._keys, other._points is prep._points
            (True, False)
        """
        other = Prep.__new__(Prep)
        other._namespaces = self._namespaces
        other._merged = self._merged
        other._points = {}
        other._places = {}
        other._ilmds = {}
        other._keys = self._keys
        return other

    @property
    def merged(self) -> Mapping[str, str]:
        """The prefixes the models bind with (``namespaces`` with the EPCIS defaults)."""
        return self._merged

    def event(self, item: dict[str, Any]) -> None:
        """Prepare one event in place.

        Args:
            item: The event: the reader's own dict, without ``@context`` nor an expanded
                ``epcis:persistentDisposition`` (see ``_jsonld_read``).
        """
        value = item.get("readPoint")
        if type(value) is dict and len(value) == 1:
            ident = value.get("id")
            if type(ident) is str:
                model = self._points.get(ident)  # a shared model, inlined
                if model is None or model is True or model is False:
                    model = self._shared(self._points, ident, "ReadPoint", value)
                if model is not None:
                    item["readPoint"] = model
        value = item.get("bizLocation")
        if type(value) is dict and len(value) == 1:
            ident = value.get("id")
            if type(ident) is str:
                model = self._places.get(ident)
                if model is None or model is True or model is False:
                    model = self._shared(self._places, ident, "BizLocation", value)
                if model is not None:
                    item["bizLocation"] = model
        value = item.get("ilmd")
        if type(value) is dict and value:
            try:
                "".join(value.values())  # every value a string (tested in C)
            except TypeError:
                pass
            else:
                content = tuple(value.items())
                model = self._ilmds.get(content)
                if model is None or model is True or model is False:
                    model = self._shared(self._ilmds, content, "Ilmd", value)
                if model is not None:
                    item["ilmd"] = model
                    value = None
            if value is not None and "extensions" not in value:
                nodes = self._nodes(value, list(value))
                if nodes is not None:
                    item["ilmd"] = {"extensions": nodes}
        # One C-level test for the common event without prefixed members.
        if ":" in "".join(item) and "extensions" not in item:
            keys = [key for key in item if ":" in key]
            nodes = self._nodes(item, keys)
            if nodes is not None:
                for key in keys:
                    del item[key]
                item["extensions"] = nodes

    def _shared(self, seen: dict[Any, Any], key: Any, cls: str, value: dict[str, Any]) -> Any:
        """The shared model of ``value``, or ``None`` to leave it to the document's validation.

        A value seen for the first time is left in place (validating it apart would cost
        more than in the document); from the second time on, its model is shared.
        """
        model = seen.get(key)
        if model is None:
            _remember(seen, key, True)
            return None
        if model is True:
            try:
                model = getattr(_models(), cls).model_validate(
                    value, context={NAMESPACES_KEY: self._namespaces}
                )
            except EpcisError:
                model = False  # left to the document's validation, which reports it
            seen[key] = model
        return None if model is False else model

    def _key(self, key: str) -> tuple[str, str, str] | bool:
        """How the models bind a member name with a string value: ``(namespace, local,
        prefix)`` on their fast path, ``True`` for their general path, ``False`` for a name
        they refuse."""
        if not _KEY.fullmatch(key):
            return False
        prefix, _, local = key.partition(":")
        namespace = self._merged.get(prefix)
        if namespace is not None and local and local[0] != "/":
            return namespace, local, prefix
        return True

    def _nodes(self, item: dict[str, Any], keys: list[str]) -> tuple[Extension, ...] | None:
        """The nodes the models would build from the members ``keys``, or ``None``."""
        seen = self._keys
        nodes: list[Extension] = []
        for key in keys:
            how = seen.get(key)
            if how is None:
                how = _remember(seen, key, self._key(key))
            if how is False:
                return None
            value = item[key]
            if how is not True and type(value) is str:  # the models' fast path: same nodes
                namespace, local, prefix = how
                nodes.append(
                    fast_node((namespace, local, prefix, value, (), (), None, None, False))
                )
                continue
            try:
                nodes.extend(from_json(key, value, self._merged))
            except (ValueError, RecursionError):
                return None
        return tuple(nodes)
