"""Five weeks of plausible, clearly fictional pipeline history for the demo's weekly report.

``manage.py demo_setup`` (``make demo``) calls :func:`demo_history_create` after the
fictional openings exist. It replays :data:`PLAN` through the real services
(``candidacy_create``, ``candidacy_advance``, ``candidacy_move_stage``, ``activity_log``,
``follow_up_complete``, the offer services and ``offer_placement_create``) with the clock
set back to each event's time, so every history row (stage changes, offer status changes,
placements, activities, audit history) is written exactly as it would have been then.

Who is in it: 13 **fictional** candidates ("Fictional Candidate 01", "虚构候选人01",
``is_fictional=True``, e-mail addresses under ``example.invalid``); no real person in the
demo data gets a stage, rejection, offer or note. A demo manager ("manager") is the
responsible manager of four openings and manages the team of the two demo recruiters
("recruiter" and "recruiter2"), who own the two other openings without a manager: all six
are in the manager's report.

It lives in compensation, the top app, because it makes offers. The weeks are counted
back from the last complete week at the first run (the *report week*); a second run
finds the history and changes nothing, and :func:`demo_report_week` gives the same week.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max

from crm import pipeline
from crm import services as crm_services
from crm.demo import DEMO_OPENINGS
from crm.models import Activity, Candidacy, Company, Opening, StaffProfile, StageChange
from crm.reports.weeks import Week, report_zone, week_last_complete
from talent.models import Candidate
from talent.signals import side_effects_paused

from . import services
from .models import Offer

MANAGER = {"username": "manager", "email": "manager@example.com", "first_name": "Demo", "last_name": "Manager"}
RECRUITER2 = {"username": "recruiter2", "email": "recruiter2@example.com", "first_name": "Demo",
              "last_name": "Recruiter Two"}
#: Openings (indexes into crm.demo.DEMO_OPENINGS) the manager is named on; the others have
#: no manager and are owned by recruiter2, a member of the manager's team.
MANAGED = (0, 1, 2, 3)
TEAM_OWNED = (4, 5)

#: Offers of the plan: candidate -> terms (amounts as text, the offer's currency).
OFFERS = {
    1: {"currency": "CNY", "monthly_base": "120000", "months_per_year": "16", "sign_on": "100000"},
    2: {"currency": "CNY", "monthly_base": "110000", "months_per_year": "16"},
    4: {"currency": "USD", "annual_base": "320000", "sign_on": "20000"},
    6: {"currency": "CNY", "monthly_base": "90000", "months_per_year": "15"},
}

# (week offset from the report week, weekday 0 = Monday, local time, action, candidate no., argument)
# Actions: create (argument: opening index), advance / reject (stage), offer (deadline: days
# after the report week's Sunday, negative = before), accept, decline, placement, call,
# task (argument: due, hours after the event), done (completes the candidate's open task).
PLAN: list[tuple[int, int, str, str, int, object]] = [
    (-4, 0, "10:00", "create", 1, 0),
    (-4, 0, "10:20", "create", 2, 0),
    (-4, 1, "11:00", "create", 3, 2),
    (-4, 2, "15:00", "advance", 1, "contacted"),
    (-4, 3, "09:30", "advance", 2, "contacted"),
    (-4, 4, "16:00", "create", 4, 4),
    (-3, 0, "10:00", "advance", 1, "screening"),
    (-3, 1, "14:00", "advance", 2, "screening"),
    (-3, 2, "11:00", "create", 5, 4),
    (-3, 2, "11:30", "advance", 4, "screening"),
    (-3, 3, "10:00", "create", 6, 3),
    (-3, 4, "17:00", "call", 3, None),
    (-2, 0, "09:00", "advance", 1, "submitted"),
    (-2, 0, "09:30", "advance", 6, "submitted"),
    (-2, 1, "10:00", "advance", 4, "submitted"),
    (-2, 2, "14:00", "advance", 5, "screening"),
    (-2, 3, "15:00", "advance", 6, "interviewing"),
    (-2, 3, "16:00", "offer", 6, -2),
    (-2, 4, "11:00", "create", 7, 1),
    (-1, 0, "10:00", "advance", 1, "interviewing"),
    (-1, 0, "11:00", "advance", 2, "submitted"),
    (-1, 1, "09:00", "create", 8, 1),
    (-1, 1, "10:00", "create", 9, 5),
    (-1, 2, "16:00", "decline", 6, None),
    (-1, 2, "17:00", "advance", 4, "interviewing"),
    (-1, 3, "10:00", "create", 10, 0),
    (-1, 3, "11:00", "offer", 1, -4),
    (-1, 4, "09:00", "task", 7, 9),
    (-1, 4, "09:30", "task", 2, 97),
    (0, 0, "00:30", "create", 11, 2),
    (0, 0, "10:00", "advance", 2, "interviewing"),
    (0, 0, "14:00", "advance", 7, "contacted"),
    (0, 1, "11:00", "done", 2, None),
    (0, 1, "15:00", "advance", 5, "submitted"),
    (0, 1, "16:00", "advance", 8, "submitted"),
    (0, 2, "10:00", "accept", 1, None),
    (0, 2, "10:30", "placement", 1, None),
    (0, 2, "15:00", "offer", 2, 3),
    (0, 3, "09:00", "create", 12, 1),
    (0, 3, "10:00", "offer", 4, 6),
    (0, 3, "14:00", "reject", 10, "rejected"),
    (0, 4, "10:00", "create", 13, 5),
    (0, 4, "10:30", "task", 13, 26),
    (0, 4, "11:00", "call", 9, None),
    (0, 6, "23:30", "advance", 12, "contacted"),
]


def fictional_candidate(number: int) -> dict:
    """The fields of fictional candidate ``number`` (clearly fictional name, ``.invalid`` e-mail)."""
    return {"full_name": f"Fictional Candidate {number:02d}", "native_name": f"虚构候选人{number:02d}",
            "email": f"fictional.candidate.{number:02d}@example.invalid", "is_fictional": True,
            "highest_degree": Candidate.Degree.PHD, "phd_institution": "Fictional University (demo)",
            "city": "Beijing"}


@contextlib.contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Within this block, ``django.utils.timezone.now()`` returns ``moment`` (demo replay only)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@dataclass
class DemoTeam:
    """The demo's manager and recruiters."""

    manager: object
    recruiter: object
    recruiter2: object


def _user(fields: dict, *, staff: bool):
    user, created = get_user_model().objects.get_or_create(username=fields["username"], defaults={
        **{k: v for k, v in fields.items() if k != "username"}, "is_staff": staff})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def demo_team_create() -> DemoTeam:
    """Create (or find) the demo manager and recruiter2, and put both recruiters in the manager's team."""
    recruiter = get_user_model().objects.get(username="recruiter")
    manager = _user(MANAGER, staff=True)
    recruiter2 = _user(RECRUITER2, staff=True)
    for member in (recruiter, recruiter2):
        StaffProfile.objects.update_or_create(user=member, defaults={"manager": manager})
    StaffProfile.objects.get_or_create(user=manager, defaults={"language": "en"})
    return DemoTeam(manager, recruiter, recruiter2)


def _openings() -> list[Opening]:
    openings = []
    for company, title, *_rest in DEMO_OPENINGS:
        openings.append(Opening.objects.get(company=Company.objects.get(name__iexact=company), title=title))
    return openings


def demo_report_week() -> Week | None:
    """The week the demo history was built for (the week of its last planned event), or ``None``."""
    latest = StageChange.objects.filter(candidacy__candidate__is_fictional=True,
                                        candidacy__candidate__full_name__startswith="Fictional Candidate ").aggregate(
        latest=Max("changed_at"))["latest"]
    return Week.containing(latest) if latest else None


@transaction.atomic
def demo_history_create(*, week: Week | None = None) -> Week:
    """Replay :data:`PLAN` so that its last week is ``week`` (default: the last complete week); idempotent.

    Returns:
        The report week (the existing history's when it was built before).

    Raises:
        Opening.DoesNotExist: The fictional openings are missing (run ``crm.demo.demo_openings_create`` first).
    """
    existing = demo_report_week()
    if existing is not None:
        return existing
    week = week or week_last_complete()
    team = demo_team_create()
    openings = _openings()
    for index, opening in enumerate(openings):
        if index in MANAGED:
            opening.manager, opening.owner = team.manager, team.recruiter
        else:
            opening.manager, opening.owner = None, team.recruiter2
        crm_services.opening_save(opening=opening, actor=team.recruiter)

    candidacies: dict[int, Candidacy] = {}
    offers: dict[int, Offer] = {}
    tasks: dict[int, Activity] = {}
    with side_effects_paused():
        for offset, weekday, at, action, number, argument in PLAN:
            day = week.shifted(offset).start_on + timedelta(days=weekday)
            moment = datetime.combine(day, time.fromisoformat(at), tzinfo=report_zone())
            candidacy = candidacies.get(number)
            actor = team.recruiter2 if candidacy and candidacy.opening_id in {openings[i].pk for i in TEAM_OWNED} \
                else team.recruiter
            with clock_at(moment):
                if action == "create":
                    opening = openings[argument]
                    owner = team.recruiter2 if argument in TEAM_OWNED else team.recruiter
                    candidate = Candidate.objects.create(**fictional_candidate(number))
                    candidacies[number] = crm_services.candidacy_create(
                        candidate=candidate, opening=opening, actor=owner, note="Fictional demo candidacy.")
                elif action == "advance":
                    candidacies[number] = pipeline.candidacy_advance(candidacy=candidacy, to_stage=argument,
                                                                     actor=actor)
                elif action == "reject":
                    candidacies[number] = pipeline.candidacy_move_stage(
                        candidacy=candidacy, to_stage=argument, actor=actor, note="Fictional: the client passed.")
                elif action == "offer":
                    terms = dict(OFFERS[number])
                    offer = services.offer_create(
                        candidate=candidacy.candidate, company=candidacy.opening.company, candidacy=candidacy,
                        title=f"{candidacy.opening.title} (fictional)", actor=actor,
                        deadline_on=week.end_on + timedelta(days=int(argument)), **terms)
                    offers[number] = services.offer_extend(offer=offer, actor=actor)
                elif action == "accept":
                    offers[number] = services.offer_accept(offer=offers[number], actor=actor)
                elif action == "decline":
                    offers[number] = services.offer_decline(offer=offers[number], actor=actor)
                elif action == "placement":
                    services.offer_placement_create(offer=offers[number], start_on=week.end_on + timedelta(days=30),
                                                    actor=actor)
                elif action == "call":
                    crm_services.activity_log(actor=actor, kind=Activity.Kind.CALL, candidacy=candidacy,
                                              subject="Fictional check-in call")
                elif action == "task":
                    tasks[number] = crm_services.activity_log(
                        actor=actor, kind=Activity.Kind.TASK, candidacy=candidacy, subject="Fictional follow-up",
                        due_at=moment + timedelta(hours=int(argument)))
                elif action == "done":
                    crm_services.follow_up_complete(activity=tasks[number], actor=actor)
                else:  # pragma: no cover - PLAN is data in this module
                    raise ValueError(f"Unknown demo action {action!r}")
            if number in candidacies:
                candidacies[number].refresh_from_db()
    return week


#: Year-1 cash of the planned offers (for the demo's docs and tests): F01 120,000 x 16 +
#: 100,000 sign-on; F02 110,000 x 16; F04 320,000 + 20,000 sign-on (USD).
DEMO_YEAR1_CASH = {1: Decimal("2020000.00"), 2: Decimal("1760000.00"), 4: Decimal("340000.00")}
