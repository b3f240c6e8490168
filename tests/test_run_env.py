"""`make run` sets SITE_URL from PORT unless it is given (scripts/run_env.sh, which
scripts/run.sh sources), so that `PORT=8100 make run` puts working links in mails,
calendar feeds and CSV exports."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_env(command: str, **env) -> str:
    """Run `command` in bash after sourcing scripts/run_env.sh as run.sh does."""
    base = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        ["bash", "-c", f"set -euo pipefail; source scripts/run_env.sh; {command}"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_site_url_follows_port():
    assert run_env('echo "$SITE_URL"', PORT="8100") == "http://127.0.0.1:8100"


def test_site_url_defaults_to_port_8000():
    assert run_env('echo "$PORT $SITE_URL"') == "8000 http://127.0.0.1:8000"


def test_a_given_site_url_wins():
    url = run_env('echo "$SITE_URL"', PORT="8100", SITE_URL="https://ccpor.example.gov")
    assert url == "https://ccpor.example.gov"


def test_run_sh_uses_it():
    script = (ROOT / "scripts" / "run.sh").read_text()
    assert "source scripts/run_env.sh" in script
    assert 'honcho start -f Procfile -p "$PORT"' in script


def test_the_apps_links_follow_port():
    """The settings of `make run` (local) read SITE_URL: a notification's link, a
    calendar feed's address and a CSV's court link all point to port 8100."""
    code = (
        "from django.conf import settings; "
        "from notifications.services import absolute_link; "
        "print(settings.SITE_URL, absolute_link('/courts/alameda/'))"
    )
    out = run_env(f'{sys.executable} manage.py shell -c "{code}"', PORT="8100")
    assert out.splitlines()[-1] == (
        "http://127.0.0.1:8100 http://127.0.0.1:8100/courts/alameda/"
    )


def test_every_process_honcho_starts_shares_the_web_servers_site_url(tmp_path):
    """honcho gives each Procfile process a PORT of its own (web 8100, worker 8200):
    SITE_URL is worked out before, so the worker's mails link to the web server."""
    procfile = tmp_path / "Procfile"
    procfile.write_text(
        'web: echo "web $PORT $SITE_URL"; sleep 2\n'
        'worker: echo "worker $PORT $SITE_URL"; sleep 2\n'
    )
    honcho = Path(sys.executable).parent / "honcho"
    out = run_env(f'{honcho} start -f {procfile} -p "$PORT" 2>&1', PORT="8100")
    assert "web 8100 http://127.0.0.1:8100" in out
    assert "worker 8200 http://127.0.0.1:8100" in out
