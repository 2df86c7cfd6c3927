"""Sending the weekly report, once: the services behind the tasks, the command and the admin.

One ``WeeklyReport`` row per (manager, week) carries the state of its e-mail:

1. **Claim** (one transaction, the row locked with ``select_for_update``): a ``sent`` row
   is left alone (nothing is sent twice); a ``sending`` row claimed less than
   ``CRM_REPORT_SEND_LEASE_SECONDS`` ago belongs to another worker
   (:class:`ReportInFlight`, retried later). Otherwise, the first time, the figures are
   computed and the parts rendered and **stored** (payload, subject, HTML, text, CSV,
   hash, Message-ID); then the row becomes ``sending``, ``attempts`` + 1, ``claimed_at`` now.
2. **Send**, outside any transaction, through Django's e-mail backend (``EMAIL_URL``).
3. **Mark** ``sent`` (with ``sent_at``), or ``failed`` with the error; only if the row is
   still this attempt's claim.

What a crash does:

* killed before the claim commits: nothing happened; the redelivered task starts over;
* killed between rendering (claim committed) and sending: the row stays ``sending`` and
  nothing was sent; once the lease has passed, the redelivered task (``acks_late``,
  ``reject_on_worker_lost``) or the next run of the fan-out takes it over and sends the
  stored parts: the e-mail is not lost, and not doubled;
* killed after the SMTP server accepted the message but before ``sent`` commits (a
  window of one round trip to the database): the takeover sends it **again**. Delivery is
  at-least-once, not exactly-once; no protocol can close that window with SMTP. Both
  copies carry the same ``Message-ID`` (stored on the row), so mail clients and servers
  that de-duplicate by Message-ID show one.

A failed send is recorded (``failed``, ``error``) and can be sent again: by the task's
retries (transient errors), by running the fan-out again, or with the admin's "send
again" action. Sending again sends the stored parts, never a recomputation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from email import encoders
from email.mime.base import MIMEBase
from email.mime.image import MIMEImage
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart, SafeMIMEText
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from talent.errors import DomainError

from ..conf import setting
from ..models import StaffProfile, WeeklyReport
from .render import RenderedReport, report_charts, report_render
from .selectors import BaseConverter, report_figures, reports_figures
from .weeks import Week

logger = logging.getLogger(__name__)
Status = WeeklyReport.Status


class ReportInFlight(DomainError):
    """Another worker claimed this report less than the lease ago; try again after it."""

    def __init__(self, report: WeeklyReport) -> None:
        super().__init__(_("The report of %(manager)s for %(week)s is being sent by another worker since %(at)s.") % {
            "manager": report.manager, "week": Week.of(report.week_start_on).label,
            "at": timezone.localtime(report.claimed_at).strftime("%Y-%m-%d %H:%M:%S")})
        self.report = report


class ReportNotDeliverable(DomainError):
    """The manager cannot receive the report (no e-mail address, inactive): recorded as failed, not retried."""


def report_language(manager) -> str:
    """The language of ``manager``'s e-mails: their profile's, else ``settings.LANGUAGE_CODE``."""
    profile = StaffProfile.objects.filter(user=manager).only("language").first()
    return (profile.language if profile and profile.language else None) or settings.LANGUAGE_CODE


def weekly_report_build(*, manager, week: Week, language: str | None = None, converter: BaseConverter | None = None,
                        with_charts: bool = True) -> tuple[dict, RenderedReport]:
    """Compute and render ``manager``'s report for ``week``; store and send nothing.

    Returns:
        ``(payload, rendered)``: the figures (:func:`crm.reports.selectors.report_figures`)
        and their rendering in ``language`` (default: :func:`report_language`).
    """
    payload = report_figures(manager=manager, week=week, converter=converter)
    rendered = report_render(payload, language=language or report_language(manager), with_charts=with_charts)
    return payload, rendered


# --- the e-mail --------------------------------------------------------------------------------


class ReportEmail(EmailMultiAlternatives):
    """An e-mail whose HTML part has inline images: ``mixed[alternative[text, related[html, png...]], csv]``.

    Mail clients show the images referenced as ``cid:<content id>`` from the HTML inside
    ``multipart/related``; the text part stays the first alternative for text-only readers.
    """

    def __init__(self, *args, html: str, inline_images: list[tuple[str, str, bytes]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.html = html
        self.inline_images = inline_images

    def _create_alternatives(self, msg):
        encoding = self.encoding or settings.DEFAULT_CHARSET
        alternative = SafeMIMEMultipart(_subtype="alternative", encoding=encoding)
        alternative.attach(msg)
        related = SafeMIMEMultipart(_subtype="related", encoding=encoding)
        related.attach(SafeMIMEText(self.html, "html", encoding))
        for content_id, filename, data in self.inline_images:
            image = MIMEImage(data, "png")
            image.add_header("Content-ID", f"<{content_id}>")
            image.add_header("Content-Disposition", "inline", filename=filename)
            related.attach(image)
        alternative.attach(related)
        return alternative


def csv_attachment(data: bytes, filename: str) -> MIMEBase:
    """The CSV as a base64 ``text/csv`` part: its bytes (BOM included) arrive exactly as written."""
    part = MIMEBase("text", "csv", charset="utf-8")
    part.set_payload(data)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def message_id_for(report: WeeklyReport) -> str:
    """The report's Message-ID, the same for every attempt: ``<weekly-report.42.2026-W48@example.com>``.

    The domain is that of ``DEFAULT_FROM_EMAIL`` (the same on every worker).
    """
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
    return f"<weekly-report.{report.pk}.{Week.of(report.week_start_on).label}@{domain}>"


def report_message(report: WeeklyReport, *, connection=None) -> ReportEmail:
    """Build the e-mail of a rendered report from its stored parts (charts drawn again from its payload)."""
    from django.utils import translation

    with translation.override(report.language):
        images = report_charts(report.payload)
    message = ReportEmail(
        subject=report.subject, body=report.text, from_email=settings.DEFAULT_FROM_EMAIL, to=[report.recipient],
        html=report.html, inline_images=images, connection=connection,
        headers={"Message-ID": report.message_id, "Auto-Submitted": "auto-generated",
                 "Content-Language": report.language,
                 "X-CRM-Report": f"{report.manager_id}/{Week.of(report.week_start_on).label}"},
    )
    message.attach(csv_attachment(report.csv.encode("utf-8"), f"pipeline-{Week.of(report.week_start_on).label}.csv"))
    return message


# --- sending -------------------------------------------------------------------------------------


def _row_locked(manager_id: int, week: Week) -> WeeklyReport:
    """The (manager, week) row, created if missing, locked until the transaction ends."""
    try:
        with transaction.atomic():
            WeeklyReport.objects.get_or_create(manager_id=manager_id, week_start_on=week.start_on)
    except IntegrityError:  # created by a concurrent worker between our get and create
        pass
    return WeeklyReport.objects.select_for_update().select_related("manager").get(
        manager_id=manager_id, week_start_on=week.start_on)


def _store_rendering(report: WeeklyReport, week: Week, converter: BaseConverter | None) -> None:
    """Render the report and keep the parts on the row; its figures are the stored payload when the
    fan-out computed them for this week (:func:`weekly_reports_prepare`), else computed now."""
    language = report_language(report.manager)
    if report.payload.get("week", {}).get("label") == week.label:
        payload = report.payload
    else:
        payload = report_figures(manager=report.manager, week=week, converter=converter)
    rendered = report_render(payload, language=language, with_charts=False)
    report.language = language
    report.payload = payload
    report.subject = rendered.subject[:300]
    report.html = rendered.html
    report.text = rendered.text
    report.csv = rendered.csv.decode("utf-8")
    report.content_sha256 = rendered.content_sha256
    report.message_id = message_id_for(report)
    report.rendered_at = timezone.now()


def weekly_reports_prepare(*, week: Week, manager_ids: list[int], converter: BaseConverter | None = None) -> int:
    """Compute the figures of many managers' reports at once and store them on their rows (``pending``).

    The fan-out calls it before sending one task per manager: the figures of
    ``CRM_REPORT_BATCH_SIZE`` managers take the same ~16 queries as one manager's
    (:func:`crm.reports.selectors.reports_figures`), and each send task then renders from its
    row. Rows already rendered (being sent, sent, failed) are left alone. Returns how
    many rows got figures.
    """
    converter = converter or BaseConverter()
    size = max(1, int(setting("CRM_REPORT_BATCH_SIZE")))
    User = get_user_model()
    stored = 0
    rendered = set(WeeklyReport.objects.filter(week_start_on=week.start_on, manager_id__in=manager_ids)
                   .exclude(html="").values_list("manager_id", flat=True))
    todo = [i for i in manager_ids if i not in rendered]
    for start in range(0, len(todo), size):
        managers = list(User.objects.filter(pk__in=todo[start:start + size]).order_by("pk"))
        payloads = reports_figures(managers=managers, week=week, converter=converter)
        for manager in managers:
            try:
                with transaction.atomic():
                    WeeklyReport.objects.get_or_create(manager=manager, week_start_on=week.start_on)
            except IntegrityError:  # a send task created it meanwhile
                pass
            stored += WeeklyReport.objects.filter(manager=manager, week_start_on=week.start_on, html="").exclude(
                status=Status.SENDING).update(payload=payloads[manager.pk], updated_at=timezone.now())
    return stored


@dataclass
class SendResult:
    """What :func:`weekly_report_send` did: ``sent`` (this call sent it) or ``already_sent``."""

    report: WeeklyReport
    action: str


def weekly_report_send(*, manager_id: int, week: Week, converter: BaseConverter | None = None,
                       connection=None) -> SendResult:
    """Send ``manager_id``'s report for ``week`` unless it was sent; safe to call any number of times.

    See the module docstring for the states and what a crash does.

    Returns:
        :class:`SendResult`: ``action`` is ``"sent"`` or ``"already_sent"``.

    Raises:
        ReportInFlight: Another worker holds a fresh claim (retry after the lease).
        ReportNotDeliverable: The manager has no e-mail address or is inactive (recorded as failed).
        get_user_model().DoesNotExist: No such user.
        Exception: Whatever the e-mail backend raised (``SMTPException``, ``OSError``); the
            report is recorded as failed with the error first.
    """
    manager = get_user_model().objects.get(pk=manager_id)
    lease = timedelta(seconds=int(setting("CRM_REPORT_SEND_LEASE_SECONDS")))
    problem = ""
    if not manager.is_active:
        problem = _("%(manager)s is inactive.") % {"manager": manager}
    elif not manager.email:
        problem = _("%(manager)s has no e-mail address.") % {"manager": manager}

    with transaction.atomic():
        report = _row_locked(manager_id, week)
        if report.status == Status.SENT:
            return SendResult(report, "already_sent")
        now = timezone.now()
        if report.status == Status.SENDING and report.claimed_at and report.claimed_at > now - lease:
            raise ReportInFlight(report)
        if problem:
            report.status, report.error = Status.FAILED, problem
            report.save(update_fields=["status", "error", "updated_at"])
        else:
            fields = ["status", "attempts", "claimed_at", "error", "recipient", "updated_at"]
            if not report.html:
                _store_rendering(report, week, converter)
                fields += ["language", "payload", "subject", "html", "text", "csv", "content_sha256", "message_id",
                           "rendered_at"]
            report.status = Status.SENDING
            report.attempts += 1
            report.claimed_at = now
            report.error = ""
            report.recipient = manager.email
            report.save(update_fields=fields)
    if problem:
        raise ReportNotDeliverable(problem)

    attempt = report.attempts
    try:
        message = report_message(report, connection=connection)
        if message.send() != 1:
            raise OSError(_("The e-mail backend accepted no message."))
    except Exception as exc:
        _mark(report.pk, attempt, status=Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
        logger.warning("Weekly report %s (attempt %d) failed: %s", report.pk, attempt, exc)
        raise
    _mark(report.pk, attempt, status=Status.SENT)
    report.refresh_from_db()
    return SendResult(report, "sent")


def _mark(report_id: int, attempt: int, *, status: str, error: str = "") -> bool:
    """Record the outcome of ``attempt``, if the row is still that attempt's claim; return whether it was."""
    fields = {"status": status, "error": error, "updated_at": timezone.now()}
    if status == Status.SENT:
        fields["sent_at"] = fields["updated_at"]
    return bool(WeeklyReport.objects.filter(pk=report_id, status=Status.SENDING, attempts=attempt).update(**fields))


# --- files -----------------------------------------------------------------------------------------


def weekly_report_write(rendered: RenderedReport, directory: Path) -> dict[str, Path]:
    """Write a rendered report as files: ``report.html`` (charts linked as files), ``report.txt``,
    ``report.csv``, ``funnel.png``, ``trend.png``; create ``directory`` if needed.

    Returns:
        ``{"html": path, "text": path, "csv": path, "funnel": path, "trend": path}``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    html = rendered.html
    paths: dict[str, Path] = {}
    for content_id, filename, data in rendered.images:
        path = directory / filename
        path.write_bytes(data)
        paths[content_id] = path
        html = html.replace(f'src="cid:{content_id}"', f'src="{filename}"')
    for key, name, content in (("html", "report.html", html.encode("utf-8")),
                               ("text", "report.txt", rendered.text.encode("utf-8")),
                               ("csv", "report.csv", rendered.csv)):
        path = directory / name
        path.write_bytes(content)
        paths[key] = path
    return paths


def stored_rendering(report: WeeklyReport) -> RenderedReport:
    """The rendered parts of a stored report (charts drawn again from its payload)."""
    from django.utils import translation

    with translation.override(report.language):
        images = report_charts(report.payload) if report.payload else []
    return RenderedReport(subject=report.subject, html=report.html, text=report.text,
                          csv=report.csv.encode("utf-8"), csv_name=f"pipeline-{Week.of(report.week_start_on).label}.csv",
                          images=images)
