"""The tracelib error tree.

Every exception tracelib raises on purpose is a :class:`TracelibError`. Errors caused
by bad *input* also subclass :class:`ValueError`, so ``except ValueError`` keeps
working for callers that do not know tracelib. Each error carries a stable
machine-readable ``code`` (public API: message texts may change, codes do not) and a
location telling where the problem is::

    TracelibError                      base of everything tracelib raises
    ├── InputError (+ ValueError)      bad input; code + position | path | line
    │   └── Gs1Error                   GS1 keys, AI element strings, Digital Link, EPC
    │       ├── LinterError            a GS1 Syntax Dictionary linter rejected a value
    │       ├── AiNotPresentError      ``element_string[ai]`` for an absent AI (+ KeyError)
    │       └── GcpLengthUnknown       no GS1 Company Prefix length is known for a key
    │   └── EpcisError                 EPCIS documents and events (XML line or JSON path)
    │       ├── UnknownContextError    a JSON-LD @context that is not bundled (never fetched)
    │       ├── JsonLdError            a JSON-LD processing error (e.g. a protected term redefined)
    │       └── HostileXmlError        XML refused for safety (DTD, entities, oversized nodes)
    │   └── MalformedInput             signing input failing strict parsing (I-JSON, base64, DSSE,
    │                                  record header, key, note); verify() reports MALFORMED_RECORD
    ├── SigningError                   signed data failed a check (not a ValueError: tampering)
    │   ├── SignatureInvalid           a signature does not verify, or alg does not match the key
    │   └── ProofInvalid               a Merkle inclusion or consistency proof does not verify
    └── MissingDependencyError         an optional extra is not installed (+ ImportError)

    TracelibWarning (UserWarning)      base of tracelib's warnings
    ├── LossyConversionWarning         a conversion had to drop or merge information
    └── StreamingFallbackWarning       streaming fell back to reading the whole document

Locations:

* ``position``: 0-based character offset into the string that was given (a barcode
  payload, a key, a URI), with ``length`` the number of characters concerned;
* ``path``: a JSON path such as ``$.epcisBody.eventList[3].bizStep``;
* ``line``: a 1-based source line of an XML document.

Foreign exceptions (``KeyError``, lxml or pydantic errors) never escape tracelib's
public functions: they are re-raised as one of these, chained with ``from``.

Examples:
    >>> from tracelib import gs1
    >>> try:
    ...     gs1.gtin.validate("4006381333932")
    ... except ValueError as err:
    ...     print(type(err).__name__, err.code, err.position, err.suggestion)
    Gs1Error GS1_LINTER_INCORRECT_CHECK_DIGIT 12 1
"""

from __future__ import annotations

__all__ = [
    "AiNotPresentError",
    "EpcisError",
    "GcpLengthUnknown",
    "Gs1Error",
    "HostileXmlError",
    "InputError",
    "JsonLdError",
    "LinterError",
    "LossyConversionWarning",
    "MalformedInput",
    "MissingDependencyError",
    "ProofInvalid",
    "SignatureInvalid",
    "SigningError",
    "StreamingFallbackWarning",
    "TracelibError",
    "TracelibWarning",
    "UnknownContextError",
]


class TracelibError(Exception):
    """Base class of every error raised by tracelib.

    Args:
        message: Human-readable description (may change between releases).
        code: Stable machine-readable code, e.g. ``"GS1_LINTER_INCORRECT_CHECK_DIGIT"``.

    Examples:
        >>> err = TracelibError("something failed", code="EXAMPLE")
        >>> err.code, str(err)
        ('EXAMPLE', 'something failed')
    """

    code: str

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code

    @property
    def message(self) -> str:
        """The human-readable message."""
        return str(self.args[0]) if self.args else ""


class InputError(TracelibError, ValueError):
    """Bad input: raised with a stable ``code`` and where the problem is.

    Exactly the location fields that apply are set; the others are ``None``.

    Args:
        message: Human-readable description.
        code: Stable machine-readable code.
        position: 0-based character offset in the input string.
        length: Number of characters concerned, starting at ``position``.
        path: JSON path of the offending member.
        line: 1-based line in an XML source.

    Examples:
        >>> err = InputError("bad digit", code="X", position=3, length=1)
        >>> err.location
        'position 3'
        >>> isinstance(err, ValueError)
        True
    """

    position: int | None
    length: int | None
    path: str | None
    line: int | None

    def __init__(
        self,
        message: str,
        *,
        code: str,
        position: int | None = None,
        length: int | None = None,
        path: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.position = position
        self.length = length
        self.path = path
        self.line = line

    @property
    def location(self) -> str:
        """The location as text: ``"position 12"``, ``"$.a.b"``, ``"line 4"`` or ``""``."""
        if self.position is not None:
            return f"position {self.position}"
        if self.path is not None:
            return self.path
        if self.line is not None:
            return f"line {self.line}"
        return ""

    def __repr__(self) -> str:
        where = f", {self.location}" if self.location else ""
        return f"{type(self).__name__}({self.code}{where}: {self.message})"


class Gs1Error(InputError):
    """Invalid GS1 data: a key, an AI element string, a Digital Link URI or an EPC.

    Args:
        message: Human-readable description.
        code: A ``GS1_LINTER_*`` name or a tracelib message-level ``GS1_*`` code.
        position: 0-based offset of the problem in the string that was given.
        length: Number of characters concerned.
        ai: The Application Identifier concerned, if any.
        component: 1-based component of the AI value, if any.
        suggestion: A correction where one exists (for example the right check digit).

    Examples:
        >>> err = Gs1Error("wrong check digit", code="GS1_LINTER_INCORRECT_CHECK_DIGIT",
        ...                position=13, length=1, suggestion="2")
        >>> err
        Gs1Error(GS1_LINTER_INCORRECT_CHECK_DIGIT, position 13: wrong check digit)
    """

    ai: str | None
    component: int | None
    suggestion: str | None

    def __init__(
        self,
        message: str,
        *,
        code: str,
        position: int | None = None,
        length: int | None = None,
        ai: str | None = None,
        component: int | None = None,
        suggestion: str | None = None,
    ) -> None:
        super().__init__(message, code=code, position=position, length=length)
        self.ai = ai
        self.component = component
        self.suggestion = suggestion


class LinterError(Gs1Error):
    """A GS1 Syntax Dictionary linter rejected a value; ``code`` is the linter's error name.

    Examples:
        >>> LinterError("bad", code="GS1_LINTER_NOT_ZERO", position=0, length=1).code
        'GS1_LINTER_NOT_ZERO'
    """


class AiNotPresentError(Gs1Error, KeyError):
    """Raised by ``element_string[ai]`` when the AI is absent; it is a ``KeyError`` too.

    Examples:
        >>> err = AiNotPresentError("no AI (10)", code="GS1_AI_NOT_PRESENT", ai="10")
        >>> isinstance(err, KeyError), str(err)
        (True, 'no AI (10)')
    """

    def __str__(self) -> str:
        # KeyError would quote the message; keep it as written.
        return self.message


class GcpLengthUnknown(Gs1Error):  # noqa: N818 - name fixed by the public contract
    """No GS1 Company Prefix length is known for a key: pass ``gcp_length=`` or register a hook.

    Examples:
        >>> err = GcpLengthUnknown("no GCP length for 8930000000000", code="GS1_GCP_LENGTH_UNKNOWN")
        >>> isinstance(err, ValueError)
        True
    """


class EpcisError(InputError):
    """An invalid EPCIS document or event; ``line`` (XML) or ``path`` (JSON) says where.

    Args:
        message: Human-readable description.
        code: Stable code, e.g. ``"EPCIS_XSD_INVALID"`` or ``"EPCIS_MISSING_FIELD"``.
        path: JSON path of the offending member, e.g. ``$.epcisBody.eventList[3].bizStep``.
        line: 1-based line of the offending XML element.
        position: 0-based character offset, when neither a path nor a line applies.

    Examples:
        >>> err = EpcisError("bizStep is not a CBV value", code="EPCIS_UNKNOWN_VOCAB",
        ...                  path="$.epcisBody.eventList[0].bizStep")
        >>> err.location
        '$.epcisBody.eventList[0].bizStep'
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        path: str | None = None,
        line: int | None = None,
        position: int | None = None,
    ) -> None:
        super().__init__(message, code=code, path=path, line=line, position=position)


class UnknownContextError(EpcisError):
    """A JSON-LD ``@context`` URL that tracelib does not bundle; it is never fetched.

    Examples:
        >>> err = UnknownContextError("context https://example.com/c.jsonld is not bundled",
        ...                           code="EPCIS_UNKNOWN_CONTEXT", path="$['@context'][1]")
        >>> isinstance(err, ValueError)
        True
    """


class JsonLdError(EpcisError):
    """A JSON-LD processing error, such as redefining a protected term in strict mode.

    Examples:
        >>> err = JsonLdError("cbvmda is protected", code="EPCIS_PROTECTED_TERM", path="$")
        >>> err.code
        'EPCIS_PROTECTED_TERM'
    """


class HostileXmlError(EpcisError):
    """XML refused for safety: a DTD, entity declarations, or a node past the size bounds.

    Examples:
        >>> HostileXmlError("DTDs are not allowed", code="EPCIS_HOSTILE_XML", line=1).line
        1
    """


class MalformedInput(InputError):  # noqa: N818 - name fixed by the public contract
    """Signing input that fails strict parsing: I-JSON, base64, DSSE, header, key or note.

    ``code`` says what failed (``JSON_DUPLICATE_NAME``, ``JSON_LONE_SURROGATE``,
    ``JSON_INTEGER_RANGE``, ``BASE64_INVALID``, ``MALFORMED_RECORD``, ``NON_CANONICAL_ENCODING``,
    ...); ``position`` is the 0-based offset in the bytes or text given, ``path`` the JSON path
    of a bad member. ``tracelib.signing.verify`` reports any of these as the finding
    ``MALFORMED_RECORD`` (``NON_CANONICAL_ENCODING`` keeps its own code).

    Examples:
        >>> err = MalformedInput("duplicate name 'a'", code="JSON_DUPLICATE_NAME", position=9)
        >>> err
        MalformedInput(JSON_DUPLICATE_NAME, position 9: duplicate name 'a')
        >>> isinstance(err, ValueError)
        True
    """


class SigningError(TracelibError):
    """Signed data failed a cryptographic or integrity check; ``code`` says which.

    Not a :class:`ValueError`: a forged signature is tampering, not a programming error.
    ``verify_*`` functions raise these and never return ``False`` (as pyca/cryptography).
    Codes used directly on this class: ``PAYLOAD_DIGEST_MISMATCH``.

    Examples:
        >>> SigningError("payload digest differs", code="PAYLOAD_DIGEST_MISMATCH").code
        'PAYLOAD_DIGEST_MISMATCH'
    """


class SignatureInvalid(SigningError):  # noqa: N818 - name fixed by the public contract
    """A signature does not verify (``SIGNATURE_INVALID``, ``NOTE_SIGNATURE_INVALID``,
    ``NOTE_UNVERIFIED``) or the algorithm does not match the key (``ALG_KEY_MISMATCH``).

    Examples:
        >>> err = SignatureInvalid("Ed25519 signature does not verify", code="SIGNATURE_INVALID")
        >>> isinstance(err, SigningError), isinstance(err, ValueError)
        (True, False)
    """


class ProofInvalid(SigningError):  # noqa: N818 - name fixed by the public contract
    """A Merkle proof does not verify: ``INCLUSION_PROOF_INVALID`` or ``CONSISTENCY_PROOF_INVALID``.

    Examples:
        >>> ProofInvalid("index 5 >= size 4", code="INCLUSION_PROOF_INVALID").code
        'INCLUSION_PROOF_INVALID'
    """


class TracelibWarning(UserWarning):
    """Base class of the warnings tracelib emits.

    Examples:
        >>> issubclass(LossyConversionWarning, TracelibWarning)
        True
    """


class LossyConversionWarning(TracelibWarning):
    """A conversion could not keep everything, e.g. several certificationInfo values written to XML.

    Examples:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     warnings.warn("one certificationInfo fits in XML", LossyConversionWarning)
        >>> caught[0].category.__name__
        'LossyConversionWarning'
    """


class StreamingFallbackWarning(TracelibWarning):
    """Streaming had to read a whole document into memory (e.g. JSON-LD without ``ijson``).

    Examples:
        >>> issubclass(StreamingFallbackWarning, TracelibWarning)
        True
    """


class MissingDependencyError(TracelibError, ImportError):
    """An optional extra is needed for this feature but is not installed.

    Args:
        feature: What was asked for, e.g. ``"vectorised bulk validation"``.
        extra: The pip extra that provides it, e.g. ``"bulk"``.
        package: The missing distribution, e.g. ``"numpy"``.

    Examples:
        >>> err = MissingDependencyError(feature="pandas output", extra="bulk", package="pandas")
        >>> print(err)
        pandas output needs pandas: pip install 'tracelib[bulk]'
    """

    extra: str
    package: str

    def __init__(self, *, feature: str, extra: str, package: str) -> None:
        super().__init__(
            f"{feature} needs {package}: pip install 'tracelib[{extra}]'",
            code="MISSING_DEPENDENCY",
        )
        self.extra = extra
        self.package = package
        self.name = package
