"""The settings module, driven by the environment: run in a fresh interpreter each time."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
READ_VARS = (
    "DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL",
    "REDIS_URL", "EMAIL_URL", "TIME_ZONE", "BASE_CURRENCY", "VAR_DIR",
)
PRINT_SETTINGS = (
    "import json, django; from django.conf import settings as s; django.setup(); print(json.dumps({"
    "'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']),"
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'email': s.EMAIL_BACKEND, 'mail_dir': str(getattr(s, 'EMAIL_FILE_PATH', '')),"
    "'debug': s.DEBUG, 'tz': s.TIME_ZONE, 'use_tz': s.USE_TZ, 'currency': s.BASE_CURRENCY,"
    "'cache': s.CACHES['default']['BACKEND'], 'hosts': s.ALLOWED_HOSTS}))"
)


def run_settings(tmp_path, **env_vars) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in READ_VARS}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "VAR_DIR": str(tmp_path / "var"),
                "PYTHONPATH": str(ROOT), **env_vars})
    env = {k: v for k, v in env.items() if v is not None}  # None: leave the variable unset
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=60,
    )


def test_nothing_set_runs_embedded(tmp_path):
    result = run_settings(tmp_path)

    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout)
    assert conf["engine"] == "django.db.backends.sqlite3"
    assert conf["name"].startswith(str(tmp_path / "var"))
    assert conf["eager"] is True
    assert conf["email"] == "django.core.mail.backends.filebased.EmailBackend"
    assert conf["mail_dir"] == str(tmp_path / "var" / "mail")
    assert conf["debug"] is True
    assert (conf["tz"], conf["use_tz"], conf["currency"]) == ("Asia/Shanghai", True, "CNY")


def test_service_urls_switch_to_real_services(tmp_path):
    result = run_settings(
        tmp_path,
        DATABASE_URL="postgres://u:p@db.internal:5432/crm",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        REDIS_URL="redis://127.0.0.1:6379/1",
        EMAIL_URL="smtp://user:pw@smtp.example.com:587/?tls=True",
    )

    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout)
    assert conf["engine"] == "django.db.backends.postgresql"
    assert conf["eager"] is False
    assert conf["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert conf["cache"] == "django.core.cache.backends.redis.RedisCache"


@pytest.mark.parametrize(
    ("env_vars", "missing"),
    [
        ({}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "x" * 50}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_debug_off_without_required_variable_stops_with_its_name(tmp_path, env_vars, missing):
    result = run_settings(tmp_path, DJANGO_DEBUG="false", **env_vars)

    assert result.returncode != 0
    assert missing in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_debug_off_with_required_variables_starts(tmp_path):
    result = run_settings(tmp_path, DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="crm.example.com")

    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout)
    assert conf["debug"] is False
    assert conf["hosts"] == ["crm.example.com"]


def test_env_example_lists_every_variable_the_settings_read():
    settings_source = (ROOT / "config" / "settings.py").read_text()
    example = (ROOT / ".env.example").read_text()
    import re

    read = set(re.findall(r'(?:env(?:\.\w+)?|_env_or|_env_flag|_required_when_not_debug)\(\s*"([A-Z][A-Z0-9_]+)"',
                          settings_source))
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", example, flags=re.M))

    assert read, "the pattern must find the variables"
    assert read - listed == set()


def test_copied_env_example_runs_embedded(tmp_path):
    """`cp .env.example .env` is safe: empty values mean "not set"."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "config", project / "config")
    (project / ".env").write_text((ROOT / ".env.example").read_text())

    result = run_settings(tmp_path, PYTHONPATH=f"{project}{os.pathsep}{ROOT}")

    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout)
    assert conf["engine"] == "django.db.backends.sqlite3"
    assert conf["eager"] is True
    assert conf["email"] == "django.core.mail.backends.filebased.EmailBackend"


def test_dot_env_is_read_before_var_dir(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "config", project / "config")
    (project / ".env").write_text(f"VAR_DIR={tmp_path / 'elsewhere'}\n")

    result = run_settings(tmp_path, PYTHONPATH=f"{project}{os.pathsep}{ROOT}", VAR_DIR=None)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["name"] == str(tmp_path / "elsewhere" / "db.sqlite3")
    assert (tmp_path / "elsewhere").is_dir(), "the embedded database's folder is created"


def test_bad_database_url_names_the_variable(tmp_path):
    result = run_settings(tmp_path, DATABASE_URL="garbage")

    assert result.returncode != 0
    assert "DATABASE_URL is not a database URL" in result.stderr


def test_unclear_debug_flag_stops_start_up(tmp_path):
    result = run_settings(tmp_path, DJANGO_DEBUG="maybe")

    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr
