"""The small parts of EPCIS events: locations, quantities, transactions, dispositions, errors.

Identifiers are kept as written (EPC URN or GS1 Digital Link); :func:`as_digital_link` and
:func:`as_epc_urn` give normalised forms on demand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from ..errors import EpcisError, Gs1Error
from ._extensions import Extension
from ._models_base import (
    CbvText,
    DecimalValue,
    EpcisModel,
    Timestamp,
    Uom,
    Uri,
)
from ._models_extensible import Extensible, extensions_field

if TYPE_CHECKING:
    from typing_extensions import Self

    from .cbv import CbvValue

__all__ = [
    "BizLocation",
    "BizTransaction",
    "Destination",
    "ErrorDeclaration",
    "Ilmd",
    "PersistentDisposition",
    "QuantityElement",
    "ReadPoint",
    "Source",
    "as_digital_link",
    "as_epc_urn",
]

_EPC_URN = ("urn:epc:id:", "urn:epc:class:", "urn:epc:idpat:")


def _cbv(value: str | None, kind: Any) -> CbvValue | None:
    if value is None:
        return None
    from .cbv import CbvValue

    return CbvValue.parse(value, kind)


def as_digital_link(identifier: str) -> str:
    """An identifier as a GS1 Digital Link URI: EPC URNs converted, URLs kept as written.

    EPC URNs (``urn:epc:id:``, ``urn:epc:class:``, ``urn:epc:idpat:``) go through
    :func:`tracelib.gs1.epc.to_digital_link` (canonical ``https://id.gs1.org/...``);
    ``http(s)://`` identifiers are returned as they are.

    Args:
        identifier: An EPC, location, party or class identifier.

    Returns:
        The Digital Link URI.

    Raises:
        EpcisError: ``EPCIS_NOT_CONVERTIBLE`` for other URIs (``urn:uuid:...``, private
            URNs); ``EPCIS_INVALID_IDENTIFIER`` for a malformed EPC URN (the GS1 code is in
            the message and the error's ``__cause__``).

    Examples:
        >>> as_digital_link("urn:epc:id:sgtin:0614141.107346.2017")
        'https://id.gs1.org/01/10614141073464/21/2017'
        >>> as_digital_link("https://id.gs1.org/414/8935049500001")
        'https://id.gs1.org/414/8935049500001'
    """
    if not isinstance(identifier, str):
        raise EpcisError(
            f"an identifier is a string, not {type(identifier).__name__}",
            code="EPCIS_INVALID_IDENTIFIER",
        )
    if identifier.startswith(_EPC_URN):
        from ..gs1 import epc

        try:
            return epc.to_digital_link(identifier)
        except Gs1Error as err:
            raise EpcisError(
                f"{identifier!r} is not a valid EPC URN ({err.code}: {err.message})",
                code="EPCIS_INVALID_IDENTIFIER",
                position=err.position,
            ) from err
    if identifier.startswith(("https://", "http://")):
        return identifier
    raise EpcisError(
        f"{identifier!r} is neither an EPC URN nor a Digital Link URI",
        code="EPCIS_NOT_CONVERTIBLE",
        position=0,
    )


def as_epc_urn(identifier: str, *, gcp_length: int | None = None) -> str:
    """An identifier as an EPC URN: Digital Link URIs converted, EPC URNs kept as written.

    Args:
        identifier: An EPC URN or a GS1 Digital Link URI.
        gcp_length: GS1 Company Prefix length for Digital Link conversion; without it the
            length is looked up (:func:`tracelib.gs1.prefixes.gcp_length`).

    Returns:
        The EPC URN.

    Raises:
        EpcisError: ``EPCIS_NOT_CONVERTIBLE`` for other URIs; ``EPCIS_INVALID_IDENTIFIER``
            when the Digital Link cannot be converted (bad URI, unknown GCP length: the GS1
            code is in the message and ``__cause__``).

    Examples:
        >>> as_epc_urn("https://id.gs1.org/01/10614141073464/21/2017", gcp_length=7)
        'urn:epc:id:sgtin:0614141.107346.2017'
    """
    if not isinstance(identifier, str):
        raise EpcisError(
            f"an identifier is a string, not {type(identifier).__name__}",
            code="EPCIS_INVALID_IDENTIFIER",
        )
    if identifier.startswith(_EPC_URN):
        return identifier
    if identifier.startswith(("https://", "http://")):
        from ..gs1 import epc

        try:
            return epc.from_digital_link(identifier, gcp_length=gcp_length).as_urn()
        except Gs1Error as err:
            raise EpcisError(
                f"{identifier!r} cannot be converted to an EPC URN ({err.code}: {err.message})",
                code="EPCIS_INVALID_IDENTIFIER",
                position=err.position,
            ) from err
    raise EpcisError(
        f"{identifier!r} is neither an EPC URN nor a Digital Link URI",
        code="EPCIS_NOT_CONVERTIBLE",
        position=0,
    )


class ReadPoint(Extensible):
    """Where an event was observed: ``{id, extensions}``.

    Attributes:
        id: Location identifier as written (SGLN URN or Digital Link).
        extensions: User extensions inside ``readPoint``.

    Examples:
        >>> rp = ReadPoint(id="urn:epc:id:sgln:8935049.50000.0")
        >>> rp.as_digital_link()
        'https://id.gs1.org/414/8935049500001'
    """

    id: Uri
    extensions: tuple[Extension, ...] = extensions_field()

    def as_digital_link(self) -> str:
        """The id as a Digital Link URI (see :func:`as_digital_link`).

        Returns:
            The URI.

        Raises:
            EpcisError: When the id is not convertible.

        Examples:
            >>> ReadPoint(id="urn:epc:id:sgln:0614141.07346.1234").as_digital_link()
            'https://id.gs1.org/414/0614141073467/254/1234'
        """
        return as_digital_link(self.id)


class BizLocation(Extensible):
    """Where the objects are expected to be after the event: ``{id, extensions}``.

    Attributes:
        id: Location identifier as written.
        extensions: User extensions inside ``bizLocation``.

    Examples:
        >>> BizLocation(id="https://id.gs1.org/414/8935049500001").as_digital_link()
        'https://id.gs1.org/414/8935049500001'
    """

    id: Uri
    extensions: tuple[Extension, ...] = extensions_field()

    def as_digital_link(self) -> str:
        """The id as a Digital Link URI (see :func:`as_digital_link`).

        Returns:
            The URI.

        Raises:
            EpcisError: When the id is not convertible.

        Examples:
            >>> BizLocation(id="urn:epc:id:sgln:8935049.50000.0").as_digital_link()
            'https://id.gs1.org/414/8935049500001'
        """
        return as_digital_link(self.id)


class QuantityElement(EpcisModel):
    """A quantity of an object class: ``{epcClass, quantity?, uom?}``.

    ``quantity`` is a ``Decimal`` (XML text keeps every digit; JSON numbers are read by
    pydantic as IEEE doubles). ``uom`` (UN/CEFACT Rec. 20) needs a ``quantity``.

    Attributes:
        epc_class: Class identifier (LGTIN URN, ``idpat`` URN or Digital Link).
        quantity: The amount; absent means "unknown amount".
        uom: Unit of measure code, e.g. ``KGM``; absent means a count of instances.

    Examples:
        >>> q = QuantityElement(epc_class="urn:epc:class:lgtin:8935049.050056.L2407",
        ...                     quantity="1200.5", uom="KGM")
        >>> q.quantity, q.as_digital_link()
        (Decimal('1200.5'), 'https://id.gs1.org/01/08935049500568/10/L2407')
    """

    epc_class: Uri = Field(alias="epcClass")
    quantity: DecimalValue | None = None
    uom: Uom | None = None

    @model_validator(mode="after")
    def _uom_needs_quantity(self) -> Self:
        if self.uom is not None and self.quantity is None:
            raise PydanticCustomError(
                "EPCIS_INVALID_STRUCTURE", "a uom needs a quantity (quantityElement)"
            )
        return self

    def as_digital_link(self) -> str:
        """The class identifier as a Digital Link URI (see :func:`as_digital_link`).

        Returns:
            The URI.

        Raises:
            EpcisError: When the class identifier is not convertible.

        Examples:
            >>> QuantityElement(epc_class="urn:epc:idpat:sgtin:8935049.050056.*").as_digital_link()
            'https://id.gs1.org/01/08935049500568'
        """
        return as_digital_link(self.epc_class)


class BizTransaction(EpcisModel):
    """A business transaction: ``{type?, bizTransaction}``.

    Attributes:
        type: Transaction type as written (CBV value or private URI), optional.
        value: Transaction identifier (JSON member ``bizTransaction``).

    Examples:
        >>> bt = BizTransaction(type="po", value="urn:epc:id:gdti:0614141.00001.1618034")
        >>> bt.type_cbv.to_urn(), bt.model_dump(by_alias=True)["bizTransaction"]
        ('urn:epcglobal:cbv:btt:po', 'urn:epc:id:gdti:0614141.00001.1618034')
    """

    type: CbvText | None = None
    value: Uri = Field(alias="bizTransaction")

    @property
    def type_cbv(self) -> CbvValue | None:
        """The type as a :class:`~tracelib.epcis.cbv.CbvValue` (``None`` when absent)."""
        return _cbv(self.type, "bizTransactionType")


class Source(EpcisModel):
    """Where objects come from in a transfer: ``{type, source}``.

    Attributes:
        type: Source type as written (``owning_party``, ``possessing_party``, ``location``
            or a URI); required by the XSD and the JSON Schema.
        value: Source identifier (JSON member ``source``).

    Examples:
        >>> src = Source(type="owning_party", value="urn:epc:id:pgln:8935049.50000")
        >>> src.type_cbv.to_web_uri()
        'https://ref.gs1.org/cbv/SDT-owning_party'
    """

    type: CbvText
    value: Uri = Field(alias="source")

    @property
    def type_cbv(self) -> CbvValue:
        """The type as a :class:`~tracelib.epcis.cbv.CbvValue`."""
        value = _cbv(self.type, "sourceDestType")
        assert value is not None
        return value

    def as_digital_link(self) -> str:
        """The identifier as a Digital Link URI (see :func:`as_digital_link`).

        Returns:
            The URI.

        Raises:
            EpcisError: When the identifier is not convertible.

        Examples:
            >>> src = Source(type="possessing_party", value="urn:epc:id:pgln:8935049.50000")
            >>> src.as_digital_link()
            'https://id.gs1.org/417/8935049500001'
        """
        return as_digital_link(self.value)


class Destination(EpcisModel):
    """Where objects go in a transfer: ``{type, destination}``.

    Attributes:
        type: Destination type as written; required.
        value: Destination identifier (JSON member ``destination``).

    Examples:
        >>> dest = Destination(type="location", value="urn:epc:id:sgln:8935049.50001.0")
        >>> dest.as_digital_link()
        'https://id.gs1.org/414/8935049500018'
    """

    type: CbvText
    value: Uri = Field(alias="destination")

    @property
    def type_cbv(self) -> CbvValue:
        """The type as a :class:`~tracelib.epcis.cbv.CbvValue`."""
        value = _cbv(self.type, "sourceDestType")
        assert value is not None
        return value

    def as_digital_link(self) -> str:
        """The identifier as a Digital Link URI (see :func:`as_digital_link`).

        Returns:
            The URI.

        Raises:
            EpcisError: When the identifier is not convertible.

        Examples:
            >>> Destination(type="location", value="https://id.gs1.org/414/8934567000017").as_digital_link()
            'https://id.gs1.org/414/8934567000017'
        """
        return as_digital_link(self.value)


def _disposition_key(value: str) -> str:
    """The Web URI of a CBV disposition in any form; other values as written."""
    from . import cbv

    return cbv.to_web_uri(value, "disposition") if cbv.is_known(value, "disposition") else value


class PersistentDisposition(EpcisModel):
    """Dispositions that hold until changed: ``{set?, unset?}``.

    At least one list is present; each has one item or more, without repetition.

    Attributes:
        set: Dispositions that now apply, as written.
        unset: Dispositions that no longer apply, as written.

    Examples:
        >>> pd = PersistentDisposition(set=["completeness_verified"],
        ...                            unset=["completeness_inferred"])
        >>> [v.to_curie() for v in pd.set_cbv]
        ['cbv:Disp-completeness_verified']
        >>> try:
        ...     PersistentDisposition(set=[])
        ... except ValueError as err:
        ...     print(err.code)
        EPCIS_EMPTY_LIST
    """

    set: tuple[CbvText, ...] | None = Field(None, min_length=1)
    unset: tuple[CbvText, ...] | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.set is None and self.unset is None:
            raise PydanticCustomError(
                "EPCIS_INVALID_STRUCTURE", "persistentDisposition needs set or unset"
            )
        for items in (self.set, self.unset):
            # One disposition in two spellings (a URN and its bare word) is a repeat too.
            if items is not None and len(frozenset(map(_disposition_key, items))) != len(items):
                raise PydanticCustomError(
                    "EPCIS_DUPLICATE_VALUE", "a persistentDisposition list repeats a value"
                )
        return self

    @property
    def set_cbv(self) -> tuple[CbvValue, ...]:
        """``set`` as :class:`~tracelib.epcis.cbv.CbvValue` objects."""
        from .cbv import CbvValue

        return tuple(CbvValue.parse(v, "disposition") for v in self.set or ())

    @property
    def unset_cbv(self) -> tuple[CbvValue, ...]:
        """``unset`` as :class:`~tracelib.epcis.cbv.CbvValue` objects."""
        from .cbv import CbvValue

        return tuple(CbvValue.parse(v, "disposition") for v in self.unset or ())


class ErrorDeclaration(Extensible):
    """Declares the event erroneous: ``{declarationTime, reason?, correctiveEventIDs?}``.

    Attributes:
        declaration_time: When the error was declared.
        reason: ``did_not_occur``, ``incorrect_data`` (any form) or a private URI.
        corrective_event_ids: IDs of the events that correct this one.
        extensions: User extensions inside ``errorDeclaration``.

    Examples:
        >>> ed = ErrorDeclaration(declaration_time="2024-05-02T09:00:00+07:00",
        ...                       reason="incorrect_data")
        >>> ed.reason_cbv.to_urn()
        'urn:epcglobal:cbv:er:incorrect_data'
    """

    declaration_time: Timestamp = Field(alias="declarationTime")
    reason: CbvText | None = None
    corrective_event_ids: tuple[Uri, ...] = Field((), alias="correctiveEventIDs")
    extensions: tuple[Extension, ...] = extensions_field()

    @property
    def reason_cbv(self) -> CbvValue | None:
        """The reason as a :class:`~tracelib.epcis.cbv.CbvValue` (``None`` when absent)."""
        return _cbv(self.reason, "errorReason")


class Ilmd(Extensible):
    """Instance/lot master data of an ObjectEvent or TransformationEvent (all extensions).

    In JSON-LD the members are prefixed (``"cbvmda:lotNumber": "L1"``); CBV master data
    attributes use ``cbvmda`` = ``urn:epcglobal:cbv:mda:``.

    Attributes:
        extensions: The ILMD elements, in document order.

    Examples:
        >>> ilmd = Ilmd.model_validate({"cbvmda:lotNumber": "LOT-2024-07",
        ...                            "cbvmda:countryOfOrigin": "VN"})
        >>> [(n.name, n.text) for n in ilmd.extensions]
        [('lotNumber', 'LOT-2024-07'), ('countryOfOrigin', 'VN')]
    """

    extensions: tuple[Extension, ...] = extensions_field()
