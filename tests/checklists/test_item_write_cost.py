"""An item write pays for its own room: an inline status change (htmx) costs a
fixed, small number of SQL statements, the stored summary's refresh included, and
no other app's bookkeeping."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checklists.models import OnboardingSummary

pytestmark = pytest.mark.django_db

# The budget of issue 21: at most 15 statements for the write (the service's
# transaction), summary included.
WRITE_BUDGET = 15


def _write_statements(queries) -> list[str]:
    """The statements of the service's transaction (the test's own transaction
    makes it a savepoint): from its SAVEPOINT to its RELEASE, both counted."""
    sql = [q["sql"] for q in queries]
    start = next(i for i, s in enumerate(sql) if s.startswith("SAVEPOINT"))
    end = next(i for i, s in enumerate(sql) if s.startswith("RELEASE SAVEPOINT"))
    return sql[start : end + 1]


@pytest.mark.parametrize("status", ["in_progress", "done", "blocked"])
def test_an_inline_status_change_costs_at_most_fifteen_statements(
    client, start, court, court_lead, status
):
    onboarding = start(court, go_live_in=200)
    item = (
        onboarding.items.filter(actor="court", evidence_required=False)
        .order_by("order")
        .first()
    )
    item.depends_on.clear()
    client.force_login(court_lead)
    url = reverse("checklists:item_status", kwargs={"slug": court.slug, "pk": item.pk})
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            url,
            {
                "status": status,
                "reason": "Waiting on the county" if status == "blocked" else "",
                "expected_version": item.version,
            },
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == status
    write = _write_statements(captured.captured_queries)
    assert len(write) <= WRITE_BUDGET, "\n".join(write)
    # The summary is part of the write, and right.
    summary = OnboardingSummary.objects.get(onboarding=onboarding)
    assert summary.finished == (1 if status == "done" else 0)
    assert summary.blocked == (1 if status == "blocked" else 0)
    # Nothing of another app is written by a checklist write.
    written = [s for s in write if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert all(
        any(t in s for t in ("checklists_", "notifications_", "audit_"))
        for s in written
    ), written
    assert any("checklists_onboardingsummary" in s for s in write)
    # The whole request (session, access, the write, the row, progress and "Your
    # next actions" drawn again: the latter's sign-off requests and the court's
    # incidents are two of them) stays small too: 21 statements when this was
    # written.
    assert len(captured.captured_queries) <= 22, len(captured.captured_queries)
