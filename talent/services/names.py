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
* :func:`name_decorations_split`: what people add to their name on LinkedIn and in
  resumes (pronouns, credentials, honorifics, emoji, letters in "fancy" fonts) taken
  apart from the name.
* :func:`is_group_author`: a corporate or group author ("OpenAI", "Gemini Team") that is
  kept on a publication but never becomes a candidate.
* :func:`name_is_distinctive`: whether a name is rare enough to count as evidence in
  identity resolution, together with a shared research topic.

Folding is NFKC first (``"𝐉𝐨𝐡𝐧"``, full-width ``"Ｊｏｈｎ"`` and ``"John"`` fold alike), then
case-folding and accent stripping.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from functools import lru_cache
from importlib import resources

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
    """Case-fold ``text`` and strip accents (``"Jürgen Müller"`` -> ``"jurgen muller"``).

    NFKC comes first, so compatibility letters fold like the plain ones: mathematical
    alphanumerics (``"𝐉𝐮̈𝐫𝐠𝐞𝐧"``), full-width forms (``"Ｊｕｒｇｅｎ"``) and ligatures.
    """
    text = unicodedata.normalize("NFKC", text or "").casefold().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
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


# --- decorations: what people add to a name on LinkedIn and in resumes ------------------

_PRONOUN_WORDS = (r"she|her|hers|he|him|his|they|them|theirs|ze|zir|hir|xe|xem|xyr|ey|em|any|all|"
                  r"elle|ella|sie|ihr|er|ihm|il|lui")
# "(she/her)", "[he/him/his]", "(they/them)", "she/her" anywhere in the name.
_PRONOUNS_RE = re.compile(
    rf"[(\[{{]\s*(?:pronouns?\s*:?\s*)?(?:{_PRONOUN_WORDS})(?:\s*/\s*(?:{_PRONOUN_WORDS}))+\s*[)\]}}]"
    rf"|(?<![\w/])(?:{_PRONOUN_WORDS})(?:\s*/\s*(?:{_PRONOUN_WORDS}))+(?![\w/])",
    re.IGNORECASE,
)
# Titles written before a name.
_HONORIFIC_RE = re.compile(r"^(?:(?:dr|prof|professor|mr|mrs|ms|miss|mx|sir|dame|herr|frau|ir|eng)\.?\s+)+",
                           re.IGNORECASE)
# Post-nominal letters: degrees, professional certifications, fellowships (compared folded,
# without periods or hyphens). "Jr", "Sr", "II", "III" are part of the name and stay.
_CREDENTIALS = frozenset("""
phd dphil md do jd llm llb mba emba mpa mph msc ms ma meng mfa mres mphil bsc bs ba beng bba bcom
cfa cfp cpa ca acca cima cma frm caia cfe cia cisa cism cissp ccna ccnp ccie pmp prince2 csm cspo capm
pe peng ceng eit esq rn np pharmd dds dmd dvm psyd edd lcsw shrmcp shrmscp phr sphr gphr cipp cippe
frsa frs freng fieee frcp mrcp facs faaas fellow cqf cips cdmp ccxp pcc acc mcc itil sixsigma
""".split())
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v"})
_HEADLINE_RE = re.compile(r"\s+[|｜•·]\s+.*$")


def _is_decoration_char(ch: str) -> bool:
    """Emoji, pictographs and marks such as ® ™ ©: symbols that are not part of any name."""
    if ch in "\u200d\u20e3" or "\ufe00" <= ch <= "\ufe0f" or "\U000e0000" <= ch <= "\U000e01ef":
        return True
    return unicodedata.category(ch) in ("So", "Sk", "Cs", "Co")


def _credential_key(word: str) -> str:
    return re.sub(r"[.\-\s]", "", fold(word))


def _is_credential_part(part: str) -> bool:
    words = part.split()
    return bool(words) and all(_credential_key(w) in _CREDENTIALS for w in words)


def name_decorations_split(raw: str | None) -> tuple[str, dict[str, str]]:
    """Split a name as people write it on LinkedIn or in a resume into the name and its decorations.

    Returns ``(name, decorations)``: ``name`` is NFKC-normalised (letters in mathematical
    or full-width "fonts" become plain letters) and cleaned of

    * ``pronouns``: ``"(she/her)"``, ``"[he/him]"``, ``"they/them"``;
    * ``symbols``: emoji, pictographs and marks such as ``®``/``™`` (Unicode categories So
      and Sk, joiners and variation selectors);
    * ``honorifics``: ``"Dr."``, ``"Prof."``, ``"Mr"`` ... written before the name;
    * ``credentials``: post-nominals after a comma (``", CFP"``, ``", PhD, MBA"``) or known
      ones at the end (``"Jane Doe PhD"``); ``Jr.``/``III`` are part of the name and stay;
    * ``headline``: what follows a spaced ``" | "`` (``"Jane Doe | Hiring"``).

    ``decorations`` maps those keys to the text removed (only keys that had something).
    The name's script, case, accents and word order are kept; nothing else is split.
    Rule source: LinkedIn's own display-name guidance (pronouns and credentials are
    separate profile fields; a name field holds the name) and what real exports contain.
    """
    text = unicodedata.normalize("NFKC", raw or "")
    found: dict[str, list[str]] = {}
    symbols = [ch for ch in text if _is_decoration_char(ch)]
    if symbols:
        found.setdefault("symbols", []).append("".join(symbols))
        text = "".join(" " if _is_decoration_char(ch) else ch for ch in text)
    for match in _PRONOUNS_RE.finditer(text):
        found.setdefault("pronouns", []).append(match.group(0).strip("()[]{} "))
    text = _PRONOUNS_RE.sub(" ", text)
    text = re.sub(r"[(\[{]\s*[)\]}]", " ", text)  # brackets left empty
    headline = _HEADLINE_RE.search(text)
    if headline:
        found.setdefault("headline", []).append(headline.group(0).strip(" |｜•·"))
        text = text[:headline.start()]
    text = _SPACE_RE.sub(" ", text).strip(" ,;-–—")
    honorific = _HONORIFIC_RE.match(text)
    if honorific and text[honorific.end():].strip():
        found.setdefault("honorifics", []).append(honorific.group(0).strip())
        text = text[honorific.end():]
    parts = [p.strip() for p in text.split(",")]
    while len(parts) > 1 and (_is_credential_part(parts[-1]) or not parts[-1]):
        if parts[-1]:
            found.setdefault("credentials", []).insert(0, parts[-1])
        parts.pop()
    text = ", ".join(parts)
    words = text.split()
    while len(words) > 1 and _credential_key(words[-1]) in _CREDENTIALS and _credential_key(words[-1]) not in _NAME_SUFFIXES \
            and (words[-1] != words[-1].lower()):
        found.setdefault("credentials", []).insert(0, words.pop())
    name = _SPACE_RE.sub(" ", " ".join(words)).strip(" ,;-–—")
    return name, {key: ", ".join(values) for key, values in found.items()}


# --- group authors -------------------------------------------------------------------------

#: Words that make an author a group wherever they stand (whole words, folded).
GROUP_WORDS = frozenset({
    "team", "teams", "collaboration", "consortium", "committee", "contributors", "authors", "developers", "inc",
    "ltd", "llc", "corp", "corporation", "taskforce", "alliance", "et al",
})
#: Words that make an author a group when they end its name or are followed by at most
#: three words ("Allen Institute for AI", "Stanford University"); a longer tail is a
#: person's name glued to an affiliation in a messy file ("University of California
#: Moritz Hardt"), which stays a person.
ORGANISATION_WORDS = frozenset({
    "university", "institute", "laboratory", "laboratories", "lab", "labs", "department", "foundation", "society",
    "association", "council", "agency", "ministry", "centre", "center", "network", "group", "project", "community",
    "initiative", "organization", "organisation", "company", "academy",
})


@lru_cache(maxsize=65_536)
def is_group_author(name: str, *, brace_protected: bool = False) -> bool:
    """Tell whether an author name is a corporate or group author, not a person.

    Rule (documented in ``talent/importers/README.md``): a group author is kept as written
    on its publication (``Publication.group_authors``) and never becomes a candidate. A
    name is a group when

    * it contains a group word (:data:`GROUP_WORDS`: "Team", "Collaboration",
      "Consortium", "Inc."), e.g. ``"Gemini Team"``, ``"BIG-bench collaboration"``;
    * an organisation word (:data:`ORGANISATION_WORDS`: "University", "Institute",
      "Lab"...) is followed by at most three words (``"Allen Institute for AI"``);
    * it is a known organisation (``talent/data/affiliation_aliases.csv``: ``"OpenAI"``,
      ``"FAIR"``, ``"DeepMind"``) of at most three words; or
    * ``brace_protected``: BibTeX wrote it as one braced token of several words
      (``{Open X-Embodiment Collaboration}``; braces are how BibTeX keeps a corporate name
      from being split into first and last names).

    A one-word name that is no known organisation ("Mausam") is a person, and so is a
    person's name glued to an affiliation ("University of California Moritz Hardt").
    """
    words = name_words(name)
    if not words:
        return False
    if any(w in GROUP_WORDS for w in words) or " ".join(words[-2:]) == "et al":
        return True
    last_org = max((i for i, w in enumerate(words) if w in ORGANISATION_WORDS), default=-1)
    if last_org >= 0 and len(words) - 1 - last_org <= 3:
        return True
    if brace_protected and len(words) > 1:
        return True
    if len(words) <= 3 and not re.search(r"[.,]", name):
        from talent.affiliations import canonical_org

        return canonical_org(name) is not None
    return False


# --- distinctive names -----------------------------------------------------------------


_EAST_ASIAN = ("Chinese", "Cantonese", "Taiwanese", "Korean", "Vietnamese", "Japanese")


@lru_cache(maxsize=1)
def _surname_table() -> tuple[frozenset[str], frozenset[str]]:
    """``(all surnames, East Asian surnames)`` of ``talent/data/common_surnames.csv``, folded.

    One-word surnames are folded words (``"muller"``); longer ones keep their spaces
    (``"van den berg"``).
    """
    text = resources.files("talent").joinpath("data", "common_surnames.csv").read_text(encoding="utf-8")
    rows = [row for row in csv.DictReader(io.StringIO(text)) if row["surname"].strip()]
    every = frozenset(comparable_name(row["surname"]) for row in rows)
    east = frozenset(comparable_name(row["surname"]) for row in rows if any(o in row["origin"] for o in _EAST_ASIAN))
    return every, east


def common_surnames() -> frozenset[str]:
    """The surnames of ``talent/data/common_surnames.csv`` (frequent worldwide), folded."""
    return _surname_table()[0]


@lru_cache(maxsize=65_536)
def name_is_distinctive(name: str) -> bool:
    """Tell whether ``name`` is rare enough that two records of it in one field are likely one person.

    Rule: at least two words, the first of at least two letters (not an initial), at least
    eight letters in all; the last word (the family name, given-name-first) is not a
    frequent surname, nor is the first word a frequent East Asian surname (those names
    are often written family name first); not a multi-word frequent surname at the end;
    not a name only in CJK script (two or three characters are shared by many). The
    surnames are ``talent/data/common_surnames.csv``, compiled from public surname
    rankings (US census, China's Ministry of Public Security, Korea, Japan, Vietnam,
    India, Europe). So ``"Diederik P. Kingma"``, ``"Rémi Munos"``, ``"Jürgen Schmidhuber"``
    and ``"Ali Jadbabaie"`` are distinctive; ``"Xi Chen"``, ``"Wei Wang"``, ``"Zhang
    Ruimao"``, ``"John Smith"``, ``"Kaiming He"``, ``"Tim de Vries"`` and ``"D. Kingma"``
    are not. Identity resolution uses it only together with a shared research topic
    (:mod:`talent.services.dedup`).
    """
    if has_cjk(name) and not has_latin(name):
        return False
    words = name_words(name)
    if len(words) < 2 or len(words[0]) < 2 or sum(len(w) for w in words) < 8:
        return False
    every, east = _surname_table()
    if words[-1] in every or words[0] in east:
        return False
    folded = " ".join(words)
    return not any(" " in s and folded.endswith(" " + s) for s in every)


def names_differ_by_middle_names(a: str, b: str) -> bool:
    """Tell whether two names are one with middle names or initials left out of the other.

    Same first and last word, every word of the shorter inside the longer, and the words
    left out are initials or the shorter name is distinctive (:func:`name_is_distinctive`):
    ``"Hung Bui"`` / ``"Hung H Bui"``, ``"Ananda Suresh"`` / ``"Ananda Theertha Suresh"``;
    not ``"Wei Wang"`` / ``"Wei Zhang Wang"``. Equal names are not (see :func:`name_key`).
    """
    wa, wb = name_words(a), name_words(b)
    if len(wa) == len(wb) or min(len(wa), len(wb)) < 2:
        return False
    short, long_ = (wa, wb) if len(wa) < len(wb) else (wb, wa)
    if not (short[0] == long_[0] and short[-1] == long_[-1] and set(short) <= set(long_)):
        return False
    extra = [w for w in long_[1:-1] if w not in short]
    return all(len(w) == 1 for w in extra) or name_is_distinctive(" ".join(short))
