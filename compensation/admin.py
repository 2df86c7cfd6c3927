"""Admin for the compensation app: offers."""

from django.contrib import admin

from .models import Offer


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["candidate", "company", "status", "monthly_base", "months_per_year", "annual_base", "equity_kind", "deadline_on"]
    list_filter = ["status", "equity_kind", "company__kind"]
    search_fields = ["candidate__full_name", "candidate__native_name", "company__name", "title"]
    list_select_related = ["candidate", "company", "candidacy"]
    autocomplete_fields = ["candidate", "company", "candidacy"]
    readonly_fields = ["created_at", "updated_at"]
