"""Whose openings a manager's report covers: the one definition of a manager's scope.

The model of a team is deliberately small and explicit (``crm.StaffProfile``):

* an opening names its **responsible manager** (``Opening.manager``): it is in that
  manager's report, whoever owns it;
* an opening that names **no** manager falls to the manager of its owner recruiter's team
  (``StaffProfile.manager`` of ``Opening.owner``), "through the recruiters of their team";
* nothing else: an opening with neither is in nobody's report, and no opening is in two
  reports (a named manager wins over the owner's team).

Roles and permissions (who may see what in the admin) are another matter (groups); this
only decides where an opening's numbers are reported.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from ..models import Opening, StageChange
from ..services import OPENING_STATUSES_TAKING_CANDIDATES
from .weeks import Week

#: Opening statuses whose openings are listed in a report (funnel, best fits, no movement)
#: even without movement in the week: the ones still taking candidates.
ACTIVE_OPENING_STATUSES = OPENING_STATUSES_TAKING_CANDIDATES


def manager_scope_q(manager_id: int, prefix: str = "") -> Q:
    """Return the filter selecting the openings in ``manager_id``'s report.

    ``prefix`` reaches the opening from another model, e.g. ``"candidacy__opening__"``.
    """
    return Q(**{f"{prefix}manager_id": manager_id}) | Q(
        **{f"{prefix}manager__isnull": True, f"{prefix}owner__crm_profile__manager_id": manager_id})


def manager_openings(manager_id: int):
    """Return the openings in ``manager_id``'s report (a queryset; company joined), by company and title."""
    return (Opening.objects.filter(manager_scope_q(manager_id)).select_related("company")
            .order_by("company__name", "title", "id"))


def report_manager_ids(week: Week) -> list[int]:
    """Return the ids of the users who get a report for ``week``, ascending.

    A user gets one when they are active, have not turned the report off
    (``StaffProfile.is_weekly_report_enabled``), and have in their scope an opening still
    taking candidates (draft, open, on hold) or one with a stage move during ``week``. A
    user without an e-mail address is included: their report is recorded as failed, with
    the reason, where an administrator sees it.
    """
    moved = StageChange.objects.filter(candidacy__opening_id=OuterRef("pk"), changed_at__gte=week.start_at,
                                       changed_at__lt=week.end_at)
    live = Opening.objects.filter(Q(status__in=ACTIVE_OPENING_STATUSES) | Q(Exists(moved)))
    direct = live.filter(manager__isnull=False).values("manager_id")
    via_team = live.filter(manager__isnull=True, owner__crm_profile__manager__isnull=False).values(
        "owner__crm_profile__manager_id")
    users = (get_user_model().objects.filter(is_active=True)
             .filter(Q(pk__in=direct) | Q(pk__in=via_team))
             .exclude(crm_profile__is_weekly_report_enabled=False))
    return sorted(users.values_list("pk", flat=True))
