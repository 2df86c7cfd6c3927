"""Reusable, chainable filters for openings and candidacies."""

from __future__ import annotations

from django.db import models

OPEN_STAGES = ("sourced", "contacted", "screening", "submitted", "interviewing", "offer")
TERMINAL_STAGES = ("placed", "rejected", "withdrawn")


class OpeningQuerySet(models.QuerySet):
    def open(self) -> OpeningQuerySet:
        return self.filter(status="open")


class CandidacyQuerySet(models.QuerySet):
    def open(self) -> CandidacyQuerySet:
        """Candidacies still moving: not placed, rejected or withdrawn."""
        return self.filter(stage__in=OPEN_STAGES)

    def in_stage(self, stage: str) -> CandidacyQuerySet:
        return self.filter(stage=stage)
