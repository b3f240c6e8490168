# CCPOR Onboard: `make run` to try it, `make test` to prove it.
VENV ?= .venv
PYTHON ?= python3

.PHONY: run test lint format venv clean bench mutants

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

run: venv
	scripts/run.sh

test: venv
	scripts/test.sh

# Not part of `make test`: seeds a throwaway database (app_bench) with 58 then 5,000
# courts (manage.py seed_scale), serves the app with gunicorn, prints one table with
# PASS/FAIL against the targets, writes it into docs/performance.md (between its
# bench:start and bench:end markers) and keeps it in bench-results/bench-<timestamp>.md.
bench: venv
	bench/run.sh

# Not part of `make test`: mutation testing of the rules that matter
# (docs/testing.md, "Mutation testing"). About an hour and a half on 2 cores.
mutants: venv
	scripts/mutants.sh $(ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
