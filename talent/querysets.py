"""Reusable, chainable candidate filters."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class CandidateQuerySet(models.QuerySet):
    """Named filters for candidates: ``Candidate.objects.phd().search("欧阳")``."""

    def phd(self) -> CandidateQuerySet:
        return self.filter(highest_degree="phd")

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
