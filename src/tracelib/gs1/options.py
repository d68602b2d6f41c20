"""Validation options and named profiles for GS1 element strings, scan data and Digital Link.

Every parser in :mod:`tracelib.gs1` takes ``profile: Profile | Gs1Options = "strict"``:
either the name of a profile or one frozen :class:`Gs1Options` object. The profiles are:

* ``"strict"``: the GS1 Barcode Syntax Engine defaults (the reference): every linter, the
  ``req``/``ex`` pairings, repeated AIs, the digital-signature serial rule; unknown AIs,
  ``000000`` dates, zero-suppressed GTINs and alphabetic short names are rejected.
* ``"scanner-lenient"``: what real scanners deliver: also accepts ``000000`` dates,
  missing requisite AIs, unknown AIs and zero-suppressed GTINs in a Digital Link URI.
  Alphabetic short names (``/gtin/``) stay behind their own switch.
* ``"syntax-only"``: AIs, lengths and character sets only: no linters, no pairings.

A result records each rule a profile relaxed (see :data:`RELAXATIONS`), so lenient data
is never silently mistaken for strict data.

Examples:
    >>> opts = profile_options("scanner-lenient")
    >>> opts.permit_zero_dates, opts.permit_missing_requisites, opts.permit_convenience_alphas
    (True, True, False)
    >>> resolve_options("strict") == Gs1Options()
    True
    >>> import dataclasses
    >>> dataclasses.replace(Gs1Options(), permit_unknown_ais=True).permit_unknown_ais
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..errors import Gs1Error
from .charsets import CSET82

__all__ = [
    "PROFILES",
    "RELAXATIONS",
    "Gs1Options",
    "Profile",
    "Relaxation",
    "profile_options",
    "resolve_options",
]

#: The name of a validation profile.
Profile = Literal["strict", "scanner-lenient", "syntax-only"]

#: A rule that a profile or option relaxed, as recorded on a result (``.relaxed``).
Relaxation = Literal[
    "associations_off",
    "convenience_alpha",
    "digsig_serial_off",
    "linters_off",
    "missing_requisite",
    "repeats_off",
    "unknown_ai",
    "unknown_dl_attribute",
    "zero_date",
    "zero_suppressed_gtin",
]

#: Every :data:`Relaxation` with what it means.
RELAXATIONS: dict[str, str] = {
    "associations_off": "req=/ex= pairings were not checked",
    "convenience_alpha": "an alphabetic Digital Link short name (e.g. /gtin/) was accepted",
    "digsig_serial_off": "the rule that AI (8030) needs a serialised key was not checked",
    "linters_off": "the component linters (check digits, dates, code lists, ...) did not run",
    "missing_requisite": "a requisite AI (req=) was missing and this was accepted",
    "repeats_off": "repeated AIs with different values were not checked",
    "unknown_ai": "an AI that is not in the Syntax Dictionary was accepted",
    "unknown_dl_attribute": "an AI that is not a Digital Link data attribute was accepted",
    "zero_date": "a 000000 date was accepted",
    "zero_suppressed_gtin": "a zero-suppressed GTIN in a Digital Link URI was zero-filled",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Gs1Options:
    """Every switch of GS1 validation, in one frozen object (defaults = ``"strict"``).

    Attributes:
        permit_unknown_ais: Accept AIs that are not in the Syntax Dictionary (their value
            runs to the next separator; recorded as ``unknown_ai``).
        permit_zero_suppressed_gtin: Accept a GTIN-8/12/13 in a Digital Link URI and
            zero-fill it to 14 digits (engine ``permit_zero_suppressed_gtin_in_dl_uris``).
        permit_convenience_alphas: Accept the withdrawn Digital Link short names
            (``/gtin/``, ``/lot/``, ``/ser/``, ``/sscc/`` ...).
        permit_zero_dates: Accept ``000000`` as a YYMMDD date.
        permit_missing_requisites: Accept messages whose ``req=`` rules are not met.
        validate_associations: Check the ``req=``/``ex=`` pairings at all (engine
            ``REQUISITE_AIS`` and ``MUTEX_AIS``; BWIPP ``lintreqs``).
        validate_repeats: Reject the same AI twice with different values
            (engine ``REPEATED_AIS``).
        validate_digsig_serial: Reject AI (8030) without a serialised key
            (engine ``DIGSIG_SERIAL_KEY``).
        validate_dl_attributes: Reject unknown AIs as Digital Link query attributes
            (engine ``UNKNOWN_AI_NOT_DL_ATTR``).
        lint: Run the component linters (check digits, dates, code lists, ...). The
            character set and length of each component are always checked.
        separators: The characters that act as FNC1 separators in raw data and scan data
            (each one character outside CSET 82; may be empty). ``^`` is always FNC1 in
            raw element strings, never in scan data.
        century_window: ``(past, future)`` years of the YYMMDD century rule
            (GS1 General Specifications: −49 / +50 years around the reference year).
        reference_year: The year the century window is centred on (``None`` = this year).
        add_check_digit: When generating scan data for EAN/UPC, compute the check digit
            from the data instead of requiring it (engine ``add_check_digit``).

    Examples:
        >>> Gs1Options().separators
        ('\\x1d',)
        >>> Gs1Options(lint=False).lint
        False
    """

    permit_unknown_ais: bool = False
    permit_zero_suppressed_gtin: bool = False
    permit_convenience_alphas: bool = False
    permit_zero_dates: bool = False
    permit_missing_requisites: bool = False
    validate_associations: bool = True
    validate_repeats: bool = True
    validate_digsig_serial: bool = True
    validate_dl_attributes: bool = True
    lint: bool = True
    separators: tuple[str, ...] = ("\x1d",)
    century_window: tuple[int, int] = (49, 50)
    reference_year: int | None = None
    add_check_digit: bool = False

    def __post_init__(self) -> None:
        given: object = self.separators
        seps = tuple(given) if isinstance(given, (tuple, list)) else (given,)
        for sep in seps:
            if not isinstance(sep, str) or len(sep) != 1 or sep in CSET82:
                raise Gs1Error(
                    f"each separator must be one character outside CSET 82, not {sep!r}",
                    code="GS1_INVALID_TYPE",
                )
        object.__setattr__(self, "separators", seps)

    def static_relaxations(self) -> tuple[str, ...]:
        """The relaxations these options always imply (checks switched off entirely).

        Returns:
            Sorted :data:`Relaxation` names such as ``"linters_off"``.

        Examples:
            >>> profile_options("syntax-only").static_relaxations()
            ('associations_off', 'digsig_serial_off', 'linters_off')
        """
        out: list[str] = []
        if not self.validate_associations:
            out.append("associations_off")
        if not self.validate_digsig_serial:
            out.append("digsig_serial_off")
        if not self.lint:
            out.append("linters_off")
        if not self.validate_repeats:
            out.append("repeats_off")
        return tuple(out)


_STRICT = Gs1Options()
_LENIENT = Gs1Options(
    permit_unknown_ais=True,
    permit_zero_suppressed_gtin=True,
    permit_zero_dates=True,
    permit_missing_requisites=True,
)
_SYNTAX_ONLY = Gs1Options(lint=False, validate_associations=False, validate_digsig_serial=False)

#: The named profiles and their options.
PROFILES: dict[str, Gs1Options] = {
    "strict": _STRICT,
    "scanner-lenient": _LENIENT,
    "syntax-only": _SYNTAX_ONLY,
}


def profile_options(name: Profile) -> Gs1Options:
    """The options of a named profile.

    Args:
        name: ``"strict"``, ``"scanner-lenient"`` or ``"syntax-only"``.

    Returns:
        The profile's frozen :class:`Gs1Options`.

    Raises:
        Gs1Error: ``GS1_UNKNOWN_PROFILE`` when the name is not a profile.

    Examples:
        >>> profile_options("syntax-only").lint
        False
        >>> try:
        ...     profile_options("lax")  # type: ignore[arg-type]
        ... except ValueError as err:
        ...     print(err.code)
        GS1_UNKNOWN_PROFILE
    """
    opts = PROFILES.get(name) if isinstance(name, str) else None
    if opts is None:
        raise Gs1Error(
            f"unknown profile {name!r}; use one of {', '.join(PROFILES)}",
            code="GS1_UNKNOWN_PROFILE",
        )
    return opts


def resolve_options(profile: Profile | Gs1Options) -> Gs1Options:
    """Turn a ``profile=`` argument (a name or a :class:`Gs1Options`) into options.

    Args:
        profile: A profile name or an options object (returned as is).

    Returns:
        The options to apply.

    Raises:
        Gs1Error: ``GS1_UNKNOWN_PROFILE`` for anything else.

    Examples:
        >>> resolve_options(Gs1Options(lint=False)).lint
        False
        >>> resolve_options("scanner-lenient").permit_unknown_ais
        True
    """
    if isinstance(profile, Gs1Options):
        return profile
    return profile_options(profile)
