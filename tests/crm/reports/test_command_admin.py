"""``manage.py weekly_report``, the admin of past reports, and the beat entry."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from crm.models import StaffProfile, WeeklyReport
from crm.reports.delivery import weekly_report_send

from .conftest import W48

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("weekly_report", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_weekly_report_dry_run_writes_files_and_sends_nothing(scenario, tmp_path):
    output = run("--week", "2026-W48", "--manager", "BOSS@example.com", "--dry-run", "--output", str(tmp_path))

    folder = tmp_path / "2026-W48" / "boss"
    assert sorted(p.name for p in folder.iterdir()) == ["funnel.png", "report.csv", "report.html", "report.txt",
                                                       "trend.png"]
    assert 'src="funnel.png"' in (folder / "report.html").read_text()
    assert (folder / "report.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "new_candidacies=2" in output and str(folder / "report.html") in output
    assert mail.outbox == [] and not WeeklyReport.objects.exists()


def test_weekly_report_sends_each_manager_once(scenario):
    first = run("--week", "2026-W48")
    second = run("--week", "2026-W48")

    assert "boss@example.com: sent" in first and "other@example.com: sent" in first
    assert "boss@example.com: already sent, nothing sent" in second
    assert len(mail.outbox) == 2


def test_weekly_report_refuses_a_bad_week_or_an_unknown_manager(scenario):
    with pytest.raises(CommandError, match="ISO week"):
        run("--week", "2026-48")
    with pytest.raises(CommandError, match="No user"):
        run("--manager", "nobody@example.com")


def test_weekly_report_admin_lists_shows_and_downloads(scenario, client, recruiter):
    weekly_report_send(manager_id=scenario.boss.pk, week=W48)
    report = WeeklyReport.objects.get()
    client.force_login(recruiter)

    listing = client.get(reverse("admin:crm_weeklyreport_changelist"), {"q": "boss"})
    page = client.get(reverse("admin:crm_weeklyreport_change", args=[report.pk]))
    preview = client.get(reverse("admin:crm_weeklyreport_preview", args=[report.pk]))
    download = client.get(reverse("admin:crm_weeklyreport_csv", args=[report.pk]))

    assert listing.status_code == 200 and "2026-W48" in listing.content.decode()
    assert page.status_code == 200 and reverse("admin:crm_weeklyreport_preview", args=[report.pk]) in page.content.decode()
    assert preview.status_code == 200 and b"data:image/png;base64," in preview.content and b"cid:" not in preview.content
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert download.content.startswith(b"\xef\xbb\xbf") and download.content.decode("utf-8") == report.csv


def test_weekly_report_admin_sends_failed_reports_again_only(scenario, client, recruiter, settings):
    settings.EMAIL_BACKEND = "tests.crm.reports.test_command_admin.FailingBackend"
    with pytest.raises(OSError):
        weekly_report_send(manager_id=scenario.boss.pk, week=W48)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    weekly_report_send(manager_id=scenario.other.pk, week=W48)
    failed = WeeklyReport.objects.get(manager=scenario.boss)
    sent = WeeklyReport.objects.get(manager=scenario.other)
    client.force_login(recruiter)

    response = client.post(reverse("admin:crm_weeklyreport_changelist"),
                           {"action": "send_again", "_selected_action": [failed.pk, sent.pk]}, follow=True)

    text = response.content.decode()
    assert "1 report sent." in text and "not failed: left alone" in text
    failed.refresh_from_db()
    assert failed.status == WeeklyReport.Status.SENT and failed.attempts == 2
    assert len(mail.outbox) == 2  # other's first send and boss's second attempt


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


def test_staff_profile_admin_smoke(scenario, client, recruiter):
    client.force_login(recruiter)

    listing = client.get(reverse("admin:crm_staffprofile_changelist"), {"q": "rec2"})
    form = client.get(reverse("admin:crm_staffprofile_change", args=[StaffProfile.objects.get().pk]))

    assert listing.status_code == 200 and "rec2" in listing.content.decode()
    assert form.status_code == 200 and "Simplified Chinese" in form.content.decode()


def test_staff_profile_rejects_an_unknown_language():
    from django.core.exceptions import ValidationError

    from tests.crm.factories import UserFactory

    with pytest.raises(ValidationError):
        StaffProfile(user=UserFactory(), language="fr").full_clean()


def test_beat_sends_the_reports_on_monday_at_eight_local_time():
    entry = django_settings.CELERY_BEAT_SCHEDULE["crm-weekly-reports-send-all"]

    assert entry["task"] == "crm.tasks.weekly_reports_send_all_task"
    schedule = entry["schedule"]
    assert schedule.hour == {8} and schedule.minute == {0} and schedule.day_of_week == {1}
    assert django_settings.CELERY_TIMEZONE == django_settings.TIME_ZONE
