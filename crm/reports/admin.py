"""Admin of the weekly report: past reports per manager (shown as sent, "send again"), and staff profiles.

Registered from ``crm/admin.py`` (imported there). Reports are written by the delivery
service only: nobody adds or edits one by hand. Staff profiles say which team a
recruiter is in and in which language a user reads the report.
"""

from __future__ import annotations

import base64

from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin

from talent.errors import DomainError

from ..models import StaffProfile, WeeklyReport
from .delivery import stored_rendering, weekly_report_send
from .weeks import Week


@admin.register(WeeklyReport)
class WeeklyReportAdmin(admin.ModelAdmin):
    """Past weekly reports: filter by manager, open one to see it as it was sent, send a failed one again."""

    list_display = ["manager", "week_label", "status", "attempts", "recipient", "sent_at", "language"]
    list_filter = ["status", ("manager", admin.RelatedOnlyFieldListFilter), "week_start_on", "language"]
    search_fields = ["manager__username", "manager__email", "manager__first_name", "manager__last_name", "recipient",
                     "subject"]
    list_select_related = ["manager"]
    date_hierarchy = "week_start_on"
    ordering = ["-week_start_on", "manager__username"]
    actions = ["send_again"]
    fields = ["manager", "week_start_on", "status", "attempts", "error", "recipient", "subject", "language",
              "message_id", "content_sha256", "rendered_at", "claimed_at", "sent_at", "created_at", "updated_at",
              "report_preview"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("week"), ordering="week_start_on")
    def week_label(self, obj: WeeklyReport) -> str:
        return Week.of(obj.week_start_on).label

    @admin.display(description=_("report as sent"))
    def report_preview(self, obj: WeeklyReport) -> str:
        if not obj.html:
            return _("Not rendered yet.")
        html_url = reverse("admin:crm_weeklyreport_preview", args=[obj.pk])
        csv_url = reverse("admin:crm_weeklyreport_csv", args=[obj.pk])
        return format_html(
            '<p><a href="{}">{}</a> · <a href="{}" target="_blank">{}</a></p>'
            '<iframe src="{}" title="{}" style="width:100%;max-width:700px;height:900px;border:1px solid #ccc;"></iframe>',
            csv_url, _("Download the CSV attachment"), html_url, _("Open in a new tab"), html_url, obj.subject)

    def get_urls(self):
        custom = [
            path("<int:report_id>/preview/", self.admin_site.admin_view(self.preview_view),
                 name="crm_weeklyreport_preview"),
            path("<int:report_id>/csv/", self.admin_site.admin_view(self.csv_view), name="crm_weeklyreport_csv"),
        ]
        return custom + super().get_urls()

    @xframe_options_sameorigin
    def preview_view(self, request, report_id: int) -> HttpResponse:
        """The HTML part as sent, its inline charts as data URIs (a browser cannot resolve ``cid:``)."""
        report = get_object_or_404(WeeklyReport, pk=report_id)
        if not self.has_view_permission(request, report):
            return HttpResponse(status=403)
        html = report.html
        for content_id, _name, data in stored_rendering(report).images:
            html = html.replace(f'src="cid:{content_id}"',
                                f'src="data:image/png;base64,{base64.b64encode(data).decode("ascii")}"')
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
        return response

    def csv_view(self, request, report_id: int) -> HttpResponse:
        """The CSV attachment as sent."""
        report = get_object_or_404(WeeklyReport, pk=report_id)
        if not self.has_view_permission(request, report):
            return HttpResponse(status=403)
        response = HttpResponse(report.csv.encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="pipeline-{Week.of(report.week_start_on).label}.csv"'
        return response

    def has_send_permission(self, request) -> bool:
        """Sending again needs the permission to change weekly reports (view alone does not)."""
        return request.user.has_perm("crm.change_weeklyreport")

    @admin.action(description=_("Send the selected failed reports again"), permissions=["send"])
    def send_again(self, request, queryset):
        """Send failed reports again, as first rendered; other statuses are left alone and named."""
        sent = 0
        for report in queryset.select_related("manager"):
            if report.status != WeeklyReport.Status.FAILED:
                self.message_user(request, _("%(report)s is %(status)s, not failed: left alone.") % {
                    "report": report, "status": report.get_status_display()}, messages.WARNING)
                continue
            try:
                result = weekly_report_send(manager_id=report.manager_id, week=Week.of(report.week_start_on))
            except (DomainError, OSError) as exc:
                self.message_user(request, _("%(report)s: %(error)s") % {"report": report, "error": exc},
                                  messages.ERROR)
                continue
            sent += result.action == "sent"
        if sent:
            self.message_user(request, ngettext("%(count)d report sent.", "%(count)d reports sent.", sent)
                              % {"count": sent}, messages.SUCCESS)


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    """Who is in whose team (for the weekly report) and in which language a user reads it."""

    list_display = ["user", "manager", "language", "is_weekly_report_enabled"]
    list_filter = ["language", "is_weekly_report_enabled", ("manager", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name", "manager__username"]
    list_select_related = ["user", "manager"]
    autocomplete_fields = ["user", "manager"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "language":
            from django import forms
            from django.conf import settings

            choices = [("", _("Site default"))] + [(code, name) for code, name in settings.LANGUAGES]
            return forms.ChoiceField(choices=choices, required=False, label=db_field.verbose_name,
                                     help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
