"""BibTeX files, parsed with bibtexparser v2.

bibtexparser 2 (not the widely quoted v1 API): ``bibtexparser.parse_string`` with
``NormalizeFieldKeys`` (``Title=``, ``AUTHOR=`` as reference managers write them are
``title``/``author``); then, per entry, the author field is split into persons with
bibtexparser's own ``split_multiple_persons_names`` and ``parse_single_name_into_parts``
(BibTeX's first/von/last/jr rules) *before* LaTeX is decoded (pylatexenc, as
``LatexDecodingMiddleware`` does: ``Cassar\\`{a}`` -> ``Cassarà``), so that braces still
say what BibTeX meant. A name is written back *first-name first with its particles*
(``van Krieken, Emile`` -> ``Emile van Krieken``; ``De Raedt, Luc`` -> ``Luc De Raedt``)
and never split further.

Each author of each entry is a row of the report (``row`` counts them in file order);
an entry that is an error or a duplicate as a whole is one row. Rules:

* ``and others`` / ``et al.`` name nobody: dropped and counted (``authors_omitted``);
* a corporate or group author (``OpenAI``, ``{Gemini Team}``;
  :func:`talent.services.names.is_group_author`) is kept on the publication
  (``Publication.group_authors``) and its row skipped with that reason: it is no candidate;
* the year is any four-digit year that exists, with a letter suffix (``2023a``) dropped
  from the year (:func:`talent.importers.base.year_parse`; the entry's key keeps it);
* a second entry with the key of an earlier one is reported as a duplicate of that
  entry when it is the same paper (same title and year), and imported as its own
  paper otherwise (the report says the key was reused); an entry that repeats a field
  uses the last value and the report says so;
* the venue is ``booktitle``, else ``journal``; DOI kept; an entry bibtexparser cannot
  parse, or without title, year or authors, is an error row.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from talent.models import Candidate
from talent.services.names import clean_name, is_group_author, split_name_scripts

from .base import (
    AuthorRow,
    ImportFileError,
    ImportReport,
    PaperRecord,
    PersonRecord,
    decode_bytes,
    title_key,
    year_parse,
)
from .writer import Progress, import_paper_rows

_BRACES_RE = re.compile(r"[{}]")
# "and others", "et al.", "et. al", "etal" as a whole name or at the end of the last one.
_OMITTED_RE = re.compile(r"^(?:others|et\.?\s*al\.?|etal\.?|\.\.\.|…)$", re.IGNORECASE)
_TRAILING_ET_AL_RE = re.compile(r"\s*,?\s+et\.?\s*al\.?\s*$", re.IGNORECASE)


class _Decoder:
    """LaTeX to text, as ``LatexDecodingMiddleware`` does (pylatexenc), one instance per parse."""

    def __init__(self) -> None:
        from bibtexparser.middlewares import LatexDecodingMiddleware

        self._middleware = LatexDecodingMiddleware()

    def __call__(self, text: str) -> str:
        value, _error = self._middleware._transform_python_value_string(text)
        return value

    def entry(self, entry, library):
        return self._middleware.transform_entry(entry, library)


def _value(entry, key: str) -> str:
    field = entry.fields_dict.get(key)
    if field is None or field.value is None:
        return ""
    return clean_name(_BRACES_RE.sub("", str(field.value)))


def _full_name(parts, decode: _Decoder) -> str:
    """Join BibTeX name parts first-name first: ``first von last, jr`` (LaTeX decoded)."""
    words = [decode(w) for w in (*parts.first, *parts.von, *parts.last)]
    name = " ".join(_BRACES_RE.sub("", w) for w in words)
    if parts.jr:
        name += ", " + " ".join(decode(w) for w in parts.jr)
    return clean_name(name)


def _authors(raw: str, decode: _Decoder) -> tuple[list[tuple[str, bool]], int]:
    """Split a raw (LaTeX) author field; return ``([(name, is_group)], omitted)``.

    ``omitted`` counts the "others" / "et al." markers dropped.
    """
    from bibtexparser.middlewares.names import (
        InvalidNameError,
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    names: list[tuple[str, bool]] = []
    omitted = 0
    for piece in split_multiple_persons_names(raw.replace("\n", " ")):
        piece = piece.strip().rstrip(",")
        if _OMITTED_RE.match(piece.strip("{} ")):
            omitted += 1
            continue
        if _TRAILING_ET_AL_RE.search(piece):
            piece = _TRAILING_ET_AL_RE.sub("", piece)
            omitted += 1
        braced = piece.startswith("{") and piece.endswith("}") and piece.count("{") == 1
        if braced:
            name = clean_name(_BRACES_RE.sub("", decode(piece)))
            names.append((name, is_group_author(name, brace_protected=True)))
            continue
        try:
            parts = parse_single_name_into_parts(piece, strict=False)
        except InvalidNameError:
            names.append((clean_name(_BRACES_RE.sub("", decode(piece))), False))
            continue
        name = _full_name(parts, decode)
        names.append((name, is_group_author(name)))
    return names, omitted


def _prepare(entry, library, decode: _Decoder) -> tuple[Any, str]:
    """Return ``(entry with LaTeX decoded, raw author field)``; fields were normalised already."""
    field = entry.fields_dict.get("author")
    raw_author = str(field.value) if field is not None and field.value is not None else ""
    return decode.entry(entry, library), raw_author


def _normalise_failed(block, library):
    """Run the parse stack and key normalisation on an entry bibtexparser set aside."""
    from bibtexparser.middlewares import NormalizeFieldKeys
    from bibtexparser.middlewares.enclosing import RemoveEnclosingMiddleware

    entry = block.ignore_error_block  # @string macros are not resolved in it (bibtexparser set it aside first)
    for middleware in (RemoveEnclosingMiddleware(), NormalizeFieldKeys()):
        entry = middleware.transform_entry(entry, library)
    return entry


def parse_bibtex(text: str, report: ImportReport | None = None) -> list[AuthorRow]:
    """Parse BibTeX text into author rows; ``report`` (if given) gets counts and warnings.

    Raises:
        ImportFileError: Nothing in the file looks like a BibTeX entry.
    """
    import bibtexparser
    from bibtexparser.middlewares import NormalizeFieldKeys
    from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry

    library = bibtexparser.parse_string(text, append_middleware=[NormalizeFieldKeys()])
    if not library.entries and not library.failed_blocks:
        raise ImportFileError(_("No BibTeX entry found in the file."))
    decode = _Decoder()
    rows: list[AuthorRow] = []
    number = 0
    first_of_key: dict[str, tuple[int, str, int | None]] = {}  # key -> (line, title key, year)
    blocks = sorted([*library.entries, *library.failed_blocks], key=lambda b: b.start_line or 0)
    for block in blocks:
        duplicate_of = None
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(block.ignore_error_block, Entry):
            entry = _normalise_failed(block, library)
            duplicate_of = block.key
        elif isinstance(block, DuplicateFieldKeyBlock) and isinstance(block.ignore_error_block, Entry):
            entry = _normalise_failed(block, library)
            if report is not None:
                report.warnings.append(
                    _("Entry %(key)s (line %(line)s) gives %(fields)s more than once; the last value was used.")
                    % {"key": entry.key, "line": (block.start_line or 0) + 1,
                       "fields": ", ".join(sorted(block.duplicate_keys))})
        elif isinstance(block, Entry):
            entry = block
        else:
            number += 1
            rows.append(AuthorRow(row=number, person=PersonRecord(full_name=""), paper=None,
                                  error=_("unreadable BibTeX entry starting “%(start)s”") % {"start": (block.raw or "")[:60].strip()}))
            continue
        entry, raw_author = _prepare(entry, library, decode)
        title = _value(entry, "title")
        year_text = _value(entry, "year")
        venue = _value(entry, "booktitle") or _value(entry, "journal")
        doi = _value(entry, "doi").removeprefix("https://doi.org/").removeprefix("http://dx.doi.org/")
        authors, omitted = _authors(raw_author, decode) if raw_author else ([], 0)
        year: int | None = None
        problem = ""
        try:
            year, _suffix = year_parse(year_text)
        except ValueError as exc:
            year_problem = str(exc)
        else:
            year_problem = ""
        line = (entry.start_line or 0) + 1
        if duplicate_of is not None:
            first_line, first_title, first_year = first_of_key.get(duplicate_of, (0, "", None))
            if title_key(title) == first_title and year == first_year:
                number += 1
                rows.append(AuthorRow(row=number, person=PersonRecord(full_name=entry.key), paper=None,
                                      skip=_("duplicate of entry %(key)s (line %(line)d): same key, same paper")
                                      % {"key": duplicate_of, "line": first_line}))
                continue
            if report is not None:
                report.warnings.append(
                    _("The key %(key)s is used by two different entries (lines %(first)d and %(line)d); both were imported.")
                    % {"key": duplicate_of, "first": first_line, "line": line})
        else:
            first_of_key.setdefault(entry.key, (line, title_key(title), year))
        if not title:
            problem = _("entry %(key)s has no title") % {"key": entry.key}
        elif year_problem:
            problem = _("entry %(key)s has no valid year: %(why)s") % {"key": entry.key, "why": year_problem}
        elif not authors:
            problem = _("entry %(key)s has no authors") % {"key": entry.key}
        if report is not None:
            report.authors_omitted += omitted
        if problem:
            number += 1
            rows.append(AuthorRow(row=number, person=PersonRecord(full_name=entry.key), paper=None, error=problem))
            continue
        paper = PaperRecord(title=title, year=year or 0, venue_raw=venue[:300], doi=doi,
                            dblp_key=entry.key.removeprefix("DBLP:") if entry.key.startswith("DBLP:") else "")
        position = 0
        for name, is_group in authors:
            number += 1
            full_name, native_name = split_name_scripts(name)
            row = AuthorRow(row=number, person=PersonRecord(full_name=full_name, native_name=native_name), paper=paper)
            if is_group:
                row.is_group = True
                row.skip = _("group author (kept on the publication, not a candidate)")
            elif not full_name:
                row.skip = _("no author name")
            else:
                position += 1
                row.position = position
            rows.append(row)
    return rows


def import_bibtex(data: bytes, *, file_name: str = "", dry_run: bool = False, actor=None,
                  progress: Progress | None = None) -> ImportReport:
    """Import a BibTeX file (bytes) and return the report.

    Raises:
        ImportFileError: Undecodable, or no BibTeX entry in it (nothing written).
    """
    text, encoding = decode_bytes(data)
    report = ImportReport(format="bibtex", file_name=file_name, encoding=encoding, dry_run=dry_run)
    rows = parse_bibtex(text, report)
    return import_paper_rows(rows, report, source=Candidate.Source.BIBTEX, dry_run=dry_run, actor=actor,
                             progress=progress)
