"""Retention: people are not kept longer than needed (GDPR art. 5(1)(e)).

Every week (:func:`candidates_retention_review`, from Celery beat):

* owners are told, by e-mail, which of their candidates are past their retention date
  (``retain_until_on``, or the last change plus ``TALENT_RETENTION_DAYS``), so they can
  renew it (new consent, an active process) or let the data go; candidates without an
  owner are reported to ``settings.ADMINS``;
* candidates past their retention date by more than ``TALENT_ERASURE_GRACE_DAYS`` are
  erased (:func:`talent.services.erasure.candidate_erase`).

Idempotent within a day: erased people are no longer past retention; a second run the
same day sends the same reminders (the beat sends one a week).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import mail_admins, send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from talent.conf import setting
from talent.models import Candidate

from .erasure import candidate_erase

#: Names listed in one reminder; the count says how many more there are.
REMINDER_LIST_LIMIT = 50


@dataclass
class RetentionReview:
    """What one review did: reminders sent (per owner id, ``None`` for no owner) and candidates erased."""

    reminded: dict[int | None, int] = field(default_factory=dict)
    erased: list[int] = field(default_factory=list)


def candidates_retention_review(*, today: date | None = None) -> RetentionReview:
    """Remind owners of candidates past retention and erase those past the grace period.

    Args:
        today: The local date of the review (default: today in ``TIME_ZONE``).

    Returns:
        A :class:`RetentionReview` with the counts.
    """
    today = today or timezone.localdate()
    retention = int(setting("TALENT_RETENTION_DAYS"))
    grace = int(setting("TALENT_ERASURE_GRACE_DAYS"))
    review = RetentionReview()
    for candidate in Candidate.objects.past_retention(today - timedelta(days=grace), retention_days=retention):
        candidate_erase(candidate=candidate, actor=None)
        review.erased.append(candidate.pk)
    due = Candidate.objects.past_retention(today, retention_days=retention).select_related("owner").order_by(
        "owner_id", "full_name", "id")
    by_owner: dict[int | None, list[Candidate]] = {}
    for candidate in due:
        by_owner.setdefault(candidate.owner_id, []).append(candidate)
    for owner_id, candidates in by_owner.items():
        _remind(candidates[0].owner, candidates, today=today, grace=grace)
        review.reminded[owner_id] = len(candidates)
    return review


def _remind(owner, candidates: list[Candidate], *, today: date, grace: int) -> None:
    language = getattr(owner, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = ngettext(
            "%(count)d candidate past retention: renew or they are erased on %(day)s",
            "%(count)d candidates past retention: renew or they are erased on %(day)s", len(candidates),
        ) % {"count": len(candidates), "day": (today + timedelta(days=grace)).isoformat()}
        lines = [f"- {c} (#{c.pk})" for c in candidates[:REMINDER_LIST_LIMIT]]
        if len(candidates) > REMINDER_LIST_LIMIT:
            lines.append(_("… and %(count)d more.") % {"count": len(candidates) - REMINDER_LIST_LIMIT})
        body = "\n".join([
            _("These candidates are held past their retention date. Set a new retention date on each one you "
              "still need (for example after renewed consent); the others will be erased."), "", *lines])
    if owner is not None and owner.email:
        send_mail(subject, body, None, [owner.email])
    else:
        mail_admins(subject, body)
