"""Affiliations: resolve an affiliation as written to canonical organisation names.

The proceedings file spells one organisation many ways ("DeepMind", "Deepmind",
"Google DeepMind", "DeepMind Technologies"), writes e-mail addresses where an
organisation belongs, and lists two organisations in one field ("Google Brain & UC
Berkeley", "RIKEN / University of Tokyo", "University of Oxford, DeepMind").
:func:`resolve_affiliations` turns such a field into a list of organisation names, using
the alias list ``talent/data/affiliation_aliases.csv`` (``alias,canonical``; written for
this project from the 400 most frequent affiliations of the proceedings file). Pure
Python, no database, cached.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from functools import lru_cache
from importlib import resources

_SPACE_RE = re.compile(r"\s+")
_PARENS_RE = re.compile(r"\s*[(（][^()（）]*[)）]")
_PUNCT_RE = re.compile(r"[^\w\s]+", re.UNICODE)
_EMAIL_RE = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)", re.UNICODE)
_DOMAIN_RE = re.compile(r"(?<![\w@.-])((?:www\.)?[A-Za-z0-9][\w-]*(?:\.[\w-]+)*\.(?:[A-Za-z]{2,6}))(?![\w.-])")
_EDU_DOMAIN_RE = re.compile(r"\.(?:edu|ac|gov)(?:\.[a-z]{2})?$|\.edu\.[a-z]{2}$", re.IGNORECASE)
# Always split on these: they never occur inside one organisation's name.
_HARD_SPLIT_RE = re.compile(r"\s*(?:;|/|\||\s\+\s|\s--\s|\n)\s*")
# Split on these only when every side is a known organisation ("Texas A&M" has no spaces
# around "&"; "Broad Institute of MIT and Harvard" stays whole).
_SOFT_SPLIT_RE = re.compile(r"\s+(?:and|&|-|–|—)\s+|\s{3,}", re.IGNORECASE)
# "Lab @ Host": a unit hosted by an organisation.
_AT_RE = re.compile(r"\s+@\s+")
_EMPTY = frozenset({"", "none", "null", "n a", "na", "unknown", "independent", "-"})
_WORD_EXPANSIONS = {"univ": "university", "inst": "institute", "dept": "department"}
# Parts of a comma list dropped beside a known organisation: places and sub-units.
_PLACES = frozenset({
    "china", "prc", "usa", "us", "u s a", "united states", "united states of america", "uk", "united kingdom",
    "canada", "germany", "france", "japan", "korea", "south korea", "republic of korea", "italy", "switzerland",
    "israel", "india", "singapore", "australia", "netherlands", "the netherlands", "spain", "sweden", "denmark",
    "finland", "norway", "belgium", "austria", "taiwan", "russia", "brazil", "poland", "hong kong", "ireland",
    "zurich", "london", "paris", "beijing", "shanghai", "shenzhen", "hangzhou", "nanjing", "seattle", "redmond",
    "new york", "ny", "ca", "ma", "wa", "boston", "montreal", "toronto", "pittsburgh", "tokyo", "seoul",
    "college park", "madison", "amherst", "austin", "palo alto", "mountain view", "menlo park", "sunnyvale",
    "san francisco", "bay area", "cambridge ma", "tubingen", "tuebingen", "lille", "grenoble", "edmonton",
    "berlin", "munich", "moscow", "amsterdam", "vancouver", "ann arbor", "princeton", "new jersey", "nj", "haifa",
    "jerusalem", "tel aviv", "kyoto", "osaka", "hong kong sar", "macau", "europe", "cambridge uk", "oxford uk",
})
_SUBUNIT_RE = re.compile(
    r"^(?:department|school of|faculty|division|program|programme|graduate school|college of|visiting|visitor|intern)\b"
    r"|\b(?:dept|eecs|ece|csail|bair|mld|computer science|electrical|statistics|mathematics)\b"
    r"|\b(?:sciences|engineering|lab|laboratory|group|team|unit)$"
)
_LEGAL_SUFFIXES = frozenset({"inc", "ltd", "llc", "co", "corp", "corporation", "gmbh", "limited", "plc", "sa", "ag"})


def normalise_org(text: str) -> str:
    """Return the comparison key of an organisation name.

    Case-folded, accents removed ("Université de Montréal" gives "universite de
    montreal"), "&" read as "and", punctuation removed, "univ"/"inst"/"dept" expanded, a
    leading "the" dropped, whitespace collapsed. Two spellings with one key are the same
    organisation; this is a key, never a display name.
    """
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ").replace("ß", "ss")
    text = _PUNCT_RE.sub(" ", text).replace("_", " ")
    words = [_WORD_EXPANSIONS.get(w, w) for w in text.split()]
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    """``{normalise_org(alias or canonical): canonical}`` from ``affiliation_aliases.csv``."""
    text = resources.files("talent").joinpath("data", "affiliation_aliases.csv").read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        canonical = row["canonical"].strip()
        table.setdefault(normalise_org(canonical), canonical)
        table.setdefault(normalise_org(row["alias"]), canonical)
    table.pop("", None)
    return table


def canonical_org(text: str) -> str | None:
    """Return the canonical name of a known organisation spelling, else ``None``."""
    return _aliases().get(normalise_org(text))


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return _SPACE_RE.sub(" ", text).strip().strip("\"'“”‘’,;:").strip()


def _known(text: str) -> str | None:
    """Canonical name of ``text``, also trying it without parenthesised parts."""
    found = canonical_org(text)
    if found is None and "(" in text:
        found = canonical_org(_PARENS_RE.sub("", text))
    return found


def _domain_org(domain: str) -> str | None:
    """Organisation of a known domain or of a known parent domain (``mail.tsinghua.edu.cn``)."""
    labels = domain.lower().removeprefix("www.").split(".")
    for i in range(len(labels) - 1):
        found = canonical_org(".".join(labels[i:]))
        if found:
            return found
    return None


# A resolved piece: (name, is_known).
_Piece = tuple[str, bool]


def _resolve(text: str) -> list[_Piece]:
    text = _clean(text)
    if normalise_org(text) in _EMPTY:
        return []
    known = _known(text)
    if known:
        return [(known, True)]
    # An e-mail address is not an organisation; its domain may name one.
    if _EMAIL_RE.search(text):
        orgs = [(org, True) for org in (_domain_org(m.group(1)) for m in _EMAIL_RE.finditer(text)) if org]
        return orgs + _resolve(_EMAIL_RE.sub(" ", text))
    parts = [p for p in _HARD_SPLIT_RE.split(text) if _clean(p)]
    if len(parts) > 1:
        return [piece for part in parts for piece in _resolve(part)]
    stripped = _PARENS_RE.sub("", text).strip()
    if "," in stripped:
        found = _resolve_comma_list(stripped)
        if any(is_known for _, is_known in found):
            return found
        return [(text, False)]
    if _AT_RE.search(stripped):
        unit, host = _AT_RE.split(stripped, maxsplit=1)
        hosts, units = _resolve(host), _resolve(unit)
        if hosts and all(is_known for _, is_known in hosts):
            return [p for p in units if p[1]] + hosts
    sides = [s for s in _SOFT_SPLIT_RE.split(stripped) if _clean(s)]
    if len(sides) > 1:
        sides = [s for s in sides if normalise_org(s) not in _LEGAL_SUFFIXES] or sides
        resolved = [_resolve(side) for side in sides]
        if all(r and all(is_known for _, is_known in r) for r in resolved):
            return [piece for r in resolved for piece in r]
    domains = list(_DOMAIN_RE.finditer(stripped))
    if domains:
        orgs = [(org, True) for org in (_domain_org(m.group(1)) for m in domains) if org]
        rest = _clean(_DOMAIN_RE.sub(" ", stripped))
        if not rest and not orgs and len(domains) == 1:
            domain = domains[0].group(1)
            # "Covariant.ai", "Gifs.com": a brand written as a domain names a company;
            # a lower-case or academic domain ("layer6.ai", "cs.umd.edu") is an address.
            if domain[:1].isupper() and not domain.lower().startswith("www.") and not _EDU_DOMAIN_RE.search(domain):
                return [(text, False)]
            return []
        return orgs + (_resolve(rest) if rest else [])
    return [(text, False)]


def _resolve_comma_list(text: str) -> list[_Piece]:
    """Resolve "A, B, C": the longest known runs of parts first ("University of
    California, Berkeley"), then each remaining part alone; places, sub-units and legal
    suffixes ("Department of EECS", "China", "Inc.") are dropped when a known
    organisation is present. Order is kept."""
    parts = [_clean(p) for p in text.split(",")]
    parts = [p for p in parts if p]
    found: list[_Piece] = []
    i = 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            name = _known(", ".join(parts[i:j]))
            if name:
                found.append((name, True))
                i = j
                break
        else:
            found.extend(_resolve(parts[i]) if parts[i] != text else [(parts[i], False)])
            i += 1
    if not any(is_known for _, is_known in found):
        return found
    return [(name, is_known) for name, is_known in found if is_known or not _is_qualifier(name)]


def _is_qualifier(name: str) -> bool:
    """True for a comma part that qualifies an organisation rather than naming one."""
    key = normalise_org(name)
    return len(key) <= 2 or key in _PLACES or key in _LEGAL_SUFFIXES or bool(_SUBUNIT_RE.search(key))


@lru_cache(maxsize=65536)
def _resolve_cached(raw: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for name, _ in _resolve(raw):
        key = normalise_org(name)
        if key and key not in {normalise_org(s) for s in seen}:
            seen[name] = None
    return tuple(seen)


def resolve_affiliations(raw: str) -> list[str]:
    """Return the organisations named by an affiliation field, canonical where known.

    Rules:

    * a known spelling gives its canonical name (``"Deepmind"``, ``"Google DeepMind"``
      and ``"deepmind.com"`` give ``"DeepMind"``);
    * an e-mail address or a bare domain is not an organisation: dropped, unless its
      domain is known (``"zqshi@mail.tsinghua.edu.cn"`` gives ``"Tsinghua University"``);
      a brand written as a domain (``"Covariant.ai"``) is kept as a name;
    * ``;``, ``/``, ``|``, `` + `` always separate organisations; "and", "&", "@" and a
      spaced dash separate them only when every side is a known organisation
      (``"Google Brain & UC Berkeley"`` splits, ``"Texas A&M University"`` and
      ``"Broad Institute of MIT and Harvard"`` stay whole); "unit @ host" gives the host
      when the host is known (``"Information Sciences Institute @ USC"``);
    * in a comma list known organisations are taken (longest run first, so
      ``"University of California, Berkeley"`` is one), places and departments beside
      them are dropped, other unknown parts kept;
    * an unknown name is kept as written, whitespace-normalised, never altered otherwise;
    * ``""``, ``"None"`` give ``[]``; duplicates are removed, order kept.
    """
    return list(_resolve_cached(raw or ""))
