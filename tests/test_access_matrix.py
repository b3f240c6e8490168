"""Every portal URL x every kind of visitor x GET/POST, with the outcome each gets.

One table, read row by row: for a URL, what an anonymous visitor, the court's own
project lead, the court's own SO liaison, another court's lead and CCPOR staff get.
"login" means a redirect to the sign-in page; a number is the status code. POSTs send
valid data, so a 302 here is the action succeeding (or, for bulk, reporting refusals).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from checklists import services
from checklists.models import ChecklistItem
from tests.conftest import TODAY
from tests.factories import days, evidence_bytes

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "lead", "liaison", "other_lead", "staff")

# url key: {role: (GET outcome, POST outcome)}
MATRIX = {
    "home": {
        "lead": (200, 405),
        "liaison": (200, 405),
        "other_lead": (200, 405),
        "staff": (200, 405),
    },
    "landing": {
        "lead": ("/courts/court-a/", 405),
        "liaison": ("/courts/court-a/", 405),
        "other_lead": ("/courts/court-b/", 405),
        "staff": ("/dashboard/", 405),
    },
    "court_page": {
        "lead": (200, 405),
        "liaison": (200, 405),
        "other_lead": (404, 404),
        "staff": (200, 405),
    },
    "item_page": {
        "lead": (200, 405),
        "liaison": (200, 405),
        "other_lead": (404, 404),
        "staff": (200, 405),
    },
    "internal_item_page": {
        "lead": (404, 404),
        "liaison": (404, 404),
        "other_lead": (404, 404),
        "staff": (200, 405),
    },
    "foreign_item_under_own_slug": {
        "lead": (404, 404),
        "liaison": (404, 404),
        "other_lead": (404, 404),
        "staff": (404, 404),
    },
    "item_status": {
        "lead": (405, 302),
        "liaison": (405, 403),
        "other_lead": (404, 404),
        "staff": (405, 302),
    },
    "so_item_status": {
        "lead": (405, 403),
        "liaison": (405, 302),
        "other_lead": (404, 404),
        "staff": (405, 302),
    },
    "evidence_upload": {
        "lead": (405, 302),
        "liaison": (405, 403),
        "other_lead": (404, 404),
        "staff": (405, 302),
    },
    "evidence_download": {
        "lead": (200, 405),
        "liaison": (200, 405),
        "other_lead": (404, 404),
        "staff": (200, 405),
    },
    "comment": {
        "lead": (405, 302),
        "liaison": (405, 302),
        "other_lead": (404, 404),
        "staff": (405, 302),
    },
    "verify": {
        "lead": (405, 403),
        "liaison": (405, 403),
        "other_lead": (404, 404),
        "staff": (405, 302),
    },
    "reopen": {
        "lead": (405, 403),
        "liaison": (405, 403),
        "other_lead": (404, 404),
        "staff": (405, 302),
    },
    "bulk_status": {
        "lead": (405, 302),
        "liaison": (405, 302),
        "other_lead": (404, 404),
        "staff": (405, 302),
    },
    "reschedule": {
        "lead": (403, 403),
        "liaison": (403, 403),
        "other_lead": (404, 404),
        "staff": (200, 302),
    },
    "processing_model": {
        "lead": (403, 403),
        "liaison": (403, 403),
        "other_lead": (404, 404),
        "staff": (200, 302),
    },
    "password_change": {
        "lead": (200, 302),
        "liaison": (200, 302),
        "other_lead": (200, 302),
        "staff": (200, 302),
    },
}
CASES = [
    (url, role, method)
    for url in MATRIX
    for role in ROLES
    for method in ("GET", "POST")
]


@pytest.fixture
def world(
    start,
    court,
    other_court,
    court_lead,
    court_liaison,
    other_lead,
    staff_user,
    evidence_storage,
):
    onboarding = start(court)
    other = start(other_court)
    items = {i.order: i for i in onboarding.items.all()}
    court_item, so_item, internal = items[11], items[8], items[23]
    # A done, unverified Court item: the lead may still change it, staff may verify.
    court_item = services.item_set_status(
        item=court_item, status="done", by=court_lead, expected_version=1
    )
    evidence = services.evidence_upload(
        item=court_item,
        file=SimpleUploadedFile("letter.pdf", evidence_bytes("pdf")),
        by=court_lead,
    )
    return {
        "users": {
            "anonymous": None,
            "lead": court_lead,
            "liaison": court_liaison,
            "other_lead": other_lead,
            "staff": staff_user,
        },
        "court_item": court_item,
        "so_item": so_item,
        "internal": internal,
        "foreign": other.items.get(order=11),
        "evidence": evidence,
    }


def _item(name, item, slug="court-a"):
    return reverse(name, kwargs={"slug": slug, "pk": item.pk})


def request_for(key: str, world) -> tuple[str, dict]:
    """The URL and a valid POST body for each row of the matrix."""
    ci, so = world["court_item"], world["so_item"]
    new_date = (TODAY + days(120)).isoformat()
    return {
        "home": (reverse("home"), {}),
        "landing": (reverse("courts:landing"), {}),
        "court_page": (reverse("courts:detail", kwargs={"slug": "court-a"}), {}),
        "item_page": (_item("checklists:item_detail", ci), {}),
        "internal_item_page": (_item("checklists:item_detail", world["internal"]), {}),
        "foreign_item_under_own_slug": (
            _item("checklists:item_detail", ci, slug="court-b"),
            {},
        ),
        "item_status": (
            _item("checklists:item_status", ci),
            {"status": "in_progress", "expected_version": ci.version},
        ),
        "so_item_status": (
            _item("checklists:item_status", so),
            {"status": "in_progress", "expected_version": so.version},
        ),
        "evidence_upload": (
            _item("checklists:evidence_upload", ci),
            {"file": SimpleUploadedFile("a.pdf", evidence_bytes("pdf"))},
        ),
        "evidence_download": (
            reverse(
                "checklists:evidence_download",
                kwargs={
                    "slug": "court-a",
                    "pk": ci.pk,
                    "evidence_pk": world["evidence"].pk,
                },
            ),
            {},
        ),
        "comment": (_item("checklists:comment_add", ci), {"body": "Sent on Monday."}),
        "verify": (
            _item("checklists:item_verify", ci),
            {"expected_version": ci.version},
        ),
        "reopen": (
            _item("checklists:item_reopen", ci),
            {"expected_version": ci.version, "reason": "Letter unsigned."},
        ),
        "bulk_status": (
            reverse("checklists:bulk_status", kwargs={"slug": "court-a"}),
            {
                "items": [ci.pk],
                f"v{ci.pk}": ci.version,
                "status": "in_progress",
            },
        ),
        "reschedule": (
            reverse("courts:reschedule", kwargs={"slug": "court-a"}),
            {"go_live_date": new_date, "reason": "Circuit delayed."},
        ),
        "processing_model": (
            reverse("courts:processing_model", kwargs={"slug": "court-a"}),
            {"court_enters_carpos": "", "so_participates": "on"},
        ),
        "password_change": (
            reverse("password_change"),
            {
                "old_password": "correct-horse-battery",
                "new_password1": "a much longer new passphrase",
                "new_password2": "a much longer new passphrase",
            },
        ),
    }[key]


@pytest.mark.parametrize(("key", "role", "method"), CASES)
def test_access_matrix(client, world, frozen_today, key, role, method):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    url, data = request_for(key, world)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
        return
    expected = MATRIX[key][role][0 if method == "GET" else 1]
    if isinstance(expected, str):
        assert response.status_code == 302
        assert response["Location"] == expected
    else:
        assert response.status_code == expected, (key, role, method)


def test_the_matrix_covers_every_portal_url():
    """A new URL in the portal must get a row here."""
    from checklists import urls as item_urls
    from courts import urls as court_urls

    names = {p.name for p in court_urls.urlpatterns + item_urls.urlpatterns}
    covered = {
        "landing",
        "detail",
        "reschedule",
        "processing_model",
        "bulk_status",
        "item_detail",
        "item_status",
        "evidence_upload",
        "evidence_download",
        "comment_add",
        "item_verify",
        "item_reopen",
    }
    assert names == covered


def test_a_refused_bulk_change_leaves_the_item_alone(client, world, frozen_today):
    """The liaison's bulk POST above is a 302, but the Court item is not theirs."""
    client.force_login(world["users"]["liaison"])
    url, data = request_for("bulk_status", world)
    client.post(url, data)
    world["court_item"].refresh_from_db()
    assert world["court_item"].status == ChecklistItem.Status.DONE
