"""Countries: a country as people write it -> its ISO 3166-1 alpha-2 code, when unambiguous.

Resumes and spreadsheets write ``"CN"``, ``"USA"``, ``"United States"``, ``"China"``,
``"中国"``, ``"Deutschland"`` or ``"UK"``. :func:`country_code` maps what it can
without guessing, through pycountry (the ISO 3166 tables and their translations, from
Debian's iso-codes project):

1. an alpha-2 or alpha-3 code, or an ISO name (short, official or common), any case;
2. the ISO short name in one of the languages recruiters' files come in (Chinese
   simplified and traditional, Japanese, Korean, German, French, Spanish, Portuguese,
   Italian), from pycountry's translations; a translated name that two countries share
   is not used;
3. a few everyday English names ISO does not list (:data:`EVERYDAY_NAMES`: "UK",
   "England", "Russia", "Turkey", "Holland", "Mainland China"...).

Anything else, including names that stand for two countries ("Korea", "Congo",
"America"), gives ``None``: the caller keeps the text as written
(``Candidate.country_as_written``) and says so.
"""

from __future__ import annotations

import gettext
import re
from functools import lru_cache

#: Everyday names and abbreviations that are not ISO names but name one country.
EVERYDAY_NAMES: dict[str, str] = {
    "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB",
    "u s": "US", "u s a": "US", "united states of america": "US", "the us": "US", "the usa": "US",
    "russia": "RU", "turkey": "TR", "holland": "NL", "the netherlands": "NL", "macau": "MO",
    "mainland china": "CN", "prc": "CN", "p r china": "CN", "p r c": "CN", "people s republic of china": "CN",
    "peoples republic of china": "CN", "china mainland": "CN", "hong kong sar": "HK", "hong kong china": "HK",
    "republic of korea": "KR", "s korea": "KR", "north korea": "KP", "ivory coast": "CI", "czech": "CZ",
    "uae": "AE", "u a e": "AE", "vatican": "VA", "brasil": "BR", "espana": "ES", "italia": "IT",
    "schweiz": "CH", "suisse": "CH", "nederland": "NL", "中国大陆": "CN", "大陆": "CN", "内地": "CN",
    "香港": "HK", "澳门": "MO", "台湾": "TW", "臺灣": "TW", "美国": "US", "英国": "GB", "韩国": "KR", "南韩": "KR",
    "日本": "JP", "新加坡": "SG", "加拿大": "CA", "德国": "DE", "法国": "FR", "澳大利亚": "AU", "瑞士": "CH",
}
#: Names that stand for more than one country: never mapped, however ISO spells them.
AMBIGUOUS_NAMES = frozenset({"korea", "congo", "america", "guinea", "virgin islands", "macedonia"})
_LANGUAGES = ("zh_CN", "zh_TW", "ja", "ko", "de", "fr", "es", "pt", "it")
_PUNCT_RE = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")


def _key(text: str) -> str:
    return _SPACE_RE.sub(" ", _PUNCT_RE.sub(" ", (text or "").casefold())).strip()


@lru_cache(maxsize=1)
def _translated_names() -> dict[str, str]:
    """``{folded translated short name: alpha-2}`` over :data:`_LANGUAGES`; shared names dropped."""
    import pycountry

    table: dict[str, str] = {}
    clashes: set[str] = set()
    for language in _LANGUAGES:
        try:
            translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        except OSError:
            continue
        for country in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                name = getattr(country, attr, None)
                if not name:
                    continue
                key = _key(translation.gettext(name))
                if not key:
                    continue
                if table.get(key, country.alpha_2) != country.alpha_2:
                    clashes.add(key)
                table[key] = country.alpha_2
    for key in clashes:
        table.pop(key, None)
    return table


@lru_cache(maxsize=4096)
def country_code(text: str | None) -> str | None:
    """Return the ISO 3166-1 alpha-2 code ``text`` names unambiguously, else ``None``.

    ``"cn"``, ``"CHN"``, ``"China"``, ``"中国"`` -> ``"CN"``; ``"United States"``, ``"USA"`` ->
    ``"US"``; ``"UK"``, ``"England"`` -> ``"GB"``; ``"Korea"`` (two countries), ``"Remote"``,
    ``""`` -> ``None``. See the module docstring for the sources of each rule.
    """
    import pycountry

    raw = (text or "").strip()
    if not raw:
        return None
    key = _key(raw)
    if key in AMBIGUOUS_NAMES:
        return None
    if key in EVERYDAY_NAMES or raw in EVERYDAY_NAMES:
        return EVERYDAY_NAMES.get(key) or EVERYDAY_NAMES[raw]
    for candidate in (raw, key, key.removeprefix("the ")):
        try:
            return pycountry.countries.lookup(candidate).alpha_2
        except LookupError:
            continue
    return _translated_names().get(key)
