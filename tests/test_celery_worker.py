"""The real stack: a task goes through the real Redis broker to a real worker."""

from ccpor_onboard.celery import ping


def test_a_real_worker_runs_a_task_sent_through_redis(celery_worker_process):
    result = ping.delay()
    assert result.get(timeout=30) == "pong"
    assert result.successful()
    # The worker answered from its own process, not from this one.
    assert celery_worker_process.poll() is None
