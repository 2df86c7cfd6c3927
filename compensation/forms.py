"""Forms of the compensation admin: the offer form, the offers inline, the comparison options and the premium-to-win calculator.

Money typed by a recruiter goes through :func:`talent.money.parse_money` /
:func:`~talent.money.parse_decimal`, so the rules (no floats, ISO codes, decimal
places, not negative) have one home.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.models import BaseInlineFormSet, InlineForeignKeyField
from django.utils.translation import gettext_lazy as _
from djmoney.forms import MoneyField
from djmoney.money import Money

from crm.models import Candidacy
from talent.conf import setting as talent_setting
from talent.errors import DomainError
from talent.money import parse_currency, parse_decimal, parse_money

from . import services
from .comparison import Basis
from .models import Offer
from .services import TERM_FIELDS
from .valuation import vesting_schedule_parse


def currency_choices() -> list[tuple[str, str]]:
    """The project's currencies (``settings.CURRENCIES``; default in :mod:`talent.conf`)."""
    return [(c, c) for c in talent_setting("CURRENCIES")]


def field_error(exc: ValidationError) -> ValidationError:
    """Return ``exc``'s messages as the plain error a form field's ``to_python``/``clean`` raises.

    The parsers of :mod:`talent.money` key their errors by field (``{"vesting_schedule":
    [...]}``) for services and ``Form.add_error(None, ...)``; a form field must raise them
    unkeyed, since Django files them under the field itself (a keyed error there is a TypeError).
    """
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError([error for errors in exc.error_dict.values() for error in errors])


def offer_terms(form: forms.BaseForm, *, only_changed: bool) -> dict[str, Any]:
    """Return the offer terms (:data:`~compensation.services.TERM_FIELDS`) a valid ``form`` cleaned, for a service.

    Args:
        only_changed: Only the terms the user changed (for ``offer_update``).
    """
    names = form.changed_data if only_changed else form.cleaned_data.keys()
    return {name: form.cleaned_data[name] for name in names if name in TERM_FIELDS}


def add_service_error(form: forms.BaseForm, exc: DomainError | ValidationError) -> None:
    """File a service's error on ``form``: one error per message, under the field it names when the
    form shows that field, else with the form's non-field errors."""
    if isinstance(exc, DomainError):
        items = list(exc.fields.items()) or [(None, [exc.message])]
    elif hasattr(exc, "error_dict"):
        items = list(exc.message_dict.items())
    else:
        items = [(None, exc.messages)]
    for name, messages in items:
        shown = name in form.fields and not form.fields[name].widget.is_hidden
        for message in messages:
            form.add_error(name if shown else None, message)


class VestingScheduleField(forms.CharField):
    """A per-year vesting schedule typed as ``5/15/40/40`` (or ``5, 15, 40, 40``); empty = even.

    Cleans to a list of numbers as strings or ints (JSON-safe, never float); the sum and
    length are checked by ``Offer.clean()`` against the vesting years.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Percent per year, e.g. 5/15/40/40 or 33/33/22/12; empty for even vesting."))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, list | tuple):
            return "/".join(str(v) for v in value)
        return super().prepare_value(value)

    def to_python(self, value: Any) -> list[int | str]:
        if isinstance(value, list | tuple):
            parts = list(value)
        else:
            text = (value or "").strip()
            if text.startswith("[") and text.endswith("]"):
                text = text[1:-1]
            parts = [p.rstrip("%") for p in re.split(r"[/,;\s]+", text) if p]
        try:
            return vesting_schedule_parse(parts, field="vesting_schedule")
        except ValidationError as exc:
            raise field_error(exc) from exc


class _AmountText(forms.CharField):
    """The amount half of a money input, kept as typed for :func:`~compensation.services.offer_money_parse`."""

    def has_changed(self, initial: Any, data: Any) -> bool:
        before, after = ("" if v is None else str(v).strip() for v in (initial, data))
        try:
            return Decimal(before) != Decimal(after) if before and after else before != after
        except InvalidOperation:
            return before != after


class OfferMoneyField(MoneyField):
    """An amount and its currency, parsed as the services parse them (:func:`~compensation.services.offer_money_parse`).

    Digits with an optional decimal point (not ``1e5``, no thousands separators), not
    negative, at most the currency's decimals; the error is the field's own.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = (_AmountText(required=False), self.fields[1])

    def compress(self, data_list: list[Any]) -> Money | None:
        if not data_list or data_list[0] in self.empty_values:
            return None
        try:
            return services.offer_money_parse(data_list[0], data_list[1], field="amount")
        except ValidationError as exc:
            raise field_error(exc) from exc


class PlainDecimalField(forms.DecimalField):
    """A decimal typed as digits with an optional decimal point, parsed by :func:`~talent.money.parse_decimal`
    as the services parse it (not ``1e2``, not negative, at most ``decimal_places``)."""

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        try:
            return parse_decimal(value if isinstance(value, Decimal | int) else str(value), field="value",
                                 max_decimal_places=self.decimal_places)
        except ValidationError as exc:
            raise field_error(exc) from exc


class OfferTermsForm(forms.ModelForm):
    """Base of the offer forms: its terms are parsed as the services parse them, and errors do not pile up.

    Whatever fields the form was built with (the admin picks them), the money terms become
    :class:`OfferMoneyField` and the decimal terms :class:`PlainDecimalField`, so that what
    the form accepts ``offer_create``/``offer_update`` accept too. A field the form already
    rejected gets no further errors from ``Offer.clean()`` (after "“1e5” is not a number",
    "Give the monthly base or the annual base" would only confuse).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in list(self.fields.items()):
            if name in Offer.MONEY_FIELDS:
                form_class = OfferMoneyField
            elif name in services.DECIMAL_TERMS:
                form_class = PlainDecimalField
            else:
                continue
            replacement = Offer._meta.get_field(name).formfield(form_class=form_class, label=field.label,
                                                                 help_text=field.help_text, required=field.required)
            replacement.widget = field.widget
            replacement.initial = field.initial  # e.g. the base currency preselected by the admin
            self.fields[name] = replacement

    def add_error(self, field: str | None, error: Any) -> None:
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            fresh = {name: errors for name, errors in error.error_dict.items()
                     if name == NON_FIELD_ERRORS or name not in self._errors}
            if not fresh:
                return
            error = ValidationError(fresh)
        super().add_error(field, error)


class OfferAdminForm(OfferTermsForm):
    """The offer add/change form.

    ``Offer.clean()`` checks one currency, base, bonus, equity and vesting; ``clean()``
    runs the services' own checks (``offer_create_check`` on add, ``offer_update_check``
    on change), so that what ``save_model`` would be refused shows as a form error.
    On change the admin shows only the fields the service may change.
    """

    vesting_schedule = VestingScheduleField(label=_("vesting schedule (% per year)"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        try:
            if self.instance.pk is None:
                if data.get("candidate") is not None:
                    services.offer_create_check(candidate=data["candidate"], company=data.get("company"),
                                                candidacy=data.get("candidacy"))
            else:
                services.offer_update_check(offer=self.instance, names=offer_terms(self, only_changed=True))
        except (DomainError, ValidationError) as exc:
            add_service_error(self, exc)
        return data

    class Meta:
        model = Offer
        fields = ["candidate", "company", "candidacy", *TERM_FIELDS]


class ComparisonForm(forms.Form):
    """Options of the comparison table: currency, rate date, reference offer."""

    currency = forms.ChoiceField(label=_("currency"))
    on = forms.DateField(label=_("exchange rates of"), required=False,
                         help_text=_("A weekend or holiday uses the previous ECB fixing."))
    reference = forms.ModelChoiceField(label=_("reference offer"), queryset=Offer.objects.none(), required=False)

    def __init__(self, *args: Any, offers=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = currency_choices()
        if offers is not None:
            self.fields["reference"].queryset = offers

    def clean_currency(self) -> str:
        return parse_currency(self.cleaned_data["currency"], field="currency")


class PremiumToWinForm(forms.Form):
    """The premium-to-win calculator: competing offer, draft, basis, margin (% or amount), currency."""

    MARGIN_PERCENT = "percent"
    MARGIN_AMOUNT = "amount"

    competitor = forms.ModelChoiceField(label=_("competing offer"), queryset=Offer.objects.none())
    draft = forms.ModelChoiceField(label=_("client's draft offer"), queryset=Offer.objects.none())
    basis = forms.ChoiceField(label=_("basis"), choices=Basis.choices, initial=Basis.YEAR1_CASH)
    margin_kind = forms.ChoiceField(label=_("margin as"), initial=MARGIN_PERCENT,
                                    choices=[(MARGIN_PERCENT, _("percentage")), (MARGIN_AMOUNT, _("amount"))])
    margin = forms.CharField(label=_("margin"), initial="15",
                             help_text=_("15 for 15 %, or an amount such as 100000 in the chosen currency."))
    currency = forms.ChoiceField(label=_("currency"))

    def __init__(self, *args: Any, offers=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = currency_choices()
        if offers is not None:
            self.fields["competitor"].queryset = offers
            # The draft is what a client can still change: a client's draft or extended offer.
            self.fields["draft"].queryset = offers.filter(
                company__is_client=True, status__in=[Offer.Status.DRAFT, Offer.Status.EXTENDED]
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("competitor") and data.get("draft") and data["competitor"] == data["draft"]:
            self.add_error("draft", _("Choose a draft other than the competing offer."))
        currency = data.get("currency")
        raw = data.get("margin")
        if raw is None or not currency:
            return data
        try:
            currency = parse_currency(currency, field="currency")
            if data.get("margin_kind") == self.MARGIN_AMOUNT:
                data["margin_amount"] = parse_money(raw, currency, field="margin")
                data["margin_percent"] = None
            else:
                percent = parse_decimal(raw, field="margin", max_decimal_places=2)
                if percent > Decimal(1000):
                    raise ValidationError({"margin": [_("A margin above 1000 percent is not plausible.")]})
                data["margin_percent"] = percent
                data["margin_amount"] = None
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return data


class OfferInlineForm(OfferTermsForm):
    """One offer row of the candidate's or the candidacy's offers inline.

    The row of an offer past draft is read-only (``offer_update`` changes drafts only):
    it is revised by a new draft, and moves status through the offer actions.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and self.instance.status != Offer.Status.DRAFT:
            for name, field in self.fields.items():
                if name != "id" and not isinstance(field, InlineForeignKeyField):
                    field.disabled = True


class OfferInlineFormSet(BaseInlineFormSet):
    """The offers inline: rows are checked and saved by :mod:`compensation.services`.

    ``clean()`` runs the services' checks (``offer_create_check``, ``offer_update_check``)
    so that their errors show on the row; ``save()`` keeps Django's bookkeeping
    (``new_objects``, ``changed_objects``, used by the admin's history message) but saves
    each new row with ``offer_create`` and each changed one with ``offer_update``.
    The parent is a candidate or a candidacy; on a candidacy the offer's candidate is its candidate.
    """

    def _parties(self, form: forms.BaseForm) -> tuple[Any, Candidacy | None]:
        """Return the candidate and the candidacy of a new row's offer (the candidate may be unset)."""
        parent = self.instance
        if isinstance(parent, Candidacy):
            return (parent.candidate if parent.candidate_id else None), parent
        return parent, form.cleaned_data.get("candidacy")

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            if not form.has_changed() or not form.is_valid():
                continue
            try:
                if form.instance.pk is None:
                    candidate, candidacy = self._parties(form)
                    if candidate is not None:
                        services.offer_create_check(candidate=candidate, company=form.cleaned_data.get("company"),
                                                    candidacy=candidacy)
                else:
                    services.offer_update_check(offer=form.instance, names=offer_terms(form, only_changed=True))
            except (DomainError, ValidationError) as exc:
                add_service_error(form, exc)

    def save_new(self, form: forms.ModelForm, commit: bool = True) -> Offer:
        if not commit:  # nothing is written: the caller saves (through a service)
            return super().save_new(form, commit=False)
        candidate, candidacy = self._parties(form)
        return services.offer_create(candidate=candidate, company=form.cleaned_data["company"], candidacy=candidacy,
                                     **offer_terms(form, only_changed=False))

    def save_existing(self, form: forms.ModelForm, obj: Offer, commit: bool = True) -> Offer:
        if not commit:
            return super().save_existing(form, obj, commit=False)
        return services.offer_update(offer=obj, **offer_terms(form, only_changed=True))
