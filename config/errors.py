"""The project's view of the domain errors.

:class:`DomainError` itself lives in ``talent.errors`` (the lowest app) so that the three
apps work as a library in another project without this ``config`` package.
"""

from talent.errors import DomainError

__all__ = ["DomainError"]
