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
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from ..models import Opening, StaffProfile, StageChange
from ..services import OPENING_STATUSES_TAKING_CANDIDATES
from .weeks import Week

#: Opening statuses whose openings are listed in a report (funnel, best fits, no movement)
#: even without movement in the week: the ones still taking candidates.
ACTIVE_OPENING_STATUSES = OPENING_STATUSES_TAKING_CANDIDATES


def managers_scope_q(manager_ids: list[int], prefix: str = "") -> Q:
    """Return the filter selecting the openings in the reports of ``manager_ids``.

    ``prefix`` reaches the opening from another model, e.g. ``"candidacy__opening__"``.
    """
    return Q(**{f"{prefix}manager_id__in": manager_ids}) | Q(
        **{f"{prefix}manager__isnull": True, f"{prefix}owner__crm_profile__manager_id__in": manager_ids})


def manager_scope_q(manager_id: int, prefix: str = "") -> Q:
    """Return the filter selecting the openings in ``manager_id``'s report (see :func:`managers_scope_q`)."""
    return managers_scope_q([manager_id], prefix)


def report_manager_expression(prefix: str = ""):
    """The manager whose report an opening is in, as an ORM expression (``None``: nobody's).

    The same rule as :func:`managers_scope_q`: the opening's manager, else its owner's
    team manager. ``prefix`` as there.
    """
    return Coalesce(F(f"{prefix}manager_id"), F(f"{prefix}owner__crm_profile__manager_id"))


#: The same rule in raw SQL, for a query that has the candidacy as ``c``: join these and
#: select :data:`SCOPE_MANAGER_SQL`.
SCOPE_JOIN_SQL = (f"JOIN {Opening._meta.db_table} o ON o.id = c.opening_id "
                  f"LEFT JOIN {StaffProfile._meta.db_table} p ON p.user_id = o.owner_id")
SCOPE_MANAGER_SQL = "COALESCE(o.manager_id, p.manager_id)"


def managers_openings(manager_ids: list[int]):
    """Return the openings in the reports of ``manager_ids``, each with ``report_manager_id`` (its manager)."""
    return (Opening.objects.filter(managers_scope_q(manager_ids)).select_related("company")
            .annotate(report_manager_id=report_manager_expression()).order_by("company__name", "title", "id"))


def manager_openings(manager_id: int):
    """Return the openings in ``manager_id``'s report (a queryset; company joined), by company and title."""
    return managers_openings([manager_id])


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
