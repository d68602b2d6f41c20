"""Typed errors of the national-portal client, each with a stable ``code`` and vi/en hints.

Every error the portal client raises is a :class:`PortalError` (a
:class:`~tracelib.errors.TracelibError`). Errors caused by the caller's data are also
:class:`ValueError` (through :class:`~tracelib.errors.InputError`): :class:`IdentifierError`
(a GS1 key or trace code is wrong, raised locally before any request) and
:class:`ValidationError` (a compliance profile refused the payload).

The raw response body is kept for support (``raw``), with secrets redacted by
:func:`redact`; secrets never appear in messages or reprs.

Examples:
    >>> err = RateLimited("slow down", retry_after=2.0, http_status=429)
    >>> err.retryable, err.retry_after, err.code
    (True, 2.0, 'PORTAL_RATE_LIMITED')
    >>> isinstance(IdentifierError("bad GTIN", path="$.gtin"), ValueError)
    True
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from ..errors import InputError, TracelibError

__all__ = [
    "AuthError",
    "ConflictError",
    "IdentifierError",
    "MediaFetchError",
    "OrganizationNotActivated",
    "PortalBug",
    "PortalError",
    "RateLimited",
    "TransientError",
    "ValidationError",
    "redact",
]

#: Member names whose values are secrets, matched case-insensitively after removing ``_``/``-``.
_SECRET_KEYS = frozenset(
    {
        "accesstoken",
        "apikey",
        "apisecret",
        "authorization",
        "clientsecret",
        "idtoken",
        "password",
        "refreshtoken",
        "secret",
        "token",
        "xapikey",
    }
)
_REDACTED = "***"
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")


def _is_secret(key: str) -> bool:
    return key.replace("_", "").replace("-", "").lower() in _SECRET_KEYS


def redact(value: Any) -> Any:
    """A copy of a JSON-like value with every secret replaced by ``"***"``.

    Members named like a secret (``client_secret``, ``access_token``, ``apiSecret``,
    ``Authorization``, ``password``...) are masked at any depth, and ``Bearer``/``Basic``
    credentials inside strings are masked too.

    Args:
        value: A JSON-like value (dicts, lists, strings, numbers).

    Returns:
        The redacted copy; the input is not modified.

    Examples:
        >>> redact({"client_id": "htx", "client_secret": "s3cr3t", "n": [{"token": "t"}]})
        {'client_id': 'htx', 'client_secret': '***', 'n': [{'token': '***'}]}
        >>> redact("header Authorization: Bearer abc.def")
        'header Authorization: Bearer ***'
    """
    if isinstance(value, Mapping):
        return {
            k: (_REDACTED if isinstance(k, str) and _is_secret(k) else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, str):
        return _BEARER.sub(lambda m: f"{m.group(1)} {_REDACTED}", value)
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return [redact(v) for v in value]
    return value


class PortalError(TracelibError):
    """A failure talking to a traceability portal (or refusing to).

    Args:
        message: What went wrong (English).
        code: Stable code, ``PORTAL_…``; defaults to the class's code.
        target: The target name (``"emulator"``, ``"epcis"``, ``"nbc-v5"``, ``"export"``).
        endpoint: The method and path, e.g. ``"POST /tochuc/v5/ToChuc_SanPham"``.
        http_status: The HTTP status, if there was a response.
        raw: The response body (redacted with :func:`redact` on the way in).
        retryable: Whether sending again later may succeed (default: the class's).
        hint_vi: What to do, in Vietnamese (default: the class's).
        hint_en: What to do, in English (default: the class's).

    Examples:
        >>> err = PortalError("boom", endpoint="GET /x", raw={"password": "p"})
        >>> err.code, err.raw, err.retryable
        ('PORTAL_ERROR', {'password': '***'}, False)
    """

    default_code: ClassVar[str] = "PORTAL_ERROR"
    default_retryable: ClassVar[bool] = False
    default_hint_vi: ClassVar[str] = "Xem chi tiết lỗi và thử lại."
    default_hint_en: ClassVar[str] = "See the error details and try again."

    target: str | None
    endpoint: str | None
    http_status: int | None
    raw: Any
    retryable: bool
    hint_vi: str
    hint_en: str

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        target: str | None = None,
        endpoint: str | None = None,
        http_status: int | None = None,
        raw: Any = None,
        retryable: bool | None = None,
        hint_vi: str | None = None,
        hint_en: str | None = None,
    ) -> None:
        super().__init__(redact(message), code=code or self.default_code)
        self.target = target
        self.endpoint = endpoint
        self.http_status = http_status
        self.raw = redact(raw)
        self.retryable = self.default_retryable if retryable is None else retryable
        self.hint_vi = hint_vi or self.default_hint_vi
        self.hint_en = hint_en or self.default_hint_en

    def __repr__(self) -> str:
        where = f" {self.endpoint}" if self.endpoint else ""
        status = f" HTTP {self.http_status}" if self.http_status is not None else ""
        return f"{type(self).__name__}({self.code}{where}{status}: {self.message})"


class AuthError(PortalError):
    """401 or an expired token after the one allowed refresh; also a missing credential.

    Examples:
        >>> AuthError("token expired", http_status=401).hint_en
        'Check the client id and secret (or token) issued for this portal.'
    """

    default_code = "PORTAL_AUTH"
    default_hint_vi = "Kiểm tra client id và client secret (hoặc token) được cấp cho cổng."
    default_hint_en = "Check the client id and secret (or token) issued for this portal."


class OrganizationNotActivated(PortalError):  # noqa: N818 - name fixed by the design
    """The organisation profile is missing or not activated by the portal administrator.

    Examples:
        >>> OrganizationNotActivated("not active").retryable
        False
    """

    default_code = "PORTAL_ORG_NOT_ACTIVATED"
    default_hint_vi = (
        "Hồ sơ tổ chức chưa được kích hoạt: đề nghị quản trị cổng kích hoạt theo mã số thuế/GLN."
    )
    default_hint_en = (
        "The organisation profile is not activated: ask the portal administrator to activate "
        "it by tax code (MST) or GLN."
    )


class MediaFetchError(PortalError):
    """The portal could not download an image (it needs a public JPG/PNG URL).

    Examples:
        >>> MediaFetchError("UploadFile failed").code
        'PORTAL_MEDIA_FETCH'
    """

    default_code = "PORTAL_MEDIA_FETCH"
    default_hint_vi = "Ảnh phải là đường dẫn công khai (JPG/PNG) mà cổng tải được."
    default_hint_en = "Images must be public JPG/PNG URLs the portal can download."


class ConflictError(PortalError):
    """A duplicate (409 or the portal's duplicate text): reconcile, do not resend.

    Examples:
        >>> ConflictError("exists", http_status=409).retryable
        False
    """

    default_code = "PORTAL_CONFLICT"
    default_hint_vi = "Bản ghi đã tồn tại: đối chiếu với bản ghi trên cổng thay vì gửi lại."
    default_hint_en = "The record already exists: reconcile with it instead of sending again."


class TransientError(PortalError):
    """A timeout, a dropped connection or a 5xx: retried with backoff.

    Examples:
        >>> TransientError("503", http_status=503).retryable
        True
    """

    default_code = "PORTAL_TRANSIENT"
    default_retryable = True
    default_hint_vi = "Lỗi tạm thời của mạng hoặc máy chủ: sẽ thử lại."
    default_hint_en = "A temporary network or server failure: it will be retried."


class RateLimited(TransientError):  # noqa: N818 - name fixed by the design
    """429 Too Many Requests; ``retry_after`` holds the server's ``Retry-After`` in seconds.

    Args:
        message: What went wrong.
        retry_after: Seconds to wait, from ``Retry-After``, if given.
        **kwargs: :class:`PortalError` fields.

    Examples:
        >>> RateLimited("429").retry_after is None
        True
    """

    default_code = "PORTAL_RATE_LIMITED"
    default_hint_vi = "Gửi quá nhanh: chờ theo Retry-After rồi thử lại."
    default_hint_en = "Too many requests: wait as Retry-After says, then retry."

    retry_after: float | None

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class PortalBug(PortalError):  # noqa: N818 - name fixed by the design
    """A server exception (``debugMessage``, ``ERR_SYS_DEV``): keep ``raw`` for support.

    Examples:
        >>> PortalBug("ERR_SYS_DEV", raw={"error": "ERR_SYS_DEV"}).raw
        {'error': 'ERR_SYS_DEV'}
    """

    default_code = "PORTAL_BUG"
    default_hint_vi = "Lỗi phía cổng: gửi nội dung lỗi (raw) cho bộ phận hỗ trợ của cổng."
    default_hint_en = "A portal-side failure: send the raw error to the portal's support."


class IdentifierError(PortalError, InputError):
    """A GS1 key or trace code is wrong: raised locally, before any request, or mapped from
    the portal's ``CheckDigit``/``maBarcode`` replies.

    Args:
        message: What is wrong.
        path: Where, as a JSON path into the payload (``$.products[2].gtin``).
        position: 0-based offset in the identifier, if known.
        **kwargs: :class:`PortalError` fields.

    Examples:
        >>> err = IdentifierError("bad check digit", path="$.gtin", position=13)
        >>> err.code, err.location
        ('PORTAL_IDENTIFIER', 'position 13')
    """

    default_code = "PORTAL_IDENTIFIER"
    default_hint_vi = "Kiểm tra mã GS1 (GTIN/GLN/SSCC): độ dài và số kiểm tra."
    default_hint_en = "Check the GS1 key (GTIN/GLN/SSCC): its length and check digit."

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        position: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.path = path
        self.position = position


class ValidationError(PortalError, InputError):
    """A compliance profile refused the payload; ``findings`` lists what is missing.

    Args:
        message: Summary.
        findings: The compliance findings (``tracelib.portal.compliance.Finding``).
        path: The first failing field's path.
        **kwargs: :class:`PortalError` fields.

    Examples:
        >>> ValidationError("2 rules failed", path="$.images").location
        '$.images'
    """

    default_code = "PORTAL_VALIDATION"
    default_hint_vi = "Bổ sung các trường dữ liệu bắt buộc được liệt kê rồi gửi lại."
    default_hint_en = "Add the required fields listed, then submit again."

    findings: tuple[Any, ...]

    def __init__(
        self,
        message: str,
        *,
        findings: Sequence[Any] = (),
        path: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.findings = tuple(findings)
        self.path = path
