"""Turning people's words into ids and labels: slugs, snake_case, English number, humanising."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

# Letters NFKD does not decompose into an ASCII base letter.
_TRANSLITERATION = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ł": "l",
     "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th"}
)  # fmt: skip
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")

# Words whose singular is the word itself, or that a naive rule would break.
_SAME_IN_BOTH = frozenset({"news", "series", "species", "press", "media", "info", "data", "music"})
_IRREGULAR_SINGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman"}
_IRREGULAR_PLURAL = {v: k for k, v in _IRREGULAR_SINGULAR.items()}


def ascii_fold(text: str) -> str:
    """Lower-case ASCII approximation of ``text`` (accents dropped, ß -> ss)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATION))
    return decomposed.encode("ascii", "ignore").decode("ascii").lower()


def slugify(text: str) -> str:
    """'Café Müller 2' -> 'cafe-muller-2'; may be empty when nothing ASCII is left."""
    return _NOT_ALNUM.sub("-", ascii_fold(text)).strip("-")


def snake_case(text: str) -> str:
    """'Client name' -> 'client_name'; may be empty when nothing ASCII is left."""
    return _NOT_ALNUM.sub("_", ascii_fold(text)).strip("_")


def humanise(text: str) -> str:
    """'client_name' -> 'Client name', 'my-projects' -> 'My projects'; keeps 'URL' as is."""
    words = re.sub(r"[\s_\-]+", " ", text).strip()
    return words[:1].upper() + words[1:]


def source_stem(source: str) -> str:
    """The file name of a source path without its extension ('work/projects.md' -> 'projects')."""
    return PurePosixPath(source.replace("\\", "/")).stem


def singular(word: str) -> str:
    """English singular of the last word of a slug ('case-studies' -> 'case-study')."""
    head, _, last = word.rpartition("-")
    return f"{head}-{_singular_word(last)}" if head else _singular_word(last)


def plural(word: str) -> str:
    """English plural of the last word of a slug ('case-study' -> 'case-studies')."""
    head, _, last = word.rpartition("-")
    return f"{head}-{_plural_word(last)}" if head else _plural_word(last)


def _singular_word(word: str) -> str:
    if word in _SAME_IN_BOTH or len(word) < 3:
        return word
    if word in _IRREGULAR_SINGULAR:
        return _IRREGULAR_SINGULAR[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("s"):
        return word[:-1]
    return word


def _plural_word(word: str) -> str:
    if word in _SAME_IN_BOTH or not word:
        return word
    if word in _IRREGULAR_PLURAL:
        return _IRREGULAR_PLURAL[word]
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"
