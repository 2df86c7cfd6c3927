"""Shared parts of the importers: records, per-row results, the report, encoding detection.

Every format module turns a file into *records* (:class:`PersonRecord`, and for paper
formats :class:`AuthorRow` rows pointing at a :class:`PaperRecord`), each with its row
number in the file; :mod:`talent.importers.writer` resolves identities and writes them.
Each row ends with exactly one :class:`Outcome`, so the totals add up to the row count.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talent.errors import DomainError


class ImportFileError(DomainError):
    """The file as a whole cannot be imported (wrong encoding, missing columns, not XML...).

    Raised before anything is written; the message says why in a recruiter's words.
    """


class Outcome(StrEnum):
    """What happened to one row of an import file."""

    CREATED = "created"  # a new candidate was created for the row
    UPDATED = "updated"  # the row's person was found (same e-mail, id or name as written) and got new data
    MERGED = "merged"  # the row's person was found under a variant of the name (case, accents, spacing, fuzzy)
    FLAGGED = "flagged"  # a new candidate was created and flagged as a possible duplicate of another
    SKIPPED = "skipped"  # nothing to do, with the reason (empty row, duplicate row, already imported)
    ERROR = "error"  # the row is invalid (reason given) and nothing of it was written


OUTCOME_KEYS: tuple[str, ...] = ("created", "updated", "merged", "flagged", "skipped", "errors")
_OUTCOME_KEY = {
    Outcome.CREATED: "created", Outcome.UPDATED: "updated", Outcome.MERGED: "merged",
    Outcome.FLAGGED: "flagged", Outcome.SKIPPED: "skipped", Outcome.ERROR: "errors",
}


OUTCOME_LABELS = {
    Outcome.CREATED: gettext_lazy("created"),
    Outcome.UPDATED: gettext_lazy("updated"),
    Outcome.MERGED: gettext_lazy("merged"),
    Outcome.FLAGGED: gettext_lazy("flagged as possible duplicate"),
    Outcome.SKIPPED: gettext_lazy("skipped"),
    Outcome.ERROR: gettext_lazy("error"),
}


@dataclass
class RowResult:
    """The outcome of one row: ``row`` is its 1-based number among the file's data rows.

    ``field_errors`` maps a field to why its value was dropped while the rest of the row
    was imported (an impossible date, a malformed e-mail).
    """

    row: int
    outcome: Outcome
    name: str = ""
    reason: str = ""
    candidate_id: int | None = None
    field_errors: dict[str, str] = field(default_factory=dict)
    #: ``[{"field", "kept", "kept_row", "dropped"}]``: values of this row that differ from
    #: what an earlier row of the same file gave the same person (the earlier one is kept).
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    #: The name as the file wrote it, when it was cleaned (pronouns, credentials, emoji).
    name_as_written: str = ""
    #: What was taken out of the name (:func:`talent.services.names.name_decorations_split`).
    name_decorations: dict[str, str] = field(default_factory=dict)

    @property
    def outcome_label(self) -> str:
        """The outcome in the active language, for the import page."""
        return str(OUTCOME_LABELS[Outcome(self.outcome)])

    def as_dict(self) -> dict[str, Any]:
        data = {"row": self.row, "outcome": str(self.outcome), "name": self.name, "reason": self.reason,
                "candidate_id": self.candidate_id}
        if self.field_errors:
            data["field_errors"] = self.field_errors
        if self.conflicts:
            data["conflicts"] = self.conflicts
        if self.name_as_written:
            data["name_as_written"] = self.name_as_written
            data["name_decorations"] = self.name_decorations
        return data


@dataclass
class ImportReport:
    """Everything one import did, row by row, and its totals.

    ``to_summary()`` gives the JSON the command prints: ``rows`` equals the sum of
    ``created + updated + merged + flagged + skipped + errors``.
    """

    format: str
    file_name: str = ""
    encoding: str = ""
    dry_run: bool = False
    results: list[RowResult] = field(default_factory=list)
    candidates_created: int = 0
    candidates_updated: int = 0
    publications_created: int = 0
    publications_existing: int = 0
    authorships_created: int = 0
    possible_duplicates: int = 0
    venues_recognised: int = 0
    venues_unknown: int = 0
    venues_workshop: int = 0
    #: Papers whose venue string is a newsletter, a book or a thesis (not a venue).
    venues_other: int = 0
    #: What the non-venue strings were: ``{"workshop": n, "tutorial": n, "newsletter": n...}``.
    venue_sides: Counter = field(default_factory=Counter)
    unknown_venues: Counter = field(default_factory=Counter)
    skipped_reasons: Counter = field(default_factory=Counter)
    #: "et al." / "and others" markers dropped from author lists (not rows: nobody is named).
    authors_omitted: int = 0
    #: File-level notices that did not stop the import (a trailing comma read leniently...).
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    import_run_id: int | None = None

    def add(self, result: RowResult) -> RowResult:
        self.results.append(result)
        if result.outcome == Outcome.SKIPPED:
            self.skipped_reasons[result.reason] += 1
        return result

    def counts(self) -> dict[str, int]:
        """Return ``{"rows": n, "created": ..., "errors": ...}``, one key per outcome."""
        counts = dict.fromkeys(OUTCOME_KEYS, 0)
        for result in self.results:
            counts[_OUTCOME_KEY[result.outcome]] += 1
        return {"rows": len(self.results), **counts}

    def issues(self, limit: int = 1000) -> list[dict[str, Any]]:
        """Return the rows that were not plainly created or updated (at most ``limit``)."""
        rows = [r for r in self.results
                if r.outcome not in (Outcome.CREATED, Outcome.UPDATED) or r.field_errors or r.conflicts or r.name_as_written]
        return [r.as_dict() for r in rows[:limit]]

    def summary(self) -> dict[str, Any]:
        """Same as :meth:`to_summary`."""
        return self.to_summary()

    def to_summary(self) -> dict[str, Any]:
        """Return the totals as a JSON-ready dict (the command's ``--json`` line)."""
        return {
            "format": self.format,
            "file": self.file_name,
            "encoding": self.encoding,
            "dry_run": self.dry_run,
            **self.counts(),
            "candidates_created": self.candidates_created,
            "candidates_updated": self.candidates_updated,
            "publications": self.publications_created,
            "publications_existing": self.publications_existing,
            "authorships": self.authorships_created,
            "possible_duplicates": self.possible_duplicates,
            "venues_recognised": self.venues_recognised,
            "venues_unknown": self.venues_unknown,
            "venues_workshop": self.venues_workshop,
            "venues_other": self.venues_other,
            "venue_sides": dict(self.venue_sides),
            "unknown_venues": dict(self.unknown_venues.most_common(20)),
            "skipped_reasons": dict(self.skipped_reasons),
            "field_errors": sum(1 for r in self.results if r.field_errors),
            "conflicts": sum(1 for r in self.results if r.conflicts),
            "authors_omitted": self.authors_omitted,
            "warnings": list(self.warnings),
            "seconds": round(self.seconds, 3),
            "import_run": self.import_run_id,
        }


@dataclass
class PersonRecord:
    """A person as one row of a file describes them; blanks mean "not given".

    ``ids`` holds ``dblp_pid``, ``orcid``, ``openreview_id``, ``google_scholar_id`` and
    ``linkedin_url`` when known; ``affiliations`` are canonical organisation names
    (:func:`talent.affiliations.resolve_affiliations`); ``fields`` are further
    ``Candidate`` fields to fill when blank (``city``, ``phd_year``...); ``career`` are
    ``CareerEntry`` field dicts; ``specialties`` are specialty slugs.
    """

    full_name: str
    native_name: str = ""
    email: str = ""
    ids: dict[str, str] = field(default_factory=dict)
    affiliations: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    career: list[dict[str, Any]] = field(default_factory=list)
    specialties: list[str] = field(default_factory=list)
    field_errors: dict[str, str] = field(default_factory=dict)
    #: The name as the file wrote it and what was taken out of it (pronouns, credentials,
    #: emoji: :func:`talent.services.names.name_decorations_split`), when it was cleaned.
    name_as_written: str = ""
    name_decorations: dict[str, str] = field(default_factory=dict)


@dataclass
class PaperRecord:
    """A paper as a file gives it: ``venue_raw`` as written, ``year`` an int."""

    title: str
    year: int
    venue_raw: str = ""
    doi: str = ""
    dblp_key: str = ""


@dataclass
class AuthorRow:
    """One author of one paper: a row of the report.

    ``position`` is 1 for the first author (order of appearance in the paper);
    ``affiliation_raw`` is the affiliation text as written. ``error`` and ``skip`` are
    set by the parser for rows that cannot be imported (the reason, translated).
    """

    row: int
    person: PersonRecord
    paper: PaperRecord | None
    position: int = 1
    affiliation_raw: str = ""
    error: str = ""
    skip: str = ""
    #: A corporate or group author (:func:`talent.services.names.is_group_author`): kept on
    #: the paper's ``group_authors``, never a candidate; the row is skipped with the reason.
    is_group: bool = False


@dataclass
class PersonRow:
    """One person row of a person format (spreadsheet, LinkedIn, JSON Resume)."""

    row: int
    person: PersonRecord | None
    error: str = ""
    skip: str = ""


# --- Encoding --------------------------------------------------------------------------

_CHINESE_CODECS = {"gb18030", "gbk", "gb2312", "hz", "big5", "big5hkscs", "cp936", "cp950"}


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a text file strictly and return ``(text, encoding)``.

    Order: a UTF-8 byte-order mark (``utf-8-sig``), UTF-16 with a BOM, strict UTF-8,
    then strict GB18030 (what Chinese Excel and WPS write; a superset of GBK and GB2312)
    when the result reads as Chinese (see :func:`_plausible_chinese`) and charset-normalizer
    also sees a Chinese encoding in the bytes. Anything else is
    refused rather than guessed, so no replacement character or mojibake is ever stored.

    Raises:
        ImportFileError: The bytes are neither UTF-8 nor GB18030 (message names the guess).
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The file starts with a UTF-8 marker but is not valid UTF-8 (byte %(pos)s).")
                                  % {"pos": exc.start + 3}) from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The file starts with a UTF-16 marker but is not valid UTF-16.")) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    guess = _guess_encoding(data)
    if text is not None and _plausible_chinese(text) and (guess in _CHINESE_CODECS or _chinese_among_guesses(data)):
        return text, "gb18030"
    raise ImportFileError(
        _("The file is neither UTF-8 nor GB18030/GBK (it looks like %(guess)s). "
          "Save it again as UTF-8 (Excel: \"CSV UTF-8\") and import it again.") % {"guess": guess or _("unknown")}
    )


def _plausible_chinese(text: str) -> bool:
    """Tell whether GB18030-decoded ``text`` reads as Chinese rather than mojibake.

    Chinese text is overwhelmingly made of the 6,763 common characters of GB2312; Latin-1
    or Windows-1252 bytes misread as GBK (``Jürgen`` -> ``J黵gen``) land outside it.
    At least 90% of the CJK characters must be GB2312 characters, and there must be some.
    """
    cjk = [ch for ch in text if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"]
    if not cjk:
        return False
    common = 0
    for ch in cjk:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common >= 0.9 * len(cjk)


def _guess_encoding(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    return best.encoding if best is not None else ""


def _chinese_among_guesses(data: bytes) -> bool:
    from charset_normalizer import from_bytes

    return any(match.encoding in _CHINESE_CODECS for match in from_bytes(data[:200_000]))


# --- Values ----------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_EMAIL_RE = re.compile(r"^[^@\s,;<>()]+@[^@\s,;<>()]+\.[^@\s,;<>()]+$")


def looks_like_formula(value: str) -> bool:
    """Tell whether a spreadsheet cell would run as a formula (``=HYPERLINK(..)``, ``+SUM(..)``).

    Such cells are refused as field errors: stored and exported again they would run
    in the recruiter's spreadsheet (CSV injection, OWASP).
    """
    value = (value or "").strip()
    if not value or not value.startswith(_FORMULA_START):
        return False
    return not re.fullmatch(r"[+-]?[\d\s().-]+", value)  # "+86 138 0000 0000" is a phone number


_PHD_RE = re.compile(r"\bph\.?\s?d\b|\bdoctor(?:al)?\s+(?:of|in|degree)\b|\bdoctorate\b|\bd\.?phil\b|博士")
_MSC_RE = re.compile(r"master|m\.?sc|\bms\b|m\.?eng|mba|硕士")
_BSC_RE = re.compile(r"bachelor|b\.?sc|\bbs\b|b\.?eng|b\.?a\b|本科|学士")
_OTHER_RE = re.compile(r"^(?:other|其他)$")


def degree_parse(text: str) -> str:
    """Return the :class:`~talent.models.Degree` value a degree written as text means, or ``""``.

    ``"Ph.D."``, ``"Doctor of Philosophy"``, ``"DPhil"``, ``"博士"`` -> ``"phd"`` (not "Doctor Who"); ``"M.Sc."``, ``"MEng"``,
    ``"硕士"`` -> ``"msc"``; ``"B.A."``, ``"本科"`` -> ``"bsc"``; ``"other"``/``"其他"`` ->
    ``"other"``; anything else (a field of study, an empty cell) -> ``""`` (unknown). The
    highest degree named wins. Used by every importer that reads degrees.
    """
    folded = (text or "").strip().lower()
    for value, pattern in (("phd", _PHD_RE), ("msc", _MSC_RE), ("bsc", _BSC_RE), ("other", _OTHER_RE)):
        if pattern.search(folded):
            return value
    return ""


def valid_email(value: str) -> bool:
    """Tell whether ``value`` has the shape of one e-mail address."""
    return bool(_EMAIL_RE.match((value or "").strip()))


def parse_partial_date(value: str) -> tuple[dt.date, str]:
    """Parse ``2013``, ``2013-12`` or ``2013-12-02`` into ``(first day, precision)``.

    Precision is ``"year"``, ``"month"`` or ``"day"`` (``CareerEntry.Precision``).

    Raises:
        ValueError: Not one of the three shapes, or an impossible date (``2023-02-30``).
    """
    value = (value or "").strip()
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not match:
        raise ValueError(_("“%(value)s” is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD.") % {"value": value})
    year, month, day = match.groups()
    try:
        date = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(_("“%(value)s” is not a date that exists.") % {"value": value}) from exc
    return date, "day" if day else "month" if month else "year"


EARLIEST_YEAR = 1000  # four digits


def year_parse(value: str | int | None) -> tuple[int, str]:
    """Read a publication year as bibliographies write it; return ``(year, suffix)``.

    Accepts any four-digit year from :data:`EARLIEST_YEAR` to next year (a paper "to
    appear"), so the classics of the 1940s are read (McCulloch and Pitts, 1943), with a
    letter suffix as author-year styles write it (``2023a``, ``2023b``: the letter tells
    two papers of one author and year apart; it belongs to the citation, not the year, and
    is returned as ``suffix``). Braces and spaces around it are ignored.

    Raises:
        ValueError: Not a four-digit year with an optional letter, or a year in the
            future beyond next year (the message names the value).
    """
    text = str(value if value is not None else "").strip().strip("{}\"'").strip()
    match = re.fullmatch(r"(\d{4})([a-z]?)", text, re.IGNORECASE)
    latest = dt.date.today().year + 1
    if not match or not EARLIEST_YEAR <= int(match.group(1)) <= latest:
        raise ValueError(_("“%(year)s” is not a year (four digits, %(first)d to %(last)d, optionally followed by a letter)")
                         % {"year": text, "first": EARLIEST_YEAR, "last": latest})
    return int(match.group(1)), match.group(2).lower()


@lru_cache(maxsize=65_536)
def title_key(title: str) -> str:
    """Return the identity key of a paper title: folded, letters and digits only.

    Same rule as ``Publication.title_key`` (talent/models.py): lower case, punctuation
    and spacing removed, accents stripped, at most 500 characters.
    """
    from talent.services.names import fold

    return "".join(ch for ch in fold(title) if ch.isalnum())[:500]
