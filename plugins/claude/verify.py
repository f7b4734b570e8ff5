"""Checking that a value the model extracted is really in the material.

A value counts as found when its text (compared without case, with runs of white space,
quotes and dashes made uniform) appears in the document it was taken from. Numbers may be
written with thousands separators; dates as ``2023-05-04`` or with the month's name.
Booleans cannot be quoted and are taken as they are.
"""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": "-", "\u00a0": " "})  # fmt: skip
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")  # fmt: skip
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return " ".join(text.split())


class SourceText:
    """One document's text, normalised once, to look values up in."""

    def __init__(self, text: str) -> None:
        self.text = normalise(text)

    def has_text(self, value: str) -> bool:
        wanted = normalise(value)
        return bool(wanted) and wanted in self.text

    def has_number(self, value: float) -> bool:
        forms = {str(value)}
        if float(value).is_integer():
            whole = int(value)
            forms |= {str(whole), f"{whole:,}", f"{whole:,}".replace(",", " "),
                      f"{whole:,}".replace(",", ".")}  # fmt: skip
        return any(self._has_number_form(form) for form in forms)

    def _has_number_form(self, form: str) -> bool:
        # A number is found only as a whole number: 0 is not in 2022, nor 1.5 in 11.55.
        pattern = rf"(?<!\d)(?<!\d[.,]){re.escape(normalise(form))}(?![\d]|[.,]\d)"
        return re.search(pattern, self.text) is not None

    def has_date(self, value: str) -> bool:
        if self.has_text(value):
            return True
        match = _ISO_DATE.match(value)
        if not match:
            return False
        year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
        if not 1 <= month <= 12 or year not in self.text:
            return False
        name = MONTHS[month - 1]
        return any(
            re.search(pattern, self.text)
            for pattern in (
                rf"\b0?{day}(st|nd|rd|th)?\.? (of )?{name[:3]}[a-z]*\.?,? {year}",
                rf"\b{name[:3]}[a-z]*\.? 0?{day}(st|nd|rd|th)?,? {year}",
                rf"\b0?{day}[./]0?{month}[./]{year}",
            )
        )
