"""Reusable, chainable filters for openings and candidacies."""

from __future__ import annotations

from django.db import models


class OpeningQuerySet(models.QuerySet):
    """Named filters for openings: ``Opening.objects.open()``."""

    def open(self) -> OpeningQuerySet:
        """Openings taking candidates (status ``open``)."""
        return self.filter(status="open")


class CandidacyQuerySet(models.QuerySet):
    """Named filters for candidacies: ``Candidacy.objects.open().in_stage("submitted")``."""

    def open(self) -> CandidacyQuerySet:
        """Candidacies still moving: in an open stage of :data:`crm.pipeline.OPEN`."""
        from .pipeline import OPEN  # the stage sets' one home (it imports the models, hence here)

        return self.filter(stage__in=OPEN)

    def in_stage(self, stage: str) -> CandidacyQuerySet:
        """Candidacies in ``stage`` (a ``Candidacy.Stage`` value)."""
        return self.filter(stage=stage)
