"""Admin for the compensation app: offers, offer inlines on candidates and candidacies, the comparison page.

The candidate and candidacy pages grow with each app above talent: this module
subclasses ``crm.admin.CandidateAdmin`` and ``crm.admin.CandidacyAdmin`` and registers
them again, adding an offers inline, and on the candidate the comparison page
(``admin/talent/candidate/<id>/offer-comparison/``): the table, a bar chart of the totals
(Chart.js, vendored under ``static/compensation/vendor/chartjs``) and the premium-to-win
calculator. Every write goes through :mod:`compensation.services`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.admin import SimpleHistoryAdmin

from crm.admin import CandidacyAdmin as CrmCandidacyAdmin
from crm.admin import CandidatePipelineAdminMixin
from crm.fx import MissingFxRate, fx_default_on, fx_latest_fixing_on
from crm.models import Candidacy
from talent.admin import (
    BaseCurrencyAdminMixin,
    BaseCurrencyInlineMixin,
    ServiceErrorsAdminMixin,
    ViewOnlyAdminMixin,
    apply_to_each,
    report_service_error,
)
from talent.admin import CandidateAdmin as TalentCandidateAdmin
from talent.conf import setting as talent_setting
from talent.models import Candidate

from . import services
from .comparison import FIGURE_KEYS, Basis, offer_comparison, premium_to_win, reference_offer
from .forms import ComparisonForm, OfferAdminForm, OfferInlineForm, OfferInlineFormSet, PremiumToWinForm, offer_terms
from .models import Offer, OfferStatusChange

FIGURE_LABELS = {
    "year1_cash": gettext_lazy("Year-1 cash"),
    "year1_total": gettext_lazy("Year-1 total"),
    "total": gettext_lazy("Multi-year total"),
    "risk_adjusted_total": gettext_lazy("Risk-adjusted multi-year total"),
}


@admin.register(OfferStatusChange)
class OfferStatusChangeAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Every status move of every offer, as the services recorded it (read-only)."""

    list_display = ["offer", "from_status", "to_status", "changed_at", "changed_by"]
    list_filter = ["to_status", "from_status"]
    search_fields = ["offer__candidate__full_name", "offer__company__name", "note"]
    list_select_related = ["offer__candidate", "offer__company", "changed_by"]
    readonly_fields = ["offer", "from_status", "to_status", "changed_at", "changed_by", "note"]


class OfferActionForm(ActionForm):
    """The action bar of the offer list, with the start date that "Record the placement" needs."""

    start_on = forms.DateField(label=gettext_lazy("start date"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))


def _action_start_on(request: HttpRequest):
    """The start date typed in the action bar, or ``None`` when it is missing or not a date."""
    try:
        return OfferActionForm.base_fields["start_on"].clean(request.POST.get("start_on", ""))
    except ValidationError:
        return None


@admin.register(Offer)
class OfferAdmin(BaseCurrencyAdminMixin, ServiceErrorsAdminMixin, SimpleHistoryAdmin):
    """Offers; the status is read-only and moves through the actions (services).

    On change, the candidate, company and candidacy are read-only (``offer_update`` keeps
    them); past draft every field but the notes is (the terms are revised by a new draft).
    """

    form = OfferAdminForm
    list_display = ["candidate", "company", "status", "monthly_base", "months_per_year", "annual_base", "equity_kind", "deadline_on"]
    list_filter = ["status", "equity_kind", "company__kind", "company__is_client"]
    search_fields = ["candidate__full_name", "candidate__native_name", "company__name", "title"]
    list_select_related = ["candidate", "company", "candidacy"]
    autocomplete_fields = ["candidate", "company", "candidacy"]
    readonly_fields = ["status", "created_at", "updated_at", "status_history"]
    actions = ["extend", "accept", "decline", "withdraw", "expire", "record_placement"]
    action_form = OfferActionForm

    @admin.display(description=gettext_lazy("status history"))
    def status_history(self, obj: Offer | None) -> str:
        """Who moved the offer from which status to which, and when (read-only)."""
        if obj is None or obj.pk is None:
            return "—"
        rows = obj.status_changes.select_related("changed_by").order_by("changed_at", "id")
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("when"), _("move"), _("by"), _("note"),
            format_html_join("", "<tr><td>{}</td><td>{} → {}</td><td>{}</td><td>{}</td></tr>", (
                (timezone.localtime(row.changed_at).strftime("%Y-%m-%d %H:%M"),
                 row.get_from_status_display() or "—", row.get_to_status_display(), row.changed_by or "—", row.note)
                for row in rows)),
        )

    def get_fields(self, request, obj: Offer | None = None) -> list[str]:
        return [*OfferAdminForm.Meta.fields, *self.readonly_fields]

    def get_readonly_fields(self, request, obj: Offer | None = None) -> list[str]:
        readonly = list(self.readonly_fields)
        if obj is None:
            return readonly
        if obj.status != Offer.Status.DRAFT:
            return readonly + [name for name in OfferAdminForm.Meta.fields if name not in services.EDITABLE_PAST_DRAFT]
        return readonly + ["candidate", "company", "candidacy"]

    def save_model(self, request, obj: Offer, form, change: bool) -> None:
        if change:
            updated = services.offer_update(offer=obj, actor=request.user, **offer_terms(form, only_changed=True))
        else:
            updated = services.offer_create(candidate=obj.candidate, company=obj.company, candidacy=obj.candidacy,
                                            actor=request.user, **offer_terms(form, only_changed=False))
        obj.pk = updated.pk
        obj.status = updated.status

    def _apply(self, request, queryset, service, done) -> None:
        """Run ``service(offer=...)`` on each selected offer; ``done(count)`` is the success message."""
        apply_to_each(self, request, queryset, lambda offer: service(offer=offer), lambda n: done(n) % {"count": n},
                      on_error=lambda exc, offer: report_service_error(self, request, exc, offer))

    @admin.action(description=gettext_lazy("Extend to the candidate"))
    def extend(self, request, queryset):
        self._apply(request, queryset, lambda offer: services.offer_extend(offer=offer, actor=request.user),
                    lambda n: ngettext("%(count)d offer extended.", "%(count)d offers extended.", n))

    @admin.action(description=gettext_lazy("Mark accepted"))
    def accept(self, request, queryset):
        self._apply(request, queryset, lambda offer: services.offer_accept(offer=offer, actor=request.user),
                    lambda n: ngettext("%(count)d offer accepted.", "%(count)d offers accepted.", n))

    @admin.action(description=gettext_lazy("Mark declined"))
    def decline(self, request, queryset):
        self._apply(request, queryset, lambda offer: services.offer_decline(offer=offer, actor=request.user),
                    lambda n: ngettext("%(count)d offer declined.", "%(count)d offers declined.", n))

    @admin.action(description=gettext_lazy("Withdraw"))
    def withdraw(self, request, queryset):
        self._apply(request, queryset, lambda offer: services.offer_withdraw(offer=offer, actor=request.user),
                    lambda n: ngettext("%(count)d offer withdrawn.", "%(count)d offers withdrawn.", n))

    @admin.action(description=gettext_lazy("Mark expired"))
    def expire(self, request, queryset):
        self._apply(request, queryset, lambda offer: services.offer_expire(offer=offer, actor=request.user),
                    lambda n: ngettext("%(count)d offer expired.", "%(count)d offers expired.", n))

    @admin.action(description=gettext_lazy("Record the placement (start date below)"))
    def record_placement(self, request, queryset):
        start_on = _action_start_on(request)
        if start_on is None:
            self.message_user(request, _("Give the start date of the placement."), messages.ERROR)
            return
        self._apply(request, queryset.select_related("candidacy__opening"),
                    lambda offer: services.offer_placement_create(offer=offer, start_on=start_on, actor=request.user),
                    lambda n: ngettext("%(count)d placement recorded.", "%(count)d placements recorded.", n))


class _OfferInline(BaseCurrencyInlineMixin, admin.TabularInline):
    """Offers of a candidate or a candidacy; rows are checked and saved through the services."""

    model = Offer
    form = OfferInlineForm
    formset = OfferInlineFormSet
    extra = 0
    can_delete = False
    show_change_link = True
    readonly_fields = ["status"]
    autocomplete_fields = ["company"]


class CandidateOfferInline(_OfferInline):
    fk_name = "candidate"
    fields = ["company", "candidacy", "title", "status", "monthly_base", "months_per_year", "annual_base",
              "sign_on", "deadline_on"]
    autocomplete_fields = ["company", "candidacy"]


class CandidacyOfferInline(_OfferInline):
    fk_name = "candidacy"
    fields = ["company", "title", "status", "monthly_base", "months_per_year", "annual_base", "sign_on", "deadline_on"]


# --- The candidacy and candidate pages, assembled and registered once ------------------------
# Each app contributes its part: talent the candidate's record (talent.admin.CandidateAdmin),
# crm the pipeline and fit scores (crm.admin.CandidacyAdmin, CandidatePipelineAdminMixin),
# compensation the offers. compensation is the highest app, so it is the one that sees all
# parts; talent and crm register neither model themselves.


@admin.register(Candidacy)
class CandidacyAdmin(CrmCandidacyAdmin):
    inlines = [*CrmCandidacyAdmin.inlines, CandidacyOfferInline]


@admin.register(Candidate)
class CandidateAdmin(ServiceErrorsAdminMixin, CandidatePipelineAdminMixin, TalentCandidateAdmin):
    """The candidate page: record and papers (talent), candidacies and best openings (crm), offers and the
    offer comparison (compensation)."""

    readonly_fields = [*TalentCandidateAdmin.readonly_fields, "offer_comparison_link"]

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), CandidateOfferInline]

    @admin.display(description=gettext_lazy("offer comparison"))
    def offer_comparison_link(self, obj: Candidate) -> str:
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("admin:talent_candidate_offer_comparison", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Compare offers and compute the premium to win"))

    def get_urls(self):
        custom = [path("<path:object_id>/offer-comparison/", self.admin_site.admin_view(self.offer_comparison_view),
                       name="talent_candidate_offer_comparison")]
        return custom + super().get_urls()

    def offer_comparison_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The comparison table, bar chart and premium-to-win calculator of one candidate (GET only)."""
        candidate = self.get_object(request, unquote(object_id))
        if candidate is None:
            return HttpResponseRedirect(reverse("admin:talent_candidate_changelist"))
        if not self.has_view_permission(request, candidate):
            raise PermissionDenied
        offers = candidate.offers.select_related("company").order_by("created_at", "id")
        latest = fx_latest_fixing_on()
        default_on = fx_default_on()
        currency = talent_setting("BASE_CURRENCY")
        on = default_on
        reference = reference_offer(offers)

        comparison_form = ComparisonForm(request.GET if "currency" in request.GET else None, offers=offers,
                                         initial={"currency": currency, "on": on, "reference": reference})
        if comparison_form.is_bound and comparison_form.is_valid():
            currency = comparison_form.cleaned_data["currency"]
            on = comparison_form.cleaned_data["on"] or default_on
            reference = comparison_form.cleaned_data["reference"] or reference

        comparison, errors = None, []
        try:
            comparison = offer_comparison(candidate=candidate, currency=currency, on=on, reference=reference)
        except MissingFxRate as exc:
            errors.append(exc.message)

        premium_form, premium = self._premium(request, offers, reference, currency, on, errors)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": candidate,
            "candidate": candidate,
            "title": _("Offers of %(candidate)s") % {"candidate": candidate},
            "comparison": comparison,
            "comparison_form": comparison_form,
            "premium_form": premium_form,
            "premium": premium,
            "errors": errors,
            "figure_keys": FIGURE_KEYS,
            "figure_labels": FIGURE_LABELS,
            "rows": self._table_rows(comparison),
            "chart_data": self._chart_data(comparison),
            "on": on,
            "latest_fixing": latest,
        }
        return TemplateResponse(request, "admin/compensation/offer_comparison.html", context)

    @staticmethod
    def _premium(request, offers, reference, currency, on, errors):
        data = {key[2:]: value for key, value in request.GET.items() if key.startswith("p-")}
        if not data:
            draft = next((o for o in offers if o.company.is_client and o != reference
                          and o.status in (Offer.Status.DRAFT, Offer.Status.EXTENDED)), None)
            if reference is None or draft is None:
                return PremiumToWinForm(prefix="p", offers=offers, initial={"currency": currency}), None
            data = {"competitor": reference.pk, "draft": draft.pk, "basis": Basis.YEAR1_CASH,
                    "margin_kind": PremiumToWinForm.MARGIN_PERCENT, "margin": "15", "currency": currency}
        form = PremiumToWinForm({f"p-{k}": v for k, v in data.items()}, prefix="p", offers=offers)
        if not form.is_valid():
            return form, None
        cleaned = form.cleaned_data
        try:
            result = premium_to_win(competitor=cleaned["competitor"], draft=cleaned["draft"], basis=cleaned["basis"],
                                    currency=cleaned["currency"], margin_percent=cleaned["margin_percent"],
                                    margin_amount=cleaned["margin_amount"], on=on)
        except MissingFxRate as exc:
            errors.append(exc.message)
            return form, None
        return form, result

    @staticmethod
    def _table_rows(comparison) -> list[dict[str, Any]]:
        if comparison is None:
            return []
        rows = []
        for row in comparison.rows:
            cells = []
            for key in FIGURE_KEYS:
                diff = row.differences.get(key)
                cells.append({"key": key, "amount": row.figures[key], "explanation": row.explanations[key],
                              "difference": diff[0] if diff else None, "percent": diff[1] if diff else None,
                              "difference_text": row.difference_texts.get(key, "")})
            rows.append({"offer": row.offer, "is_reference": comparison.reference is row, "cells": cells,
                         "fx": row.fx, "fx_explanation": row.fx_explanation})
        return rows

    @staticmethod
    def _chart_data(comparison) -> dict[str, Any]:
        if comparison is None:
            return {}
        return {
            "labels": [str(FIGURE_LABELS[k]) for k in FIGURE_KEYS],
            "currency": comparison.currency,
            "datasets": [{"label": f"{row.offer.company} ({row.offer.get_status_display()})",
                          "data": [str(row.figures[k].amount) for k in FIGURE_KEYS]} for row in comparison.rows],
        }
