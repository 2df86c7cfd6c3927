"""E-mail addresses that reach one mailbox (identity resolution).

An address is *stored* as written (trimmed and lower-cased: ``talent.models.normalise_email``);
:func:`mailbox_key` is only ever used to *compare* two addresses. Two addresses with
one key are delivered to the same mailbox, by the provider's own documentation:

* **Gmail** (``gmail.com``, ``googlemail.com``): dots in the local part are ignored and
  anything after a ``+`` is a tag (Google, "Gmail ignores dots in addresses" and
  "Create task-specific email addresses"); ``googlemail.com`` is ``gmail.com``.
* **Plus tags** for the providers that document sub-addressing: Microsoft
  (``outlook.com``, ``hotmail.*``, ``live.com``, ``msn.com``), Apple iCloud (``icloud.com``,
  ``me.com``, ``mac.com``), Fastmail, Proton (``proton.me``, ``protonmail.com``,
  ``pm.me``), Yandex.
* Every other domain (universities, companies): the address as written. Whether
  ``a+b@x.edu`` reaches ``a@x.edu`` is up to that server, so it is not assumed.
"""

from __future__ import annotations

from functools import lru_cache

_GMAIL = frozenset({"gmail.com", "googlemail.com"})
#: Providers that document plus sub-addressing (see the module docstring).
PLUS_TAG_DOMAINS = frozenset({
    "gmail.com", "googlemail.com",
    "outlook.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "hotmail.de", "live.com", "msn.com",
    "icloud.com", "me.com", "mac.com",
    "fastmail.com", "fastmail.fm",
    "proton.me", "protonmail.com", "protonmail.ch", "pm.me",
    "yandex.com", "yandex.ru",
})


@lru_cache(maxsize=65_536)
def mailbox_key(email: str | None) -> str:
    """Return the key of the mailbox ``email`` is delivered to; ``""`` for a blank address.

    ``"Xiao.Ming.Wang+neurips@GoogleMail.com"`` -> ``"xiaomingwang@gmail.com"``;
    ``"li+cv@outlook.com"`` -> ``"li@outlook.com"``; ``"wang+x@cs.stanford.edu"`` stays
    ``"wang+x@cs.stanford.edu"``. Not an address to write to: a comparison key.
    """
    email = (email or "").strip().lower()
    if "@" not in email:
        return email
    local, _, domain = email.rpartition("@")
    if domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if domain in _GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"
