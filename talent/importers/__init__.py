"""Importers: candidates and publications from the files recruiters really get.

One module per format, each with an ``import_<format>(data: bytes, *, file_name, dry_run,
actor, progress) -> ImportReport`` service; :func:`import_file` dispatches on the format
name. See ``talent/importers/README.md`` for the formats and column sets.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext

from .base import ImportFileError, ImportReport, Outcome, RowResult

FORMATS: tuple[str, ...] = ("proceedings", "bibtex", "dblp", "jsonresume", "spreadsheet", "linkedin")


def _service(fmt: str) -> Callable[..., ImportReport]:
    if fmt == "proceedings":
        from .proceedings import import_proceedings as service
    elif fmt == "bibtex":
        from .bibtex import import_bibtex as service
    elif fmt == "dblp":
        from .dblp import import_dblp as service
    elif fmt == "jsonresume":
        from .jsonresume import import_jsonresume as service
    elif fmt == "spreadsheet":
        from .spreadsheet import import_spreadsheet as service
    elif fmt == "linkedin":
        from .linkedin import import_linkedin as service
    else:
        raise ImportFileError(
            gettext("Unknown format %(format)r; expected one of %(formats)s.") % {"format": fmt, "formats": ", ".join(FORMATS)}
        )
    return service


def import_file(fmt: str, data: bytes, *, file_name: str = "", dry_run: bool = False, actor=None,
                progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import ``data`` (the file's bytes) in format ``fmt`` and return the report.

    ``fmt`` is one of :data:`FORMATS`. With ``dry_run`` nothing is written and the
    report says what would happen.

    Raises:
        ImportFileError: The file as a whole cannot be read (nothing is written).
    """
    return _service(fmt)(data, file_name=file_name, dry_run=dry_run, actor=actor, progress=progress)


def count_rows(fmt: str, data: bytes) -> int:
    """Return an estimate of the rows in ``data`` (for a progress bar); 0 when unknown."""
    if fmt in ("proceedings", "spreadsheet", "linkedin"):
        return max(data.count(b"\n") - 1, 0)
    return 0


__all__ = ["FORMATS", "ImportFileError", "ImportReport", "Outcome", "RowResult", "count_rows", "import_file"]
