"""``manage.py import_candidates --format FORMAT FILE [--dry-run] [--json]``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from talent.importers import FORMATS, ImportFileError, count_rows, import_file
from talent.importers.spreadsheet import COLUMNS_HELP

HELP = f"""Import candidates (and their publications) from a file.

Formats:
  proceedings  CSV with Conference,Year,Title,Author,Affiliation (one row per author per paper)
  bibtex       .bib file (booktitle or journal is the venue)
  dblp         DBLP XML (<inproceedings>/<article> records, author pid kept)
  jsonresume   JSON Resume (one resume, or a JSON list of resumes)
  spreadsheet  CSV or XLSX with the columns: {COLUMNS_HELP}
  linkedin     LinkedIn Connections.csv export

Every row ends as created, updated, merged, flagged (possible duplicate), skipped (with a
reason) or error; the totals add up to the row count. A row error skips that row only; a
file that cannot be read at all (encoding, missing columns) writes nothing. Files may be
UTF-8 (with or without BOM) or GB18030/GBK. --dry-run writes nothing. --json prints the
summary as one JSON object on the last line.
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt", help=_("File format."))
        parser.add_argument("file", help=_("Path of the file to import."))
        parser.add_argument("--dry-run", action="store_true", help=_("Report what would happen; write nothing."))
        parser.add_argument("--json", action="store_true", help=_("Print the summary as JSON on the last line."))
        parser.add_argument("--show-rows", type=int, default=20,
                            help=_("How many rows with issues to list (default 20; 0 for none)."))

    def handle(self, *args, fmt: str, file: str, dry_run: bool, json: bool, show_rows: int, **options) -> None:
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._fail(_("Cannot read %(file)s: %(why)s") % {"file": file, "why": exc.strerror or exc}, json, exc)
        bar = None
        if not json and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=count_rows(fmt, data) or None, unit="row", file=sys.stderr, desc=path.name)
        try:
            report = import_file(fmt, data, file_name=path.name, dry_run=dry_run,
                                 progress=bar.update if bar is not None else None)
        except ImportFileError as exc:
            self._fail(_("%(file)s was not imported: %(why)s") % {"file": file, "why": exc.message}, json, exc)
        finally:
            if bar is not None:
                bar.close()
        summary = report.to_summary()
        if json:
            self.stdout.write(_json_line(summary))
            return
        self._print(report, summary, show_rows)

    def _fail(self, message: str, as_json: bool, cause: Exception) -> None:
        """Stop with ``message`` (exit 1); with --json, first print it as the JSON last line."""
        if as_json:
            totals = dict.fromkeys(("rows", "created", "updated", "merged", "flagged", "skipped", "errors"), 0)
            self.stdout.write(_json_line({**totals, "error": str(message), "written": False}))
        raise CommandError(message) from cause

    def _print(self, report, summary: dict, show_rows: int) -> None:
        write = self.stdout.write
        prefix = _("DRY RUN, nothing written. ") if report.dry_run else ""
        write(prefix + _("%(rows)d rows: %(created)d created, %(updated)d updated, %(merged)d merged, "
                         "%(flagged)d flagged, %(skipped)d skipped, %(errors)d errors.") % summary)
        write(_("Candidates created: %(candidates_created)d; publications created: %(publications)d "
                "(already known: %(publications_existing)d); authorships: %(authorships)d; "
                "possible duplicates: %(possible_duplicates)d.") % summary)
        if report.format in ("proceedings", "bibtex", "dblp"):
            write(_("Venues: %(venues_recognised)d papers at a recognised venue, %(venues_unknown)d unknown.") % summary)
            for raw, count in summary["unknown_venues"].items():
                write(f"  ? {raw} ({count})")
        for reason, count in summary["skipped_reasons"].items():
            write(_("Skipped, %(reason)s: %(count)d") % {"reason": reason, "count": count})
        if show_rows:
            for issue in report.issues(limit=show_rows):
                errors = "; ".join(f"{k}: {v}" for k, v in issue.get("field_errors", {}).items())
                write(f"  row {issue['row']}: {issue['outcome']} {issue['name']} {issue['reason']} {errors}".rstrip())
        write(_("Encoding %(encoding)s, %(seconds).2f s.") % summary)


def _json_line(summary: dict) -> str:
    return json.dumps(summary, ensure_ascii=False, sort_keys=False)
