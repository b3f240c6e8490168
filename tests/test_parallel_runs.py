"""`make test` runs the suite in several processes (pytest-xdist, scripts/test.sh):
each has its own test database (pytest-django's _gw0, _gw1 suffix), its own Redis
database for the Celery workers it starts, and its own ports for the servers the
fault tests start, so that two processes never take each other's tasks or ports."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from ccpor_onboard.settings.test import _broker_of_this_process
from tests.faults.conftest import worker_port


def test_without_xdist_the_broker_is_the_one_given(monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    url = "redis://127.0.0.1:6379/12"
    assert _broker_of_this_process(url) == url


@pytest.mark.parametrize(
    ("worker", "database"), [("gw0", 12), ("gw1", 13), ("gw3", 15)]
)
def test_each_xdist_process_has_a_broker_database_of_its_own(
    monkeypatch, worker, database
):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)
    url = _broker_of_this_process("redis://127.0.0.1:6379/12")
    assert url == f"redis://127.0.0.1:6379/{database}"


def test_a_process_past_redis_last_database_is_refused_with_the_way_out(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw4")
    with pytest.raises(ImproperlyConfigured, match="TEST_CELERY_BROKER_URL"):
        _broker_of_this_process("redis://127.0.0.1:6379/12")


def test_each_xdist_process_has_ports_of_its_own_for_the_fault_tests(monkeypatch):
    ports = {}
    for worker in ("gw0", "gw1", "gw2"):
        monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)
        ports[worker] = {worker_port(6392), worker_port(6393), worker_port(5442)}
    assert ports["gw0"] == {6392, 6393, 5442}  # the ports the fault tests document
    assert not ports["gw0"] & ports["gw1"]
    assert not ports["gw1"] & ports["gw2"]
    monkeypatch.delenv("PYTEST_XDIST_WORKER")
    assert worker_port(6392) == 6392
