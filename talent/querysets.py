"""Reusable, chainable candidate filters."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class CandidateQuerySet(models.QuerySet):
    """Named filters for candidates: ``Candidate.objects.phd().search("欧阳")``."""

    def phd(self) -> CandidateQuerySet:
        return self.filter(highest_degree="phd")

    def not_erased(self) -> CandidateQuerySet:
        """Candidates whose personal data is still held (erased ones keep only anonymised figures)."""
        return self.filter(erased_at__isnull=True)

    def past_retention(self, today, *, retention_days: int) -> CandidateQuerySet:
        """Candidates held past their retention date, not yet erased.

        A candidate's retention date is ``retain_until_on`` when set, else the day of their
        last change (``updated_at``, local date) plus ``retention_days``. ``today``: a date.
        """
        from datetime import timedelta

        from django.utils import timezone

        cutoff = timezone.make_aware(
            timezone.datetime.combine(today - timedelta(days=retention_days), timezone.datetime.min.time()))
        return self.not_erased().filter(
            Q(retain_until_on__lt=today) | Q(retain_until_on__isnull=True, updated_at__lt=cutoff))

    def real(self) -> CandidateQuerySet:
        """Exclude the clearly fictional demo candidates."""
        return self.filter(is_fictional=False)

    def search(self, text: str) -> CandidateQuerySet:
        """Match ``text`` against the Latin and native-script names and the e-mail.

        Names also match ignoring case, accents, spacing and punctuation ("herve jegou"
        finds "Hervé Jégou") through the stored ``name_key``.
        """
        from talent.services.names import name_key

        text = (text or "").strip()
        if not text:
            return self
        query = Q(full_name__icontains=text) | Q(native_name__icontains=text) | Q(email__icontains=text)
        key = name_key(text)
        if key:
            query |= Q(name_key__contains=key)
        return self.filter(query)
