"""The application against a PostgreSQL that restarts, stops and hangs: a throwaway
cluster on port 5442 (one port per pytest-xdist worker: worker_port) started by the
test, and the application served by gunicorn with the production-like connection
settings of base.py (persistent connections with health checks).

- a restart between two requests: the next request reconnects (no 500);
- the database down: /healthz says so at once (503, "database");
- the database hung (SIGSTOP): /healthz still answers within 3 s;
- back up: everything answers again, nothing restarted on the application side.
"""

import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from .conftest import wait_for, worker_port

PORT = worker_port(5442)


def _pg_bin() -> pathlib.Path:
    versions = sorted(
        pathlib.Path("/usr/lib/postgresql").iterdir(), key=lambda p: int(p.name)
    )
    return versions[-1] / "bin"


class Cluster:
    def __init__(self):
        self.bin = _pg_bin()
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="ccpor-pg-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"

    def _as_postgres(self, *args, check=True):
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", *map(str, args)],
            check=check,
            cwd=tempfile.gettempdir(),
            capture_output=True,
            text=True,
        )

    def init(self) -> None:
        self._as_postgres(
            self.bin / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres"
        )

    def ctl(self, action: str, *extra) -> None:
        self._as_postgres(
            self.bin / "pg_ctl",
            "-D",
            self.data,
            "-l",
            self.dir / "log",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {PORT} -k {tempfile.gettempdir()}",
            "-w",
            action,
            *extra,
        )

    def psql(self, sql: str) -> None:
        self._as_postgres(
            self.bin / "psql",
            "-h",
            "127.0.0.1",
            "-p",
            PORT,
            "-U",
            "postgres",
            "-c",
            sql,
        )

    def load_schema_of_the_test_database(self, name: str) -> None:
        """The test database's tables (made by `migrate` at the session's start)
        and rows, copied into database `name` of this cluster: what `migrate` would
        make, in a second rather than ten."""
        db = connection.settings_dict
        dump = subprocess.run(
            [self.bin / "pg_dump", "--no-owner", "--no-privileges"]
            + ["-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"], db["NAME"]],
            env={**os.environ, "PGPASSWORD": db["PASSWORD"]},
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(
            [self.bin / "psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"]
            + ["-p", str(PORT), "-U", "app", "-d", name],
            input=dump,
            check=True,
            capture_output=True,
        )

    def processes(self) -> list[int]:
        """The postmaster and its children (all started by this test)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        pids = [postmaster]
        for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:
                pids.append(int(stat.parent.name))
        return pids

    def signal(self, sig) -> None:
        for pid in self.processes():
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.signal(signal.SIGCONT)
            self.ctl("stop", "-m", "immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, **headers) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http only
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture
def app_on_own_postgres():
    cluster = Cluster()
    server = None
    try:
        cluster.init()
        cluster.ctl("start")
        cluster.psql("CREATE ROLE app LOGIN SUPERUSER PASSWORD 'app'")
        cluster.psql("CREATE DATABASE app_faults_pg OWNER app")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ccpor_onboard.settings.local",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": f"postgres://app:app@127.0.0.1:{PORT}/app_faults_pg",
            "DATABASE_CONNECT_TIMEOUT": "2",
            # No page cache here (nothing listens): pages render without it.
            "CACHE_URL": f"redis://127.0.0.1:{worker_port(6393)}/0",
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        }
        env.pop("DATABASE_URL_TEST", None)
        cluster.load_schema_of_the_test_database("app_faults_pg")
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "ccpor_onboard.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
            ],
            env=env,
            cwd=settings.BASE_DIR,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"

        def up():
            try:
                return _get(base + "/healthz?checks=database")[0] == 200
            except OSError:
                return False

        wait_for(up, timeout=60, what="gunicorn to answer")
        yield cluster, base
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        cluster.destroy()


def _api(base: str) -> int:
    # A query in the request's own (persistent) connection: the token look-up.
    return _get(base + "/api/onboardings/", Authorization="Token not-a-token")[0]


# The test database (its schema is copied into the throwaway cluster) is set up.
@pytest.mark.django_db
def test_the_application_rides_through_postgresql_restarts_and_hangs(
    app_on_own_postgres,
):
    cluster, base = app_on_own_postgres
    assert _api(base) == 401  # the request thread now holds a connection

    cluster.ctl("restart", "-m", "fast")
    # The held connection is dead; the next request notices and reconnects.
    assert [_api(base) for _ in range(4)] == [401] * 4

    cluster.ctl("stop", "-m", "fast")
    began = time.monotonic()
    status, body = _get(base + "/healthz?checks=database")
    assert time.monotonic() - began < 3
    assert status == 503 and json.loads(body)["failed"] == ["database"]

    cluster.ctl("start")
    assert _get(base + "/healthz?checks=database")[0] == 200
    assert _api(base) == 401

    cluster.signal(signal.SIGSTOP)
    try:
        began = time.monotonic()
        status, body = _get(base + "/healthz?checks=database,broker")
        assert time.monotonic() - began < 3
        assert status == 503
        answer = json.loads(body)
        assert answer["failed"] == ["database"]
        # libpq's connect_timeout (2 s here) or the check's deadline, whichever
        # comes first.
        assert answer["checks"]["database"] in ("OperationalError", "timeout")
        assert answer["checks"]["broker"] == "ok"
    finally:
        cluster.signal(signal.SIGCONT)
    wait_for(
        lambda: _get(base + "/healthz?checks=database")[0] == 200,
        timeout=15,
        what="the database check to pass again",
    )
    assert _api(base) == 401
