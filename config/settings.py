"""Settings for the headhunter CRM, read from the environment (django-environ).

With nothing set, the project runs *embedded*: SQLite under ``var/``, Celery tasks run
eagerly in-process, e-mail written to files under ``var/mail/`` and DEBUG on. Setting
``DATABASE_URL``, ``CELERY_BROKER_URL``, ``REDIS_URL`` and ``EMAIL_URL`` switches to the
real services. Every variable read here is listed in ``.env.example``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django_guid.integrations import CeleryIntegration

from crm.conf import DEFAULTS as CRM_DEFAULTS
from crm.scoring import DEFAULT_SETTINGS as SCORING_DEFAULTS
from talent.conf import DEFAULTS as TALENT_DEFAULTS

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")


def _env_or(name: str, default: str) -> str:
    """Return the variable ``name``, or ``default`` when it is unset or empty (``NAME=``)."""
    return env.str(name, default="") or default


def _env_flag(name: str, default: bool) -> bool:
    """Return a boolean variable; a value that is not a clear yes or no stops start-up."""
    raw = env.str(name, default="").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true or false.")


VAR_DIR = Path(_env_or("VAR_DIR", str(BASE_DIR / "var")))
DEBUG = _env_flag("DJANGO_DEBUG", default=True)


def _required_when_not_debug(name: str, embedded_default):
    """Return the variable ``name``; with DEBUG off a missing value stops start-up."""
    value = env(name, default=None)
    if value:
        return value
    if not DEBUG:
        raise ImproperlyConfigured(
            f"{name} must be set when DJANGO_DEBUG is off (see .env.example)."
        )
    return embedded_default


SECRET_KEY = _required_when_not_debug(
    "DJANGO_SECRET_KEY", "django-insecure-embedded-development-key-do-not-use-in-production"
)
ALLOWED_HOSTS = [
    h.strip()
    for h in _required_when_not_debug("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS: on by default when DEBUG is off (manage.py check --deploy). Behind a proxy that
# terminates TLS, set DJANGO_BEHIND_TLS_PROXY=true so X-Forwarded-Proto is trusted.
SECURE_SSL_REDIRECT = _env_flag("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_flag("DJANGO_SECURE_COOKIES", default=not DEBUG)
# HSTS: off until the owner of the domain turns it on (a max-age cannot be taken back from
# browsers that saw it). Include-subdomains and preload are decisions about the whole domain.
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = _env_flag("DJANGO_SECURE_HSTS_PRELOAD", default=False)
BEHIND_TLS_PROXY = _env_flag("DJANGO_BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "djmoney",
    "phonenumber_field",
    "import_export",
    "simple_history",
    "axes",
    "django_guid",
    "django_celery_results",
    "talent",
    "crm",
    "compensation",
]

MIDDLEWARE = [
    # First: every log line of the request, and the response, carry its id (X-Request-ID).
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a locked-out login into the lockout response (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env.str("DATABASE_URL", default="")
if DATABASE_URL:
    try:
        DATABASES = {"default": environ.Env.db_url_config(DATABASE_URL)}
        DATABASES["default"]["ENGINE"]  # noqa: B018 - an unknown scheme leaves no engine
    except (KeyError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL ({exc}); e.g. postgres://user@127.0.0.1:5432/crm"
        ) from exc
else:
    # Embedded: SQLite under VAR_DIR, created on first use.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": environ.Env.db_url_config(f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while an import or a rescore writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Django 6 behaviour now: a URL typed without a scheme is taken as https.
FORMS_URLFIELD_ASSUME_HTTPS = True

# --- Cache ----------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth, i18n, time -----------------------------------------------------------------
# Login attempts are rate-limited by django-axes (first backend): after AXES_FAILURE_LIMIT
# failures for one user name from one address, that pair is locked out for
# AXES_COOLOFF_TIME. Failed and successful logins are recorded (admin: Axes).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("DJANGO_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind a TLS proxy the client's address is the last one the proxy appended.
AXES_IPWARE_PROXY_COUNT = 1 if BEHIND_TLS_PROXY else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if BEHIND_TLS_PROXY else ("REMOTE_ADDR",))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = _env_or("DJANGO_LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = _env_or("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(_env_or("DJANGO_STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_ROOT = Path(_env_or("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))

# --- E-mail ---------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(environ.Env.email_url_config(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = _env_or("DJANGO_DEFAULT_FROM_EMAIL", "crm@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who hears of what has no owner (candidates past retention without an owner, errors).
ADMINS = [(address, address) for address in env.list("DJANGO_ADMINS", default=[])]

# --- Money ----------------------------------------------------------------------------
BASE_CURRENCY = _env_or("BASE_CURRENCY", TALENT_DEFAULTS["BASE_CURRENCY"])
DEFAULT_CURRENCY = BASE_CURRENCY
CURRENCIES = env.list("CRM_CURRENCIES", default=TALENT_DEFAULTS["CURRENCIES"])
PHONENUMBER_DEFAULT_REGION = _env_or("PHONENUMBER_DEFAULT_REGION", "CN")
PHONENUMBER_DB_FORMAT = "E164"

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Task results, failures included, are kept in the database and shown in the admin
# (django-celery-results: Task results), for CELERY_RESULT_EXPIRES; beat deletes older ones.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or "django-db"
CELERY_RESULT_EXTENDED = True  # task name, arguments and worker are stored with the result
CELERY_RESULT_EXPIRES = timedelta(days=env.int("CELERY_RESULT_EXPIRES_DAYS", default=7))
if CELERY_TASK_ALWAYS_EAGER:
    # Embedded: tasks run in-process; the in-memory transport keeps kombu from looking for a host.
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Time limits, the visibility timeout and the restore sweep are chosen together:
# * every task finishes within CELERY_TASK_TIME_LIMIT (hard, 5 min: the worker kills it);
#   long work is cut into tasks well below it (a rescore chunk of 25 openings over 100,000
#   candidates takes seconds; imports run batch by batch);
# * with late acknowledgement a message is acknowledged when its task ends; if the whole
#   worker dies (SIGKILL, lost machine) its unacknowledged messages go back to the queue
#   once they are CELERY_VISIBILITY_TIMEOUT old (hard limit + 1 min, so a live task is never
#   redelivered while it may still run), found by a sweep every CELERY_RESTORE_INTERVAL s;
#   so a dead worker delays its tasks by at most visibility timeout + sweep (about 6 min);
# * a redelivered copy of a task that is still running (a slow machine, a paused worker)
#   waits on the task's lease and is skipped once the first copy finished
#   (talent.leases.ExclusiveTask).
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=5 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=CELERY_TASK_TIME_LIMIT - 30)
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 60)
CELERY_RESTORE_INTERVAL = env.int("CELERY_RESTORE_INTERVAL", default=10)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker that loses the broker connection cancels its running late-ack tasks (they are
# redelivered) instead of finishing them unacknowledged.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # kombu sweeps for expired unacknowledged messages every interval x throttle seconds
    # (10 x 10 by default): every CELERY_RESTORE_INTERVAL seconds here.
    "unacked_restore_interval": CELERY_RESTORE_INTERVAL,
    "unacked_restore_throttle": 1,
}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "crm.tasks.*_rescore_task": {"queue": "scoring"},
    "crm.tasks.*_rescore_all_task": {"queue": "scoring"},
}

# --- History (django-simple-history) ----------------------------------------------------
# History is read-only: "revert to this version" would write past the services (a stage
# without its StageChange, an offer without its status history).
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- REST framework -------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "config.api.StandardPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
SPECTACULAR_SETTINGS = {"TITLE": "Headhunter CRM API", "VERSION": "1.0.0"}

# --- Domain settings ------------------------------------------------------------------
CRM_DEMO_PASSWORD = env("CRM_DEMO_PASSWORD", default="")
# Weekly report (crm/reports): days without a stage move or activity before a candidacy
# is reported stale. Every CRM_REPORT_* default, with its reasoning, is in crm/conf.py.
CRM_REPORT_STALE_DAYS = env.int("CRM_REPORT_STALE_DAYS", default=CRM_DEFAULTS["CRM_REPORT_STALE_DAYS"])
# A placement's guarantee period in days (crm/conf.py has the default and its reasoning).
CRM_PLACEMENT_GUARANTEE_DAYS = env.int("CRM_PLACEMENT_GUARANTEE_DAYS", default=CRM_DEFAULTS["CRM_PLACEMENT_GUARANTEE_DAYS"])

# --- Import (talent/importers) ----------------------------------------------------------
# Identity resolution (talent/services/dedup.py): every IMPORT_* default, with its
# reasoning, is in talent/conf.py; here only what the environment overrides.
# Privacy (talent/services/retention.py, erasure.py): defaults and reasoning in talent/conf.py.
TALENT_RETENTION_DAYS = env.int("TALENT_RETENTION_DAYS", default=TALENT_DEFAULTS["TALENT_RETENTION_DAYS"])
TALENT_ERASURE_GRACE_DAYS = env.int("TALENT_ERASURE_GRACE_DAYS", default=TALENT_DEFAULTS["TALENT_ERASURE_GRACE_DAYS"])
TALENT_ERASURE_SECRET = env.str("TALENT_ERASURE_SECRET", default="")
IMPORT_MATCH_THRESHOLD = env.float("IMPORT_MATCH_THRESHOLD", default=TALENT_DEFAULTS["IMPORT_MATCH_THRESHOLD"])
IMPORT_FLAG_THRESHOLD = env.float("IMPORT_FLAG_THRESHOLD", default=TALENT_DEFAULTS["IMPORT_FLAG_THRESHOLD"])
IMPORT_ORG_SIMILARITY = env.float("IMPORT_ORG_SIMILARITY", default=TALENT_DEFAULTS["IMPORT_ORG_SIMILARITY"])
IMPORT_PENALTY_NO_EVIDENCE = env.float("IMPORT_PENALTY_NO_EVIDENCE", default=TALENT_DEFAULTS["IMPORT_PENALTY_NO_EVIDENCE"])
IMPORT_PENALTY_ORG_DIFFERS = env.float("IMPORT_PENALTY_ORG_DIFFERS", default=TALENT_DEFAULTS["IMPORT_PENALTY_ORG_DIFFERS"])
IMPORT_BONUS_IDENTICAL_NAME = env.float("IMPORT_BONUS_IDENTICAL_NAME", default=TALENT_DEFAULTS["IMPORT_BONUS_IDENTICAL_NAME"])

# --- Scoring (crm/scoring) --------------------------------------------------------------
# Every CRM_SCORING_* setting has its default, with the reasoning, in one place:
# crm/scoring/__init__.py (DEFAULT_SETTINGS). Here only what the environment overrides;
# set any other CRM_SCORING_* name here to override it for this project.
_scoring = SCORING_DEFAULTS["CRM_SCORING_WEIGHTS"]
CRM_SCORING_WEIGHTS = {
    factor: env.float(f"CRM_SCORING_WEIGHT_{factor.upper()}", default=_scoring[factor]) for factor in _scoring
}
CRM_SCORING_TOP_K = env.int("CRM_SCORING_TOP_K", default=SCORING_DEFAULTS["CRM_SCORING_TOP_K"])
CRM_SCORING_BLOCK_SIZE = env.int("CRM_SCORING_BLOCK_SIZE", default=SCORING_DEFAULTS["CRM_SCORING_BLOCK_SIZE"])
CRM_SCORING_OPENINGS_PER_TASK = env.int(
    "CRM_SCORING_OPENINGS_PER_TASK", default=SCORING_DEFAULTS["CRM_SCORING_OPENINGS_PER_TASK"]
)
CRM_SCORING_OPENING_STATUSES = env.list(
    "CRM_SCORING_OPENING_STATUSES", default=SCORING_DEFAULTS["CRM_SCORING_OPENING_STATUSES"]
)
CRM_SCORING_COALESCE_SECONDS = env.int(
    "CRM_SCORING_COALESCE_SECONDS", default=SCORING_DEFAULTS["CRM_SCORING_COALESCE_SECONDS"]
)

# --- Compensation (compensation/) -------------------------------------------------------
# Exchange rates: the ECB reference-rate history shipped in crm/data/fx/ (loaded by
# `manage.py load_fx_rates` into crm.FxRate); every conversion goes through crm/fx.py.
# The COMPENSATION_* settings (equity risk factors by funding stage and company kind,
# premium split, FX staleness, comparison years) have their defaults and reasoning in
# compensation/conf.py; set any of them here to override it for this project.

# --- Periodic jobs (Celery beat) ---------------------------------------------------------
# Every periodic job, in one place. Times are wall-clock times in CELERY_TIMEZONE, which is
# TIME_ZONE (Asia/Shanghai by default); run exactly one `make beat`.
CELERY_BEAT_SCHEDULE = {
    # Daily 00:30: extended offers whose deadline (a local date) has passed become expired.
    "compensation-offers-expire-overdue": {
        "task": "compensation.tasks.offers_expire_overdue_task",
        "schedule": crontab(hour=0, minute=30),
    },
    # Nightly 03:30: full rescore; catches what no save announced (company off-limits
    # changes made in bulk, the yearly recency decay of papers).
    "crm-openings-rescore-all": {
        "task": "crm.tasks.openings_rescore_all_task",
        "schedule": crontab(hour=3, minute=30),
    },
    # Mondays 08:00: every manager's weekly pipeline report, for the ISO week that ended at
    # midnight; one sub-task per manager, each sending at most once (crm/reports/delivery.py).
    "crm-weekly-reports-send-all": {
        "task": "crm.tasks.weekly_reports_send_all_task",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon"),
    },
    # Mondays 07:00: owners hear of candidates past retention; those past the grace period
    # are erased (talent/services/retention.py).
    "talent-candidates-retention-review": {
        "task": "talent.tasks.candidates_retention_review_task",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
    # Every 5 minutes: scoring runs whose worker died are marked failed (their task is
    # delivered again and makes a new run).
    "crm-scoring-runs-fail-stale": {
        "task": "crm.tasks.scoring_runs_fail_stale_task",
        "schedule": crontab(minute="*/5"),
    },
    # Daily 04:00: task results older than CELERY_RESULT_EXPIRES are deleted.
    "celery-backend-cleanup": {
        "task": "celery.backend_cleanup",
        "schedule": crontab(hour=4, minute=0),
    },
}

# --- Logging ---------------------------------------------------------------------------
# Structured JSON lines (one object per record: time, level, logger, message, request_id,
# and task_id/task_name inside Celery tasks) unless DJANGO_LOG_FORMAT=text. The request id
# comes from an incoming X-Request-ID header or is generated, is returned in the response
# header, and follows the request into the Celery tasks it sends (django-guid).
LOG_FORMAT = _env_or("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT={LOG_FORMAT!r}: use json or text.")
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "RETURN_HEADER": True,
    "VALIDATE_GUID": False,  # accept a proxy's own id format, e.g. nginx's $request_id
    # The id travels into the Celery tasks a request sends; workers log with LOGGING below.
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True, log_parent=False)],
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "django_guid.log_filters.CorrelationId", "correlation_id_field": "request_id"},
        "task": {"()": "config.logging.CeleryTaskFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(task_id)s %(task_name)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(task_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id", "task"], "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": _env_or("DJANGO_LOG_LEVEL", "WARNING")},
}
