"""The three apps ship as a library: build the wheel and use it from another project."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

OTHER_PROJECT_SETTINGS = '''
SECRET_KEY = "another-project"
DEBUG = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "other.sqlite3"}}
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "rest_framework", "rest_framework_api_key", "djmoney",
    "phonenumber_field", "import_export", "simple_history",
    "talent", "crm", "compensation",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                          "django.contrib.auth.context_processors.auth",
                          "django.contrib.messages.context_processors.messages"]}}]
ROOT_URLCONF = "other_urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
BASE_CURRENCY = "CNY"
CELERY_TASK_ALWAYS_EAGER = True
'''


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # Build from a copy: setuptools' build/ folder must never land in (or leak from) the checkout.
    source = tmp_path_factory.mktemp("src") / "project"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "var", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis"))
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(source)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    (built,) = out.glob("headhunter_crm-*.whl")
    return built


@pytest.mark.slow
def test_wheel_ships_the_apps_with_migrations_templates_and_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()

    for app in ("talent", "crm", "compensation"):
        assert f"{app}/models.py" in names
        assert f"{app}/migrations/0001_initial.py" in names
    assert not any(name.startswith(("config/", "tests/", "bench/")) for name in names)
    data_files = [n for n in names if n.startswith("talent/data/")]
    assert any(n.endswith(".csv") for n in data_files), "the venue table must ship"
    assert any("/templates/" in n for n in names), "admin templates must ship"


@pytest.mark.slow
def test_another_project_migrates_and_checks_with_the_wheel_alone(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    project = tmp_path / "other"
    project.mkdir()
    (project / "other_settings.py").write_text(OTHER_PROJECT_SETTINGS)
    (project / "other_urls.py").write_text(
        "from django.contrib import admin\nfrom django.urls import path\nurlpatterns = [path('admin/', admin.site.urls)]\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE_URL", "CELERY"))}
    # The wheel's apps first; the repository is NOT on the path.
    env.update({"PYTHONPATH": f"{site}{os.pathsep}{project}", "DJANGO_SETTINGS_MODULE": "other_settings"})

    def django_admin(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "django", *args], cwd=project, env=env,
                              capture_output=True, text=True, timeout=300)

    check = django_admin("check")
    migrate = django_admin("migrate", "--noinput")
    where = subprocess.run([sys.executable, "-c", "import talent; print(talent.__file__)"], cwd=project,
                           env=env, capture_output=True, text=True)

    assert check.returncode == 0, check.stderr
    assert migrate.returncode == 0, migrate.stderr
    assert "Applying talent.0001_initial" in migrate.stdout
    assert where.stdout.strip().startswith(str(site))
