"""``manage.py demo_setup``: the demo on real data, ready for a recruiter to log in.

It lives in ``compensation`` because that is the top app, the only one allowed to call
into all three. Steps (each idempotent, so ``make demo`` can run again):

1. a demo recruiter login (printed);
2. the real proceedings data set shipped in ``talent/data/demo/`` imported (real
   researchers, no invented personal data);
3. clearly fictional openings at a big-tech company and AI unicorns;
4. exchange rates from the shipped ECB file, a fictional candidate with a big-tech and a
   unicorn offer (the comparison page);
5. five weeks of fictional pipeline history (``compensation.demo_history``);
6. fit scores for every opening;
7. the demo manager's weekly report for the history's last week, written to files under
   ``VAR_DIR/reports/`` (the path is printed; nothing is e-mailed);

then a summary: candidates, publications, venues recognised, duplicates merged and
flagged, time taken.
"""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_USERNAME = "recruiter"


class Command(BaseCommand):
    help = "Set up the demo: recruiter login, real proceedings data, fictional openings and offers, fit scores."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--skip-import", action="store_true", help="Do not import the proceedings data set.")

    def handle(self, *args, skip_import: bool = False, **options) -> None:
        started = time.perf_counter()
        password = self._recruiter_login()

        report = None
        if not skip_import:
            from talent.demo import demo_import

            self.stdout.write("Importing the NeurIPS/ICML/ICLR proceedings data set (real, public)…")
            report = demo_import(stdout=self.stdout)

        from crm.demo import demo_openings_create

        openings = demo_openings_create()
        self.stdout.write(f"Fictional openings: {len(openings)}")

        from compensation.demo import demo_offers_create

        offers = demo_offers_create(stdout=self.stdout)
        self.stdout.write(f"Fictional offers: {len(offers)}")

        from compensation.demo_history import demo_history_create

        week = demo_history_create()  # before scoring, so its fictional candidates are scored too
        self.stdout.write(f"Fictional pipeline history: five weeks to {week.label}.")

        from crm.scoring.services import openings_rescore

        self.stdout.write("Scoring every candidate against every opening…")
        run = openings_rescore([o.id for o in openings], trigger="manual")
        from crm.models import FitScore
        from crm.scoring import setting

        stored = FitScore.objects.filter(opening__in=openings).count()
        self.stdout.write(
            f"Fit scores: {run.pair_count} pairs scored, {stored} stored "
            f"(the best {setting('CRM_SCORING_TOP_K')} per opening plus every candidacy)."
        )

        self._weekly_report(week)
        self._summary(report, time.perf_counter() - started)
        self.stdout.write(self.style.SUCCESS(
            f"\nDemo ready. Open http://127.0.0.1:8000/admin/ and log in as "
            f"{DEMO_USERNAME!r} with password {password!r}."
        ))

    def _weekly_report(self, week) -> None:
        """Write the demo manager's report for the history's last week to files (nothing is e-mailed)."""
        from pathlib import Path

        from compensation.demo_history import demo_team_create
        from crm.reports.delivery import weekly_report_build, weekly_report_write

        manager = demo_team_create().manager
        payload, rendered = weekly_report_build(manager=manager, week=week)
        directory = Path(settings.VAR_DIR) / "reports" / week.label / manager.get_username()
        paths = weekly_report_write(rendered, directory)
        figures = {h["key"]: h["this_week"] for h in payload["headline"]}
        self.stdout.write(
            f"Weekly report {week.label} of {manager.get_username()!r} "
            f"({figures['new_candidacies']} new candidacies, {figures['placements']} placement(s), "
            f"fees booked {figures['fees_booked']['amount']} {figures['fees_booked']['currency']}):")
        self.stdout.write(f"  {paths['html']}")
        self.stdout.write(f"  (text, CSV and charts beside it; `manage.py weekly_report --week {week.label} "
                          f"--manager {manager.email} --dry-run --output DIR` writes it again)")

    def _recruiter_login(self) -> str:
        """Create or refresh the demo recruiter; return the password to print."""
        password = settings.CRM_DEMO_PASSWORD or secrets.token_urlsafe(9)
        user, _ = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME, defaults={"email": "recruiter@example.com", "first_name": "Demo"}
        )
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        return password

    def _summary(self, report, seconds: float) -> None:
        from talent.models import Candidate, Publication

        self.stdout.write("\nSummary")
        self.stdout.write(f"  {'candidates:':<21}{Candidate.objects.count()}")
        self.stdout.write(f"  {'publications:':<21}{Publication.objects.count()}")
        self.stdout.write(f"  {'with a known venue:':<21}{Publication.objects.filter(venue__isnull=False).count()}")
        if report is not None:
            summary = report.summary()
            for key in ("rows", "created", "updated", "merged", "flagged", "skipped", "errors",
                        "venues_recognised", "venues_unknown"):
                if key in summary:
                    label = "import " + key.replace("_", " ") + ":"
                    self.stdout.write(f"  {label:<21}{summary[key]}")
        self.stdout.write(f"  {'time taken:':<21}{seconds:.1f} s")
