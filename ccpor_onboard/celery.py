"""The Celery app: Redis broker, JSON only, tasks autodiscovered from the apps."""

import os

from celery import Celery

# The worker and beat run in production unless told otherwise (`make run` and the
# tests name their settings). Importing the package runs this module first, so a
# default here is the default of wsgi, asgi and gunicorn.conf.py too: it must not be
# the development settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ccpor_onboard.settings.production")

app = Celery("ccpor_onboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="ccpor_onboard.ping", ignore_result=False)
def ping() -> str:
    """Answer 'pong': proves that a worker is listening."""
    return "pong"
