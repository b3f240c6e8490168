"""`make bench`: seed, measure and report (run by bench/run.sh; not part of the tests).

    python bench/bench.py seed --courts 58        # every court gets a full checklist
    python bench/bench.py measure --label 58 --port 8097 --out /tmp/b58.json
    python bench/bench.py report /tmp/b58.json /tmp/b5000.json --out-dir bench-results

Seeding uses bulk_create (a 36-item checklist per court: 180,000 items at 5,000
courts). Measuring sends N sequential requests per URL to the gunicorn server on
127.0.0.1 with a signed-in CCPOR staff session cookie, and times the reminder sweep
in-process (each run rolled back, so every run does the whole job).
"""

import argparse
import datetime
import http.client
import json
import math
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from ccpor_onboard.lib.dates import today_in_california  # noqa: E402
from checklists.models import ChecklistItem, Onboarding  # noqa: E402
from checklists.services import (  # noqa: E402
    checklist_item_from_template,
    default_template,
)
from courts.models import Court, Membership  # noqa: E402
from dashboard.cache import portfolio_changed  # noqa: E402

BENCH_USER = "bench.staff"
COURT_PAGE_SLUG = "alameda"
# (name, URL); the first is the baseline every other figure is divided by.
REQUESTS = [
    ("Trivial signed-in page", "/bench/trivial/"),
    ("Dashboard, first page", "/dashboard/"),
    (
        "Dashboard, filtered page",
        "/dashboard/?phase=implement&health=at_risk&sort=-overdue",
    ),
    # The dashboard caches its rendered body until the next change (see
    # ccpor_onboard/lib/portfolio_cache.py). A query string that differs on every
    # request ({i}) misses that cache each time: what the first viewer after a change
    # waits for.
    ("Dashboard, first page, cache miss", "/dashboard/?miss={i}"),
    (
        "Dashboard, filtered page, cache miss",
        "/dashboard/?phase=implement&health=at_risk&sort=-overdue&miss={i}",
    ),
    ("Court page", f"/courts/{COURT_PAGE_SLUG}/"),
    ("CSV export (portfolio)", "/dashboard/export/portfolio.csv"),
    ("API list", "/api/onboardings/"),
]
SWEEP = "Reminder sweep (in-process)"
WARMUP = 3


# --- Seeding --------------------------------------------------------------------
class _Rollback(Exception):
    pass


def seed(total: int, *, rng_seed: int = 42) -> None:
    """Bring the database to `total` courts, each with an onboarding and a full
    checklist at a realistic mix of stages. Courts that have one are left alone."""
    rng = random.Random(rng_seed + total)  # noqa: S311 - repeatable data, no secret
    today = today_in_california()
    template = default_template()
    template_items = list(template.items.prefetch_related("depends_on"))
    _bench_user()
    have = Court.objects.count()
    Court.objects.bulk_create(
        [_new_court(n) for n in range(have + 1, total + 1)], batch_size=2000
    )
    courts = list(Court.objects.filter(onboardings__isnull=True).order_by("pk"))
    t0 = time.perf_counter()
    onboardings = Onboarding.objects.bulk_create(
        [
            Onboarding(
                court=court,
                template=template,
                go_live_date=today + datetime.timedelta(days=rng.randint(-40, 300)),
                court_enters_carpos=True,
                so_participates=True,
                status=Onboarding.Status.ACTIVE,
            )
            for court in courts
        ],
        batch_size=2000,
    )
    items: list[ChecklistItem] = []
    for onboarding in onboardings:
        # How far behind this court is: items due before today - lag are done.
        lag = rng.choice([0, 0, 0, 3, 7, 15, 30])
        cutoff = today - datetime.timedelta(days=lag)
        for t in template_items:
            due = onboarding.go_live_date + datetime.timedelta(days=t.offset_days)
            if due < cutoff:
                status = ChecklistItem.Status.DONE
            elif due < today + datetime.timedelta(days=14) and rng.random() < 0.3:
                status = ChecklistItem.Status.IN_PROGRESS
            else:
                status = ChecklistItem.Status.NOT_STARTED
            blocked = status != ChecklistItem.Status.DONE and rng.random() < 0.02
            items.append(
                checklist_item_from_template(
                    t,
                    onboarding=onboarding,
                    go_live_date=onboarding.go_live_date,
                    status=ChecklistItem.Status.BLOCKED if blocked else status,
                    blocked_reason="Waiting on the county network team."
                    if blocked
                    else "",
                )
            )
    ChecklistItem.objects.bulk_create(items, batch_size=5000)
    by_template = {(i.onboarding_id, i.template_item_id): i.pk for i in items}
    Link = ChecklistItem.depends_on.through
    Link.objects.bulk_create(
        [
            Link(
                from_checklistitem_id=by_template[(o.pk, t.pk)],
                to_checklistitem_id=by_template[(o.pk, dep.pk)],
            )
            for o in onboardings
            for t in template_items
            for dep in t.depends_on.all()
        ],
        batch_size=5000,
    )
    # Live onboardings: Go-Live passed and the Go-Live item done.
    Onboarding.objects.filter(
        pk__in=[o.pk for o in onboardings],
        go_live_date__lt=today - datetime.timedelta(days=5),
    ).update(status=Onboarding.Status.LIVE)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # Bulk writes send no signals: tell the portfolio cache the data changed, or the
    # next measurement would be served pages computed from the previous data.
    portfolio_changed()
    print(
        f"seeded {len(onboardings)} onboardings and {len(items)} items in "
        f"{time.perf_counter() - t0:.1f} s: {Court.objects.count()} courts, "
        f"{ChecklistItem.objects.count()} items in all"
    )


def _new_court(n: int) -> Court:
    tribal = n % 10 == 0
    return Court(
        name=f"Bench {'Tribal' if tribal else 'Superior'} Court {n:05d}",
        slug=f"bench-court-{n:05d}",
        county=f"Bench County {n}",
        court_type=Court.CourtType.TRIBAL if tribal else Court.CourtType.SUPERIOR,
        district=None if tribal else n % 6 + 1,
    )


def _bench_user():
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=BENCH_USER, defaults={"email": "bench@example.org", "is_staff": True}
    )
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get_or_create(name=settings.CCPOR_TEAM_GROUP)[0])
    # The court page's court gets a member too, as in real life.
    member, _ = User.objects.get_or_create(username="bench.member")
    Membership.objects.get_or_create(
        user=member,
        court=Court.objects.get(slug=COURT_PAGE_SLUG),
        defaults={"organisation": "court", "role": "project_lead"},
    )
    return user


# --- Measuring ------------------------------------------------------------------
def _session_cookie() -> str:
    """A signed-in session for the bench staff user, made the way login() makes one."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    user = get_user_model().objects.get(username=BENCH_USER)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered), p95


def _time_url(port: int, url: str, cookie: str, n: int) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    headers = {"Cookie": cookie, "Host": "127.0.0.1"}
    samples, status, size = [], None, 0
    for i in range(WARMUP + n):
        t0 = time.perf_counter()
        conn.request(
            "GET", url.replace("{i}", f"{time.time_ns()}-{i}"), headers=headers
        )
        response = conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - t0
        status, size = response.status, len(body)
        if status != 200:
            break
        if i >= WARMUP:
            samples.append(elapsed * 1000)
    conn.close()
    if status != 200:
        return {"status": status, "bytes": size}
    p50, p95 = _percentiles(samples)
    return {"status": status, "bytes": size, "n": n, "p50": p50, "p95": p95}


def _time_sweep(n: int) -> dict:
    try:
        from reminders.services import reminders_send_due
    except ImportError as exc:
        return {"status": "missing", "detail": str(exc)}
    today = today_in_california()
    samples, sent = [], None
    for i in range(1 + n):
        t0 = time.perf_counter()
        try:
            with transaction.atomic():
                result = reminders_send_due(today=today)
                elapsed = time.perf_counter() - t0
                raise _Rollback
        except _Rollback:
            pass
        sent = result
        if i:
            samples.append(elapsed * 1000)
    p50, p95 = _percentiles(samples)
    return {"status": 200, "n": n, "p50": p50, "p95": p95, "detail": _describe(sent)}


def _describe(result) -> str:
    for attr in ("summary", "counts"):
        value = getattr(result, attr, None)
        if value:
            return str(value() if callable(value) else value)
    return ""


def measure(*, label: str, port: int, n: int, sweep_n: int, out: Path) -> None:
    cookie = _session_cookie()
    results = []
    for name, url in REQUESTS:
        row = {"name": name, "url": url, **_time_url(port, url, cookie, n)}
        shown = f"{row['p50']:.1f} ms" if "p50" in row else f"HTTP {row['status']}"
        print(f"  {label:>6} courts  {name:<28} {shown}", flush=True)
        results.append(row)
    row = {"name": SWEEP, "url": "reminders.services.reminders_send_due"}
    row.update(_time_sweep(sweep_n))
    shown = f"{row['p50']:.1f} ms" if "p50" in row else str(row["status"])
    print(f"  {label:>6} courts  {SWEEP:<28} {shown}")
    results.append(row)
    data = {
        "label": label,
        "courts": Court.objects.count(),
        "onboardings": Onboarding.objects.count(),
        "items": ChecklistItem.objects.count(),
        "results": results,
    }
    out.write_text(json.dumps(data, indent=2))


# --- Reporting ------------------------------------------------------------------
def _fmt(row: dict | None, key: str) -> str:
    if row is None or key not in row:
        return "—"
    return f"{row[key]:.1f}"


def report(paths: list[Path], *, out_dir: Path) -> int:
    """Print the table, write it to out_dir/bench-<timestamp>.md; 0 if within budget."""
    runs = [json.loads(p.read_text()) for p in paths]
    small, large = runs[0], runs[-1]
    base = {r["label"]: r["results"][0].get("p50") for r in runs}

    def row_of(run, name):
        return next(r for r in run["results"] if r["name"] == name)

    head = "| Measure | "
    sep = "|---|"
    for run in runs:
        head += f"{run['courts']} courts p50 ms | p95 ms | × trivial | "
        sep += "---:|---:|---:|"
    head += f"p50 {large['courts']} / {small['courts']} |"
    sep += "---:|"
    lines = [head, sep]
    missing = []
    for name, _ in [*REQUESTS, (SWEEP, "")]:
        cells = [name]
        for run in runs:
            r = row_of(run, name)
            if "p50" not in r:
                cells += [f"not measured ({r['status']})", "—", "—"]
                missing.append(f"{name} ({r['url']}): {r['status']} at {run['courts']}")
                continue
            ratio = r["p50"] / base[run["label"]] if base[run["label"]] else 0
            cells += [_fmt(r, "p50"), _fmt(r, "p95"), f"{ratio:.2f}×"]
        a, b = row_of(small, name), row_of(large, name)
        cells.append(
            f"{b['p50'] / a['p50']:.2f}×" if "p50" in a and "p50" in b else "—"
        )
        lines.append("| " + " | ".join(cells) + " |")

    dash = "Dashboard, first page"
    budget = []
    ok = True
    d_small, d_large = row_of(small, dash), row_of(large, dash)
    if "p50" in d_small:
        ratio = d_small["p50"] / base[small["label"]]
        passed = ratio <= 3
        ok &= passed
        budget.append(
            f"- Dashboard p50 at {small['courts']} courts ≤ 3× the trivial page: "
            f"{ratio:.2f}× — **{'PASS' if passed else 'FAIL'}**"
        )
    else:
        ok = False
        budget.append("- Dashboard at 58 courts: not measured — **FAIL**")
    if "p50" in d_small and "p50" in d_large:
        growth = d_large["p50"] / d_small["p50"]
        passed = growth <= 1.5
        ok &= passed
        budget.append(
            f"- Dashboard p50 at {large['courts']} courts ≤ 1.5× its "
            f"{small['courts']}-court figure: {growth:.2f}× — "
            f"**{'PASS' if passed else 'FAIL'}**"
        )
    else:
        ok = False
        budget.append("- Dashboard growth: not measured — **FAIL**")
    miss_small = row_of(small, "Dashboard, first page, cache miss")
    miss_large = row_of(large, "Dashboard, first page, cache miss")
    if "p50" in miss_small and "p50" in miss_large:
        budget.append(
            "- For the record, on a cache miss (not a budget): "
            f"{miss_small['p50'] / base[small['label']]:.2f}× the trivial page at "
            f"{small['courts']} courts, {miss_large['p50'] / miss_small['p50']:.2f}× "
            f"from {small['courts']} to {large['courts']} courts"
        )

    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    env = (
        f"{platform.node()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, "
        f"gunicorn {os.environ.get('BENCH_WORKERS', '?')} sync workers, "
        f"DJANGO_SETTINGS_MODULE={os.environ.get('DJANGO_SETTINGS_MODULE')}, "
        f"{os.environ.get('BENCH_N', '?')} requests per URL after {WARMUP} warm-up, "
        f"sweep runs: {os.environ.get('BENCH_SWEEP_N', '?')}"
    )
    sizes = "; ".join(
        f"{r['courts']} courts / {r['onboardings']} onboardings / {r['items']} items"
        for r in runs
    )
    text = "\n".join(
        [
            f"# make bench, {stamp}",
            "",
            f"Data: {sizes}.  ",
            f"Machine: {env}.",
            "",
            *lines,
            "",
            "Budgets:",
            *budget,
            *(["", "Not measured:", *[f"- {m}" for m in missing]] if missing else []),
            "",
        ]
    )
    print()
    print(text)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"bench-{stamp}.md"
    path.write_text(text)
    print(f"written to {path}")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("seed")
    p.add_argument("--courts", type=int, required=True)
    p = sub.add_parser("measure")
    p.add_argument("--label", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--n", type=int, default=int(os.environ.get("BENCH_N", 40)))
    p.add_argument(
        "--sweep-n", type=int, default=int(os.environ.get("BENCH_SWEEP_N", 5))
    )
    p.add_argument("--out", type=Path, required=True)
    p = sub.add_parser("report")
    p.add_argument("paths", type=Path, nargs="+")
    p.add_argument("--out-dir", type=Path, default=Path("bench-results"))
    args = parser.parse_args()
    if args.command == "seed":
        seed(args.courts)
    elif args.command == "measure":
        measure(
            label=args.label,
            port=args.port,
            n=args.n,
            sweep_n=args.sweep_n,
            out=args.out,
        )
    else:
        return report(args.paths, out_dir=args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
