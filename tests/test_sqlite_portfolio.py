"""`make run` keeps its data in SQLite by default: the CCPOR Team's portfolio, its
filters, sorts, statewide view and CSV answer there too (the suite itself runs on
PostgreSQL, so this runs the app's own `manage.py` on a fresh SQLite file)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import datetime
from django.test import Client
from accounts.models import User
from checklists.services import onboarding_start
from courts.models import Court

staff = User.objects.create_superuser("staff", "staff@example.org", "x" * 20)
today = datetime.date.today()
for n, court in enumerate(Court.objects.order_by("pk")[:6]):
    onboarding_start(
        court=court,
        go_live_date=today + datetime.timedelta(days=20 + 40 * n),
        court_enters_carpos=True,
        so_participates=True,
        started_by=staff,
    )
client = Client(HTTP_HOST="localhost")
client.force_login(staff, backend="accounts.backends.UsernameOrEmailBackend")
for url in [
    "/dashboard/",
    "/dashboard/?q=san&sort=-overdue",
    "/dashboard/?health=on_track&sort=health&page=2",
    "/dashboard/?status=onboarding&window=next_60&sort=next_mark",
    "/dashboard/?status=not_started&sort=-progress",
    "/dashboard/statewide/?district=1",
    "/dashboard/export/portfolio.csv?status=onboarding",
]:
    response = client.get(url)
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    print(url, response.status_code, len(body))
"""


def test_the_portfolio_answers_on_sqlite(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "TEST_DATABASE"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ccpor_onboard.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CACHE_URL="locmemcache://",
    )

    def manage(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    manage("migrate", "--noinput", "-v", "0")
    lines = [
        line.split() for line in manage("shell", "-c", SCRIPT).splitlines() if line
    ]
    lines = [line for line in lines if line[0].startswith("/")]
    assert len(lines) == 7
    for url, status, size in lines:
        assert status == "200", url
        assert int(size) > 0, url
    # The onboarding courts were found by the status filter.
    [csv] = [line for line in lines if "portfolio.csv" in line[0]]
    assert int(csv[2]) > 500
