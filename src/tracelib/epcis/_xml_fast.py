"""The quick way through XML events: the same models, or ``None`` to read them as before.

:func:`quick_event` reads an event element that needs nothing special: its children are
known, in the XSD order, none repeated, the event element has no attributes, and nothing
the careful reader (:func:`tracelib.epcis._xml_read.read_event`) would report a finding
about or refuse. It builds the very dict the careful reader builds (the frequent parts
inlined, the others read by the careful reader's own functions), then validates it with
:mod:`tracelib.epcis._models_fast`; :func:`quick_events` for the events of an
``<EventList>``. A read point or business location that events
repeat is validated once, from its second occurrence, and its (immutable) model is shared by
the events that repeat it.

Anything else gives ``None`` and the caller reads the event with the careful reader, which
reports errors (element, line) and findings exactly as it always has: the quick way never
raises for bad input and never decides anything the careful reader would decide otherwise.
``tests/epcis/test_fast_paths.py`` compares both on the corpus and on generated events.
"""

from __future__ import annotations

from itertools import islice
from operator import attrgetter, methodcaller
from typing import Any

from ._extensions import fast_node
from ._models_base import XML_SPACE
from ._models_fast import validate_event
from ._source import attach_namespaces
from ._xml_read import _EP, _SPECS, _epcs, _ilmd, _location, ext_children, ext_node, text
from ._xml_read import _OTHER_INDEX as _OTHER
from ._xml_read import _WRAPPERS as _WRAPPERS
from ._xml_read_locate import namespaces_of

__all__ = ["quick_event", "quick_events"]

# XML white space only (str.strip() alone would also take NEL, NBSP and the like)
_STRIP = methodcaller("strip", XML_SPACE)

_EPC = "epc"
_ID = "id"
_CACHE_LIMIT = 4096
_TAG = attrgetter("tag")
_TEXT = attrgetter("text")
_PREFIX = attrgetter("prefix")
_KEYS = methodcaller("keys")
# location id -> True once seen, then the shared model, or False when it is refused
_POINTS: dict[str, Any] = {}
_PLACES: dict[str, Any] = {}
_LOCATION_KEYS = {"readPoint": _POINTS, "bizLocation": _PLACES}
# (tags, prefixes, texts) of an ILMD -> True once seen, then the shared model, or False
_ILMDS: dict[tuple[Any, ...], Any] = {}
# tags of leaf extension elements -> their (namespace, name) pairs, or False
_CLARKS: dict[tuple[Any, ...], Any] = {}
# "{namespace}name" -> (namespace, name)
_CLARK: dict[str, tuple[str, str]] = {}
# the last members of a leaf extension node: children, attributes, xsi:type, JSON type, array
_LEAF = ((), (), None, None, False)
_MODELS: dict[str, Any] = {}


def _validator(key: str) -> Any:
    if not _MODELS:
        from ._models_common import BizLocation, Ilmd, ReadPoint

        _MODELS.update(
            readPoint=ReadPoint.__pydantic_validator__.validate_python,
            bizLocation=BizLocation.__pydantic_validator__.validate_python,
            ilmd=Ilmd.__pydantic_validator__.validate_python,
        )
    return _MODELS[key]


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> Any:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


def _shared(seen: dict[Any, Any], ident: Any, key: str, value: dict[str, Any]) -> Any:
    """The shared model of a part seen before, else ``value`` (validated in the event)."""
    model = seen.get(ident)
    if model is None:
        _remember(seen, ident, True)
        return value
    if model is True:
        try:
            model = _validator(key)(value)
        except Exception:
            model = False
        seen[ident] = model
    return value if model is False else model


def _location_value(child: Any, key: str) -> Any:
    """``{"id": ...}`` (or its shared model) of a location with one ``<id>``; else the
    careful reader's dict."""
    if len(child) != 1:
        return _location(child)
    inner = child[0]
    if inner.tag != _ID:
        return _location(child)
    value = inner.text
    ident = value.strip(XML_SPACE) if value else ""
    return _shared(_LOCATION_KEYS[key], ident, key, {"id": ident})


def _clarks(tags: tuple[Any, ...]) -> Any:
    """``(namespace, name)`` of each tag when all are extension tags, else ``False``."""
    found = _CLARKS.get(tags)
    if found is None:
        found = False
        if all(type(tag) is str and tag[0] == "{" and not tag.startswith(_EP) for tag in tags):
            found = tuple((tag[1:].partition("}")[0], tag.partition("}")[2]) for tag in tags)
        _remember(_CLARKS, tags, found)
    return found


def _leaves(kids: list[Any], tags: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """:func:`~tracelib.epcis._xml_read.ext_node` of each of ``kids`` when all are
    extension elements without children nor attributes, else ``None``."""
    clarks = _clarks(tags)
    if clarks is False or any(map(len, kids)) or any(map(_KEYS, kids)):
        return None
    return tuple(
        fast_node((ns, name, prefix, "" if value is None else value, (), (), None, None, False))
        for (ns, name), prefix, value in zip(
            clarks, map(_PREFIX, kids), map(_TEXT, kids), strict=True
        )
    )


def _ilmd_value(child: Any) -> Any:
    """The ILMD dict (or its shared model) of leaf extension elements; else the careful
    reader's dict."""
    kids = list(child)
    tags = tuple(map(_TAG, kids))
    nodes = _leaves(kids, tags) if kids else None
    if nodes is None:
        return _ilmd(child)
    key = (tags, tuple(node[2] for node in nodes), tuple(node[3] for node in nodes))
    return _shared(_ILMDS, key, "ilmd", {"extensions": nodes})


def _ext(child: Any, tag: str) -> Any:
    """:func:`~tracelib.epcis._xml_read.ext_node`, a leaf without attributes inlined."""
    if len(child) or child.keys():
        return ext_node(child)
    nodes = _leaves([child], (tag,))
    return ext_node(child) if nodes is None else nodes[0]


def _walk(element: Any, spec: dict[str, Any]) -> dict[str, Any] | bool | None:
    """The dict of an event whose parts are all frequent ones, walking its subtree once.

    Returns ``False`` when a part is not one of them (read the children one by one), and
    ``None`` when the careful reader is needed.

    Every element of the subtree is seen once: the children of a list, a location or the
    ILMD right after it (as many as ``len()`` says), any other element as a child of the
    event. An element that is not where it is taken to be (below an element that should
    have no children) makes one more child of the event than ``len(element)``: the count
    is checked at the end, and then the careful reader reads the event.
    """
    out: dict[str, Any] = {}
    nodes: list[Any] | None = None
    last = -1
    count = 0
    walk = element.iter()
    next(walk)  # the event element itself
    for child in walk:
        count += 1
        tag = child.tag
        entry = spec.get(tag)
        if entry is not None:
            index, key, reader = entry
            if index < last or key in out:
                return None
            last = index
            if reader is None:
                value = child.text
                out[key] = value.strip(XML_SPACE) if value else ""
            elif reader is _epcs:
                size = len(child)
                items = list(islice(walk, size))
                if list(map(_TAG, items)).count(_EPC) != size:
                    return None
                values = list(map(_TEXT, items))
                if None in values:
                    return None
                out[key] = list(map(_STRIP, values))
            elif reader is _location:
                if len(child) != 1:
                    return False
                inner = next(walk)
                if inner.tag != _ID:
                    return False
                value = inner.text
                ident = value.strip(XML_SPACE) if value else ""
                model = _LOCATION_KEYS[key].get(ident)
                if model is None or model is True or model is False:
                    model = _shared(_LOCATION_KEYS[key], ident, key, {"id": ident})
                out[key] = model
            elif reader is _ilmd:
                size = len(child)
                items = list(islice(walk, size))
                if not size or any(map(_KEYS, items)):
                    return False
                found = (
                    tuple(map(_TAG, items)),
                    tuple(map(_PREFIX, items)),
                    tuple(map(_TEXT, items)),
                )
                model = _ILMDS.get(found)
                if model is None or model is True or model is False:
                    clarks = _clarks(found[0])
                    if clarks is False:
                        return False
                    pairs = zip(clarks, found[1], found[2], strict=True)
                    leaves = tuple(
                        fast_node((ns, name, prefix, "" if value is None else value, *_LEAF))
                        for (ns, name), prefix, value in pairs
                    )
                    model = _shared(_ILMDS, found, "ilmd", {"extensions": leaves})
                out[key] = model
            else:
                return False
        elif type(tag) is str and tag[0] == "{" and not tag.startswith(_EP):
            if last > _OTHER:
                return None
            last = _OTHER
            if len(child) or child.keys():
                return False
            clark = _CLARK.get(tag)
            if clark is None:
                clark = _remember(_CLARK, tag, (tag[1:].partition("}")[0], tag.partition("}")[2]))
            value = child.text
            node = fast_node(
                (clark[0], clark[1], child.prefix, "" if value is None else value, *_LEAF)
            )
            if nodes is None:
                nodes = [node]
            else:
                nodes.append(node)
        else:
            return False
    if count != len(element):
        return None
    if nodes:
        out["extensions"] = tuple(nodes)
    return out


def _by_children(element: Any, spec: dict[str, Any], out: dict[str, Any]) -> dict[str, Any] | None:
    """The dict of an event read child by child (any part), or ``None`` (read carefully)."""
    nodes: list[Any] | None = None
    last = -1
    for child in element:
        ctag = child.tag
        entry = spec.get(ctag)
        if entry is not None:
            index, key, reader = entry
            if index < last or key in out:
                return None
            last = index
            if reader is None:
                value = child.text
                out[key] = value.strip(XML_SPACE) if value else ""
            elif reader is _epcs:
                epcs = list(map(_TEXT, child.iterchildren(_EPC)))
                if len(epcs) != len(child) or None in epcs:
                    return None
                out[key] = list(map(_STRIP, epcs))
            elif reader is _location:
                out[key] = _location_value(child, key)
            elif reader is _ilmd:
                out[key] = _ilmd_value(child)
            elif reader is text:  # certificationInfo: a list in the model
                out[key] = [text(child)]
            else:
                out[key] = reader(child)
            continue
        if type(ctag) is not str:
            return None
        if ctag[0] == "{" and not ctag.startswith(_EP):
            index = _OTHER
            node = _ext(child, ctag)
            if nodes is None:
                nodes = [node]
            else:
                nodes.append(node)
        elif ctag in _WRAPPERS:
            index = _WRAPPERS[ctag]
            if nodes is None:
                nodes = []
            nodes.extend(ext_children(child))
        else:
            return None
        if index < last:
            return None
        last = index
    if nodes:
        out["extensions"] = tuple(nodes)
    return out


def _dict(element: Any) -> dict[str, Any] | None:
    """The careful reader's dict of ``element`` when it would have no findings, else ``None``."""
    tag = element.tag
    spec = _SPECS.get(tag) if type(tag) is str else None
    if spec is None or element.keys():
        return None
    kind = tag if tag[0] != "{" else tag[len(_EP) :]
    out = _walk(element, spec)
    if out is False:
        return _by_children(element, spec, {"type": kind})
    if out is not None:
        out["type"] = kind  # type: ignore[index]
    return out  # type: ignore[return-value]


def _quick_dict(element: Any) -> dict[str, Any] | None:
    try:
        return _dict(element)
    except Exception:
        return None


def quick_event(element: Any) -> Any:
    """The model of an event element read the quick way, or ``None`` (see the module).

    Args:
        element: An event element (``ObjectEvent``...), as the careful reader takes it.

    Returns:
        The event model, equal to the careful reader's, without findings; or ``None``.
    """
    data = _quick_dict(element)
    return None if data is None else validate_event(data)


def quick_events(element: Any) -> tuple[list[Any], list[Any]]:
    """The children of an ``<EventList>`` and, for each, its quick model or ``None``.

    Each event is validated as soon as it is read (while its parts are in the CPU caches:
    measurably quicker than validating the list at the end). The in-scope prefixes of each
    event are attached to its model, as the careful reader does.

    Args:
        element: The ``<EventList>`` element.

    Returns:
        ``(children, models)``: ``None`` for each child to read carefully.
    """
    children = list(element)
    out: list[Any] = []
    for child in children:
        data = _quick_dict(child)
        model = None if data is None else validate_event(data)
        if model is not None:
            namespaces = namespaces_of(child)
            if namespaces is not None:
                attach_namespaces(model, namespaces)
        out.append(model)
    return children, out
