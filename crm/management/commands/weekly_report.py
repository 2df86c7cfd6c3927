"""``manage.py weekly_report [--week 2026-W48] [--manager EMAIL] [--dry-run] [--output DIR]``.

Without options: sends every manager's report for the last complete week, as the Monday
job does, each at most once (a report already sent is left alone). ``--dry-run``
computes and renders without sending or recording anything; ``--output DIR`` writes each
report's HTML, text, CSV and PNG files under ``DIR/<week>/<manager>/`` (with or without
sending). Prints one line per manager and the paths written.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from talent.errors import DomainError


class Command(BaseCommand):
    help = "Send (or, with --dry-run, only render) the weekly pipeline report of each manager; write it to files."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--week", help="ISO week, e.g. 2026-W48 (default: the last complete week).")
        parser.add_argument("--manager", action="append", default=[], metavar="EMAIL",
                            help="Only this manager (e-mail address or username); repeat for several.")
        parser.add_argument("--dry-run", action="store_true", help="Render without sending or recording anything.")
        parser.add_argument("--output", metavar="DIR", help="Write HTML, text, CSV and PNG files under DIR.")

    def handle(self, *args, week: str | None = None, manager: list[str], dry_run: bool = False,
               output: str | None = None, **options) -> None:
        from crm.reports.delivery import (
            ReportInFlight,
            ReportNotDeliverable,
            report_language,
            stored_rendering,
            weekly_report_send,
            weekly_report_write,
            weekly_reports_prepare,
        )
        from crm.reports.render import report_render
        from crm.reports.selectors import BaseConverter, reports_figures
        from crm.reports.team import report_manager_ids
        from crm.reports.weeks import Week, week_last_complete

        try:
            target = Week.parse(week) if week else week_last_complete()
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        managers = self._managers(manager) if manager else list(
            get_user_model().objects.filter(pk__in=report_manager_ids(target)).order_by("pk"))
        if not managers:
            self.stdout.write(f"No manager to report to for {target.label}.")
            return
        converter = BaseConverter()
        self.stdout.write(f"Weekly report {target.label} ({target.start_on} to {target.end_on}), "
                          f"{len(managers)} manager(s){' — dry run, nothing sent' if dry_run else ''}.")
        failures = 0
        # The figures of all managers at once (the same queries as for one); sending renders from them.
        if dry_run:
            batch = reports_figures(managers=managers, week=target, converter=converter)
        else:
            weekly_reports_prepare(week=target, manager_ids=[m.pk for m in managers], converter=converter)
        for user in managers:
            label = user.email or user.get_username()
            rendered = None
            if dry_run:
                payload = batch[user.pk]
                rendered = report_render(payload, language=report_language(user), with_charts=bool(output))
                self.stdout.write(f"  {label}: rendered ({self._figures(payload)})")
            else:
                try:
                    result = weekly_report_send(manager_id=user.pk, week=target, converter=converter)
                except (ReportInFlight, ReportNotDeliverable) as exc:
                    failures += 1
                    self.stderr.write(f"  {label}: not sent: {exc.message}")
                    continue
                except OSError as exc:
                    failures += 1
                    self.stderr.write(f"  {label}: failed ({exc}); recorded, send it again later")
                    continue
                self.stdout.write(f"  {label}: {'sent' if result.action == 'sent' else 'already sent, nothing sent'}")
                if output:
                    rendered = stored_rendering(result.report)
            if output and rendered is not None:
                directory = Path(output) / target.label / self._slug(user)
                paths = weekly_report_write(rendered, directory)
                for path in paths.values():
                    self.stdout.write(f"    {path}")
        if failures:
            raise CommandError(f"{failures} report(s) not sent; see above.")

    @staticmethod
    def _figures(payload: dict) -> str:
        """``new_candidacies=2, ..., fees_booked=150000.00 CNY``: the headline numbers of a payload."""
        parts = []
        for h in payload["headline"]:
            value = h["this_week"]
            parts.append(f"{h['key']}={value['amount']} {value['currency']}" if isinstance(value, dict)
                         else f"{h['key']}={value}")
        return ", ".join(parts)

    @staticmethod
    def _slug(user) -> str:
        raw = user.get_username() or str(user.pk)
        return "".join(ch if ch.isalnum() or ch in "-_.@" else "_" for ch in raw)

    @staticmethod
    def _managers(names: list[str]) -> list:
        from django.db.models import Q

        users = []
        for name in names:
            user = get_user_model().objects.filter(Q(email__iexact=name) | Q(username=name)).order_by("pk").first()
            if user is None:
                raise CommandError(f"No user with the e-mail address or username {name!r}.")
            users.append(user)
        return users
