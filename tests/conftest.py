import datetime

import pytest

from checklists import services
from checklists.models import ChecklistTemplate
from tests import db_reset
from tests.factories import CourtFactory, MembershipFactory, UserFactory
from tests.frozen_clocks import leave_pytest_clocks_alone

# `--durations` in real seconds, also for the tests that freeze time.
leave_pytest_clocks_alone()

# A fixed "today" for date-driven tests: a Wednesday.
TODAY = datetime.date(2026, 3, 4)
# Apps whose data migrations load reference data (courts, phases, the template...).
PROJECT_APPS = (
    "accounts",
    "courts",
    "roster",
    "checklists",
    "reminders",
    "dashboard",
    "planning",
)


def _reload_data_migrations() -> None:
    """Run the project's data migrations (RunPython) again, each with the models as
    they were at that migration, as `migrate` does on a new database."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.operations import RunPython

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    for migration, _backwards in plan:
        operations = [op for op in migration.operations if isinstance(op, RunPython)]
        if migration.app_label not in PROJECT_APPS or not operations:
            continue
        # The state as `migrate` has it at each RunPython: before the migration,
        # then moved forward by the operations that precede it in the migration.
        state = executor.loader.project_state(
            (migration.app_label, migration.name), at_end=False
        )
        for operation in migration.operations:
            if isinstance(operation, RunPython):
                with connection.schema_editor() as schema_editor:
                    operation.code(state.apps, schema_editor)
            else:
                operation.state_forwards(migration.app_label, state)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup` (scripts/test.sh), with the browser tests (tests/browser/)
    as one group: one process runs them all, in order, since the markup check
    validates what the journeys before it recorded in that process. pytest-xdist's
    own `xdist_group` mark cannot do it on pytest 9 (it rewrites a node id that pytest
    9 no longer lets it change). As the largest group, they are sent first: the other
    process runs the rest meanwhile."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class BrowserTestsTogether(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith("tests/browser/"):
                return "tests/browser/"
            return super()._split_scope(nodeid)

    return BrowserTestsTogether(config, log)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """With --reuse-db the database of the previous run is kept, but its transactional
    tests flushed every table at the end, data migrations' rows included: load the
    reference data again when it is missing, so that --reuse-db works run after run."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from checklists.models import Phase, TemplateItem
    from courts.models import Court

    with django_db_blocker.unblock():
        loaded = (Phase, TemplateItem, Court)
        if not all(model.objects.exists() for model in loaded):
            # Start from empty tables (nothing half-loaded is left behind), and load
            # all of it or nothing.
            call_command("flush", interactive=False, verbosity=0)
            with transaction.atomic():
                _reload_data_migrations()
        # Tests with serialized_rollback restore this snapshot, taken at set-up
        # (before the reload and the rewrite): take it again.
        if getattr(connection, "_test_serialized_contents", None) is not None:
            connection._test_serialized_contents = (
                connection.creation.serialize_db_to_string()
            )


@pytest.fixture(scope="session", autouse=True)
def _serialized_rollback_starts_from_empty_tables():
    """A transactional test without serialized_rollback ends with a flush whose
    post_migrate recreates the content types and permissions under new ids; a
    serialized_rollback test after it then restored its snapshot's rows on top of
    them (duplicate key on django_content_type, depending on the order). Restore
    onto empty tables instead: empty them without post_migrate, then restore, in
    bulk (tests/db_reset.py: flush and restore, made cheap)."""
    from django.core.management import call_command
    from django.db.backends.base.creation import BaseDatabaseCreation

    original = BaseDatabaseCreation.deserialize_db_from_string
    uninstall = db_reset.install()

    def deserialize(self, data):
        call_command(
            "flush",
            interactive=False,
            verbosity=0,
            inhibit_post_migrate=True,
            # As the test case's own flush: the sequences go on from where they
            # were, above the snapshot's ids.
            reset_sequences=False,
            database=self.connection.alias,
        )
        db_reset.restore_snapshot(self, data)

    BaseDatabaseCreation.deserialize_db_from_string = deserialize
    yield
    BaseDatabaseCreation.deserialize_db_from_string = original
    uninstall()


@pytest.fixture
def today() -> datetime.date:
    return TODAY


@pytest.fixture
def default_template(db) -> ChecklistTemplate:
    """The 36-item CCPOR template loaded by the data migration."""
    return ChecklistTemplate.objects.get(name="CCPOR court onboarding", version=1)


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff", ccpor_staff=True, is_staff=True)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_user(db):
    """pytest-django's admin_user (used by admin_client), with a password the
    validators accept: creating a superuser refuses a weak one (accounts.models)."""
    return UserFactory(
        username="admin", email="admin@example.org", is_staff=True, is_superuser=True
    )


@pytest.fixture
def court(db):
    return CourtFactory(name="Court A", slug="court-a")


@pytest.fixture
def other_court(db):
    return CourtFactory(name="Court B", slug="court-b")


@pytest.fixture
def court_lead(court):
    return MembershipFactory(court=court, user__username="lead-a").user


@pytest.fixture
def other_lead(other_court):
    return MembershipFactory(court=other_court, user__username="lead-b").user


@pytest.fixture
def start(default_template, staff_user, today):
    """Start an onboarding of the default template, as of TODAY."""

    def _start(court, *, go_live_in=90, carpos=True, so=True, **kwargs):
        return services.onboarding_start(
            court=court,
            go_live_date=today + datetime.timedelta(days=go_live_in),
            court_enters_carpos=carpos,
            so_participates=so,
            started_by=staff_user,
            today=today,
            **kwargs,
        )

    return _start


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real Celery worker (separate process) on the real Redis broker, using the test
    database, so that tasks sent by a test run exactly as in production.

    Tests that expect the worker to see their rows must commit them: mark them
    `django_db(transaction=True)`.
    """
    import os
    import subprocess
    import sys
    import tempfile
    import time

    from django.conf import settings
    from django.db import connection

    from ccpor_onboard.celery import app

    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ccpor_onboard.settings.test",
        "TEST_DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        # The broker is this process's: TEST_CELERY_BROKER_URL and PYTEST_XDIST_WORKER
        # are inherited, and settings/test.py works it out from them.
        # The worker's mail goes to files here (see settings/test.py): worker.mail_dir.
        "TEST_EMAIL_FILE_PATH": tempfile.mkdtemp(prefix="ccpor-worker-mail-"),
    }
    app.control.purge()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ccpor_onboard",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"test-{os.getpid()}@%h",
        ],
        env=env,
        cwd=settings.BASE_DIR,
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if worker.poll() is not None:
                raise RuntimeError(f"the Celery worker exited with {worker.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("the Celery worker did not answer within 60 s")
        worker.mail_dir = env["TEST_EMAIL_FILE_PATH"]
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


# --- The court portal (issue 3) ------------------------------------------------------


@pytest.fixture
def frozen_today(today):
    """Views ask `today_in_california()` themselves: freeze the clock at noon in
    California on TODAY (ticking, so history records keep their order)."""
    from freezegun import freeze_time

    with freeze_time("2026-03-04 20:00:00", tick=True):
        yield today


@pytest.fixture
def court_liaison(court):
    """The sheriff's office liaison of `court`."""
    return MembershipFactory(
        court=court, user__username="so-a", organisation="so", role="liaison"
    ).user


@pytest.fixture(autouse=True)
def evidence_storage(settings, tmp_path):
    """Uploaded evidence goes to a throwaway MEDIA_ROOT (in every test: evidence-
    required items are done only with a document)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _clear_cache():
    """What a test leaves in the cache (notification batching keys) never leaks into
    the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# --- Notifications (issue 12) ---------------------------------------------------------


@pytest.fixture(autouse=True)
def scheduled_batches(request, monkeypatch):
    """The batch tasks `notify` schedules once a transaction commits, recorded here
    (kwargs of each `send_batch.apply_async` call) instead of going to the broker,
    so that no test leaves tasks in Redis for another's worker. Tests that use the
    real worker (`celery_worker_process`) send them for real."""
    calls: list[dict] = []
    if "celery_worker_process" in request.fixturenames:
        return calls
    from notifications import tasks

    monkeypatch.setattr(
        tasks.send_batch, "apply_async", lambda *args, **kwargs: calls.append(kwargs)
    )
    return calls


@pytest.fixture(autouse=True)
def scheduled_forecasts(request, monkeypatch):
    """The forecast runs queued after a change to an onboarding's items (planning
    receivers), recorded here (kwargs of each `apply_async`) instead of going to
    the broker, as `scheduled_batches` does for notifications."""
    calls: list[dict] = []
    if "celery_worker_process" in request.fixturenames:
        return calls
    from planning import tasks

    monkeypatch.setattr(
        tasks.forecast_onboarding,
        "apply_async",
        lambda *args, **kwargs: calls.append(kwargs),
    )
    return calls


@pytest.fixture
def send_now():
    """Send every notification waiting to be mailed (as `send_notifications --now`),
    returning the results."""
    from notifications.services import notifications_send_pending

    return lambda: notifications_send_pending(everything=True)
