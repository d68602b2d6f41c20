"""Cross-reference of tracelib error codes to BWIPP error names (hand-written data table).

BWIPP (bwipp/postscriptbarcode, ``gs1process``) names its GS1 errors ``bwipp.GS1…``. Each
entry lists the BWIPP names that report the *same check* as the tracelib code, judged from
the meaning of both names (not derived from test results); a code that BWIPP does not
check has no entry. :func:`tracelib.gs1.element_strings.bwipp_names` reads this table and
the tests measure how often, on BWIPP's own invalid vectors, the code tracelib reports is
listed against the name BWIPP reports.
"""

from __future__ import annotations

__all__: list[str] = []

_B = "bwipp."


def _names(*names: str) -> tuple[str, ...]:
    return tuple(_B + n for n in names)


BWIPP_NAMES: dict[str, tuple[str, ...]] = {
    # --- structure of the element string --------------------------------------------------
    "GS1_BAD_BRACKETS": _names("GS1aiMissingCloseParen"),
    "GS1_INVALID_AI": _names("GS1unknownAI"),
    "GS1_UNKNOWN_AI": _names("GS1unknownAI"),
    "GS1_EMPTY_VALUE": _names("GS1valueTooShort"),
    "GS1_VALUE_TOO_SHORT": _names("GS1valueTooShort"),
    "GS1_INVALID_LENGTH": _names("GS1valueTooShort", "GS1valueTooLong"),
    "GS1_VALUE_TOO_LONG": _names("GS1valueTooLong"),
    # --- message rules --------------------------------------------------------------------
    "GS1_MUTEX_AIS": _names("GS1exclusiveAIs"),
    "GS1_REQUISITE_AIS": _names("GS1missingAIs"),
    "GS1_REPEATED_AIS": _names("GS1repeatedDifferingAIs"),
    # --- character sets -------------------------------------------------------------------
    "GS1_LINTER_NON_DIGIT_CHARACTER": _names("GS1notNumeric", "GS1couponNotNumeric"),
    "GS1_LINTER_INVALID_CSET82_CHARACTER": _names("GS1badCSET82character"),
    "GS1_LINTER_INVALID_CSET39_CHARACTER": _names("GS1badCSET39character"),
    "GS1_LINTER_INVALID_CSET64_CHARACTER": _names("GS1badCSET64character"),
    "GS1_LINTER_INVALID_CSET64_PADDING": _names("GS1badCSET64padding"),
    "GS1_LINTER_INVALID_CSET32_CHARACTER": _names("GS1UnknownCSET32Character"),
    # --- check digits, GCP ------------------------------------------------------------------
    "GS1_LINTER_INCORRECT_CHECK_DIGIT": _names("GS1badChecksum"),
    "GS1_LINTER_INCORRECT_CHECK_PAIR": _names("GS1badAlphaCheckCharacters"),
    "GS1_LINTER_TOO_SHORT_FOR_CHECK_PAIR": _names("GS1alphaTooShort"),
    "GS1_LINTER_TOO_SHORT_FOR_GCP": _names("GS1gcpTooShort", "GS1badGCP"),
    "GS1_LINTER_INVALID_GCP_PREFIX": _names("GS1badGCP"),
    # --- flags and values ---------------------------------------------------------------
    "GS1_LINTER_NOT_ZERO": _names("GS1zeroRequired"),
    "GS1_LINTER_ILLEGAL_ZERO_VALUE": _names("GS1zeroNotPermitted"),
    "GS1_LINTER_ILLEGAL_ZERO_PREFIX": _names(
        "GS1badZeroPrefix", "positionZeroPrefix", "endZeroPrefix"
    ),
    "GS1_LINTER_NOT_ZERO_OR_ONE": _names("GS1badBoolean"),
    "GS1_LINTER_INVALID_WINDING_DIRECTION": _names("GS1badWinding"),
    "GS1_LINTER_NOT_HYPHEN": _names("GS1hyphenRequired"),
    "GS1_LINTER_INVALID_BIOLOGICAL_SEX_CODE": _names("GS1biologicalSexCode"),
    "GS1_LINTER_INVALID_IMPORT_IDX_CHARACTER": _names("GS1badImporterIndex"),
    "GS1_LINTER_INVALID_PERCENT_SEQUENCE": _names("GS1badPercentChars", "GS1badPercentEscape"),
    "GS1_LINTER_ZERO_PIECE_NUMBER": _names("GS1badPieceNumber"),
    "GS1_LINTER_ZERO_TOTAL_PIECES": _names("GS1badPieceTotal"),
    "GS1_LINTER_PIECE_NUMBER_EXCEEDS_TOTAL": _names("GS1pieceExceedsTotal"),
    "GS1_LINTER_POSITION_IN_SEQUENCE_MALFORMED": _names(
        "invalidPosInSeqFormat", "positionNotNumeric", "endNotNumeric"
    ),
    "GS1_LINTER_POSITION_EXCEEDS_END": _names("positionExceedsEnd"),
    "GS1_LINTER_INVALID_LATITUDE": _names("GS1badLatitude"),
    "GS1_LINTER_INVALID_LONGITUDE": _names("GS1badLongitude"),
    # --- code lists -----------------------------------------------------------------------
    "GS1_LINTER_NOT_ISO3166": _names("GS1UnknownCountry"),
    "GS1_LINTER_NOT_ISO3166_OR_999": _names("GS1UnknownCountryOr999"),
    "GS1_LINTER_NOT_ISO3166_ALPHA2": _names("GS1UnknownCountryAlpha"),
    "GS1_LINTER_NOT_ISO4217": _names("GS1UnknownCurrency"),
    "GS1_LINTER_INVALID_MEDIA_TYPE": _names("GS1UnknownMediaType"),
    "GS1_LINTER_INVALID_PACKAGE_TYPE": _names("GS1unknownPackageType"),
    # --- IBAN -----------------------------------------------------------------------------
    "GS1_LINTER_IBAN_TOO_SHORT": _names("GS1tooShort"),
    "GS1_LINTER_INVALID_IBAN_CHARACTER": _names("GS1badIBANcharacter"),
    "GS1_LINTER_ILLEGAL_IBAN_COUNTRY_CODE": _names("GS1UnknownCountryAlpha"),
    "GS1_LINTER_INCORRECT_IBAN_CHECKSUM": _names("GS1badIBANchecksum"),
    # --- dates and times ------------------------------------------------------------------
    "GS1_LINTER_ILLEGAL_MONTH": _names("GS1badMonth"),
    "GS1_LINTER_ILLEGAL_DAY": _names("GS1badDay"),
    "GS1_LINTER_ILLEGAL_HOUR": _names("GS1badHour"),
    "GS1_LINTER_ILLEGAL_MINUTE": _names("GS1badMinute"),
    "GS1_LINTER_ILLEGAL_SECOND": _names("GS1badSecond"),
    # --- coupons (8110, 8112) -------------------------------------------------------------
    "GS1_LINTER_COUPON_INVALID_FORMAT_CODE": _names("GS1couponBadFormatCode"),
    "GS1_LINTER_COUPON_MISSING_FUNDER_VLI": _names("GS1couponTooShortFunderVLI"),
    "GS1_LINTER_COUPON_INVALID_FUNDER_LENGTH": _names("GS1couponBadFunderVLI"),
    "GS1_LINTER_COUPON_TRUNCATED_FUNDER": _names("GS1couponTooShortFunder"),
    "GS1_LINTER_COUPON_TRUNCATED_OFFER_CODE": _names("GS1couponTooShortOfferCode"),
    "GS1_LINTER_COUPON_MISSING_SERIAL_NUMBER_VLI": _names(
        "GS1couponTooShortSerialNumberVLI", "GS1couponTooShortSnVLI"
    ),
    "GS1_LINTER_COUPON_TRUNCATED_SERIAL_NUMBER": _names(
        "GS1couponTooShortSerialNumber", "GS1couponTooShortSn"
    ),
    "GS1_LINTER_COUPON_INVALID_GCP_LENGTH": _names("GS1couponBadGCPVLI"),
    "GS1_LINTER_COUPON_TRUNCATED_GCP": _names("GS1couponTooShortGCP"),
    "GS1_LINTER_COUPON_MISSING_SAVE_VALUE_VLI": _names("GS1couponTooShortSaveValueVLI"),
    "GS1_LINTER_COUPON_INVALID_SAVE_VALUE_LENGTH": _names("GS1couponBadSaveValueVLI"),
    "GS1_LINTER_COUPON_TRUNCATED_SAVE_VALUE": _names("GS1couponTooShortSaveValue"),
    "GS1_LINTER_COUPON_MISSING_1ST_PURCHASE_REQUIREMENT_VLI": _names(
        "GS1couponTooShort1stPurchaseRequirementVLI"
    ),
    "GS1_LINTER_COUPON_INVALID_1ST_PURCHASE_REQUIREMENT_LENGTH": _names(
        "GS1couponBad1stPurchaseRequirementVLI"
    ),
    "GS1_LINTER_COUPON_TRUNCATED_1ST_PURCHASE_REQUIREMENT": _names(
        "GS1couponTooShort1stPurchaseRequirement"
    ),
    "GS1_LINTER_COUPON_MISSING_1ST_PURCHASE_REQUIREMENT_CODE": _names(
        "GS1couponTooShort1stPurchaseRequirementCode"
    ),
    "GS1_LINTER_COUPON_INVALID_1ST_PURCHASE_REQUIREMENT_CODE": _names(
        "GS1couponBad1stPurchaseRequirementCode"
    ),
    "GS1_LINTER_COUPON_TRUNCATED_1ST_PURCHASE_FAMILY_CODE": _names(
        "GS1couponTooShort1stPurchaseFamilyCode"
    ),
    "GS1_LINTER_COUPON_MISSING_ADDITIONAL_PURCHASE_RULES_CODE": _names(
        "GS1couponTooShortAdditionalPurchaseRulesCode"
    ),
    "GS1_LINTER_COUPON_INVALID_ADDITIONAL_PURCHASE_RULES_CODE": _names(
        "GS1couponBadAdditionalPurchaseRulesCode"
    ),
    "GS1_LINTER_COUPON_MISSING_2ND_PURCHASE_REQUIREMENT_VLI": _names(
        "GS1couponTooShort2ndPurchaseRequirementVLI"
    ),
    "GS1_LINTER_COUPON_INVALID_2ND_PURCHASE_REQUIREMENT_LENGTH": _names(
        "GS1couponBad2ndPurchaseRequirementVLI"
    ),
    "GS1_LINTER_COUPON_TRUNCATED_2ND_PURCHASE_REQUIREMENT": _names(
        "GS1couponTooShort2ndPurchaseRequirement"
    ),
    "GS1_LINTER_COUPON_MISSING_2ND_PURCHASE_REQUIREMENT_CODE": _names(
        "GS1couponTooShort2ndPurchaseRequirementCode"
    ),
    "GS1_LINTER_COUPON_INVALID_2ND_PURCHASE_REQUIREMENT_CODE": _names(
        "GS1couponBad2ndPurchaseRequirementCode"
    ),
    "GS1_LINTER_COUPON_TRUNCATED_2ND_PURCHASE_FAMILY_CODE": _names(
        "GS1couponTooShort2ndPurchaseFamilyCode"
    ),
    "GS1_LINTER_COUPON_MISSING_2ND_PURCHASE_GCP_VLI": _names("GS1couponTooShort2ndPurchaseGCPVLI"),
    "GS1_LINTER_COUPON_INVALID_2ND_PURCHASE_GCP_LENGTH": _names("GS1couponBad2ndPurchaseGCPVLI"),
    "GS1_LINTER_COUPON_TRUNCATED_2ND_PURCHASE_GCP": _names("GS1couponTooShort2ndPurchaseGCP"),
    "GS1_LINTER_COUPON_MISSING_3RD_PURCHASE_REQUIREMENT_VLI": _names(
        "GS1couponTooShort3rdPurchaseRequirementVLI"
    ),
    "GS1_LINTER_COUPON_INVALID_3RD_PURCHASE_REQUIREMENT_LENGTH": _names(
        "GS1couponBad3rdPurchaseRequirementVLI"
    ),
    "GS1_LINTER_COUPON_TRUNCATED_3RD_PURCHASE_REQUIREMENT": _names(
        "GS1couponTooShort3rdPurchaseRequirement"
    ),
    "GS1_LINTER_COUPON_MISSING_3RD_PURCHASE_REQUIREMENT_CODE": _names(
        "GS1couponTooShort3rdPurchaseRequirementCode"
    ),
    "GS1_LINTER_COUPON_INVALID_3RD_PURCHASE_REQUIREMENT_CODE": _names(
        "GS1couponBad3rdPurchaseRequirementCode"
    ),
    "GS1_LINTER_COUPON_TRUNCATED_3RD_PURCHASE_FAMILY_CODE": _names(
        "GS1couponTooShort3rdPurchaseFamilyCode"
    ),
    "GS1_LINTER_COUPON_MISSING_3RD_PURCHASE_GCP_VLI": _names("GS1couponTooShort3rdPurchaseGCPVLI"),
    "GS1_LINTER_COUPON_INVALID_3RD_PURCHASE_GCP_LENGTH": _names("GS1couponBad3rdPurchaseGCPVLI"),
    "GS1_LINTER_COUPON_TRUNCATED_3RD_PURCHASE_GCP": _names("GS1couponTooShort3rdPurchaseGCP"),
    "GS1_LINTER_COUPON_TOO_SHORT_FOR_EXPIRATION_DATE": _names("GS1couponTooShortExpirationDate"),
    "GS1_LINTER_COUPON_INVALID_EXIPIRATION_DATE": _names(
        "GS1couponExpirationDateBadMonth", "GS1couponExpirationDateBadDay"
    ),
    "GS1_LINTER_COUPON_TOO_SHORT_FOR_START_DATE": _names("GS1couponTooShortStartDate"),
    "GS1_LINTER_COUPON_INVALID_START_DATE": _names(
        "GS1couponStartDateBadMonth", "GS1couponStartDateBadDay"
    ),
    "GS1_LINTER_COUPON_EXPIRATION_BEFORE_START": _names("GS1couponExpireDateBeforeStartDate"),
    "GS1_LINTER_COUPON_MISSING_RETAILER_GCP_OR_GLN_VLI": _names(
        "GS1couponTooShortRetailerGCPGLNVLI"
    ),
    "GS1_LINTER_COUPON_INVALID_RETAILER_GCP_OR_GLN_LENGTH": _names("GS1couponBadRetailerGCPGLNVLI"),
    "GS1_LINTER_COUPON_TRUNCATED_RETAILER_GCP_OR_GLN": _names("GS1couponTooShortRetailerGCPGLN"),
    "GS1_LINTER_COUPON_MISSING_SAVE_VALUE_CODE": _names("GS1couponTooShortSaveValueCode"),
    "GS1_LINTER_COUPON_INVALID_SAVE_VALUE_CODE": _names("GS1couponBadSaveValueCode"),
    "GS1_LINTER_COUPON_MISSING_SAVE_VALUE_APPLIES_TO_ITEM": _names(
        "GS1couponTooShortSaveValueAppliesToItem"
    ),
    "GS1_LINTER_COUPON_INVALID_SAVE_VALUE_APPLIES_TO_ITEM": _names(
        "GS1couponBadSaveValueAppliesToItem"
    ),
    "GS1_LINTER_COUPON_MISSING_STORE_COUPON_FLAG": _names("GS1couponTooShortStoreCouponFlag"),
    "GS1_LINTER_COUPON_MISSING_DONT_MULTIPLY_FLAG": _names("GS1couponTooShortDontMultiplyFlag"),
    "GS1_LINTER_COUPON_INVALID_DONT_MULTIPLY_FLAG": _names("GS1couponBadDontMultiplyFlag"),
    "GS1_LINTER_COUPON_EXCESS_DATA": _names(
        "GS1couponUnrecognisedOptionalField", "GS1couponTooLong"
    ),
    # --- Digital Link (codes of tracelib.gs1.digital_link) ----------------------------------
    "GS1_DL_BAD_SCHEME": _names("GS1dlURIbadScheme"),
    "GS1_DL_BAD_DOMAIN": _names("GS1dlMissingDomainOrPathInfo"),
    "GS1_DL_NO_PRIMARY_KEY": _names("GS1dlNoAIinfo", "GS1dlMissingDomainOrPathInfo"),
    "GS1_DL_BAD_PATH": _names("GS1dlBadPathInfo"),
    "GS1_DL_QUALIFIER_ORDER": _names("GS1dlBadPathInfo"),
    "GS1_DL_QUALIFIER_IN_QUERY": _names("GS1dlAttributeMustBeQualifier"),
    "GS1_DL_BAD_ESCAPE": _names("GS1dlBadHexCharacter"),
}
