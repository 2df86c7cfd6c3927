"""Admin pieces of fit scoring, mixed into the crm admin classes (``crm/admin.py``).

* :class:`OpeningScoringAdminMixin`: the opening's change page ranks candidates with each
  factor's value, weight and explanation; the action "Rescore selected openings".
* :class:`CandidateScoringAdminMixin`: the candidate's change page lists their best
  openings (stored scores, or computed live for this one candidate when none are stored).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crm.models import ScoringRun

from .explain import exclusion_reason_text
from .render import breakdown_render


def breakdown_rows(breakdown: list[dict]) -> list[dict]:
    """Shape a stored breakdown for templates: label, value and weight in percent, explanation.

    Rendered by :func:`crm.scoring.render.breakdown_render` in the active language.
    """
    return [
        {**item,
         "value": None if item["value"] is None else round(100 * item["value"]),
         "weight": None if item["weight"] is None else round(100 * item["weight"])}
        for item in breakdown_render(breakdown)
    ]


def breakdown_view(breakdown: list[dict]) -> dict:
    """Return ``{"rows", "summary", "alerts"}`` for templates.

    ``summary`` is one line "Specialty match 100% · Research strength 68% · ..."; ``alerts``
    holds the explanations of a failed must-have or an off-limits exclusion.
    """
    rows = breakdown_rows(breakdown)
    return {
        "rows": rows,
        "summary": " · ".join(f"{row['label']} {row['value']}%" for row in rows if row["weight"] is not None),
        "alerts": [row["explanation"] for row in rows if row["weight"] is None],
    }


class OpeningScoringAdminMixin:
    """Ranking on the opening's change page and the rescore action."""

    change_form_template = "admin/crm/opening/change_form.html"
    ranking_size = 50

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from crm.selectors import fitscore_excluded, fitscore_ranking, scoringrun_latest_for_opening

        extra_context = dict(extra_context or {})
        if object_id and str(object_id).isdigit():
            opening_id = int(object_id)
            extra_context["fit_ranking"] = [
                {"fs": fs, **breakdown_view(fs.breakdown)}
                for fs in fitscore_ranking(opening_id=opening_id, limit=self.ranking_size)
            ]
            extra_context["fit_excluded"] = [
                {"fs": fs, "reason": exclusion_reason_text(fs.breakdown, fs.exclusion_reason)}
                for fs in fitscore_excluded(opening_id=opening_id)
            ]
            extra_context["fit_last_run"] = scoringrun_latest_for_opening(opening_id=opening_id)
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_change_permission(request):
            action = self.get_action("rescore_selected_openings")
            actions[action[1]] = action
        return actions

    @admin.action(description=_("Rescore selected openings"))
    def rescore_selected_openings(self, request, queryset):
        """Send the scoring tasks for the selected openings, chunked (they run inline in the embedded mode)."""
        from crm.scoring.services import opening_chunks
        from crm.tasks import openings_rescore_task

        ids = sorted(queryset.values_list("id", flat=True))
        for chunk in opening_chunks(ids):
            openings_rescore_task.delay_on_commit(chunk, ScoringRun.Trigger.ADMIN)
        self.message_user(
            request,
            ngettext("Rescoring %(count)d opening.", "Rescoring %(count)d openings.", len(ids)) % {"count": len(ids)},
            messages.SUCCESS,
        )


class CandidateScoringAdminMixin:
    """Best openings on the candidate's change page."""

    change_form_template = "admin/crm/candidate/change_form.html"
    best_openings_size = 10

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from crm.selectors import candidate_best_openings

        extra_context = dict(extra_context or {})
        if object_id and str(object_id).isdigit():
            items, live = candidate_best_openings(candidate_id=int(object_id), limit=self.best_openings_size)
            extra_context["best_openings"] = [
                {**item, **breakdown_view(item["breakdown"]),
                 "exclusion_reason": exclusion_reason_text(item["breakdown"], item["exclusion_reason"])}
                for item in items
            ]
            extra_context["best_openings_live"] = live
        return super().change_view(request, object_id, form_url, extra_context=extra_context)
