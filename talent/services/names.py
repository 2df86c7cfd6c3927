"""Person names: normalisation keys for matching, and the script a name is written in.

Names are never split into first and last name for storage (design.md, "Language"):
``Candidate.full_name`` keeps the name as written and ``Candidate.native_name`` the name
in the person's own script. The keys below exist only to *compare* names:

* :func:`name_key`: case-folded, accents stripped, spaces and punctuation removed
  (``"Hervé Jégou"``, ``"HERVE JEGOU"`` and ``"Herve  Jegou"`` give ``"hervejegou"``;
  ``"Filip De Turck"`` and ``"Filip DeTurck"`` give ``"filipdeturck"``). Two names with
  the same key differ only in case, accents or spacing. Used as the blocking key of
  identity resolution (:mod:`talent.services.dedup`).
* :func:`name_ends_key`: the first and last word of the normalised name, sorted, so that
  a dropped middle initial (``"Christoph H. Lampert"`` / ``"Christoph Lampert"``) or a
  swapped family-name order (``"Wang Wei"`` / ``"Wei Wang"``) fall into one block,
  where names are then compared fuzzily.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACE_RE = re.compile(r"\s+")
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
# CJK Unified Ideographs (+ extension A, compatibility), Hiragana/Katakana, Hangul.
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
# "Nana Ouyang (欧阳娜娜)" or "Nana Ouyang 欧阳娜娜": a Latin name followed by a native one.
_MIXED_RE = re.compile(r"^(?P<latin>[^\u3400-\u9fff\uf900-\ufaff]+?)\s*[(（]?\s*(?P<native>[\u3400-\u9fff\uf900-\ufaff·・\s]+)\s*[)）]?$")

# Letters that NFKD does not decompose into a base letter plus an accent.
_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th"})


def clean_name(raw: str | None) -> str:
    """Return ``raw`` with surrounding spaces removed and inner runs of whitespace collapsed.

    Case, accents and word order are kept exactly as written.
    """
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFC", raw or "")).strip()


@lru_cache(maxsize=131_072)  # an import folds each name several times; 28k rows have 12.5k names
def fold(text: str) -> str:
    """Case-fold ``text`` and strip accents (``"Jürgen Müller"`` -> ``"jurgen muller"``)."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold().translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_FOLD)


def name_words(name: str) -> list[str]:
    """Return the folded words of ``name`` (punctuation dropped), in written order."""
    return _WORD_RE.findall(fold(name))


@lru_cache(maxsize=131_072)
def name_key(name: str) -> str:
    """Return the blocking key of ``name``: folded, without spaces or punctuation.

    Returns ``""`` for a name without letters or digits.
    """
    return "".join(name_words(name))[:200]


def name_ends_key(name: str) -> str:
    """Return the first and last folded word of ``name``, sorted and joined by ``|``.

    A one-word name (``"欧阳娜娜"``) gives that word. Returns ``""`` for an empty name.
    """
    words = name_words(name)
    if not words:
        return ""
    if len(words) == 1:
        return words[0][:200]
    return "|".join(sorted((words[0], words[-1])))[:200]


def comparable_name(name: str) -> str:
    """Return the folded words of ``name`` joined by single spaces, for fuzzy comparison."""
    return " ".join(name_words(name))


def has_cjk(text: str) -> bool:
    """Tell whether ``text`` contains a Chinese, Japanese or Korean character."""
    return bool(_CJK_RE.search(text or ""))


def has_latin(text: str) -> bool:
    """Tell whether ``text`` contains a Latin letter (with or without accents)."""
    return bool(_LATIN_RE.search(text or ""))


def split_name_scripts(raw: str, native: str = "") -> tuple[str, str]:
    """Return ``(full_name, native_name)`` for a name found in a file.

    * a Latin name stays in ``full_name``; ``native`` (if given) goes to ``native_name``;
    * ``"Nana Ouyang (欧阳娜娜)"`` gives ``("Nana Ouyang", "欧阳娜娜")``;
    * a name only in Chinese script (``"欧阳娜娜"``) fills both fields, because
      ``full_name`` is required and there is no reliable romanisation of a surname
      (欧阳 is Ouyang, but 单 is Shan as a surname and Dan otherwise).

    Nothing is split on whitespace; order and spelling are kept as written.
    """
    raw = clean_name(raw)
    native = clean_name(native)
    if has_cjk(raw) and has_latin(raw):
        match = _MIXED_RE.match(raw)
        if match:
            return clean_name(match["latin"]).rstrip(" ,-"), native or clean_name(match["native"]).replace(" ", "")
        return raw, native
    if has_cjk(raw) and not has_latin(raw):
        return raw, native or raw
    return raw, native


def join_given_family(given: str, family: str) -> str:
    """Join a given and a family name the way the person's script writes them.

    Chinese, Japanese and Korean names are family name first without a space
    (``("小明", "王")`` -> ``"王小明"``); other names are ``"given family"``
    (``("Jürgen", "Müller")`` -> ``"Jürgen Müller"``).
    """
    given, family = clean_name(given), clean_name(family)
    if has_cjk(given + family) and not has_latin(given + family):
        return f"{family}{given}"
    return clean_name(f"{given} {family}")
