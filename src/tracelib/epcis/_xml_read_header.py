"""Reading the parts of EPCIS 2.0 XML documents around the events: SBDH, master data, header.

The generic reader of a structure (children by local name, extensions kept) is here too; the
documents themselves are read by :mod:`tracelib.epcis._xml_read_doc`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..errors import EpcisError
from ._extensions import Extension, fast_node
from ._models_base import XML_SPACE
from ._xml_names import SBDH_NS, XSI_NS
from ._xml_read import element_name, ext_children, ext_node, std_name, text, unknown

__all__ = ["boolean", "exact_text", "read_header", "read_struct", "vocabulary_list"]

_SB = "{" + SBDH_NS + "}"
_XSI = "{" + XSI_NS + "}"
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


# -- generic structure ----------------------------------------------------------------------------

_Reader = Callable[[Any], Any]


def read_struct(
    element: Any,
    known: Mapping[str, tuple[str, _Reader]],
    *,
    repeated: frozenset[str] = frozenset(),
    wrappers: Mapping[str, Callable[[Any, dict[str, Any], list[Extension]], None]] | None = None,
) -> dict[str, Any]:
    """Children by local name (``known``: name -> (member, reader)); others are extensions."""
    out: dict[str, Any] = {}
    nodes: list[Extension] = []
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            continue
        name = tag[len(_SB) :] if tag.startswith(_SB) else std_name(tag)
        if name is not None and name in known:
            member, reader = known[name]
            value = reader(child)
            if name in repeated:
                out.setdefault(member, []).append(value)
            elif member in out:
                raise EpcisError(
                    f"line {child.sourceline}: <{element_name(child)}> appears more than "
                    f"once in <{element_name(element)}>",
                    code="EPCIS_DUPLICATE_ELEMENT",
                    line=child.sourceline,
                )
            else:
                out[member] = value
        elif wrappers and name is not None and name in wrappers:
            wrappers[name](child, out, nodes)
        elif name is None or name == "extension":
            if name == "extension":
                nodes.extend(ext_children(child))
            else:
                nodes.append(ext_node(child))
        else:
            raise unknown(child, element)
    if nodes:
        out["extensions"] = tuple(nodes)
    return out


def exact_text(element: Any) -> str:
    """The text of ``element`` as written (not trimmed), ``""`` when it has none."""
    return element.text or ""


def boolean(value: str) -> Any:
    """``True``/``False`` for the XSD boolean literals; any other text trimmed (the models
    refuse it with their own message)."""
    stripped = value.strip(XML_SPACE)
    return _BOOLEANS.get(stripped, stripped)


# -- SBDH -----------------------------------------------------------------------------------------


def _identifier(element: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"value": exact_text(element)}
    authority = element.get("Authority")
    if authority is not None:
        out["authority"] = authority
    return out


def _contact(element: Any) -> dict[str, Any]:
    return _sbdh_struct(
        element,
        {
            "Contact": ("contact", exact_text),
            "EmailAddress": ("emailAddress", exact_text),
            "FaxNumber": ("faxNumber", exact_text),
            "TelephoneNumber": ("telephoneNumber", exact_text),
            "ContactTypeIdentifier": ("contactTypeIdentifier", exact_text),
        },
    )


def _partner(element: Any) -> dict[str, Any]:
    return _sbdh_struct(
        element,
        {
            "Identifier": ("identifier", _identifier),
            "ContactInformation": ("contactInformation", _contact),
        },
        repeated=frozenset({"ContactInformation"}),
    )


def _document_identification(element: Any) -> dict[str, Any]:
    return _sbdh_struct(
        element,
        {
            "Standard": ("standard", exact_text),
            "TypeVersion": ("typeVersion", exact_text),
            "InstanceIdentifier": ("instanceIdentifier", exact_text),
            "Type": ("type", exact_text),
            "MultipleType": ("multipleType", lambda e: boolean(exact_text(e))),
            "CreationDateAndTime": ("creationDateAndTime", text),
        },
    )


def _manifest_item(element: Any) -> dict[str, Any]:
    return _sbdh_struct(
        element,
        {
            "MimeTypeQualifierCode": ("mimeTypeQualifierCode", exact_text),
            "UniformResourceIdentifier": ("uniformResourceIdentifier", text),
            "Description": ("description", exact_text),
            "LanguageCode": ("languageCode", exact_text),
        },
    )


def _manifest(element: Any) -> dict[str, Any]:
    return _sbdh_struct(
        element,
        {
            "NumberOfItems": ("numberOfItems", text),
            "ManifestItem": ("manifestItems", _manifest_item),
        },
        repeated=frozenset({"ManifestItem"}),
    )


def _scope(element: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    info: list[Extension] = []
    fields = {
        "Type": "type",
        "InstanceIdentifier": "instanceIdentifier",
        "Identifier": "identifier",
    }
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            continue
        name = tag[len(_SB) :] if tag.startswith(_SB) else None
        if name in fields and not info:
            out[fields[name]] = exact_text(child)
        elif tag[0] == "{":
            info.append(ext_node(child))  # CorrelationInformation, BusinessService, ...
        else:
            raise unknown(child, element)
    if info:
        out["scopeInformation"] = tuple(info)
    return out


def _business_scope(element: Any) -> dict[str, Any]:
    return _sbdh_struct(element, {"Scope": ("scopes", _scope)}, repeated=frozenset({"Scope"}))


def _sbdh(element: Any) -> dict[str, Any]:
    return _sbdh_struct(
        element,
        {
            "HeaderVersion": ("headerVersion", exact_text),
            "Sender": ("sender", _partner),
            "Receiver": ("receiver", _partner),
            "DocumentIdentification": ("documentIdentification", _document_identification),
            "Manifest": ("manifest", _manifest),
            "BusinessScope": ("businessScope", _business_scope),
        },
        repeated=frozenset({"Sender", "Receiver"}),
    )


def _sbdh_struct(
    element: Any,
    known: Mapping[str, tuple[str, _Reader]],
    *,
    repeated: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            continue
        name = tag[len(_SB) :] if tag.startswith(_SB) else None
        if name is None or name not in known:
            raise unknown(child, element)
        member, reader = known[name]
        if name in repeated:
            out.setdefault(member, []).append(reader(child))
        elif member in out:
            raise EpcisError(
                f"line {child.sourceline}: <{element_name(child)}> appears more than once",
                code="EPCIS_DUPLICATE_ELEMENT",
                line=child.sourceline,
            )
        else:
            out[member] = reader(child)
    return out


# -- master data ----------------------------------------------------------------------------------


def _attribute(element: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": (element.get("id") or "").strip(XML_SPACE)}
    node = ext_node(element)
    attrs = tuple(a for a in node.attributes if not (a.namespace is None and a.name == "id"))
    empty = not node.children and not attrs and node.xsi_type is None and node.text == ""
    if not empty:
        out["value"] = fast_node(
            (None, "attribute", None, node.text, node.children, attrs, node.xsi_type, None, False)
        )
    return out


def _vocabulary_element(element: Any) -> dict[str, Any]:
    out = read_struct(
        element,
        {
            "attribute": ("attributes", _attribute),
            "children": ("children", lambda e: [text(c) for c in e if type(c.tag) is str]),
        },
        repeated=frozenset({"attribute"}),
    )
    out["id"] = (element.get("id") or "").strip(XML_SPACE)
    return out


def _vocabulary(element: Any) -> dict[str, Any]:
    out = read_struct(
        element,
        {
            "VocabularyElementList": (
                "vocabularyElementList",
                lambda e: [_vocabulary_element(c) for c in e if type(c.tag) is str],
            )
        },
    )
    out["type"] = (element.get("type") or "").strip(XML_SPACE)
    return out


def vocabulary_list(element: Any) -> list[dict[str, Any]]:
    """The ``<Vocabulary>`` children of a ``<VocabularyList>`` as model dicts."""
    out = []
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            continue
        if std_name(tag) != "Vocabulary":
            raise unknown(child, element)
        out.append(_vocabulary(child))
    return out


def _master_data(element: Any) -> dict[str, Any]:
    return read_struct(element, {"VocabularyList": ("vocabularyList", vocabulary_list)})


# -- header, bodies, documents --------------------------------------------------------------------


def _header_extension(child: Any, out: dict[str, Any], nodes: list[Extension]) -> None:
    for item in child:
        tag = item.tag
        if type(tag) is not str:
            continue
        name = std_name(tag)
        if name == "EPCISMasterData":
            out["epcisMasterData"] = _master_data(item)
        elif name == "extension":
            nodes.extend(ext_children(item))
        elif name is None:
            nodes.append(ext_node(item))
        else:
            raise unknown(item, child)


def read_header(element: Any) -> dict[str, Any]:
    """The ``<EPCISHeader>`` as a model dict: SBDH, master data, extensions."""
    out: dict[str, Any] = {}
    nodes: list[Extension] = []
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            continue
        if tag == _SB + "StandardBusinessDocumentHeader":
            out["standardBusinessDocumentHeader"] = _sbdh(child)
        elif std_name(tag) == "extension":
            _header_extension(child, out, nodes)
        elif std_name(tag) is None:
            nodes.append(ext_node(child))
        else:
            raise unknown(child, element)
    if nodes:
        out["extensions"] = tuple(nodes)
    return out
