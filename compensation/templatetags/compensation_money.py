"""Template filters of the compensation admin: ``{{ amount|money }}`` -> ``2,300,000.00 CNY``."""

from django import template

from compensation.comparison import money_text

register = template.Library()


@register.filter
def money(value) -> str:
    """Format a ``Money`` with thousands separators and its ISO code, rounded half-up once; ``—`` for None."""
    if value is None or value == "":
        return "—"
    return money_text(value)
