"""Real processes for fault tests: Celery workers the test may kill, a Redis it may
stop with SIGSTOP, a PostgreSQL it may restart. Each is started by the test on its
own port (6392, 6393, 5442; one set per pytest-xdist worker: worker_port) and
stopped by it."""

import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from tests.reminders.conftest import members  # noqa: F401 - the reminders' cast


def worker_port(base: int) -> int:
    """`base` for the first pytest-xdist worker (or without xdist), base + 10 for the
    second, ...: two workers running fault tests at once never share a server."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return base + 10 * int(worker.removeprefix("gw"))


def wait_for(condition, *, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


class Workers:
    """Start Celery workers on a queue of the test's own (so that no other worker
    of the session takes its tasks), mailing through tests/faults/blocking_mail."""

    def __init__(self, mail_dir: pathlib.Path):
        self.queue = f"faults-{uuid.uuid4().hex[:8]}"
        self.mail_dir = mail_dir
        self.started: list[subprocess.Popen] = []

    def start(
        self, *, pool: str = "solo", visibility_timeout: int = 3, concurrency: int = 1
    ):
        from ccpor_onboard.celery import app

        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ccpor_onboard.settings.test",
            "TEST_DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}"
                f"/{db['NAME']}"
            ),
            # The broker is this process's: TEST_CELERY_BROKER_URL and
            # PYTEST_XDIST_WORKER are inherited, settings/test.py works it out.
            "TEST_EMAIL_FILE_PATH": str(self.mail_dir),
            "TEST_EMAIL_BACKEND": "tests.faults.blocking_mail.EmailBackend",
            "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
        }
        hostname = f"{self.queue}-{len(self.started)}@%h"
        args = [sys.executable, "-m", "celery", "-A", "ccpor_onboard", "worker"]
        args += ["--pool", pool, "--queues", self.queue, "--hostname", hostname]
        args += ["--loglevel", "WARNING", "--without-gossip", "--without-mingle"]
        if pool == "prefork":
            args += ["--concurrency", str(concurrency)]
        worker = subprocess.Popen(
            args, env=env, cwd=settings.BASE_DIR, start_new_session=True
        )
        self.started.append(worker)
        name = hostname.replace("%h", os.uname().nodename)

        def answers():
            if worker.poll() is not None:
                raise AssertionError(f"the worker exited with {worker.returncode}")
            return app.control.ping(destination=[name], timeout=0.5)

        wait_for(answers, timeout=60, what="the worker to answer")
        return worker

    def stop_all(self):
        for worker in self.started:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait()


@pytest.fixture
def workers():
    mail_dir = pathlib.Path(tempfile.mkdtemp(prefix="ccpor-faults-mail-"))
    started = Workers(mail_dir)
    try:
        yield started
    finally:
        started.stop_all()
        shutil.rmtree(mail_dir, ignore_errors=True)


class RedisProcess:
    """A redis-server of the test's own, on `port`, snapshotting to its own dir."""

    def __init__(self, port: int):
        self.port = port
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix=f"ccpor-redis-{port}-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
                "--dbfilename",
                "dump.rdb",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for(self.ping, timeout=20, what=f"redis on port {self.port}")

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=1)

    def ping(self) -> bool:
        try:
            return self.client().ping()
        except Exception:  # noqa: BLE001 - not up yet
            return False

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # in case it was stopped
            self.process.kill()
            self.process.wait()


@pytest.fixture
def own_redis():
    server = RedisProcess(worker_port(6392))
    server.start()
    try:
        yield server
    finally:
        server.kill()
        shutil.rmtree(server.dir, ignore_errors=True)
