"""freezegun, told to leave pytest's own clocks alone.

freeze_time swaps the clock functions of every module it finds, pytest's timer
(_pytest.timing) and pytest-xdist's included, unless told to leave them: a test that
froze time was reported as taking 0 s, or the 56 years from 1970 to the frozen date.
tests/conftest.py calls this; tests/test_frozen_time_durations.py proves it works."""

import freezegun

PYTEST_CLOCKS = ["_pytest.timing", "xdist"]


def leave_pytest_clocks_alone() -> None:
    freezegun.configure(extend_ignore_list=PYTEST_CLOCKS)
