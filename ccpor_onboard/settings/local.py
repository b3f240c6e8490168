"""Developer machine: `make run`. Never use these settings on a server."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-insecure-key-do-not-deploy")
# `make run` loads the demo courts and accounts (seed_demo).
ALLOW_DEMO_DATA = True
