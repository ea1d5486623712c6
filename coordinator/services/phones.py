"""E.164 form of phone numbers, with an exact fast path for common North American shapes.

It lives in services so that the contact service (every save) and the import parsers
in `formats` (which build on services) share it.

`validation.phone_to_e164` (phonenumbers' `parse` + `is_valid_number`) costs 30-40 µs a
number, the largest single cost of importing a big contact file. Most numbers in a
coalition's address book are written in a handful of NANP shapes: `(214) 555-0134`,
`214-555-0134`, `214.555.0134`, `+1 214 555 0134`, `1-214-555-0134`. For those,
`phonenumbers.parse(text, "US")` always yields country code 1 and the ten digits as
the national number (no extension, no national prefix, no leading zero), so we can
skip the parse and decide validity ourselves in a few microseconds.

Validity is decided from phonenumbers' *own* metadata (never our own copy of it), by
the same steps as `phonenumbers.is_valid_number`: find the region among the NANP
regions (leading digits, else "is any number type"), then ask whether the number is
of any type in that region. Only the regular expressions are compiled once, and only
the descriptions whose possible lengths admit ten digits are kept. A self-check at
first use compares the two paths on sample numbers and turns the fast path off if
they ever disagree (a future phonenumbers release that changes these rules).

Everything that is not one of the fast shapes (other regions, extensions, letters,
seven-digit local numbers, Unicode digits...) goes through `phone_to_e164` unchanged;
`tests/formats/test_phone_fast_path.py` checks both paths agree on generated input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from coordinator.services.validation import DEFAULT_REGION, phone_to_e164

# Optional "+1"/"1" then a ten-digit number whose area code and exchange are written
# with the usual separators. ASCII digits only: `\d` would accept other scripts' digits.
_NANP_SHAPE = re.compile(
    r"(?:\+?1[ .-]?)?(?:\(([2-9][0-9]{2})\)|([2-9][0-9]{2}))[ .-]?([0-9]{3})[ .-]?([0-9]{4})",
    re.ASCII,
)
_NSN_LENGTH = 10
# Numbers whose answer the self-check compares (valid, invalid, other regions).
_SELF_CHECK = ("(214) 555-0134", "+1 212 736 5000", "416-555-0134", "(268) 464-1234",
               "876-555-0100", "1-800-555-0199", "(201) 200-0000", "(999) 555-0134",
               "+1 555 555 5555", "787.555.0134", "(684) 733-1234", "12125551234",
               "(234) 911-5678", "+1 (340) 642-1234", "664-491-2345", "(310) 112-3456",
               "(268) 011-1234", "(876) 100-0000", "(787) 100-0000", "(416) 100-0000")

NsnCheck = Callable[[str], bool]
# A back reference (\\1, (?P=name)) would change meaning once patterns are joined.
_GROUP_REFERENCE = re.compile(r"\\[1-9]|\(\?P=")


def _desc_check(desc: object) -> re.Pattern[str] | bool | None:
    """The compiled pattern of a number description for a ten-digit number; False when
    the description can never match ten digits (absent, other lengths, no pattern)."""
    if desc is None:
        return False
    lengths = desc.possible_length  # type: ignore[attr-defined]
    if len(lengths) > 0 and _NSN_LENGTH not in lengths:
        return False
    pattern = desc.national_number_pattern  # type: ignore[attr-defined]
    if pattern is None or len(pattern) == 0:
        return False
    return re.compile(pattern)


_TYPE_DESCS = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager",
               "uan", "voicemail", "fixed_line", "mobile")


def _any_type_check(metadata: object) -> Callable[[str], object]:
    """`_number_type_helper(nsn, metadata) != UNKNOWN` for ten-digit `nsn` (truthy or
    not): the general description matches and at least one of the number types does."""
    general = _desc_check(metadata.general_desc)  # type: ignore[attr-defined]
    if not isinstance(general, re.Pattern):
        return lambda nsn: False
    types = [p for p in (_desc_check(getattr(metadata, name)) for name in _TYPE_DESCS)
             if isinstance(p, re.Pattern)]
    if not types:
        return lambda nsn: False
    if any(_GROUP_REFERENCE.search(p.pattern) for p in (general, *types)):  # pragma: no cover
        general_match, type_matches = general.fullmatch, tuple(p.fullmatch for p in types)

        def check_each(nsn: str) -> bool:
            return general_match(nsn) is not None and any(
                m(nsn) is not None for m in type_matches)

        return check_each
    # One pattern, one call: the lookahead asks the general description to match all of
    # `nsn`, and an alternation full-matches exactly when one of its branches does (the
    # engine backtracks into the next branch when one cannot reach the end).
    either = "|".join(f"(?:{p.pattern})" for p in types)
    return re.compile(f"(?=(?:{general.pattern})\\Z)(?:{either})").fullmatch


@lru_cache(maxsize=1)
def _nanp_validator() -> NsnCheck | None:
    """`is_valid_number` for country code 1 and a ten-digit national number, built from
    phonenumbers' metadata; None when the data is not what this code expects."""
    try:
        from phonenumbers import COUNTRY_CODE_TO_REGION_CODE
        from phonenumbers.phonemetadata import PhoneMetadata

        regions = []
        for region in COUNTRY_CODE_TO_REGION_CODE[1]:
            metadata = PhoneMetadata.metadata_for_region(region.upper(), None)
            if metadata is None:
                continue
            leading = (re.compile(metadata.leading_digits).match
                       if metadata.leading_digits is not None else None)
            regions.append((leading, _any_type_check(metadata)))
        home = PhoneMetadata.metadata_for_region(DEFAULT_REGION, None)
        if home is None or home.country_code != 1:
            return None
    except Exception:  # any surprise in the data means "no fast path"
        return None

    def valid(nsn: str) -> bool:
        # region_code_for_number: the first region whose leading digits match, or
        # (without leading digits) for which the number has a type; then validity is
        # "has a type" in that region.
        for leading, any_type in regions:
            if leading is not None:
                if leading(nsn):
                    return bool(any_type(nsn))
            elif any_type(nsn):
                return True
        return False

    return valid


def nanp_fast(text: str) -> str | bool | None:
    """E.164 (or None when invalid) for one of the fast NANP shapes; False when `text`
    is not one of them (or the fast path is off) and must go through phonenumbers."""
    m = _NANP_SHAPE.fullmatch(text)
    if m is None:
        return False
    valid = _checked_validator()
    if valid is None:
        return False
    bracketed, area, exchange, line = m.groups()
    nsn = (bracketed or area) + exchange + line
    return "+1" + nsn if valid(nsn) else None


@lru_cache(maxsize=1)
def _checked_validator() -> NsnCheck | None:
    """The NANP validator, once it has given phonenumbers' answers on sample numbers."""
    valid = _nanp_validator()
    if valid is None:
        return None
    for text in _SELF_CHECK:
        m = _NANP_SHAPE.fullmatch(text)
        if m is None:  # pragma: no cover - the samples are all fast shapes
            return None
        nsn = (m.group(1) or m.group(2)) + m.group(3) + m.group(4)
        if ("+1" + nsn if valid(nsn) else None) != phone_to_e164(text):
            return None
    return valid


def e164(raw: str, region: str = DEFAULT_REGION) -> str | None:
    """Same answer as `validation.phone_to_e164(raw, region)`, faster for NANP shapes."""
    if region == DEFAULT_REGION:
        fast = nanp_fast(raw.strip())
        if fast is not False:
            return fast  # type: ignore[return-value]
    return phone_to_e164(raw, region)
