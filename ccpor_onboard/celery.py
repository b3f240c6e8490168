"""The Celery app: Redis broker, JSON only, tasks autodiscovered from the apps."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ccpor_onboard.settings.local")

app = Celery("ccpor_onboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="ccpor_onboard.ping", ignore_result=False)
def ping() -> str:
    """Answer 'pong': proves that a worker is listening."""
    return "pong"
