"""Test settings: only overrides of ``config.settings``.

A fast password hasher, in-memory e-mail and eager Celery unless a broker is given
(the integration tests start a real worker against ``CELERY_BROKER_URL``).
"""

from .settings import *  # noqa: F403
from .settings import CELERY_BROKER_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests run tasks in-process; the integration tests start a real worker themselves.
CELERY_TASK_ALWAYS_EAGER = True
TEST_CELERY_BROKER_URL = CELERY_BROKER_URL
LANGUAGE_CODE = "en"
