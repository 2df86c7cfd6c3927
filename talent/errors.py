"""Domain errors shared by every app.

Services raise :class:`DomainError` (or a subclass) when a business rule forbids an
action; the API's exception handler turns it into HTTP 400 with ``{"message", "fields"}``
and the admin shows its message to the recruiter.
"""

from __future__ import annotations


class DomainError(Exception):
    """A business rule forbids the requested change.

    Args:
        message: A sentence a recruiter can read (already translated where possible).
        fields: Optional mapping of field name to a list of messages.
    """

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.fields = fields or {}
