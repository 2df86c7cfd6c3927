"""Candidate spreadsheets: CSV or XLSX with a documented column set.

The first row is the header. Column names are matched case-insensitively, with spaces,
hyphens and underscores ignored, and a few Chinese headers are understood (姓名, 邮箱...).
Unknown columns are ignored (and listed in the report's first row issues). Columns:

=====================  ======================================================  ==============
column                 meaning                                                 also accepted
=====================  ======================================================  ==============
full_name              name as the person writes it (required unless           name, 姓名
                       native_name is given); never split; pronouns,
                       credentials and emoji are taken apart (the report
                       keeps the name as written)
native_name            name in the person's own script (欧阳娜娜)                 中文名
email                  e-mail (stored lower case)                              e-mail, 邮箱
phone                  phone; ``+`` and a country code win over the default    mobile, 电话, 手机
city                   city                                                    城市
country                ISO 3166-1 code (CN, US, CHN) or a name that names one  国家
                       country (China, 中国); anything else is kept as
                       written (``country_as_written``)
current_employer       employer as written                                     company, 公司
current_title          job title                                               title, 职位
highest_degree         phd, msc, bsc or other (PhD, 博士, 硕士, 本科 accepted)     degree, 学历
phd_institution        where the PhD was earned                                博士院校
phd_year               year of the PhD (1950-2100)
years_experience       whole years
google_scholar_id      Google Scholar user id
openreview_id          OpenReview profile id (~First_Last1)
dblp_pid               DBLP person id (130/1022)
orcid                  ORCID (0000-0002-1825-0097)
github_url             GitHub URL
homepage_url           homepage URL
linkedin_url           LinkedIn profile URL
specialties            specialty slugs separated by ``;`` (reinforcement-learning)
current_compensation   annual total cash, a plain number (1500000 or           当前年薪
                       1,500,000), in ``currency``
expected_compensation  annual total cash expected, same form                   期望年薪
currency               ISO 4217 code of both amounts (CNY, USD); required      币种
                       when an amount is given
=====================  ======================================================  ==============

CSV files are read with Python's ``csv`` module after strict decoding (UTF-8 with or
without BOM, or GB18030); XLSX files through tablib (openpyxl). A cell that would run as
a spreadsheet formula (``=HYPERLINK(..)``) is dropped as a field error; so are malformed
e-mails, phones, years and URLs, while the rest of the row imports.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from talent.countries import country_code
from talent.models import Candidate
from talent.services.names import clean_name, name_decorations_split, split_name_scripts

from .base import (
    ImportFileError,
    ImportReport,
    PersonRecord,
    PersonRow,
    decode_bytes,
    degree_parse,
    looks_like_formula,
    valid_email,
)
from .writer import Progress, import_person_rows

COLUMNS: dict[str, tuple[str, ...]] = {
    "full_name": ("name", "姓名", "fullname"),
    "native_name": ("中文名", "中文姓名", "nativename"),
    "email": ("e-mail", "emailaddress", "邮箱", "电子邮件"),
    "phone": ("mobile", "电话", "手机", "phonenumber"),
    "city": ("城市",),
    "country": ("国家",),
    "current_employer": ("company", "employer", "公司", "单位"),
    "current_title": ("title", "position", "职位"),
    "highest_degree": ("degree", "学历"),
    "phd_institution": ("博士院校",),
    "phd_year": (),
    "years_experience": (),
    "google_scholar_id": (),
    "openreview_id": (),
    "dblp_pid": (),
    "orcid": (),
    "github_url": ("github",),
    "homepage_url": ("homepage",),
    "linkedin_url": ("linkedin",),
    "specialties": ("专长",),
    "current_compensation": ("currentcomp", "当前年薪"),
    "expected_compensation": ("expectedcomp", "期望年薪"),
    "currency": ("币种",),
}
COLUMNS_HELP = ", ".join(COLUMNS)

_ID_FIELDS = ("google_scholar_id", "openreview_id", "dblp_pid", "orcid", "linkedin_url")
_URL_FIELDS = ("github_url", "homepage_url", "linkedin_url")


def _header_key(name: Any) -> str:
    return re.sub(r"[\s_\-]+", "", str(name or "").strip().lower())


def _column_map(header: Iterable[Any]) -> dict[str, int]:
    lookup = {}
    for field, aliases in COLUMNS.items():
        for alias in (field, *aliases):
            lookup[_header_key(alias)] = field
    columns: dict[str, int] = {}
    for i, name in enumerate(header):
        field = lookup.get(_header_key(name))
        if field and field not in columns:
            columns[field] = i
    return columns


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def person_from_cells(cells: dict[str, str]) -> tuple[PersonRecord | None, str]:
    """Build a :class:`PersonRecord` from ``{column: text}``; return ``(record, skip_reason)``.

    Values that fail validation go to ``record.field_errors`` and are left out.
    """
    errors: dict[str, str] = {}
    for name, value in list(cells.items()):
        if looks_like_formula(value):
            errors[name] = _("“%(value)s” looks like a spreadsheet formula; not imported.") % {"value": value[:60]}
            cells[name] = ""
    written = cells.get("full_name", "")
    cleaned, decorations = name_decorations_split(written)
    full_name, native_name = split_name_scripts(cleaned, cells.get("native_name", ""))
    if not full_name and native_name:
        full_name = native_name
    if not full_name:
        return None, _("no name")
    record = PersonRecord(full_name=full_name, native_name=native_name, field_errors=errors)
    if decorations or cleaned != clean_name(written):
        record.name_as_written, record.name_decorations = written, decorations
    email = cells.get("email", "")
    if email:
        if valid_email(email):
            record.email = email.lower()
        else:
            errors["email"] = _("“%(value)s” is not an e-mail address.") % {"value": email}
    fields: dict[str, Any] = {}
    for name in ("city", "current_employer", "current_title", "phd_institution"):
        if cells.get(name):
            fields[name] = clean_name(cells[name])[:200]
    if cells.get("current_employer"):
        from talent.affiliations import resolve_affiliations

        record.affiliations = resolve_affiliations(fields["current_employer"]) or [fields["current_employer"]]
    if cells.get("country"):
        code = country_code(cells["country"])
        if code:
            fields["country"] = code
        else:
            fields["country_as_written"] = clean_name(cells["country"])[:100]
            errors["country"] = _("“%(value)s” is not one country's name or code: kept as written, "
                                  "no country code set.") % {"value": cells["country"]}
    if cells.get("highest_degree"):
        degree = degree_parse(cells["highest_degree"])
        if degree:
            fields["highest_degree"] = degree
        else:
            errors["highest_degree"] = _("Unknown degree “%(value)s”.") % {"value": cells["highest_degree"]}
    for name, low, high in (("phd_year", 1950, 2100), ("years_experience", 0, 80)):
        value = cells.get(name, "")
        if value:
            if value.isdigit() and low <= int(value) <= high:
                fields[name] = int(value)
            else:
                errors[name] = _("“%(value)s” is not a number from %(low)d to %(high)d.") % {
                    "value": value, "low": low, "high": high}
    if cells.get("phone"):
        phone = _phone(cells["phone"])
        if phone:
            fields["phone"] = phone
        else:
            errors["phone"] = _("“%(value)s” is not a phone number.") % {"value": cells["phone"]}
    for name in _URL_FIELDS:
        value = cells.get(name, "")
        if value:
            try:
                URLValidator()(value)
            except ValidationError:
                errors[name] = _("“%(value)s” is not a URL.") % {"value": value}
                cells[name] = ""
    for name in _ID_FIELDS:
        if cells.get(name):
            record.ids[name] = cells[name][:300 if name == "linkedin_url" else 80]
    for name in ("github_url", "homepage_url"):
        if cells.get(name):
            fields[name] = cells[name]
    _money(cells, fields, errors)
    if cells.get("specialties"):
        record.specialties = [s.strip().lower() for s in re.split(r"[;；,，]", cells["specialties"]) if s.strip()]
    record.fields = fields
    return record, ""


def _money(cells: dict[str, str], fields: dict[str, Any], errors: dict[str, str]) -> None:
    """Read the compensation columns as Money (Decimal amount + ISO 4217 currency), annual.

    A cell is written as a person types it in Excel: thousands separators (``1,500,000``,
    ``1 500 000``) are dropped, then the amount and the currency column go through
    :func:`talent.money.parse_money`, the one input gate for money (no negatives, no more
    decimals than the currency has, no symbols); the currency must also be one of
    ``settings.CURRENCIES`` (what the forms offer).
    """
    from django.core.exceptions import ValidationError

    from talent.conf import setting
    from talent.money import parse_money

    currency = cells.get("currency", "").strip()
    allowed = setting("CURRENCIES")
    for name in ("current_compensation", "expected_compensation"):
        raw = cells.get(name, "").strip()
        if not raw:
            continue
        try:
            money = parse_money(re.sub(r"[,\s\u00a0\u202f]", "", raw), currency, field=name)
        except ValidationError as exc:
            errors[name] = f"“{raw}”: " + " ".join(exc.message_dict[name])
            continue
        if allowed and money.currency.code not in allowed:
            errors[name] = _("“%(currency)s” is not one of the currencies in use (%(allowed)s).") % {
                "currency": money.currency.code, "allowed": ", ".join(allowed)}
            continue
        fields[name] = money


def _phone(value: str):
    from django.conf import settings

    return _phone_in_region(value, getattr(settings, "PHONENUMBER_DEFAULT_REGION", None))


def _phone_in_region(value: str, region: str | None):
    """Return ``value`` as a valid PhoneNumber (``region`` for numbers without ``+``), or None."""
    from phonenumber_field.phonenumber import to_python

    number = to_python(value, region=region)
    if number is None or not getattr(number, "is_valid", lambda: False)():
        return None
    return number


def rows_from_table(header: list[Any], body: Iterable[list[Any]], *, first_row: int = 1) -> list[PersonRow]:
    """Turn a header and body rows into :class:`PersonRow` objects (row numbers from ``first_row``)."""
    columns = _column_map(header)
    if "full_name" not in columns and "native_name" not in columns:
        raise ImportFileError(_("No name column in the header (expected full_name or name; columns: %(cols)s).")
                              % {"cols": COLUMNS_HELP})
    rows: list[PersonRow] = []
    for number, cells in enumerate(body, start=first_row):
        texts = [_text(c) for c in cells]
        if not any(texts):
            rows.append(PersonRow(number, None, skip=_("empty row")))
            continue
        values = {field: texts[i] if i < len(texts) else "" for field, i in columns.items()}
        record, skip = person_from_cells(values)
        rows.append(PersonRow(number, record, skip=skip))
    return rows


def parse_spreadsheet(data: bytes) -> tuple[list[PersonRow], str]:
    """Parse CSV or XLSX bytes into person rows; return ``(rows, encoding or "xlsx")``.

    Raises:
        ImportFileError: Undecodable, not a spreadsheet, or no name column.
    """
    if data[:4] == b"PK\x03\x04":
        import tablib

        try:
            dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            raise ImportFileError(_("The XLSX file cannot be read: %(why)s") % {"why": exc}) from exc
        return rows_from_table(list(dataset.headers or []), [list(r) for r in dataset]), "xlsx"
    text, encoding = decode_bytes(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise ImportFileError(_("The file is empty."))
    return rows_from_table(header, reader), encoding


def import_spreadsheet(data: bytes, *, file_name: str = "", dry_run: bool = False, actor=None,
                       progress: Progress | None = None) -> ImportReport:
    """Import a candidate spreadsheet (CSV or XLSX bytes) and return the report.

    Raises:
        ImportFileError: The file cannot be read as a whole (nothing written).
    """
    rows, encoding = parse_spreadsheet(data)
    report = ImportReport(format="spreadsheet", file_name=file_name, encoding=encoding, dry_run=dry_run)
    return import_person_rows(rows, report, source=Candidate.Source.SPREADSHEET, dry_run=dry_run, actor=actor,
                              progress=progress)
