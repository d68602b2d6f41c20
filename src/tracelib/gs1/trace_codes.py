"""Vietnamese trace codes (*mã truy vết*) built from GS1 keys. **Provisional.**

Circular 02/2024/TT-BKHCN (Art. 5) requires product and location trace codes that
conform to TCVN 13274:2020, whose text has not been checked here. The formats are
derived from GS1 keys per third-party implementations;
**to be checked against the text of TCVN 13274:2020**. They may change.

* A **product trace code** identifies a product at a stage: its GTIN, AI (01), with a
  batch/lot, AI (10), and/or a serial number, AI (21); optionally an expiry date, AI (17),
  and a production date, AI (11). :func:`product_trace_code` builds one,
  :func:`parse_product_trace_code` reads one from bracketed HRI, raw data, GS1 scan data
  or a GS1 Digital Link URI (compressed too).
* A **location trace code** is a GLN in one of the roles of AIs (410) to (417), with the
  GLN extension component, AI (254), for a physical location:

  ==========================================  =====  =================================
  role                                        AI     Syntax Dictionary title
  ==========================================  =====  =================================
  ``ship_to``                                 (410)  SHIP TO LOC
  ``bill_to``                                 (411)  BILL TO
  ``purchased_from``                          (412)  PURCHASE FROM
  ``ship_for``                                (413)  SHIP FOR LOC
  ``physical_location``                       (414)  LOC No.
  ``invoicing_party``                         (415)  PAY TO
  ``production_or_service_location``          (416)  PROD/SERV LOC
  ``party``                                   (417)  PARTY
  ==========================================  =====  =================================

  The Syntax Dictionary makes (415) require (8020), a payment slip reference, so a
  strict ``invoicing_party`` code raises ``GS1_REQUISITE_AIS``; only (414) and (417)
  are Digital Link primary keys.

Every value is validated as GS1 data (check digits, character sets, dates, pairings)
with the given profile (``strict`` by default). Errors are
:class:`~tracelib.errors.Gs1Error`: parsing reports ``position`` in the text given;
building reports the AI of the argument concerned (``err.ai``) and ``position`` inside
that argument's value. Non-GS1 query parameters of a Digital Link URI (``linkType=``) are
not part of a trace code and are not kept.

Examples:
    >>> code = product_trace_code("8935049500568", lot="L2024-07", expiry="261231")
    >>> code.as_hri()
    '(01)08935049500568(17)261231(10)L2024-07'
    >>> code.as_digital_link()
    'https://id.gs1.org/01/08935049500568/10/L2024-07?17=261231'
    >>> parse_product_trace_code(code.as_digital_link()) == code
    True
    >>> location_trace_code("8930123450029", role="party").as_hri()
    '(417)8930123450029'
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import _trace_codes_common as _c
from .options import Gs1Options, Profile

if TYPE_CHECKING:
    from .element_strings import ElementString

__all__ = [
    "LOCATION_ROLES",
    "LocationTraceCode",
    "ProductTraceCode",
    "location_trace_code",
    "parse_location_trace_code",
    "parse_product_trace_code",
    "product_trace_code",
]

#: Location roles and the AI of each (titles of the GS1 Barcode Syntax Dictionary).
LOCATION_ROLES: dict[str, str] = {
    "ship_to": "410",
    "bill_to": "411",
    "purchased_from": "412",
    "ship_for": "413",
    "physical_location": "414",
    "invoicing_party": "415",
    "production_or_service_location": "416",
    "party": "417",
}
_ROLE_OF_AI = {ai: role for role, ai in LOCATION_ROLES.items()}
_PRODUCT_AIS = ("01", "11", "17", "10", "21")  # the order of the element string


# --- product trace codes ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProductTraceCode:
    """A product trace code: GTIN with lot and/or serial, optional expiry and production date.

    Build one with :func:`product_trace_code` or :func:`parse_product_trace_code`; the
    constructor checks the fields too (strict profile).

    Attributes:
        gtin: The GTIN, 14 digits.
        lot: The batch/lot number, AI (10), or ``None``.
        serial: The serial number, AI (21), or ``None``.
        expiry: The expiry date as YYMMDD, AI (17), or ``None``.
        production_date: The production date as YYMMDD, AI (11), or ``None``.
        stem: The Digital Link stem :meth:`as_digital_link` uses by default (not part of
            equality; ``None`` = ``https://id.gs1.org``).

    Examples:
        >>> ProductTraceCode("08935049500568", serial="S-0001").as_hri()
        '(01)08935049500568(21)S-0001'
    """

    gtin: str
    lot: str | None = None
    serial: str | None = None
    expiry: str | None = None
    production_date: str | None = None
    stem: str | None = field(default=None, compare=False)
    _profile: Profile | Gs1Options = field(default="strict", repr=False, compare=False)

    def __post_init__(self) -> None:
        _c.validated(self.ais, self._profile, True)

    @property
    def ais(self) -> tuple[tuple[str, str], ...]:
        """The ``(ai, value)`` pairs: (01), (11), (17), (10), (21), those present.

        Examples:
            >>> ProductTraceCode("08935049500568", lot="A1").ais
            (('01', '08935049500568'), ('10', 'A1'))
        """
        values = (self.gtin, self.production_date, self.expiry, self.lot, self.serial)
        return tuple((ai, v) for ai, v in zip(_PRODUCT_AIS, values, strict=True) if v is not None)

    @property
    def expiry_date(self) -> _dt.date | None:
        """The expiry date as a date (day ``00`` = the last day of the month).

        Examples:
            >>> ProductTraceCode("08935049500568", lot="A", expiry="270200").expiry_date
            datetime.date(2027, 2, 28)
        """
        return self._date("17")

    @property
    def production_date_value(self) -> _dt.date | None:
        """The production date as a date, or ``None``.

        Examples:
            >>> ProductTraceCode("08935049500568", lot="A", production_date="250115"
            ...                  ).production_date_value
            datetime.date(2025, 1, 15)
        """
        return self._date("11")

    def _date(self, ai: str) -> _dt.date | None:
        if ai not in dict(self.ais):
            return None
        value = self.as_element_string().values.get(ai)
        return value if isinstance(value, _dt.date) else None

    def as_element_string(self) -> ElementString:
        """The trace code as a validated :class:`~tracelib.gs1.element_strings.ElementString`.

        Returns:
            The element string (``.as_raw()``, ``.as_scan_data()``, ...).

        Examples:
            >>> ProductTraceCode("08935049500568", lot="A1").as_element_string().as_raw("^")
            '^010893504950056810A1'
        """
        return _c.validated(self.ais, self._profile, False)

    def as_hri(self) -> str:
        """The bracketed element string.

        Returns:
            E.g. ``(01)08935049500568(10)A1``.

        Examples:
            >>> ProductTraceCode("08935049500568", lot="A1", serial="7").as_hri()
            '(01)08935049500568(10)A1(21)7'
        """
        return self.as_element_string().as_hri()

    def as_digital_link(self, stem: str | None = None) -> str:
        """The GS1 Digital Link URI: ``/01/…/10/…/21/…`` with dates in the query.

        Args:
            stem: The URI stem; ``None`` = :attr:`stem`, else ``https://id.gs1.org``.

        Returns:
            The URI.

        Raises:
            Gs1Error: ``GS1_DL_BAD_STEM`` for a bad stem.

        Examples:
            >>> ProductTraceCode("08935049500568", lot="A/1").as_digital_link(
            ...     "https://truyxuat.example.vn")
            'https://truyxuat.example.vn/01/08935049500568/10/A%2F1'
        """
        return self.as_element_string().as_digital_link(stem if stem is not None else self.stem)

    def __str__(self) -> str:
        return self.as_hri()


def _date_value(value: object, name: str, ai: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, _dt.date):
        day = value.date() if isinstance(value, _dt.datetime) else value
        text = day.strftime("%y%m%d")
        from .element_strings import from_ais

        es = from_ais([("01", "00000000000000"), (ai, text)], profile="syntax-only")
        if es.values.get(ai) != day:
            raise _c.fail(
                f"{name}={day.isoformat()} is outside the century window of a YYMMDD date",
                "GS1_TRACE_CODE_BAD_DATE",
                0,
                ai=ai,
            )
        return text
    raise _c.fail(
        f"{name} is a date or YYMMDD text, not {type(value).__name__}",
        "GS1_INVALID_TYPE",
        0,
        ai=ai,
    )


def product_trace_code(
    gtin: str,
    *,
    lot: str | None = None,
    serial: str | None = None,
    expiry: _dt.date | str | None = None,
    production_date: _dt.date | str | None = None,
    stem: str | None = None,
    require_lot_or_serial: bool = True,
) -> ProductTraceCode:
    """Build and validate a product trace code.

    Args:
        gtin: The GTIN: 8, 12, 13 or 14 digits (zero-filled to 14), or ``(01)…``.
        lot: The batch/lot number (AI 10, up to 20 CSET 82 characters).
        serial: The serial number (AI 21, up to 20 CSET 82 characters).
        expiry: The expiry date (AI 17): a :class:`datetime.date` or YYMMDD text.
        production_date: The production date (AI 11): a date or YYMMDD text.
        stem: The default Digital Link stem of :meth:`ProductTraceCode.as_digital_link`.
        require_lot_or_serial: Refuse a bare GTIN (it names a product class, not the
            product at a stage); ``False`` accepts one.

    Returns:
        The trace code.

    Raises:
        Gs1Error: The GTIN's error (``position`` in ``gtin``); for another argument, the
            error of its AI (``err.ai``, ``position`` in that argument);
            ``GS1_TRACE_CODE_NO_LOT_OR_SERIAL``; ``GS1_TRACE_CODE_BAD_DATE``.

    Examples:
        >>> import datetime
        >>> product_trace_code("08935049500568", serial="A1",
        ...                    production_date=datetime.date(2025, 3, 1)).as_hri()
        '(01)08935049500568(11)250301(21)A1'
        >>> try:
        ...     product_trace_code("08935049500568", lot="ABC DEF")
        ... except ValueError as err:
        ...     print(err.code, err.ai, err.position)
        GS1_LINTER_INVALID_CSET82_CHARACTER 10 3
    """
    from .keys import Gtin

    key = Gtin.parse(gtin).value
    lot_value = _c.text_value(lot, "lot", "10")
    serial_value = _c.text_value(serial, "serial", "21")
    if require_lot_or_serial and lot_value is None and serial_value is None:
        raise _c.fail(
            "a product trace code needs a lot (10) or a serial (21): a GTIN alone names "
            "a product class (pass require_lot_or_serial=False to allow it)",
            "GS1_TRACE_CODE_NO_LOT_OR_SERIAL",
            None,
        )
    return ProductTraceCode(
        key,
        lot=lot_value,
        serial=serial_value,
        expiry=_date_value(expiry, "expiry", "17"),
        production_date=_date_value(production_date, "production_date", "11"),
        stem=stem,
    )


# --- reading trace codes ----------------------------------------------------------------


def parse_product_trace_code(
    text: str, *, profile: Profile | Gs1Options = "strict", require_lot_or_serial: bool = True
) -> ProductTraceCode:
    """Read a product trace code from HRI, raw data, GS1 scan data or a Digital Link URI.

    Args:
        text: E.g. ``(01)08935049500568(10)L1`` or
            ``https://id.gs1.org/01/08935049500568/10/L1``.
        profile: The validation profile of the GS1 data.
        require_lot_or_serial: As :func:`product_trace_code`.

    Returns:
        The trace code (with the URI's stem as :attr:`ProductTraceCode.stem`).

    Raises:
        Gs1Error: The GS1 error of the data (``code``, ``position`` in ``text``);
            ``GS1_TRACE_CODE_NO_GTIN``; ``GS1_TRACE_CODE_UNEXPECTED_AI`` (an AI other than
            01, 10, 21, 17, 11; ``position`` of the AI); ``GS1_TRACE_CODE_NO_LOT_OR_SERIAL``.

    Examples:
        >>> parse_product_trace_code("^010893504950056810L1\\x1d21S9").serial
        'S9'
        >>> try:
        ...     parse_product_trace_code("(01)08935049500568(10)L1(3103)000500")
        ... except ValueError as err:
        ...     print(err.code, err.position)
        GS1_TRACE_CODE_UNEXPECTED_AI 25
    """
    read = _c.read(text, profile)
    found: dict[str, str] = {}
    for (ai, value), at in zip(read.ais, read.starts, strict=True):
        if ai not in _PRODUCT_AIS:
            raise _c.unexpected(ai, at, "product trace code")
        found.setdefault(ai, value)
    if "01" not in found:
        raise _c.fail(
            "a product trace code needs a GTIN, AI (01)", "GS1_TRACE_CODE_NO_GTIN", 0, length=0
        )
    if require_lot_or_serial and "10" not in found and "21" not in found:
        raise _c.fail(
            "a product trace code needs a lot (10) or a serial (21)",
            "GS1_TRACE_CODE_NO_LOT_OR_SERIAL",
            read.end,
            length=0,
        )
    code: ProductTraceCode = object.__new__(ProductTraceCode)
    for name, ai in (
        ("gtin", "01"),
        ("lot", "10"),
        ("serial", "21"),
        ("expiry", "17"),
        ("production_date", "11"),
    ):
        object.__setattr__(code, name, found.get(ai))
    object.__setattr__(code, "stem", read.stem)
    object.__setattr__(code, "_profile", profile)
    return code


# --- location trace codes ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocationTraceCode:
    """A location trace code: a GLN in a role of AIs (410)-(417), optional extension (254).

    Attributes:
        gln: The GLN, 13 digits.
        role: A key of :data:`LOCATION_ROLES`, e.g. ``"physical_location"``.
        extension: The GLN extension component, AI (254), only for ``physical_location``.
        stem: The default Digital Link stem (not part of equality).

    Examples:
        >>> LocationTraceCode("8930123450029", "physical_location", "W1").as_hri()
        '(414)8930123450029(254)W1'
    """

    gln: str
    role: str = "physical_location"
    extension: str | None = None
    stem: str | None = field(default=None, compare=False)
    _profile: Profile | Gs1Options = field(default="strict", repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_role(self.role, self.extension)
        _c.validated(self.ais, self._profile, True)

    @property
    def ai(self) -> str:
        """The AI of the role, e.g. ``"414"``.

        Examples:
            >>> LocationTraceCode("8930123450029", "ship_to").ai
            '410'
        """
        return LOCATION_ROLES[self.role]

    @property
    def ais(self) -> tuple[tuple[str, str], ...]:
        """The ``(ai, value)`` pairs.

        Examples:
            >>> LocationTraceCode("8930123450029", "party").ais
            (('417', '8930123450029'),)
        """
        pairs = [(self.ai, self.gln)]
        if self.extension is not None:
            pairs.append(("254", self.extension))
        return tuple(pairs)

    def as_element_string(self) -> ElementString:
        """The trace code as a validated element string.

        Returns:
            The :class:`~tracelib.gs1.element_strings.ElementString`.

        Examples:
            >>> LocationTraceCode("8930123450029").as_element_string().as_raw("^")
            '^4148930123450029'
        """
        return _c.validated(self.ais, self._profile, False)

    def as_hri(self) -> str:
        """The bracketed element string.

        Returns:
            E.g. ``(414)8930123450029``.

        Examples:
            >>> LocationTraceCode("8930123450029", "bill_to").as_hri()
            '(411)8930123450029'
        """
        return self.as_element_string().as_hri()

    def as_digital_link(self, stem: str | None = None) -> str:
        """The GS1 Digital Link URI; only (414) and (417) are Digital Link primary keys.

        Args:
            stem: The URI stem; ``None`` = :attr:`stem`, else ``https://id.gs1.org``.

        Returns:
            The URI.

        Raises:
            Gs1Error: ``GS1_NOT_CONVERTIBLE`` for the roles of (410)-(413), (415), (416).

        Examples:
            >>> LocationTraceCode("8930123450029", extension="K2").as_digital_link()
            'https://id.gs1.org/414/8930123450029/254/K2'
        """
        if self.ai not in ("414", "417"):
            raise _c.fail(
                f"AI ({self.ai}) ({self.role}) is not a Digital Link primary key: only "
                "physical_location (414) and party (417) have a Digital Link URI",
                "GS1_NOT_CONVERTIBLE",
                None,
                ai=self.ai,
            )
        return self.as_element_string().as_digital_link(stem if stem is not None else self.stem)

    def __str__(self) -> str:
        return self.as_hri()


def _check_role(role: object, extension: object) -> None:
    if not isinstance(role, str) or role not in LOCATION_ROLES:
        raise _c.fail(
            f"role {role!r} is not one of {', '.join(LOCATION_ROLES)}",
            "GS1_TRACE_CODE_BAD_ROLE",
            None,
        )
    if extension is not None and role != "physical_location":
        raise _c.fail(
            f"a GLN extension (254) goes with physical_location (414), not {role}",
            "GS1_TRACE_CODE_UNEXPECTED_AI",
            None,
            ai="254",
        )


def location_trace_code(
    gln: str,
    *,
    role: str = "physical_location",
    extension: str | None = None,
    stem: str | None = None,
    profile: Profile | Gs1Options = "strict",
) -> LocationTraceCode:
    """Build and validate a location trace code.

    Args:
        gln: The GLN: 13 digits, or ``(AI)`` + 13 digits for one of AIs 410-417 (the AI
            must then be the role's).
        role: A key of :data:`LOCATION_ROLES`.
        extension: The GLN extension component (AI 254), for ``physical_location``.
        stem: The default Digital Link stem.
        profile: The validation profile for the GS1 pairing rules (e.g.
            ``"scanner-lenient"`` lets (415) go without (8020)).

    Returns:
        The trace code.

    Raises:
        Gs1Error: The GLN's error (``position`` in ``gln``); ``GS1_TRACE_CODE_BAD_ROLE``;
            ``GS1_TRACE_CODE_UNEXPECTED_AI`` (an extension with another role, or an
            ``(AI)`` prefix of another role); the error of AI (254) (``position`` in
            ``extension``); ``GS1_REQUISITE_AIS`` for (415) under ``strict``.

    Examples:
        >>> location_trace_code("(416)8930123450029", role="production_or_service_location").ai
        '416'
        >>> try:
        ...     location_trace_code("8930123450028")
        ... except ValueError as err:
        ...     print(err.code, err.position, err.suggestion)
        GS1_LINTER_INCORRECT_CHECK_DIGIT 12 9
    """
    from .keys import Gln

    _check_role(role, extension)
    key = Gln.parse(gln)
    if isinstance(gln, str) and gln.lstrip().startswith("(") and key.ai != LOCATION_ROLES[role]:
        raise _c.fail(
            f"({key.ai}) is the AI of {_ROLE_OF_AI[key.ai]}, not of {role}",
            "GS1_TRACE_CODE_UNEXPECTED_AI",
            gln.find("(") + 1,
            length=len(key.ai),
            ai=key.ai,
        )
    _c.text_value(extension, "extension", "254")
    pairs = [(LOCATION_ROLES[role], key.value)]
    if extension is not None:
        pairs.append(("254", extension))
    _c.validated(pairs, profile, True)
    code: LocationTraceCode = object.__new__(LocationTraceCode)
    for name, value in (("gln", key.value), ("role", role), ("extension", extension)):
        object.__setattr__(code, name, value)
    object.__setattr__(code, "stem", stem)
    object.__setattr__(code, "_profile", profile)
    return code


def parse_location_trace_code(
    text: str, *, profile: Profile | Gs1Options = "strict"
) -> LocationTraceCode:
    """Read a location trace code from HRI, raw data, GS1 scan data or a Digital Link URI.

    Args:
        text: E.g. ``(414)8930123450029(254)W1`` or
            ``https://id.gs1.org/417/8930123450029``.
        profile: The validation profile of the GS1 data.

    Returns:
        The trace code, its role given by the AI.

    Raises:
        Gs1Error: The GS1 error of the data (``position`` in ``text``);
            ``GS1_TRACE_CODE_NO_GLN``; ``GS1_TRACE_CODE_UNEXPECTED_AI`` (a second GLN, or
            an AI other than 410-417 and 254 after (414)).

    Examples:
        >>> parse_location_trace_code("(410)8930123450029").role
        'ship_to'
        >>> try:
        ...     parse_location_trace_code("(414)8930123450029(410)8930123450029")
        ... except ValueError as err:
        ...     print(err.code, err.position)
        GS1_TRACE_CODE_UNEXPECTED_AI 19
    """
    read = _c.read(text, profile)
    gln_ai: str | None = None
    values: dict[str, str] = {}
    for (ai, value), at in zip(read.ais, read.starts, strict=True):
        allowed = (ai in _ROLE_OF_AI and gln_ai is None) or (ai == "254" and gln_ai == "414")
        if not allowed:
            raise _c.unexpected(ai, at, "location trace code")
        if ai in _ROLE_OF_AI:
            gln_ai = ai
        values[ai] = value
    if gln_ai is None:
        raise _c.fail(
            "a location trace code needs a GLN, one of AIs (410) to (417)",
            "GS1_TRACE_CODE_NO_GLN",
            0,
            length=0,
        )
    code: LocationTraceCode = object.__new__(LocationTraceCode)
    object.__setattr__(code, "gln", values[gln_ai])
    object.__setattr__(code, "role", _ROLE_OF_AI[gln_ai])
    object.__setattr__(code, "extension", values.get("254"))
    object.__setattr__(code, "stem", read.stem)
    object.__setattr__(code, "_profile", profile)
    return code
