# The environment `make run` gives every process it starts (sourced by scripts/run.sh;
# tests/test_run_env.py sources it too). SITE_URL, the address that links in e-mails,
# calendar feeds and CSV exports point to, follows PORT unless it is given; it is
# computed here, once, because honcho gives each process of the Procfile a PORT of
# its own (web 8000, worker 8100...), so a worker could not work it out itself.
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-ccpor_onboard.settings.local}"
export PORT="${PORT:-8000}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"
