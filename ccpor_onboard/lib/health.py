"""Health checks for /healthz, run side by side with a deadline. Domain-free.

The view (ccpor_onboard/views.py) checks the database, the broker and the cache
itself; apps add their own checks with `register` from their AppConfig.ready() (the
reminders app registers its sweep's heartbeat), so that this floor never imports the
apps above it.

Each check runs in its own daemon thread; the answer is given when every check has
answered or the deadline has passed, whichever comes first, so a dependency that
hangs costs the deadline and no more. A check still hanging from an earlier request
is not started again (it is reported as still waiting): a dependency that hangs for
an hour leaves one stuck thread per check, not one per request.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections


@dataclass
class CheckResult:
    ok: bool
    detail: str = "ok"
    # Extra facts to show in the answer under the check's name (e.g. a timestamp).
    data: dict = field(default_factory=dict)


Check = Callable[[], CheckResult]

_registry: dict[str, Check] = {}
_running: dict[str, threading.Thread] = {}
_lock = threading.Lock()


def register(name: str, check: Check) -> None:
    """Add a check to /healthz under `name` (the same name replaces the old one)."""
    _registry[name] = check


def registered() -> dict[str, Check]:
    return dict(_registry)


def _run(name: str, check: Check, results: dict[str, CheckResult]) -> None:
    try:
        results[name] = check()
    except Exception as exc:  # noqa: BLE001 - any failure means "failed"
        results[name] = CheckResult(False, exc.__class__.__name__)
    finally:
        # A thread of its own got database connections of its own: close them.
        connections.close_all()
        with _lock:
            _running.pop(name, None)


def run_checks(checks: dict[str, Check], *, deadline: float) -> dict[str, CheckResult]:
    """Run every check at once; what has not answered within `deadline` seconds is
    reported as failed ("timeout")."""
    results: dict[str, CheckResult] = {}
    started: dict[str, threading.Thread] = {}
    with _lock:
        for name, check in checks.items():
            if name in _running:
                results[name] = CheckResult(False, "timeout (still waiting)")
                continue
            thread = threading.Thread(
                target=_run, args=(name, check, results), daemon=True
            )
            _running[name] = started[name] = thread
            thread.start()
    end = time.monotonic() + deadline
    for name, thread in started.items():
        thread.join(max(0.0, end - time.monotonic()))
        if thread.is_alive():
            results[name] = CheckResult(False, "timeout")
    # Copy: a late thread may still write into `results`.
    return {name: results[name] for name in checks}
