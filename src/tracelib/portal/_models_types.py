"""Field types of the portal models: GS1 keys and trace codes checked with :mod:`tracelib.gs1`,
URIs and JSON-exact numbers. Private plumbing of :mod:`tracelib.portal.models`."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BeforeValidator

from ..errors import Gs1Error, InputError
from .errors import IdentifierError

__all__ = [
    "Gln13",
    "Gtin14",
    "LocationCode",
    "Number",
    "ProductCode",
    "Sscc18",
    "Uri",
    "location_code",
    "product_code",
]

_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")


def _invalid(message: str) -> InputError:
    return InputError(message, code="PORTAL_INVALID_VALUE")


# -- field types ---------------------------------------------------------------------------


def _gs1_text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise IdentifierError(f"a {what} is text, not {type(value).__name__}")
    return value


def _identifier_error(what: str, err: Gs1Error) -> IdentifierError:
    return IdentifierError(f"invalid {what}: {err.message} ({err.code})", position=err.position)


def _gtin14(value: object) -> str:
    from ..gs1 import gtin

    try:
        return gtin.to_gtin14(_gs1_text(value, "GTIN"))
    except Gs1Error as err:
        raise _identifier_error("GTIN", err) from err


def _gln13(value: object) -> str:
    from ..gs1 import gln

    try:
        return gln.validate(_gs1_text(value, "GLN"))
    except Gs1Error as err:
        raise _identifier_error("GLN", err) from err


def _sscc18(value: object) -> str:
    from ..gs1 import sscc

    try:
        return sscc.validate(_gs1_text(value, "SSCC"))
    except Gs1Error as err:
        raise _identifier_error("SSCC", err) from err


def product_code(value: object) -> str:
    """Validate a product trace code and return its canonical text: a GS1 Digital Link URI.

    Accepts a GTIN alone (8 to 14 digits), bracketed HRI (``(01)…(10)…``), raw element
    strings or a Digital Link URI. A Digital Link keeps its stem; the others get
    ``https://id.gs1.org``.

    Args:
        value: The trace code.

    Returns:
        The Digital Link URI.

    Raises:
        IdentifierError: With ``position`` in the text given.

    Examples:
        >>> product_code("(01)08935049500568(10)L1")
        'https://id.gs1.org/01/08935049500568/10/L1'
        >>> product_code("8935049500568")
        'https://id.gs1.org/01/08935049500568'
    """
    from ..gs1 import trace_codes

    text = _gs1_text(value, "product trace code")
    try:
        if text.isascii() and text.isdigit():
            return trace_codes.ProductTraceCode(_gtin14(text)).as_digital_link()
        code = trace_codes.parse_product_trace_code(text, require_lot_or_serial=False)
        return code.as_digital_link()
    except Gs1Error as err:
        raise _identifier_error("product trace code", err) from err


def location_code(value: object) -> str:
    """Validate a location trace code and return its canonical text.

    A GLN of a physical location (AI 414, no extension) is written as its 13 digits; other
    roles and GLN extensions as bracketed HRI (``(414)…(254)…``, ``(417)…``).

    Args:
        value: A GLN, bracketed HRI or a Digital Link URI (``/414/…``).

    Returns:
        The canonical text.

    Raises:
        IdentifierError: With ``position`` in the text given.

    Examples:
        >>> location_code("https://id.gs1.org/414/8930123450029")
        '8930123450029'
        >>> location_code("(414)8930123450029(254)KHO-1")
        '(414)8930123450029(254)KHO-1'
    """
    from ..gs1 import trace_codes

    text = _gs1_text(value, "location trace code")
    if text.isascii() and text.isdigit():
        return _gln13(text)
    try:
        code = trace_codes.parse_location_trace_code(text)
    except Gs1Error as err:
        raise _identifier_error("location trace code", err) from err
    if code.role == "physical_location" and code.extension is None:
        return code.gln
    return code.as_hri()


def _uri(value: object) -> object:
    if isinstance(value, str) and not _URI.fullmatch(value):
        raise _invalid(f"not an absolute URI: {value!r}")
    return value


def _number(value: object) -> object:
    if isinstance(value, bool):
        raise _invalid("a number, not a boolean")
    if isinstance(value, (int, float, str, Decimal)):
        try:
            number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        except (InvalidOperation, ValueError) as exc:
            raise _invalid(f"not a number: {value!r}") from exc
        if not number.is_finite():
            raise _invalid(f"not a finite number: {value!r}")
        if Decimal(repr(float(number))) != number:
            raise _invalid(f"too many digits for a JSON number: {value!r}")
        return number
    return value


Gtin14 = Annotated[str, BeforeValidator(_gtin14)]
"""A GTIN-8/12/13/14, stored as the 14 digits of AI (01)."""
Gln13 = Annotated[str, BeforeValidator(_gln13)]
"""A GLN, 13 digits with a valid check digit."""
Sscc18 = Annotated[str, BeforeValidator(_sscc18)]
"""An SSCC, 18 digits with a valid check digit."""
ProductCode = Annotated[str, BeforeValidator(product_code)]
"""A product trace code, stored as a GS1 Digital Link URI (see :func:`product_code`)."""
LocationCode = Annotated[str, BeforeValidator(location_code)]
"""A location trace code (see :func:`location_code`)."""
Uri = Annotated[str, BeforeValidator(_uri)]
"""An absolute URI."""
Number = Annotated[Decimal, BeforeValidator(_number)]
"""A finite decimal that a JSON number carries exactly."""
