#!/usr/bin/env bash
# `make run`: migrate, load demo data, then web + Celery worker + beat (Procfile, honcho).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh

export PATH="$PWD/.venv/bin:$PATH"
source scripts/run_env.sh  # DJANGO_SETTINGS_MODULE, PORT, SITE_URL

broker="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}"
if [[ "$broker" =~ ^redis://(127\.0\.0\.1|localhost)(:([0-9]+))? ]]; then
  ensure_redis 127.0.0.1 "${BASH_REMATCH[3]:-6379}"
fi
trap stop_started EXIT

python manage.py migrate --noinput
python manage.py seed_demo
python manage.py setup_schedules
python manage.py collectstatic --noinput -v 0

echo
echo "CCPOR Onboard: http://127.0.0.1:$PORT/  (demo accounts in README.md; Ctrl-C stops)"
echo "Links in e-mails, calendar feeds and CSV exports point to $SITE_URL"
echo
honcho start -f Procfile -p "$PORT"
