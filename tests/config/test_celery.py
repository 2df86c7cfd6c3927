"""A worker or beat without a broker stops with a message instead of idling on memory://."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.celery import require_broker

ROOT = Path(__file__).resolve().parents[2]


def test_memory_transport_is_refused_with_the_variable_name():
    with pytest.raises(SystemExit, match="CELERY_BROKER_URL is not set"):
        require_broker("memory://localhost/")


def test_real_broker_is_accepted():
    require_broker("redis://127.0.0.1:6379/0")


def test_worker_started_with_nothing_set_exits_with_the_message(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "DATABASE_URL")}
    env.update({"VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)})

    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", "ERROR"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )

    assert result.returncode != 0
    assert "CELERY_BROKER_URL is not set" in result.stdout + result.stderr
