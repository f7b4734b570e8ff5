"""Recognising what a written value is (a year, a date, a URL…) and converting it to the value
shape ``domain.content`` documents for a field type."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable

import attrs

from domain.schema import Field, FieldType

_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
_URL = re.compile(r"^(?:https?://|www\.)[^\s<>\"]+$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
# A relative reference to an image among the uploads ("cover: images/hero.jpg").
_IMAGE_NAME = re.compile(r"^(?![a-z][a-z0-9+.\-]*:)[^\s,]+\.(?:jpe?g|png|gif|webp|avif|svg)$", re.I)
# No leading zeros: "0301 234567" is a phone number and "007" an identifier, not numbers.
_NUMBER = re.compile(r"^-?(?:0|[1-9]\d*)(?:\.\d+)?$")
_THOUSANDS = re.compile(r"^-?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$")
_PHONE = re.compile(r"^\+?[\d\s().\-/]+$")
_YEAR_RANGE = re.compile(r"^\d{4}\s*[-\u2013]\s*\d{4}$")
_PHONE_DIGITS = (7, 15)
_MULTI_DIGIT = re.compile(r"\d{2}")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan", "januar", "janvier", "enero", "gennaio"),
         ("february", "feb", "februar", "fevrier", "febrero", "febbraio"),
         ("march", "mar", "marz", "mars", "marzo"),
         ("april", "apr", "avril", "abril", "aprile"),
         ("may", "mai", "mayo", "maggio"),
         ("june", "jun", "juni", "juin", "junio", "giugno"),
         ("july", "jul", "juli", "juillet", "julio", "luglio"),
         ("august", "aug", "aout", "agosto"),
         ("september", "sep", "sept", "septembre", "septiembre", "settembre"),
         ("october", "oct", "okt", "oktober", "octobre", "octubre", "ottobre"),
         ("november", "nov", "novembre", "noviembre"),
         ("december", "dec", "dez", "dezember", "decembre", "diciembre", "dicembre")],
        start=1,
    )
    for name in names
}  # fmt: skip
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\.?\s+([A-Za-zéûä]+)\.?,?\s+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-zéûä]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Za-zéûä]+)\.?\s+(\d{4})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})([./])(\d{1,2})\2(\d{4})$")
# Prices: a currency sign or code before or after an amount ("€18", "NOK 185", "85 EUR").
_CURRENCY = r"(?:[€$£¥]|EUR|USD|GBP|NOK|SEK|DKK|CHF|JPY|CAD|AUD|kr\.?|Fr\.)"
_AMOUNT = r"\d[\d\s.,']*(?:[.,]-|[.,]\d{1,2})?"
_PRICE = re.compile(rf"^(?:{_CURRENCY}\s?{_AMOUNT}|{_AMOUNT}\s?{_CURRENCY})$", re.IGNORECASE)
# Durations: "1 h 30 min", "2 days", "40 minutes", "1:30 h".
_DURATION = re.compile(
    r"^(?:\d+(?:[.,]\d+)?\s*(?:s|sec|seconds?|m|min|mins|minutes?|h|hrs?|hours?|d|days?|"
    r"weeks?|months?|years?)\b\s*)+$",
    re.IGNORECASE,
)
# A type most of a field's values share is the field's type when at least this share of them
# has it; the others are kept as text and reported rather than turning the field into text.
_MAJORITY = 2 / 3
_TAG_MAX_CHARS = 40
_TAG_MAX_WORDS = 4
# Longer than a line in a form: offered as a multi-line field.
_TEXTAREA_FROM = 80

_STRICT_TYPES = frozenset(
    {FieldType.NUMBER, FieldType.DATE, FieldType.DATETIME, FieldType.URL, FieldType.EMAIL}
)
_TEXT_TYPES = frozenset(
    {FieldType.TEXT, FieldType.TEXTAREA, FieldType.RICHTEXT, FieldType.MARKDOWN, FieldType.CODE}
)
_LIST_TYPES = frozenset({FieldType.TAGS, FieldType.LIST})
_CHOICE_LIST_TYPES = frozenset({FieldType.MULTISELECT, FieldType.CHECKBOXES})
_SINGLE_FILE_TYPES = frozenset({FieldType.IMAGE, FieldType.FILE})
_MULTI_FILE_TYPES = frozenset({FieldType.GALLERY, FieldType.FILES})


def classify(value: object) -> FieldType | None:
    """The field type one value suggests, or None when it cannot fill a simple field."""
    if isinstance(value, bool):
        return FieldType.BOOLEAN
    if isinstance(value, int | float):
        return FieldType.NUMBER
    if isinstance(value, list):
        if value and all(isinstance(v, str) and _IMAGE_NAME.match(v.strip()) for v in value):
            return FieldType.GALLERY
        scalars = all(isinstance(v, str | int | float) for v in value)
        return FieldType.TAGS if value and scalars else None
    if not isinstance(value, str) or not value.strip():
        return None
    return _classify_text(value.strip())


def _classify_text(text: str) -> FieldType:
    if _PRICE.match(text) or _DURATION.match(text):
        return FieldType.TEXT  # recognised, and kept as written: no field type holds a unit
    if written_date(text) is not None:
        return FieldType.DATE
    if _EMAIL.match(text):
        return FieldType.EMAIL
    if _URL.match(text):
        return FieldType.URL
    if _DATETIME.match(text) and _valid_date(text[:10]):
        return FieldType.DATETIME
    if _DATE.match(text) and _valid_date(text):
        return FieldType.DATE
    if _COLOR.match(text):
        return FieldType.COLOR
    if _IMAGE_NAME.match(text):
        return FieldType.IMAGE
    if _NUMBER.match(text) or _THOUSANDS.match(text):
        return FieldType.NUMBER
    if _is_phone(text):
        return FieldType.TEL
    if _is_tag_list(text):
        return FieldType.TAGS
    if len(text) > _TEXTAREA_FROM or "\n" in text:
        return FieldType.TEXTAREA
    return FieldType.TEXT


def combine(types: Iterable[FieldType]) -> FieldType:
    """One field type for all the values seen for a key.

    Agreeing values keep their type; short text mixed with lists is a tag list (one tag
    written alone), one image mixed with several is a gallery; anything else falls back to
    the text type that can hold every value.
    """
    seen = list(types)
    kinds = set(seen)
    if len(kinds) == 1:
        return kinds.pop()
    counts = Counter(seen)
    common, count = counts.most_common(1)[0]
    # "Year: 2021 / 2023 / soon": a number field, with "soon" kept as text and reported.
    if count >= 2 and count / len(seen) >= _MAJORITY and common in _STRICT_TYPES:
        return common
    if kinds <= {FieldType.TEXT, FieldType.TAGS}:
        return FieldType.TAGS
    if kinds <= {FieldType.IMAGE, FieldType.GALLERY}:
        return FieldType.GALLERY
    if FieldType.TEXTAREA in kinds:
        return FieldType.TEXTAREA
    return FieldType.TEXT


def convert(value: object, field: Field) -> object | None:
    """``value`` in the shape ``field.type`` stores, or None when it does not fit the type."""
    kind = field.type
    if kind in _TEXT_TYPES:
        return as_text(value)
    if kind in _LIST_TYPES:
        return split_list(value) or None
    if kind in _SINGLE_FILE_TYPES:
        files = split_list(value)
        return files[0] if files else None
    if kind in _MULTI_FILE_TYPES:
        return split_list(value) or None
    if kind is FieldType.JSON:
        return value
    if kind in {FieldType.SELECT, FieldType.RADIO}:
        text = as_text(value)
        return _choice(field, text) if text is not None else None
    if kind in _CHOICE_LIST_TYPES:
        chosen = [c for c in (_choice(field, v) for v in split_list(value)) if c is not None]
        return chosen or None
    text = as_text(value) if not isinstance(value, bool | int | float) else None
    return _convert_scalar(kind, value, text)


def _convert_scalar(kind: FieldType, value: object, text: str | None) -> object | None:
    if kind in {FieldType.NUMBER, FieldType.RANGE}:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        return parse_number(text) if text is not None else None
    if kind is FieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        lowered = (text or "").lower()
        return {"true": True, "yes": True, "false": False, "no": False}.get(lowered)
    if text is None:
        return None
    return _convert_text_shaped(kind, text)


def _convert_text_shaped(kind: FieldType, text: str) -> object | None:
    if kind is FieldType.URL:
        if not _URL.match(text):
            return None
        return text if "://" in text else f"https://{text}"
    if kind is FieldType.EMAIL:
        return text if _EMAIL.match(text) else None
    if kind is FieldType.TEL:
        return text if _is_phone(text) or _NUMBER.match(text) else None
    if kind is FieldType.COLOR:
        return _hex_colour(text) if _COLOR.match(text) else None
    if kind is FieldType.DATE:
        parsed = written_date(text)
        return parsed.iso if parsed is not None else None
    if kind is FieldType.DATETIME:
        match = _DATETIME.match(text)
        if match is None or not _valid_date(match.group(1)):
            return None
        return f"{match.group(1)} {match.group(2)}:{match.group(3)}:{match.group(4) or '00'}"
    if kind is FieldType.TIME:
        time = _TIME.match(text)
        if time is None or int(time.group(1)) > 23 or int(time.group(2)) > 59:
            return None
        return f"{int(time.group(1)):02d}:{time.group(2)}" + (
            f":{time.group(3)}" if time.group(3) else ""
        )
    return None  # structure, blocks, relations and locations are not written as one line


@attrs.frozen
class WrittenDate:
    """A date as written, as ISO ``YYYY-MM-DD``; ``note`` says what was assumed, if anything."""

    iso: str
    note: str = ""


def written_date(text: str) -> WrittenDate | None:
    """'12 March 2025', 'March 12, 2025', 'March 2025', '2025-03-12', '12/03/2025' as dates."""
    stripped = " ".join(text.split())
    if _DATE.match(stripped):
        return WrittenDate(stripped) if _valid_date(stripped) else None
    for pattern, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy")):
        match = pattern.match(stripped)
        if match is not None:
            day, month = (1, 2) if order == "dmy" else (2, 1)
            number = _MONTHS.get(_month_key(match.group(month)))
            if number is not None:
                return _date(int(match.group(3)), number, int(match.group(day)))
    match = _MONTH_YEAR.match(stripped)
    if match is not None and _month_key(match.group(1)) in _MONTHS:
        found = _date(int(match.group(2)), _MONTHS[_month_key(match.group(1))], 1)
        if found is not None:
            return attrs.evolve(found, note="only the month is written; stored as its first day")
    match = _NUMERIC_DATE.match(stripped)
    if match is not None:
        first, second, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
        if first > 12 >= second:
            return _date(year, second, first)
        if second > 12 >= first:
            found = _date(year, first, second)
            return attrs.evolve(found, note="read as month/day") if found else None
        found = _date(year, second, first)
        if found is not None and first != second:
            return attrs.evolve(
                found,
                note=f"ambiguous: read as day {first}, month {second}"
                f" (it could be {dt.date(year, first, second).isoformat()})",
            )
        return found
    return None


def _month_key(word: str) -> str:
    folded = word.lower().replace("é", "e").replace("û", "u").replace("ä", "a")
    return folded.rstrip(".")


def _date(year: int, month: int, day: int) -> WrittenDate | None:
    try:
        return WrittenDate(dt.date(year, month, day).isoformat())
    except ValueError:
        return None


@attrs.frozen
class Converted:
    """A converted value (None when it does not fit) and, when it is not stored as written,
    why (``note``)."""

    value: object | None
    note: str = ""


def convert_noted(value: object, field: Field) -> Converted:
    """``convert`` that also says when the stored value differs from the written one."""
    converted = convert(value, field)
    if converted is None or not isinstance(value, str):
        return Converted(converted)
    written = value.strip()
    if field.type is FieldType.DATE:
        parsed = written_date(written)
        note = parsed.note if parsed is not None else ""
        if not note and converted != written:
            note = "a date written in words, stored as YYYY-MM-DD"
        return Converted(converted, note)
    if isinstance(converted, list | bool):
        return Converted(converted)
    if str(converted) != written:
        return Converted(converted, f"stored as {converted!s} for a {field.type.value} field")
    return Converted(converted)


def as_text(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value).strip() or None
    if isinstance(value, list):
        parts = [p for p in (as_text(v) for v in value) if p]
        return ", ".join(parts) or None
    return None


def split_list(value: object) -> list[str]:
    """Comma-separated text or a list, as a list of non-empty strings."""
    if isinstance(value, list):
        return [p for p in (as_text(v) for v in value) if p]
    text = as_text(value)
    if text is None:
        return []
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_number(text: str) -> int | float | None:
    cleaned = text.strip()
    if _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    elif not _NUMBER.match(cleaned):
        return None
    return float(cleaned) if "." in cleaned else int(cleaned)


def _choice(field: Field, text: str) -> str | None:
    wanted = text.casefold()
    for choice in field.options.choices:
        if wanted in (choice.value.casefold(), choice.label.casefold()):
            return choice.value
    return None


def _valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_phone(text: str) -> bool:
    if not _PHONE.match(text) or _YEAR_RANGE.match(text) or _DATE.match(text):
        return False
    digits = sum(ch.isdigit() for ch in text)
    if not _PHONE_DIGITS[0] <= digits <= _PHONE_DIGITS[1]:
        return False
    # A run of bare digits is a number unless written the way phone numbers are.
    return text[0] in "+(0" or re.search(r"\d[\s.\-/]\d", text) is not None


def _is_tag_list(text: str) -> bool:
    parts = [part.strip() for part in text.split(",")]
    return len(parts) >= 2 and all(
        part
        and len(part) <= _TAG_MAX_CHARS
        and len(part.split()) <= _TAG_MAX_WORDS
        and not part.endswith((".", "!", "?"))
        # Street numbers and postcodes: "Main Street 14, 431 34 Town" is an address.
        and not _MULTI_DIGIT.search(part)
        for part in parts
    )


def _hex_colour(text: str) -> str:
    digits = text[1:].lower()
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return f"#{digits}"
