#!/usr/bin/env bash
# `make bench`: seed a throwaway PostgreSQL database with 58, then 5,000 courts (full
# checklists), serve the app with gunicorn on production settings, and time p50/p95 of
# the pages that must stay fast. Prints a table and writes bench-results/bench-*.md.
# Only 127.0.0.1 is loaded, with a bounded number of sequential requests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh

BENCH_DB="${BENCH_DB:-app_bench}"
BENCH_PORT="${BENCH_PORT:-8097}"
BENCH_LARGE="${BENCH_LARGE:-5000}"
export BENCH_N="${BENCH_N:-40}"
export BENCH_SWEEP_N="${BENCH_SWEEP_N:-5}"
export BENCH_WORKERS="${BENCH_WORKERS:-2}"
export PATH="$PWD/.venv/bin:$PATH"
export DJANGO_SETTINGS_MODULE=bench.settings
export DJANGO_SECRET_KEY="bench-only-$(python -c 'import secrets; print(secrets.token_hex(16))')"
export DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"
export DJANGO_SECURE_SSL_REDIRECT=false
export DATABASE_URL="postgres://app:app@127.0.0.1:5432/$BENCH_DB"
export CELERY_BROKER_URL="${BENCH_BROKER_URL:-redis://127.0.0.1:6379/12}"
# Its own cache database, so that no other instance on this machine shares its pages.
export CACHE_URL="${BENCH_CACHE_URL:-redis://127.0.0.1:6379/11}"
redis-cli -n "${CACHE_URL##*/}" flushdb >/dev/null 2>&1 || true
export LOG_LEVEL=WARNING
export PGPASSWORD=app
WORK="$(mktemp -d /tmp/ccpor-bench.XXXXXX)"
GUNICORN_PID=""

cleanup() {
  if [ -n "$GUNICORN_PID" ]; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
  fi
  if [ -z "${BENCH_KEEP_DB:-}" ]; then
    dropdb -h 127.0.0.1 -U app --if-exists "$BENCH_DB" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  stop_started
}
trap cleanup EXIT

ensure_postgres
ensure_redis 127.0.0.1 6379

echo "== fresh database $BENCH_DB"
dropdb -h 127.0.0.1 -U app --if-exists "$BENCH_DB"
createdb -h 127.0.0.1 -U app "$BENCH_DB"
python manage.py migrate --noinput -v 0
python manage.py collectstatic --noinput -v 0

echo "== 58 courts"
python bench/bench.py seed --courts 58

echo "== gunicorn on 127.0.0.1:$BENCH_PORT ($BENCH_WORKERS workers, DEBUG off)"
gunicorn ccpor_onboard.wsgi:application --bind "127.0.0.1:$BENCH_PORT" \
  --workers "$BENCH_WORKERS" --timeout 300 --log-level warning &
GUNICORN_PID=$!
for _ in $(seq 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$BENCH_PORT/healthz" 2>/dev/null && break
  sleep 0.2
done
curl -fsS -o /dev/null "http://127.0.0.1:$BENCH_PORT/healthz"

python bench/bench.py measure --label 58 --port "$BENCH_PORT" --out "$WORK/small.json"

echo "== $BENCH_LARGE courts"
python bench/bench.py seed --courts "$BENCH_LARGE"
python bench/bench.py measure --label "$BENCH_LARGE" --port "$BENCH_PORT" --out "$WORK/large.json"

python bench/bench.py report "$WORK/small.json" "$WORK/large.json" --out-dir bench-results
