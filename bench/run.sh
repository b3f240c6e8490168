#!/usr/bin/env bash
# `make bench`: seed a throwaway PostgreSQL database with 58, then 5,000 courts
# (`manage.py seed_scale`), serve the app with gunicorn on production settings (DEBUG
# off, no cache: CACHE_URL=dummycache://), and time p50/p95 of the pages, exports and
# the reminder sweep that issue 21 sets targets for, each CSV beside PostgreSQL's own
# COPY of the same rows. Prints one table with PASS/FAIL per target and writes it to
# bench-results/bench-*.md; exits 1 if a target fails. See bench/bench.py.
# Only 127.0.0.1 is loaded, with a bounded number of sequential requests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
START=$SECONDS

BENCH_DB="${BENCH_DB:-app_bench}"
BENCH_PORT="${BENCH_PORT:-8097}"
BENCH_SMALL="${BENCH_SMALL:-58}"
BENCH_LARGE="${BENCH_LARGE:-5000}"
export BENCH_N="${BENCH_N:-40}"
export BENCH_SWEEP_N="${BENCH_SWEEP_N:-5}"
export BENCH_WORKERS="${BENCH_WORKERS:-2}"
export PATH="$PWD/.venv/bin:$PATH"
export DJANGO_SETTINGS_MODULE=bench.settings
export DJANGO_SECRET_KEY="bench-only-$(python -c 'import secrets; print(secrets.token_hex(16))')"
export DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"
export DJANGO_SECURE_SSL_REDIRECT=false
# gunicorn on 127.0.0.1, no proxy: the client's address is the peer's.
export TRUSTED_PROXY_COUNT=0
export DATABASE_URL="postgres://app:app@127.0.0.1:5432/$BENCH_DB"
export CELERY_BROKER_URL="${BENCH_BROKER_URL:-redis://127.0.0.1:6379/12}"
# No cache anywhere (seeding, the in-process steps, the server): the targets are
# without any cache.
export CACHE_URL="dummycache://"
export LOG_LEVEL=WARNING
export PGPASSWORD=app
# The figures of each step (JSON); BENCH_WORK=DIR keeps them, to re-run the report.
WORK="${BENCH_WORK:-$(mktemp -d /tmp/ccpor-bench.XXXXXX)}"
mkdir -p "$WORK"
GUNICORN_PID=""

stop_gunicorn() {
  if [ -n "$GUNICORN_PID" ]; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
    GUNICORN_PID=""
  fi
}

cleanup() {
  stop_gunicorn
  if [ -z "${BENCH_KEEP_DB:-}" ]; then
    dropdb -h 127.0.0.1 -U app --if-exists "$BENCH_DB" 2>/dev/null || true
  fi
  [ -n "${BENCH_WORK:-}" ] || rm -rf "$WORK"
  stop_started
}
trap cleanup EXIT

# start_gunicorn: a fresh server (fresh workers) on BENCH_PORT.
start_gunicorn() {
  gunicorn ccpor_onboard.wsgi:application --bind "127.0.0.1:$BENCH_PORT" \
    --workers "$BENCH_WORKERS" --timeout 600 --log-level warning &
  GUNICORN_PID=$!
  for _ in $(seq 150); do
    curl -fsS -o /dev/null "http://127.0.0.1:$BENCH_PORT/healthz?checks=database" 2>/dev/null && return 0
    sleep 0.2
  done
  curl -fsS -o /dev/null "http://127.0.0.1:$BENCH_PORT/healthz?checks=database"
}

ensure_postgres
ensure_redis 127.0.0.1 6379

echo "== fresh database $BENCH_DB"
dropdb -h 127.0.0.1 -U app --if-exists "$BENCH_DB"
createdb -h 127.0.0.1 -U app "$BENCH_DB"
python manage.py migrate --noinput -v 0
python manage.py collectstatic --noinput -v 0

for COURTS in "$BENCH_SMALL" "$BENCH_LARGE"; do
  echo "== $COURTS courts"
  T0=$SECONDS
  # bench.settings allow it (ALLOW_DEMO_DATA), on this throwaway database.
  python manage.py seed_scale --courts "$COURTS"
  python bench/bench.py seeded --label "$COURTS" --work "$WORK" --seconds $((SECONDS - T0))
  python bench/bench.py prepare --label "$COURTS" --work "$WORK"

  echo "-- no cache (CACHE_URL=dummycache://), gunicorn $BENCH_WORKERS workers on 127.0.0.1:$BENCH_PORT"
  start_gunicorn
  python bench/bench.py measure --label "$COURTS" --work "$WORK" --port "$BENCH_PORT" \
    --master-pid "$GUNICORN_PID"
  stop_gunicorn

  echo "-- reminder sweep (in-process, mail in memory)"
  python bench/bench.py sweep --label "$COURTS" --work "$WORK"
done

if [ -n "${BENCH_PROFILE:-}" ]; then
  echo "== profile of the dashboard (no cache) at $BENCH_LARGE courts"
  python bench/bench.py profile --url /dashboard/ --n 20 \
    --out "bench-results/profile-dashboard-$(date +%Y%m%d-%H%M%S).md"
fi

python bench/bench.py report --work "$WORK" --labels "$BENCH_SMALL" "$BENCH_LARGE" \
  --out-dir bench-results --elapsed $((SECONDS - START))
