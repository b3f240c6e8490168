"""freezegun stops the clocks of the code under test, not pytest's own: `--durations`
reports real seconds for a test that freezes time (tests/frozen_clocks.py, which
tests/conftest.py applies)."""

import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from _pytest import timing
from freezegun import freeze_time

ROOT = Path(__file__).resolve().parent.parent
NAP = 0.3  # seconds: what a frozen test below really takes

FROZEN_TEST = f"""
import datetime
import time

import pytest
from freezegun import freeze_time


@pytest.fixture
def frozen():
    # Frozen from set-up to teardown: each phase pytest times starts or ends frozen.
    with freeze_time("2026-03-04 20:00:00"):
        yield


def test_frozen(frozen):
    assert datetime.date.today() == datetime.date(2026, 3, 4)
    time.sleep({NAP})
"""


@pytest.fixture
def frozen_in_2026():
    with freeze_time("2026-03-04 20:00:00"):
        yield


def test_this_suites_frozen_tests_leave_pytests_timer_alone(frozen_in_2026):
    import datetime

    assert datetime.date.today() == datetime.date(2026, 3, 4)  # time is frozen...
    began = timing.Instant()
    time.sleep(NAP)
    # ...but not the clock pytest times tests with.
    assert NAP <= began.elapsed().seconds < 30


def test_durations_print_real_seconds_for_a_frozen_test(tmp_path):
    """A frozen test run by pytest with --durations, with the suite's set-up of
    freezegun (and no other plugin, so that it starts in a second): each phase in
    real seconds. Without it pytest printed 0.00s for the call and 1772654400s, the
    frozen date as seconds since 1970, for the set-up."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "conftest.py").write_text(
        "from tests.frozen_clocks import leave_pytest_clocks_alone\n\n"
        "leave_pytest_clocks_alone()\n"
    )
    (tmp_path / "test_frozen.py").write_text(textwrap.dedent(FROZEN_TEST))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--durations=0", "--durations-min=0", "-vv"],
        cwd=tmp_path,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PYTEST_ADDOPTS": "",
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    durations = {
        phase: float(seconds)
        for seconds, phase in re.findall(
            r"^(-?[\d.]+)s (setup|call|teardown) +test_frozen.py::test_frozen$",
            result.stdout,
            re.MULTILINE,
        )
    }
    assert set(durations) == {"setup", "call", "teardown"}, result.stdout[-3000:]
    assert NAP <= durations["call"] < 30
    assert 0 <= durations["setup"] < 30
    assert 0 <= durations["teardown"] < 30
