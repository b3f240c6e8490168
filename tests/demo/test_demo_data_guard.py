"""The development-only commands that write made-up people and courts (seed_demo,
seed_scale) refuse unless the settings allow demo data: never in production; local,
test and the bench's settings say so explicitly."""

import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def _settings_value(module: str, name: str) -> str:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(settings.{name})"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": module,
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "ccpor.example.org",
            "TRUSTED_PROXY_COUNT": "0",
            # ALLOW_DEMO_DATA is not read from the environment.
            "ALLOW_DEMO_DATA": "true",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_only_production_settings_forbid_demo_data():
    values = {
        module: _settings_value(module, "ALLOW_DEMO_DATA")
        for module in (
            "ccpor_onboard.settings.production",
            "ccpor_onboard.settings.local",
            "bench.settings",
        )
    }
    assert values == {
        "ccpor_onboard.settings.production": "False",
        "ccpor_onboard.settings.local": "True",
        "bench.settings": "True",
    }


def test_seed_demo_refuses_unless_the_settings_allow_demo_data(settings):
    settings.ALLOW_DEMO_DATA = False
    users = apps.get_model("accounts", "User")
    before = users.objects.count()
    with pytest.raises(CommandError, match="ALLOW_DEMO_DATA is off"):
        call_command("seed_demo", "--password", "pw-for-tests-123")
    assert users.objects.count() == before


@pytest.mark.parametrize(
    "command,what",
    [
        (["seed_demo"], "seed_demo writes demo accounts with a published password"),
        (["seed_scale", "--courts", "5"], "seed_scale writes thousands of synthetic"),
    ],
)
def test_production_settings_refuse_before_touching_a_database(command, what):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=settings.BASE_DIR,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "ccpor_onboard.settings.production",
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "ccpor.example.org",
            "TRUSTED_PROXY_COUNT": "1",
            # Nothing listens here: a refusal must come before any connection.
            "DATABASE_URL": "postgres://nobody:nothing@127.0.0.1:1/none",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    assert what in result.stderr
    assert "refuses to run under these settings" in result.stderr
