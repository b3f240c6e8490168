#!/usr/bin/env bash
# `make test`: the whole suite on a real PostgreSQL and a real Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh

trap stop_started EXIT
ensure_postgres
ensure_redis 127.0.0.1 6379
# The browser tests (tests/browser/) drive Debian's Chromium and check markup with the
# Nu HTML Checker, a Java program fetched once from the npm registry into a cache
# outside the repository (it is too large to commit).
apt_install chromium
ensure_vnu_jar  # exports VNU_JAR

export DJANGO_SETTINGS_MODULE=ccpor_onboard.settings.test
export DATABASE_URL="${TEST_DATABASE_URL:-postgres://app:app@127.0.0.1:5432/app}"
export PATH="$PWD/.venv/bin:$PATH"
mkdir -p staticfiles  # whitenoise warns when STATIC_ROOT is missing

# The house's floors and the code style are part of the proof: a wrong-way import
# (pyproject.toml, [tool.importlinter]) or a lint error fails the run.
lint-imports --no-cache
ruff check --quiet .
ruff format --check --quiet .

# The suite runs in one process per core (pytest-xdist; at most four: the Celery
# tests take one Redis database each, see settings/test.py), each on a test database
# of its own (test_<name>_gw0, _gw1...). loadgroup keeps the browser tests together in
# one process (tests/conftest.py, pytest_xdist_make_scheduler) and sends them first,
# as the largest group, while the other process runs the rest. --durations: the
# slowest tests, every run.
# One process: `scripts/test.sh -n 0 ...` (quicker to start for a few tests).
set +e
python -m pytest --numprocesses auto --maxprocesses 4 \
  --dist loadgroup --durations 15 "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: failing on purpose." >&2
  exit 1
fi
exit "$rc"
