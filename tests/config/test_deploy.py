"""Deployment: `check --deploy` passes with a production environment, logins are rate-limited,
logs are JSON lines carrying the request id (and the task id in Celery)."""

import io
import json
import logging
import logging.config
import os
import secrets
import subprocess
import sys
from copy import deepcopy
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "crm.example.com",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "DJANGO_SECURE_HSTS_PRELOAD": "true",
    "DJANGO_BEHIND_TLS_PROXY": "true",
}


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", "VAR_DIR": "/tmp/crm-deploy-check", **env},
        capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_passes_with_a_production_environment():
    result = _check_deploy(PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_names_what_a_production_environment_lacks():
    env = {k: v for k, v in PRODUCTION.items() if "HSTS" not in k}

    result = _check_deploy(env)

    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout


@pytest.mark.django_db
def test_logins_are_locked_out_after_repeated_failures(client, django_user_model, settings):
    django_user_model.objects.create_user("wang", password="right-password-1", is_staff=True)
    url = reverse("admin:login")

    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "wang", "password": "wrong"})
    locked = client.post(url, {"username": "wang", "password": "right-password-1"})

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_successful_login_before_the_limit_works(client, django_user_model):
    django_user_model.objects.create_user("li", password="right-password-1", is_staff=True)
    url = reverse("admin:login")

    client.post(url, {"username": "li", "password": "wrong"})
    response = client.post(url, {"username": "li", "password": "right-password-1"})

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


@pytest.fixture
def json_log(settings):
    """The project's LOGGING, JSON formatter, into a buffer; restored afterwards."""
    stream = io.StringIO()
    config = deepcopy(settings.LOGGING)
    config["handlers"]["console"].update({"formatter": "json", "stream": stream})
    logging.config.dictConfig(config)
    yield stream
    logging.config.dictConfig(settings.LOGGING)


@pytest.mark.django_db
def test_a_request_logs_json_with_its_request_id_and_returns_it(client, json_log):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-7f3a")

    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    not_found = next(line for line in lines if line["logger"] == "django.request")
    assert not_found["request_id"] == "req-7f3a" and not_found["level"] == "WARNING"
    assert response["X-Request-ID"] == "req-7f3a"


def test_a_task_logs_json_with_its_task_id(json_log):
    from config.celery import app

    @app.task(name="tests.log_something")
    def log_something():
        logging.getLogger("crm.test").warning("inside a task")

    result = log_something.apply(task_id="task-1234")

    line = json.loads(json_log.getvalue().splitlines()[-1])
    assert result.successful()
    assert (line["message"], line["task_id"], line["task_name"]) == ("inside a task", "task-1234", "tests.log_something")
