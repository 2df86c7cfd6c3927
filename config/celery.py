"""The Celery application: reads ``CELERY_*`` settings and discovers ``tasks.py`` modules."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("headhunter_crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
