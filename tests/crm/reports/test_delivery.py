"""Sending: a real SMTP server on localhost (aiosmtpd), idempotency, crashes, failures and sending again."""

from __future__ import annotations

import email
import socket
from datetime import timedelta
from email import policy
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.utils import timezone

from crm.conf import setting
from crm.models import WeeklyReport
from crm.reports import delivery
from crm.reports.delivery import ReportInFlight, weekly_report_send
from crm.tasks import weekly_report_send_task, weekly_reports_send_all_task
from tests.crm.factories import OpeningFactory, UserFactory

from .conftest import W48

pytestmark = pytest.mark.django_db
Status = WeeklyReport.Status


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping what it receives."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self):
        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free localhost port; Django's SMTP backend pointed at it."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    try:
        yield inbox
    finally:
        controller.stop()


def parts(message):
    return {part.get_content_type(): part for part in message.walk()}


def test_weekly_reports_are_delivered_over_smtp_with_csv_and_inline_charts_once(scenario, smtp_server):
    sent = weekly_reports_send_all_task.delay(W48.label).get()

    assert sent == 2  # boss and other (opening C); recruiters get none
    to_boss = [m for m in smtp_server.messages() if m["To"] == "boss@example.com"]
    assert len(to_boss) == 1
    message = to_boss[0]
    report = WeeklyReport.objects.get(manager=scenario.boss, week_start_on=W48.start_on)
    assert report.status == Status.SENT and report.sent_at and report.attempts == 1
    assert message["Message-ID"] == report.message_id
    assert message["Subject"] == "Pipeline report 2026-W48 for Bo Ss"
    assert message.get_content_type() == "multipart/mixed"
    alternative = message.get_payload()[0]
    assert alternative.get_content_type() == "multipart/alternative"
    text, related = alternative.get_payload()
    assert text.get_content_type() == "text/plain" and "New candidacies: 2 (" in text.get_content()
    assert related.get_content_type() == "multipart/related"
    html, *images = related.get_payload()
    assert html.get_content_type() == "text/html"
    assert {i["Content-ID"] for i in images} == {"<funnel>", "<trend>"}
    assert all(i.get_content_type() == "image/png" and i.get_payload(decode=True).startswith(b"\x89PNG") for i in images)
    assert 'src="cid:funnel"' in html.get_content() and 'src="cid:trend"' in html.get_content()
    attachment = next(p for p in message.walk() if p.get_filename() == "pipeline-2026-W48.csv")
    data = attachment.get_payload(decode=True)
    assert attachment.get_content_type() == "text/csv" and data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8") == report.csv and "候选人c8".encode() in data

    weekly_reports_send_all_task.delay(W48.label).get()
    weekly_report_send_task.delay(scenario.boss.pk, W48.label).get()

    assert len(smtp_server.envelopes) == 2  # the second run sent nothing
    assert WeeklyReport.objects.get(pk=report.pk).attempts == 1


def test_killed_between_rendering_and_sending_neither_loses_nor_doubles(scenario, settings):
    with mock.patch.object(delivery, "report_message", side_effect=KeyboardInterrupt), \
            pytest.raises(KeyboardInterrupt):  # the worker dies: nothing after the claim runs
        weekly_report_send(manager_id=scenario.boss.pk, week=W48)
    report = WeeklyReport.objects.get(manager=scenario.boss)
    assert report.status == Status.SENDING and report.html and report.message_id and len(mail.outbox) == 0

    with pytest.raises(ReportInFlight):  # a duplicate delivery within the lease sends nothing
        weekly_report_send(manager_id=scenario.boss.pk, week=W48)
    later = timezone.now() + timedelta(seconds=setting("CRM_REPORT_SEND_LEASE_SECONDS") + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        result = weekly_report_send(manager_id=scenario.boss.pk, week=W48)

    assert result.action == "sent" and len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == report.message_id
    assert mail.outbox[0].body == report.text  # the stored rendering, not a recomputation
    assert WeeklyReport.objects.get(pk=report.pk).attempts == 2


def test_killed_after_sending_before_marking_resends_with_the_same_message_id(scenario):
    real_mark = delivery._mark

    def dies_on_sent(report_id, attempt, *, status, error=""):
        if status == Status.SENT:
            raise KeyboardInterrupt
        return real_mark(report_id, attempt, status=status, error=error)

    with mock.patch.object(delivery, "_mark", side_effect=dies_on_sent), pytest.raises(KeyboardInterrupt):
        weekly_report_send(manager_id=scenario.boss.pk, week=W48)
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(minutes=11)):
        weekly_report_send(manager_id=scenario.boss.pk, week=W48)

    # The documented at-least-once window: two copies, recognisably the same message.
    assert len(mail.outbox) == 2
    assert mail.outbox[0].extra_headers["Message-ID"] == mail.outbox[1].extra_headers["Message-ID"]


def test_a_failed_send_is_recorded_retried_and_can_be_sent_again(scenario, settings, smtp_server):
    settings.EMAIL_PORT = free_port()  # nobody listens there

    for _attempt in range(2):  # the task asks Celery to retry it later (eager: raises Retry)
        with pytest.raises(Retry):
            weekly_report_send_task.delay(scenario.boss.pk, W48.label).get()

    report = WeeklyReport.objects.get(manager=scenario.boss)
    assert report.status == Status.FAILED and "ConnectionRefusedError" in report.error
    assert report.attempts == 2
    assert smtp_server.envelopes == []

    settings.EMAIL_PORT = smtp_server.port
    assert weekly_report_send(manager_id=scenario.boss.pk, week=W48).action == "sent"
    assert len(smtp_server.envelopes) == 1
    assert WeeklyReport.objects.get(pk=report.pk).status == Status.SENT


def test_a_manager_without_an_email_address_is_recorded_as_failed(scenario):
    nameless = UserFactory(username="no-mail", email="")
    OpeningFactory(manager=nameless)

    assert weekly_report_send_task.delay(nameless.pk, W48.label).get() == "undeliverable"

    report = WeeklyReport.objects.get(manager=nameless)
    assert report.status == Status.FAILED and "no e-mail address" in report.error
    assert mail.outbox == []


def test_report_language_follows_the_staff_profile(scenario):
    from crm.models import StaffProfile

    StaffProfile.objects.create(user=scenario.boss, language="zh-hans")

    weekly_report_send(manager_id=scenario.boss.pk, week=W48)

    report = WeeklyReport.objects.get(manager=scenario.boss)
    assert report.language == "zh-hans" and "已寻访" in report.text and 'lang="zh-hans"' in report.html
