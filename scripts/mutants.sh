#!/usr/bin/env bash
# `make mutants`: the mutation-testing loop (scripts/mutants.py, docs/testing.md)
# on a real PostgreSQL and a real Redis. Not part of `make test`. Arguments go to the
# script: `make mutants ARGS="--only health"`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh

trap stop_started EXIT
ensure_postgres
ensure_redis 127.0.0.1 6379

.venv/bin/python scripts/mutants.py "$@"
