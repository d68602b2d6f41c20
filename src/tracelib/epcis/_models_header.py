"""Document headers: the UN/CEFACT SBDH (XML only) and EPCIS master data vocabularies."""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from ._extensions import Extension
from ._extensions_json import from_json
from ._models_base import DateTime, EpcisModel, StrictBool, Uri
from ._models_extensible import Extensible, context_namespaces, extensions_field

__all__ = [
    "BusinessScope",
    "ContactInformation",
    "DocumentIdentification",
    "EPCISHeader",
    "EPCISMasterData",
    "Manifest",
    "ManifestItem",
    "Partner",
    "PartnerIdentification",
    "Scope",
    "StandardBusinessDocumentHeader",
    "Vocabulary",
    "VocabularyAttribute",
    "VocabularyElement",
]


# -- SBDH (UN/CEFACT Standard Business Document Header, XML only) ---------------------------------


class PartnerIdentification(EpcisModel):
    """A partner identifier with its authority (``<sbdh:Identifier Authority="GS1">``).

    Attributes:
        value: The identifier, e.g. a GLN.
        authority: Who issued it, e.g. ``"GS1"``.

    Examples:
        >>> PartnerIdentification(value="8935049500003", authority="GS1").authority
        'GS1'
    """

    value: str
    authority: str | None = None


class ContactInformation(EpcisModel):
    """A contact of a partner.

    Attributes:
        contact: The contact's name.
        email_address: E-mail address.
        fax_number: Fax number.
        telephone_number: Telephone number.
        contact_type_identifier: Role of the contact.

    Examples:
        >>> contact = ContactInformation(contact="Nguyễn Văn A", email_address="a@htx.example.vn")
        >>> contact.email_address
        'a@htx.example.vn'
    """

    contact: str
    email_address: str | None = Field(None, alias="emailAddress")
    fax_number: str | None = Field(None, alias="faxNumber")
    telephone_number: str | None = Field(None, alias="telephoneNumber")
    contact_type_identifier: str | None = Field(None, alias="contactTypeIdentifier")


class Partner(EpcisModel):
    """A sender or receiver of the document.

    Attributes:
        identifier: The partner's identifier.
        contact_information: Its contacts.

    Examples:
        >>> Partner(identifier={"value": "8935049500001", "authority": "GS1"}).identifier.authority
        'GS1'
    """

    identifier: PartnerIdentification
    contact_information: tuple[ContactInformation, ...] = Field((), alias="contactInformation")


class DocumentIdentification(EpcisModel):
    """What the document is (``<sbdh:DocumentIdentification>``).

    Attributes:
        standard: E.g. ``"EPCglobal"``.
        type_version: E.g. ``"2.0"``.
        instance_identifier: The sender's document number.
        type: E.g. ``"Events"``.
        multiple_type: Whether the document holds several types.
        creation_date_and_time: Creation time (``xsd:dateTime``).

    Examples:
        >>> doc_id = DocumentIdentification(
        ...     standard="EPCglobal", type_version="2.0", instance_identifier="D1", type="Events",
        ...     creation_date_and_time="2024-05-02T09:00:00+07:00")
        >>> doc_id.type
        'Events'
    """

    standard: str
    type_version: str = Field(alias="typeVersion")
    instance_identifier: str = Field(alias="instanceIdentifier")
    type: str
    multiple_type: StrictBool | None = Field(None, alias="multipleType")
    creation_date_and_time: DateTime = Field(alias="creationDateAndTime")


class ManifestItem(EpcisModel):
    """One item of a manifest.

    Attributes:
        mime_type_qualifier_code: MIME type.
        uniform_resource_identifier: Where the item is.
        description: Description.
        language_code: Language.

    Examples:
        >>> ManifestItem(mime_type_qualifier_code="application/xml",
        ...              uniform_resource_identifier="cid:part1").description is None
        True
    """

    mime_type_qualifier_code: str = Field(alias="mimeTypeQualifierCode")
    uniform_resource_identifier: str = Field(alias="uniformResourceIdentifier")
    description: str | None = None
    language_code: str | None = Field(None, alias="languageCode")


class Manifest(EpcisModel):
    """The manifest of an SBDH.

    Attributes:
        number_of_items: Declared item count.
        manifest_items: The items, at least one.

    Examples:
        >>> Manifest(number_of_items=1, manifest_items=[{"mimeTypeQualifierCode": "application/xml",
        ...          "uniformResourceIdentifier": "cid:part1"}]).number_of_items
        1
    """

    number_of_items: int = Field(alias="numberOfItems")
    manifest_items: tuple[ManifestItem, ...] = Field(alias="manifestItems", min_length=1)


class Scope(EpcisModel):
    """A business scope.

    Attributes:
        type: Scope type.
        instance_identifier: Scope instance.
        identifier: Optional identifier.
        scope_information: ``CorrelationInformation``, ``BusinessService`` or other
            ``ScopeInformation`` elements, kept as extension nodes (SBDH namespace).

    Examples:
        >>> Scope(type="EPCISQuery", instance_identifier="S1").identifier is None
        True
    """

    type: str
    instance_identifier: str = Field(alias="instanceIdentifier")
    identifier: str | None = None
    scope_information: tuple[Extension, ...] = Field((), alias="scopeInformation")


class BusinessScope(EpcisModel):
    """The business scopes of an SBDH.

    Attributes:
        scopes: The scopes.

    Examples:
        >>> scope = BusinessScope(scopes=[{"type": "EPCISQuery", "instanceIdentifier": "S1"}])
        >>> scope.scopes[0].type
        'EPCISQuery'
    """

    scopes: tuple[Scope, ...] = Field((), alias="scopes")


class StandardBusinessDocumentHeader(EpcisModel):
    """The UN/CEFACT SBDH of an XML EPCIS document.

    Attributes:
        header_version: E.g. ``"1.0"``.
        sender: The senders, at least one.
        receiver: The receivers, at least one.
        document_identification: What the document is.
        manifest: Optional manifest.
        business_scope: Optional business scopes.

    Examples:
        >>> sbdh = StandardBusinessDocumentHeader.model_validate({
        ...     "headerVersion": "1.0",
        ...     "sender": [{"identifier": {"value": "8935049500003", "authority": "GS1"}}],
        ...     "receiver": [{"identifier": {"value": "8935049500010", "authority": "GS1"}}],
        ...     "documentIdentification": {"standard": "EPCglobal", "typeVersion": "2.0",
        ...         "instanceIdentifier": "DOC-1", "type": "Events",
        ...         "creationDateAndTime": "2024-05-02T09:00:00+07:00"}})
        >>> sbdh.sender[0].identifier.value
        '8935049500003'
    """

    header_version: str = Field(alias="headerVersion")
    sender: tuple[Partner, ...] = Field(min_length=1)
    receiver: tuple[Partner, ...] = Field(min_length=1)
    document_identification: DocumentIdentification = Field(alias="documentIdentification")
    manifest: Manifest | None = None
    business_scope: BusinessScope | None = Field(None, alias="businessScope")


# -- master data ----------------------------------------------------------------------------------


class VocabularyAttribute(EpcisModel):
    """One attribute of a vocabulary element: ``{id, value}``.

    The value is kept as an :class:`Extension` node named ``attribute`` (no namespace): text,
    a typed JSON scalar, or child elements (XML mixed content / a JSON object). JSON-LD
    ``{"id": ..., "attribute": <value>}`` is accepted as well.

    Attributes:
        id: The attribute's URI, e.g. ``urn:epcglobal:cbv:mda:site``.
        value: Its content (``None`` when the JSON-LD attribute has no value).

    Examples:
        >>> attr = VocabularyAttribute.model_validate({"id": "urn:epcglobal:cbv:mda:site",
        ...                                            "attribute": "8935049500003"})
        >>> attr.value.text
        '8935049500003'
    """

    id: Uri
    value: Extension | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_jsonld(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and "attribute" in data:
            data = dict(data)
            raw = data.pop("attribute")
            if "value" in data:
                raise PydanticCustomError(
                    "EPCIS_INVALID_STRUCTURE", "an attribute has 'attribute' or 'value', not both"
                )
            nodes = from_json("attribute", raw, context_namespaces(info))
            if len(nodes) != 1:
                raise PydanticCustomError(
                    "EPCIS_INVALID_STRUCTURE", "an attribute value is not an array"
                )
            data["value"] = nodes[0]
        return data


class VocabularyElement(Extensible):
    """One element of a vocabulary: ``{id, attributes, children}``.

    Attributes:
        id: The element's URI (e.g. an SGLN).
        attributes: Its attributes, in order.
        children: URIs of child elements.
        extensions: User extensions.

    Examples:
        >>> el = VocabularyElement(id="urn:epc:id:sgln:8935049.50000.0",
        ...                        children=["urn:epc:id:sgln:8935049.50000.1"])
        >>> el.children
        ('urn:epc:id:sgln:8935049.50000.1',)
    """

    id: Uri
    attributes: tuple[VocabularyAttribute, ...] = ()
    children: tuple[Uri, ...] = ()
    extensions: tuple[Extension, ...] = extensions_field()


class Vocabulary(Extensible):
    """A vocabulary of master data: ``{type, vocabularyElementList}``.

    Attributes:
        type: E.g. ``urn:epcglobal:epcis:vtype:BusinessLocation``.
        vocabulary_element_list: The elements.
        extensions: User extensions.

    Examples:
        >>> voc = Vocabulary.model_validate({"type": "urn:epcglobal:epcis:vtype:ReadPoint",
        ...     "vocabularyElementList": [{"id": "urn:epc:id:sgln:8935049.50000.0",
        ...         "attributes": [{"id": "urn:epcglobal:cbv:mda:name",
        ...                         "attribute": "Kho Cần Thơ"}],
        ...         "children": ["urn:epc:id:sgln:8935049.50000.1"]}]})
        >>> voc.vocabulary_element_list[0].attributes[0].value.text
        'Kho Cần Thơ'
    """

    type: Uri
    vocabulary_element_list: tuple[VocabularyElement, ...] = Field(
        (), alias="vocabularyElementList"
    )
    extensions: tuple[Extension, ...] = extensions_field()


class EPCISMasterData(Extensible):
    """Master data carried in a document header (``EPCISMasterData``).

    Attributes:
        vocabulary_list: The vocabularies.
        extensions: User extensions.

    Examples:
        >>> md = EPCISMasterData(vocabulary_list=[{"type": "urn:epcglobal:epcis:vtype:ReadPoint"}])
        >>> md.vocabulary_list[0].type
        'urn:epcglobal:epcis:vtype:ReadPoint'
    """

    vocabulary_list: tuple[Vocabulary, ...] = Field((), alias="vocabularyList")
    extensions: tuple[Extension, ...] = extensions_field()


class EPCISHeader(Extensible):
    """The document header: SBDH (XML) and master data.

    Attributes:
        sbdh: The Standard Business Document Header (XML only).
        epcis_master_data: Master data (``epcisMasterData``).
        extensions: User extensions.

    Examples:
        >>> EPCISHeader().sbdh is None
        True
    """

    sbdh: StandardBusinessDocumentHeader | None = Field(
        None, alias="standardBusinessDocumentHeader"
    )
    epcis_master_data: EPCISMasterData | None = Field(None, alias="epcisMasterData")
    extensions: tuple[Extension, ...] = extensions_field()
