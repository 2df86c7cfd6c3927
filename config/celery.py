"""The Celery application: reads ``CELERY_*`` settings and discovers ``tasks.py`` modules."""

import os

from celery import Celery
from celery.signals import beat_init, celeryd_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("headhunter_crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def require_broker(broker_url: str) -> None:
    """Stop a worker or beat started without a real broker (embedded mode runs tasks in-process).

    Raises:
        SystemExit: ``broker_url`` is the embedded in-memory transport.
    """
    if (broker_url or "").startswith("memory://"):
        raise SystemExit(
            "CELERY_BROKER_URL is not set: with nothing set, tasks run eagerly in the web process "
            "and a worker or beat has nothing to consume. Set it (e.g. redis://127.0.0.1:6379/0)."
        )


@celeryd_init.connect
def _worker_needs_broker(sender=None, conf=None, **kwargs) -> None:
    require_broker(app.conf.broker_url)


@beat_init.connect
def _beat_needs_broker(sender=None, **kwargs) -> None:
    require_broker(app.conf.broker_url)
