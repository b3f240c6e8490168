"""`make bench`: measure and report (run by bench/run.sh; not part of the tests).

    python bench/bench.py prepare --label 58 --work DIR
    python bench/bench.py measure --label 58 --work DIR --port 8097 [--master-pid PID]
    python bench/bench.py sweep   --label 58 --work DIR
    python bench/bench.py report  --work DIR --labels 58 5000 --out-dir bench-results
                                  [--doc docs/performance.md]
    python bench/bench.py profile --url /dashboard/ --n 20   # where a page's time goes

The data comes from `manage.py seed_scale` (run.sh). Each step adds its figures to
DIR/<label>.json:

- prepare (in-process, no cache): signs in a CCPOR staff user, picks the court
  and item pages, counts each page's queries, and captures the SELECTs each CSV export
  streams its rows from (for PostgreSQL's own COPY of the same rows);
- measure: sequential GETs with a signed-in session cookie to gunicorn on 127.0.0.1,
  started with CACHE_URL=dummycache:// (no cache at all: issue 21's targets hold
  without one). Beside each CSV, `COPY (<the same SELECT>) TO STDOUT` through
  psycopg2's copy_expert; then, for each CSV, the peak memory of its first request
  in fresh workers (the bench's own gunicorn master is sent SIGHUP);
- sweep (in-process): the reminder sweep, real and dry run, each run from the same
  state (reminder log emptied first; mail stays in memory), then one instrumented
  run of each (statements, time in SQL, in rendering and in sending mail) and a
  second real run straight after the first (what it changes);
- report: one table, p50/p95 and ratios to the trivial page of the same run, and
  PASS/FAIL against the targets of issue 21, written to bench-results/bench-*.md and
  between the `<!-- bench:start -->` and `<!-- bench:end -->` markers of
  docs/performance.md (bench/doc_section.py). Exit status 1 if a target fails.

Sampling: pages are measured in rounds, every page once per round (BENCH_N rounds, or
fewer after BENCH_ROUNDS_SECONDS once BENCH_MIN_N are done), so that a load that comes
and goes on a shared machine weighs on a page and on the trivial page it is divided
by alike; each export likewise in turn with its COPY (BENCH_URL_SECONDS × 2). The n
column says how many samples were taken.
"""

import argparse
import csv
import datetime
import http.client
import io
import json
import math
import os
import platform
import re
import signal
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.doc_section import write_section  # noqa: E402
from ccpor_onboard.lib.dates import today_in_california  # noqa: E402
from checklists.models import ChecklistItem, Onboarding  # noqa: E402
from courts.models import Court  # noqa: E402

BENCH_USER = "bench.staff"
# The page whose marked section `report` rewrites with the latest table.
DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
# Sessions name the backend that loads their user (not the lockout backend).
MODEL_BACKEND = "accounts.backends.UsernameOrEmailBackend"
N = int(os.environ.get("BENCH_N", 40))
MIN_N = int(os.environ.get("BENCH_MIN_N", 5))
URL_SECONDS = float(os.environ.get("BENCH_URL_SECONDS", 15))
# The pages are measured in rounds (each page once per round), for this long at most.
ROUNDS_SECONDS = float(os.environ.get("BENCH_ROUNDS_SECONDS", 90))
SWEEP_N = int(os.environ.get("BENCH_SWEEP_N", 5))

# Dashboard filters and sorts: every one is measured, the worst is reported.
FILTERS = {
    "phase+health, by overdue": "?phase=implement&health=at_risk&sort=-overdue",
    "onboarding in 60 days, by next mark": "?status=onboarding&window=next_60"
    "&sort=next_mark",
    "late, by progress": "?health=late&sort=-progress",
    "district+type, by open court items": "?district=3&court_type=superior"
    "&sort=-open_court",
    "name search, by health": "?q=county&sort=health",
    "Go-Live range, by blocked": "?go_live_after={today}&go_live_before={today90}"
    "&sort=-blocked",
    "page 2, by days to go": "?sort=-days&page=2",
}

# key: (table label, path); {court}/{item} are filled in by `prepare`.
PAGES = {
    "trivial": ("Trivial signed-in page", "/bench/trivial/"),
    # The default view, asked for by its sort: a bare /dashboard/ opens on the view
    # the person last applied (here the last filter measured), by a redirect.
    "dashboard": ("Dashboard, first page", "/dashboard/?sort=attention"),
    **{
        f"filter:{name}": (f"Dashboard, {name}", "/dashboard/" + query)
        for name, query in FILTERS.items()
    },
    "statewide": ("Statewide view", "/dashboard/statewide/"),
    "court": ("Court page (36 items)", "/courts/{court}/"),
    "item": ("Item page", "/courts/{court}/items/{item}/"),
    "api": ("API list", "/api/onboardings/"),
    "portfolio_csv": ("Portfolio CSV", "/dashboard/export/portfolio.csv"),
    "items_csv": ("Items CSV", "/dashboard/export/items.csv"),
}
EXPORTS = ("portfolio_csv", "items_csv")


# --- Shared ---------------------------------------------------------------------
def _load(work: Path, label: str) -> dict:
    path = work / f"{label}.json"
    return json.loads(path.read_text()) if path.exists() else {"label": label}


def _save(work: Path, label: str, **parts) -> None:
    data = _load(work, label)
    for key, value in parts.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        else:
            data[key] = value
    (work / f"{label}.json").write_text(json.dumps(data, indent=2, default=str))


def _percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {"p50": statistics.median(ordered), "p95": p95, "n": len(ordered)}


def _bench_user():
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=BENCH_USER, defaults={"email": "bench@example.org", "is_staff": True}
    )
    user.groups.add(Group.objects.get_or_create(name=settings.CCPOR_TEAM_GROUP)[0])
    return user


def _verified_session(session, user) -> None:
    """Mark the session as having passed the second factor with the bench user's
    authenticator device, as django_otp.login() does after a right code (staff
    need it on every page under production settings, OTP_STAFF_REQUIRED)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "bench"}
    )
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id


def _session_cookie() -> str:
    """A signed-in session for the bench staff user, made the way login() makes one,
    with the second factor passed."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    user = _bench_user()
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = MODEL_BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    _verified_session(store, user)
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _signed_in_client():
    """A test client signed in as the bench staff user, second factor passed."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    user = _bench_user()
    client.force_login(user, backend=MODEL_BACKEND)
    session = client.session
    _verified_session(session, user)
    session.save()
    return client


def _paths(data: dict) -> dict[str, str]:
    today = today_in_california()
    values = {
        **data["targets"],
        "today": today.isoformat(),
        "today90": (today + datetime.timedelta(days=90)).isoformat(),
    }
    return {key: path.format(**values) for key, (_, path) in PAGES.items()}


# --- prepare --------------------------------------------------------------------
DECLARE = re.compile(
    r"^\s*DECLARE\s+\S+\s+.*?CURSOR\s+(?:WITH(?:OUT)?\s+HOLD\s+)?FOR\s+"
)


def _targets() -> dict:
    """The court page's court: the oldest court whose onboarding is active, with all
    36 items; its item page: item 26 (three dependencies, due in the thick of it).
    seed_scale adds courts after it and leaves it alone, so both sizes measure the
    same pages."""
    onboarding = (
        Onboarding.objects.filter(status=Onboarding.Status.ACTIVE)
        .annotate(n=Count("items"))
        .filter(n=36)
        .select_related("court")
        .order_by("court_id")
        .first()
    )
    item = onboarding.items.get(order=26)
    return {"court": onboarding.court.slug, "item": item.pk}


def _rows_shown(path: str) -> dict | None:
    """For a dashboard page: how many courts its filters match and how many rows
    its page shows. At 58 courts most filters match less than a page, at 5,000
    every page is full: the growth of a filtered page includes drawing more rows."""
    from django.http import QueryDict

    from dashboard.filters import portfolio_query
    from dashboard.views.portfolio import PAGE_SIZE

    base, _, query = path.partition("?")
    if base != "/dashboard/":
        return None
    params = QueryDict(query)
    matches = portfolio_query(params, today=today_in_california()).queryset.count()
    first = PAGE_SIZE * (int(params.get("page", 1)) - 1)
    return {"matches": matches, "rows": max(0, min(PAGE_SIZE, matches - first))}


def prepare(*, label: str, work: Path) -> None:
    targets = _targets()
    _save(work, label, targets=targets)
    data = _load(work, label)
    client = _signed_in_client()
    pages, exports = {}, {}
    for key, path in _paths(data).items():
        if key not in EXPORTS:
            # Counted on a second visit, as at the other size: a first visit to a
            # court page also records the visit (what changed since), which the
            # bench user has made already when it counts the larger size.
            client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
            before_body = len(queries.captured_queries)
            if response.streaming:
                body = b"".join(response.streaming_content)
            else:
                body = response.content
        pages[key] = {
            "status": response.status_code,
            "queries": len(queries),
            **(_rows_shown(path) or {}),
        }
        if key in EXPORTS:
            # The statements that produced the rows: those run while streaming.
            selects = []
            for query in queries.captured_queries[before_body:]:
                sql = DECLARE.sub("", query["sql"])
                if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    selects.append(sql)
            text = body.decode("utf-8-sig")
            exports[key] = {
                "selects": selects,
                "rows": sum(1 for _ in csv.reader(io.StringIO(text))) - 1,
                "streaming": response.streaming,
            }
    _save(
        work,
        label,
        prepared={"pages": pages, "exports": exports},
        sizes={
            "courts": Court.objects.count(),
            "onboardings": Onboarding.objects.count(),
            "items": ChecklistItem.objects.count(),
        },
    )
    print(
        f"  {label:>6} courts  prepared: court page /courts/{targets['court']}/, "
        + ", ".join(f"{k} {v['queries']} queries" for k, v in pages.items())
    )


# --- measure --------------------------------------------------------------------
def _get(port: int, path: str, cookie: str) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status != 200:
        return {"error": f"HTTP {response.status}", "status": response.status}
    return {
        "status": 200,
        "bytes": len(body),
        "chunked": response.getheader("Transfer-Encoding", "") == "chunked",
        "content_length": response.getheader("Content-Length"),
    }


def _warm(port: int, path: str, cookie: str) -> None:
    """Fresh workers: load a page's code and templates in every one of them before
    timing it (sequential requests go to any worker)."""
    for _ in range(2 * int(os.environ.get("BENCH_WORKERS", 2))):
        _get(port, path, cookie)


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def _memory(pid: int) -> dict[str, int]:
    fields = dict(
        line.split(":", 1)
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return {k: int(fields[k].split()[0]) for k in ("VmRSS", "VmHWM")}  # kB


@contextmanager
def _peak_growth(master: int | None, into: dict):
    """The most any gunicorn worker's resident memory rose above what it held when
    the block began (peak, reset through /proc/<pid>/clear_refs), in MiB."""
    if master is None:
        yield
        return
    start = {}
    for pid in _workers(master):
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
        start[pid] = _memory(pid)["VmRSS"]
    yield
    growth = [_memory(pid)["VmHWM"] - rss for pid, rss in start.items()]
    into["peak_growth_mib"] = round(max(growth) / 1024, 1)


class _Sink:
    def __init__(self):
        self.size = 0

    def write(self, data):
        self.size += len(data)


def _copy(selects: list[str], sink) -> None:
    with connection.cursor() as cursor:
        for sql in selects:
            cursor.copy_expert(
                f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)", sink
            )


def _copy_rows(selects: list[str]) -> int:
    rows = 0
    for sql in selects:
        buffer = io.StringIO()
        _copy([sql], buffer)
        rows += sum(1 for _ in csv.reader(io.StringIO(buffer.getvalue()))) - 1
    return rows


def _rounds(runners: dict, *, budget: float) -> dict:
    """Call every runner once per round, in turn, for up to N rounds (stopping
    after `budget` seconds once MIN_N rounds are done): the figures being compared
    are taken side by side, so a load that comes and goes on this shared machine
    weighs on all of them alike. Returns per key its percentiles (ms) and the last
    call's dict; a runner that returns {"error": ...} is dropped."""
    samples = {key: [] for key in runners}
    extra = {key: {} for key in runners}
    started = time.perf_counter()
    for _ in range(N):
        for key, run in runners.items():
            if extra[key].get("error"):
                continue
            t0 = time.perf_counter()
            extra[key] = run() or {}
            samples[key].append((time.perf_counter() - t0) * 1000)
        done = min(len(v) for v in samples.values())
        if done >= MIN_N and time.perf_counter() - started > budget:
            break
    return {
        key: extra[key]
        if extra[key].get("error")
        else {**extra[key], **_percentiles(samples[key]), "samples": samples[key]}
        for key in runners
    }


def _fresh_workers(master: int, port: int, cookie: str) -> None:
    """New gunicorn workers (SIGHUP to the bench's own master), answering."""
    workers = int(os.environ.get("BENCH_WORKERS", 2))
    old = set(_workers(master))
    os.kill(master, signal.SIGHUP)
    deadline = time.monotonic() + 120
    while set(_workers(master)) & old or len(_workers(master)) != workers:
        if time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not replace its workers within 120 s")
        time.sleep(0.2)
    for _ in range(2 * workers):
        _get(port, "/bench/trivial/", cookie)


def measure(*, label: str, work: Path, port: int, master: int | None):
    data = _load(work, label)
    cookie = _session_cookie()

    def show(results: dict, names: dict) -> None:
        for key, row in results.items():
            shown = (
                f"{row['p50']:.1f} ms (n={row['n']})" if "p50" in row else row["error"]
            )
            print(f"  {label:>6} courts  {names[key]:<52} {shown}", flush=True)

    def getter(path):
        return lambda: _get(port, path, cookie)

    paths = _paths(data)
    names = {key: name for key, (name, _) in PAGES.items()}
    pages = {key: getter(path) for key, path in paths.items() if key not in EXPORTS}
    for path in [paths[key] for key in pages]:
        _warm(port, path, cookie)
    results = _rounds(pages, budget=ROUNDS_SECONDS)
    show(results, names)

    # Each export, taken in turn with PostgreSQL's COPY of the same SELECTs.
    for key in EXPORTS:
        copy_key = key.replace("_csv", "_copy")
        selects = data["prepared"]["exports"][key]["selects"]
        pair = _rounds(
            {
                key: getter(paths[key]),
                copy_key: lambda selects=selects: _copy(selects, _Sink()),
            },
            budget=2 * URL_SECONDS,
        )
        pair[copy_key]["rows"] = _copy_rows(selects)
        show(pair, {**names, copy_key: "  PostgreSQL COPY of the same rows"})
        results.update(pair)

    # Memory: each export's first request in fresh workers.
    if master is not None:
        for key in EXPORTS:
            _fresh_workers(master, port, cookie)
            with _peak_growth(master, results[key]):
                _get(port, paths[key], cookie)
            print(
                f"  {label:>6} courts  {names[key] + ', peak memory growth':<52} "
                f"{results[key]['peak_growth_mib']} MiB",
                flush=True,
            )
    _save(work, label, results=results)


# --- sweep ----------------------------------------------------------------------
@contextmanager
def _patched(owner, name: str, wrapper_factory):
    original = owner.__dict__.get(name)
    inherited = getattr(owner, name)
    setattr(owner, name, wrapper_factory(inherited))
    try:
        yield
    finally:
        if original is None:
            delattr(owner, name)
        else:
            setattr(owner, name, original)


def _outermost_timer(totals: dict, key: str):
    """A decorator factory adding the wall time of outermost calls to totals[key]."""
    depth = {"n": 0}

    def factory(function):
        def timed(*args, **kwargs):
            depth["n"] += 1
            t0 = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                depth["n"] -= 1
                if depth["n"] == 0:
                    totals[key] += time.perf_counter() - t0

        return timed

    return factory


def _instrumented(run) -> dict:
    """Run once, counting SQL statements (and the reminder log writes among them),
    item rows turned into objects, and the time spent in SQL, in rendering
    templates and in sending mail."""
    from django.core.mail.message import EmailMessage
    from django.template.backends.django import Template

    totals = {"sql": 0.0, "render": 0.0, "send": 0.0}
    counts = {"statements": 0, "log_writes": 0, "log_rows_written": 0, "items": 0}

    def sql_wrapper(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            totals["sql"] += time.perf_counter() - t0
            counts["statements"] += 1
            head = sql.lstrip()[:6].upper()
            if head in ("UPDATE", "INSERT") and "reminders_reminderlog" in sql:
                counts["log_writes"] += 1
                counts["log_rows_written"] += max(context["cursor"].rowcount, 0)

    def count_items(from_db):
        def counted(*args, **kwargs):
            counts["items"] += 1
            return from_db(*args, **kwargs)

        return classmethod(lambda cls, *a, **k: counted(*a, **k))

    t0 = time.perf_counter()
    with (
        connection.execute_wrapper(sql_wrapper),
        _patched(Template, "render", _outermost_timer(totals, "render")),
        _patched(EmailMessage, "send", _outermost_timer(totals, "send")),
        _patched(ChecklistItem, "from_db", count_items),
    ):
        result = run()
    total = time.perf_counter() - t0
    return {
        "total_ms": total * 1000,
        **{f"{k}_ms": v * 1000 for k, v in totals.items()},
        **counts,
        "outcomes": result.summary(),
    }


def _log_state():
    from reminders.models import ReminderLog

    return {
        row[0]: row[1:]
        for row in ReminderLog.objects.values_list(
            "pk", "status", "attempts", "updated_at"
        )
    }


def sweep(*, label: str, work: Path) -> None:
    from django.core import mail

    from reminders.models import ReminderLog
    from reminders.services import reminders_send_due

    today = today_in_california()

    def fresh():
        ReminderLog.objects.all().delete()
        mail.outbox = []

    runs = {}
    for key, dry_run in (("sweep", False), ("sweep_dry", True)):

        def one(i, dry_run=dry_run):
            fresh()
            t0 = time.perf_counter()
            result = reminders_send_due(today=today, dry_run=dry_run)
            run_ms = (time.perf_counter() - t0) * 1000
            return {
                "ms": run_ms,
                "mails": len(mail.outbox),
                "outcomes": result.summary(),
            }

        # The sweep's own time, without the clean-up before each run.
        samples, extra = [], {}
        one(0)  # warm-up
        started = time.perf_counter()
        for i in range(SWEEP_N):
            extra = one(i + 1)
            samples.append(extra.pop("ms"))
            if len(samples) >= 3 and time.perf_counter() - started > 4 * URL_SECONDS:
                break
        runs[key] = {**extra, **_percentiles(samples), "status": 200}
        name = "Reminder sweep" + (", dry run" if dry_run else "")
        print(
            f"  {label:>6} courts  {name:<52}"
            f" {runs[key]['p50']:.1f} ms (n={runs[key]['n']}), "
            f"{extra['mails']} mails, {extra['outcomes']}",
            flush=True,
        )

    fresh()
    runs["sweep"]["instrumented"] = _instrumented(
        lambda: reminders_send_due(today=today)
    )
    before = _log_state()
    second = reminders_send_due(today=today)
    after = _log_state()
    runs["sweep"]["second_run"] = {
        "rows_changed": sum(
            1 for pk, state in after.items() if before.get(pk) != state
        ),
        "rows": len(after),
        # Nobody at the court to mail: sent to the CCPOR Team only (`team_only`), or,
        # without a team mailbox, failed before any sending attempt.
        "no_recipients": ReminderLog.objects.filter(
            Q(team_only=True) | Q(status="failed", attempts=0)
        ).count(),
        "outcomes": second.summary(),
    }
    fresh()
    runs["sweep_dry"]["instrumented"] = _instrumented(
        lambda: reminders_send_due(today=today, dry_run=True)
    )
    fresh()
    _save(work, label, results=runs)
    print(
        f"  {label:>6} courts  sweep instrumented: "
        f"{runs['sweep']['instrumented']}, second run {runs['sweep']['second_run']}; "
        f"dry run {runs['sweep_dry']['instrumented']}"
    )


# --- report ---------------------------------------------------------------------
ROWS = [
    ("trivial", "Trivial signed-in page"),
    ("dashboard", "Dashboard, first page"),
    ("filter:*", "Dashboard, filtered and sorted (worst of {n}) ¹"),
    ("statewide", "Statewide view"),
    ("court", "Court page (36 items)"),
    ("item", "Item page"),
    ("api", "API list"),
    ("portfolio_csv", "Portfolio CSV"),
    ("portfolio_copy", "  PostgreSQL COPY, same rows"),
    ("items_csv", "Items CSV"),
    ("items_copy", "  PostgreSQL COPY, same rows"),
    ("sweep", "Reminder sweep ({mails} mails) ²"),
    ("sweep_dry", "Reminder sweep, dry run ²"),
]
FILTER_KEYS = [f"filter:{name}" for name in FILTERS]


def _row(data: dict, key: str) -> dict:
    """The figures of one row; for `filter:*` the worst filter (by × trivial)."""
    results = data.get("results", {})
    if key == "filter:*":
        measured = [(k, results[k]) for k in FILTER_KEYS if "p50" in results.get(k, {})]
        if len(measured) < len(FILTER_KEYS):
            missing = [k for k in FILTER_KEYS if "p50" not in results.get(k, {})]
            return {"error": f"not measured: {', '.join(missing)}"}
        worst_key, worst = max(measured, key=lambda kv: kv[1]["p50"])
        return {**worst, "which": worst_key.removeprefix("filter:")}
    return results.get(key, {"error": "not measured"})


def _base(data: dict, key: str = "trivial") -> float | None:
    """The trivial page's p50 of the same run, which every ratio divides by."""
    return data.get("results", {}).get("trivial", {}).get("p50")


def _queries(data: dict, key: str) -> str:
    pages = data.get("prepared", {}).get("pages", {})
    if key == "filter:*":
        counts = {pages[k]["queries"] for k in FILTER_KEYS if k in pages}
        return "–".join(str(c) for c in sorted(counts)) if counts else ""
    if key in ("sweep", "sweep_dry"):
        inst = data.get("results", {}).get(key, {}).get("instrumented", {})
        return str(inst.get("statements", ""))
    return str(pages[key]["queries"]) if key in pages else ""


def _rows_note(data: dict, key: str) -> str:
    page = data.get("prepared", {}).get("pages", {}).get(key, {})
    if "rows" not in page:
        return ""
    return f"; {page['rows']} rows of {page['matches']}"


def _judge(checks: list, text: str, passed: bool | None) -> None:
    verdict = "not measured" if passed is None else ("PASS" if passed else "FAIL")
    checks.append((passed, f"- {text} — **{verdict}**"))


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _fmt_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def report(
    *,
    work: Path,
    labels: list[str],
    out_dir: Path,
    elapsed: float | None,
    doc: Path = DOC,
):
    small, large = (_load(work, label) for label in (labels[0], labels[-1]))
    sizes = [small, large]
    cs, cl = small["sizes"]["courts"], large["sizes"]["courts"]

    head = "| Measure |"
    sep = "|---|"
    for d in sizes:
        c = d["sizes"]["courts"]
        head += f" {c}: p50 ms | p95 ms | n | × trivial | queries |"
        sep += "---:|---:|---:|---:|---:|"
    head += f" p50 {cl} / {cs} | × trivial {cl} / {cs} ³ |"
    sep += "---:|---:|"
    lines = [head, sep]
    for key, name in ROWS:
        sweep_data = large.get("results", {}).get("sweep", {})
        name = name.format(n=len(FILTERS), mails=sweep_data.get("mails", "?"))
        cells = [name]
        for d in sizes:
            r = _row(d, key)
            if "p50" not in r:
                cells += [r.get("error", "—"), "", "", "", ""]
                continue
            cells += [
                f"{r['p50']:.1f}",
                f"{r['p95']:.1f}",
                str(r["n"]),
                _fmt_ratio(_ratio(r["p50"], _base(d, key))),
                _queries(d, key),
            ]
        raw, relative = _growth(small, large, key)
        cells += [_fmt_ratio(raw), _fmt_ratio(relative)]
        lines.append("| " + " | ".join(cells) + " |")

    checks = _targets_checks(small, large)
    failed = any(passed is not True for passed, _ in checks)

    notes = [
        "Every page is served by gunicorn with `CACHE_URL=dummycache://` (no cache "
        "at all), DEBUG off, PostgreSQL; × trivial divides by the trivial page "
        "measured in the same rounds.",
        "¹ Each filter and sort, measured separately (the row shows the worst p50 "
        "at each size; its growth column is the worst growth of any one of them), "
        "with the rows its page shows of the courts it matches (at 58 courts most "
        "match less than a page of 50; at 5,000 every page is full, so their "
        "growth includes drawing more rows):",
        *[
            f"  - {name}: `{FILTERS[name]}`: "
            + ", ".join(
                f"{d['sizes']['courts']} courts "
                + (
                    f"{d['results'][k]['p50']:.1f} ms "
                    f"({_fmt_ratio(_ratio(d['results'][k]['p50'], _base(d, k)))}"
                    f"{_rows_note(d, k)})"
                    if "p50" in d.get("results", {}).get(k, {})
                    else "not measured"
                )
                for d in sizes
            )
            for name, k in zip(FILTERS, FILTER_KEYS, strict=True)
        ],
        "² In-process (`reminders_send_due`, mail to Django's in-memory backend), each "
        "run from an empty reminder log; queries = SQL statements of one run.",
    ]
    for d in sizes:
        inst = d.get("results", {}).get("sweep", {}).get("instrumented")
        if inst:
            notes.append(
                f"  - {d['sizes']['courts']} courts, one instrumented run: "
                f"{inst['total_ms']:.0f} ms, of which SQL {inst['sql_ms']:.0f} ms "
                f"({inst['statements']} statements, {inst['log_writes']} writes to the "
                f"reminder log), rendering mail {inst['render_ms']:.0f} ms, sending "
                f"{inst['send_ms']:.0f} ms; outcomes {inst['outcomes']}"
            )
    notes.append(
        "³ The growth the targets judge: the p50 as a multiple of the trivial page "
        "measured beside it, at the large size over the small one (the sizes are "
        "measured minutes apart on a shared machine; this takes out a load that came "
        "and went in between). For the filtered row, the worst of the filters."
    )

    env = (
        f"{platform.node()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, "
        f"PostgreSQL {_pg_version()}, gunicorn "
        f"{os.environ.get('BENCH_WORKERS', '?')} sync workers, "
        f"DJANGO_SETTINGS_MODULE={os.environ.get('DJANGO_SETTINGS_MODULE')}; "
        f"{N} rounds at most of every page (each page warmed "
        f"{2 * int(os.environ.get('BENCH_WORKERS', 2))} times first; at least {MIN_N} "
        f"rounds, {ROUNDS_SECONDS:g} s), each export in turn with its COPY "
        f"(up to {N} times, at least {MIN_N}, {2 * URL_SECONDS:g} s), "
        f"sweep runs: up to {SWEEP_N} after one warm-up"
    )
    data_line = "; ".join(
        f"{d['sizes']['courts']} courts / {d['sizes']['onboardings']} onboardings / "
        f"{d['sizes']['items']} items"
        + (f" (seeded in {d['seed_seconds']:.0f} s)" if d.get("seed_seconds") else "")
        for d in sizes
    )
    now = datetime.datetime.now()
    stamp = now.strftime("%Y%m%d-%H%M%S")
    body = "\n".join(
        [
            f"Data: {data_line}.  ",
            f"Machine: {env}."
            + (f"  \nTotal run time: {elapsed / 60:.1f} min." if elapsed else ""),
            "",
            *lines,
            "",
            *notes,
            "",
            "Targets (issue 21):",
            *[line for _, line in checks],
            "",
            f"Result: **{'FAIL' if failed else 'PASS'}** "
            f"({sum(1 for p, _ in checks if p is True)} of {len(checks)} targets met).",
            "",
        ]
    )
    text = f"# make bench, {stamp}\n\n{body}"
    print()
    print(text)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"bench-{stamp}.md"
    path.write_text(text)
    print(f"written to {path}")
    # The documented table is the latest run's (docs/performance.md, between its
    # bench:start and bench:end markers); bench-results/ keeps every run.
    write_section(doc, f"Measured on {now:%b %d, %Y at %H:%M}.\n\n{body}")
    print(f"written to {doc}")
    return 1 if failed else 0


def _pg_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


def _growth(small: dict, large: dict, key: str) -> tuple:
    """(p50 growth, growth of p50 as a multiple of the trivial page of its own run)
    from the small to the large size; for `filter:*` the worst of the filters. The
    second is what the targets use: the two sizes are measured minutes apart on a
    shared machine, and dividing each by the trivial page measured beside it takes
    out a load that came and went in between."""
    if key == "filter:*":
        pairs = [_growth(small, large, k) for k in FILTER_KEYS]
        if any(None in pair for pair in pairs):
            return None, None
        return max(raw for raw, _ in pairs), max(rel for _, rel in pairs)
    a, b = _row(small, key).get("p50"), _row(large, key).get("p50")
    raw = _ratio(b, a)
    relative = _ratio(_ratio(b, _base(large, key)), _ratio(a, _base(small, key)))
    return raw, relative


def _targets_checks(small: dict, large: dict) -> list:
    checks: list = []
    cs, cl = small["sizes"]["courts"], large["sizes"]["courts"]

    def p50(d, key):
        return _row(d, key).get("p50")

    # Pages (issue 21): ≤ 4× the trivial page at the small size; at the large size
    # ≤ 2× their own small-size figure, judged as × trivial of each run (`_growth`).
    for key, name in (
        ("dashboard", "Dashboard, first page"),
        ("filter:*", "Dashboard, every filter and sort"),
        ("statewide", "Statewide view"),
        ("court", "Court page"),
        ("item", "Item page"),
    ):
        ratio = _ratio(p50(small, key), _base(small))
        raw, growth = _growth(small, large, key)
        _judge(
            checks,
            f"{name} ≤ 4× the trivial page at {cs} courts: {_fmt_ratio(ratio)}",
            None if ratio is None else ratio <= 4,
        )
        _judge(
            checks,
            f"{name} at {cl} courts ≤ 2× its {cs}-court figure (× trivial "
            f"{cl} / {cs}): {_fmt_ratio(growth)} (p50 itself: {_fmt_ratio(raw)})",
            None if growth is None else growth <= 2,
        )

    # Exports against PostgreSQL's COPY of the same rows, at the large size.
    for key, limit in (("portfolio", 2), ("items", 3)):
        csv_key, copy_key = f"{key}_csv", f"{key}_copy"
        small_ratio = _ratio(p50(small, csv_key), p50(small, copy_key))
        ratio = _ratio(p50(large, csv_key), p50(large, copy_key))
        rows = large.get("prepared", {}).get("exports", {}).get(csv_key, {}).get("rows")
        copy_rows = large.get("results", {}).get(copy_key, {}).get("rows")
        _judge(
            checks,
            f"{key.title()} CSV ≤ {limit}× PostgreSQL's COPY of the same rows at "
            f"{cl} courts: {_fmt_ratio(ratio)} ({rows} CSV rows, {copy_rows} COPY "
            f"rows; {_fmt_ratio(small_ratio)} at {cs} courts, for the record)",
            None if ratio is None else ratio <= limit and rows == copy_rows,
        )
        grow_s = small.get("results", {}).get(csv_key, {}).get("peak_growth_mib")
        grow_l = large.get("results", {}).get(csv_key, {}).get("peak_growth_mib")
        chunked = all(
            d.get("results", {}).get(csv_key, {}).get("chunked") for d in (small, large)
        )
        flat = None if grow_s is None or grow_l is None else grow_l - grow_s <= 16
        _judge(
            checks,
            f"{key.title()} CSV streams (chunked: {'yes' if chunked else 'no'}) with "
            f"flat memory (a worker's peak grows {grow_s} MiB at {cs} courts, "
            f"{grow_l} MiB at {cl}; at most 16 MiB more allowed)",
            None if flat is None else flat and chunked,
        )

    # The reminder sweep at the large size.
    sweep = large.get("results", {}).get("sweep", {})
    inst = sweep.get("instrumented")
    if inst:
        handled = sum(
            n
            for outcome, n in inst["outcomes"].items()
            if outcome in ("sent", "failed", "skipped", "will retry")
        )
        per = inst["log_writes"] / handled if handled else None
        _judge(
            checks,
            f"Sweep: claims and outcomes batched, ≤ 0.1 reminder-log writes per "
            f"reminder: {inst['log_writes']} writes for {handled} reminders "
            f"({per:.2f} each)"
            if per is not None
            else "Sweep: nothing handled",
            None if per is None else per <= 0.1,
        )
        mail_share = (inst["render_ms"] + inst["send_ms"]) / inst["total_ms"]
        _judge(
            checks,
            f"Sweep: time dominated by rendering and sending mail (≥ 50 %): "
            f"{mail_share:.0%} of {inst['total_ms']:.0f} ms "
            f"(SQL {inst['sql_ms'] / inst['total_ms']:.0%})",
            mail_share >= 0.5,
        )
    else:
        _judge(checks, "Sweep: not measured", None)
    dry_s = small.get("results", {}).get("sweep_dry", {}).get("instrumented")
    dry_l = large.get("results", {}).get("sweep_dry", {}).get("instrumented")
    if dry_s and dry_l:
        _judge(
            checks,
            f"Sweep, dry run: counts in SQL (item rows loaded: {dry_l['items']}; "
            f"statements {dry_s['statements']} at {cs} courts, {dry_l['statements']} "
            f"at {cl})",
            dry_l["items"] == 0 and dry_s["statements"] == dry_l["statements"],
        )
    second = sweep.get("second_run")
    if second:
        _judge(
            checks,
            f"Sweep: a reminder with nobody to mail is not claimed again (a second "
            f"run straight after changed {second['rows_changed']} of "
            f"{second['rows']} log rows; {second['no_recipients']} with nobody to "
            "mail)",
            None if not second["no_recipients"] else second["rows_changed"] == 0,
        )

    # Query counts do not grow with the number of courts.
    pages_s = small.get("prepared", {}).get("pages", {})
    pages_l = large.get("prepared", {}).get("pages", {})
    differ = [
        f"{k} {pages_s[k]['queries']}→{pages_l[k]['queries']}"
        for k in pages_s
        if k in pages_l and pages_s[k]["queries"] != pages_l[k]["queries"]
    ]
    bad = [
        f"{k} HTTP {v['status']}"
        for d in (pages_s, pages_l)
        for k, v in d.items()
        if v["status"] != 200
    ]
    # The counts themselves, filters folded into one entry (the table has each row's).
    counts = {}
    for k in pages_s:
        counts.setdefault("filters" if k.startswith("filter:") else k, set()).add(
            pages_s[k]["queries"]
        )
    listed = ", ".join(
        f"{k} {'–'.join(str(n) for n in sorted(ns))}" for k, ns in counts.items()
    )
    _judge(
        checks,
        f"Every page's query count is the same at {cs} and {cl} courts ({cs} "
        f"courts: {listed})"
        + (f" (differ: {', '.join(differ)})" if differ else "")
        + (f" (errors: {', '.join(bad)})" if bad else ""),
        not differ and not bad and bool(pages_s) and bool(pages_l),
    )
    return checks


# --- profile --------------------------------------------------------------------
def profile(*, path: str, n: int, out: Path | None) -> None:
    """Where one page's time goes, in-process with no cache: wall time split
    (exclusively) into SQL, ORM query building, ORM SQL compilation, turning rows
    into objects and template rendering; then cProfile's top functions."""
    import cProfile
    import pstats

    from django.db.models import Model
    from django.db.models.query import QuerySet
    from django.db.models.sql.compiler import SQLCompiler
    from django.template.base import Template

    client = _signed_in_client()

    def get():
        response = client.get(path)
        assert response.status_code == 200, response.status_code
        if response.streaming:
            b"".join(response.streaming_content)

    for _ in range(2):
        get()

    totals: dict[str, float] = {}
    stack: list[list] = []  # [category, started]

    def enter(category):
        now = time.perf_counter()
        if stack:
            top = stack[-1]
            totals[top[0]] = totals.get(top[0], 0) + now - top[1]
        stack.append([category, now])

    def leave():
        now = time.perf_counter()
        category, started = stack.pop()
        totals[category] = totals.get(category, 0) + now - started
        if stack:
            stack[-1][1] = now

    def category(name):
        def factory(function):
            def timed(*args, **kwargs):
                enter(name)
                try:
                    return function(*args, **kwargs)
                finally:
                    leave()

            return timed

        return factory

    statements: dict[str, list[float]] = {}

    def sql_wrapper(execute, sql, params, many, context):
        enter("SQL (execute, in PostgreSQL and the driver)")
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.setdefault(sql, []).append(time.perf_counter() - t0)
            leave()

    def class_category(name):
        def factory(bound):
            function = bound.__func__
            return classmethod(category(name)(function))

        return factory

    building = "ORM: building querysets (filter/annotate/order_by...)"
    patches = [
        (SQLCompiler, "as_sql", category("ORM: compiling SQL")),
        (Model, "from_db", class_category("ORM: rows to model objects")),
        (Template, "render", category("Template rendering")),
        *[
            (QuerySet, name, category(building))
            for name in ("filter", "exclude", "annotate", "alias", "order_by", "values")
        ],
    ]
    walls = []
    with connection.execute_wrapper(sql_wrapper):
        for _ in range(n):
            with _stacked(patches):
                t0 = time.perf_counter()
                enter("Other Python (view, filters, forms, middleware)")
                get()
                leave()
                walls.append(time.perf_counter() - t0)
    total = sum(walls)
    lines = [
        f"# Profile of GET {path} ({n} requests in-process, no cache, "
        f"{Court.objects.count()} courts)",
        "",
        f"Median wall time {statistics.median(walls) * 1000:.1f} ms per request.",
        "",
        "| Where | ms per request | share |",
        "|---|---:|---:|",
        *[
            f"| {name} | {t * 1000 / n:.1f} | {t / total:.0%} |"
            for name, t in sorted(totals.items(), key=lambda kv: -kv[1])
        ],
        "",
        "Statements, slowest first (ms per request; the SQL's start and its size):",
        "",
        "| ms | calls per request | SQL |",
        "|---:|---:|---|",
        *[
            f"| {sum(times) * 1000 / n:.1f} | {len(times) / n:g} | "
            f"`{' '.join(sql.split())[:110]}…` ({len(sql)} chars) |"
            for sql, times in sorted(statements.items(), key=lambda kv: -sum(kv[1]))
        ],
        "",
    ]
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        get()
    profiler.disable()
    for sort in ("tottime", "cumulative"):
        buffer = io.StringIO()
        stats = pstats.Stats(profiler, stream=buffer).strip_dirs().sort_stats(sort)
        stats.print_stats(30)
        lines += [f"## cProfile, top 30 by {sort} ({n} requests)", "", "```"]
        lines += buffer.getvalue().strip().splitlines()[3:] + ["```", ""]
    # The product's own code and the form libraries, by cumulative time: which view,
    # selector, presenter or form the time is spent under.
    root = re.escape(str(settings.BASE_DIR))
    ours = rf"({root}/(?!\.venv)|crispy_forms|crispy_bootstrap5|django_filters)"
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer).sort_stats("cumulative")
    stats.print_stats(ours, 30)
    lines += [
        "## cProfile, the product's code and form libraries, top 30 by cumulative",
        "",
        "```",
    ]
    lines += [
        line.replace(str(settings.BASE_DIR) + "/", "")
        for line in buffer.getvalue().strip().splitlines()[3:]
    ] + ["```", ""]
    text = "\n".join(lines)
    print(text)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        print(f"written to {out}")


@contextmanager
def _stacked(patches):
    if not patches:
        yield
        return
    owner, name, factory = patches[0]
    with _patched(owner, name, factory), _stacked(patches[1:]):
        yield


# --- main -----------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("prepare", "measure", "sweep"):
        p = sub.add_parser(name)
        p.add_argument("--label", required=True)
        p.add_argument("--work", type=Path, required=True)
        if name == "measure":
            p.add_argument("--port", type=int, required=True)
            p.add_argument("--master-pid", type=int, default=None)
    p = sub.add_parser("seeded")
    p.add_argument("--label", required=True)
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--seconds", type=float, required=True)
    p = sub.add_parser("report")
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--labels", nargs="+", required=True)
    p.add_argument("--out-dir", type=Path, default=Path("bench-results"))
    p.add_argument("--elapsed", type=float, default=None)
    p.add_argument("--doc", type=Path, default=DOC)
    p = sub.add_parser("profile")
    p.add_argument("--url", default="/dashboard/")
    p.add_argument("--n", type=int, default=20)
    p.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(label=args.label, work=args.work)
    elif args.command == "measure":
        measure(
            label=args.label,
            work=args.work,
            port=args.port,
            master=args.master_pid,
        )
    elif args.command == "sweep":
        sweep(label=args.label, work=args.work)
    elif args.command == "seeded":
        _save(args.work, args.label, seed_seconds=args.seconds)
    elif args.command == "report":
        return report(
            work=args.work,
            labels=args.labels,
            out_dir=args.out_dir,
            elapsed=args.elapsed,
            doc=args.doc,
        )
    else:
        profile(path=args.url, n=args.n, out=args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
