"""Every route of the site x every kind of visitor x GET/POST, with the outcome each
gets. The routes come from the URL resolver: a new route without a row here fails
`test_every_route_has_a_row`.

One table, read row by row: for a route, what an anonymous visitor, the court's own
project lead, the court's own SO liaison, another court's lead, a person with Django's
`is_staff` flag who is not in the CCPOR Team (and has no membership), and CCPOR staff
get. "login" is a redirect to the sign-in page, a path is a redirect there, a number is
the status code. POSTs send valid data, so a 302 is the action succeeding (or, for bulk,
reporting refusals). Calendar feeds are asked with the visitor's own calendar secret
(a made-up one for the anonymous visitor): the secret says who is asking.
"""

import copy

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from freezegun import freeze_time

from checklists import services
from checklists.models import ChecklistItem
from collaboration import services as collaboration_services
from golive import services as golive_services
from notifications.answer_links import answer_urls
from notifications.models import Kind
from notifications.services import notify
from planning.models import TeamMember
from roster.models import RosterPerson
from roster.services import person_mark_left
from tests.conftest import TODAY
from tests.factories import (
    CourtFactory,
    MembershipFactory,
    UserFactory,
    cancel_onboarding,
    days,
    evidence_bytes,
    force_status,
)
from tests.once import kept_until_the_module_ends
from webhooks import services as webhook_services

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "lead", "liaison", "other_lead", "django_staff", "staff")
LOGIN = "login"
# Routes left out on purpose, with the reason.
NOT_IN_MATRIX = {
    # The Django admin has its own permission system (tests/test_admin.py).
    "admin",
}


def row(**outcomes):
    """(GET, POST) per role; roles not named answer like the anonymous visitor would
    not: they are given explicitly or default to `default`."""
    return outcomes


def same(get, post, *, anonymous=(LOGIN, LOGIN), **overrides):
    """A row where every signed-in role gets (get, post), unless overridden."""
    outcomes = {role: (get, post) for role in ROLES}
    outcomes["anonymous"] = anonymous
    outcomes.update(overrides)
    return outcomes


MEMBERS_ONLY = {"other_lead": (404, 404), "django_staff": (404, 404)}
# The API's 404 for what is not the person's, after its 405 for the wrong method.
API_READ_NOT_YOURS = {"other_lead": (404, 405), "django_staff": (404, 405)}
API_NOT_YOURS = {"other_lead": (405, 404), "django_staff": (405, 404)}

# key: (route name, {role: (GET outcome, POST outcome)})
MATRIX = {
    # --- Site ------------------------------------------------------------------
    "healthz": ("healthz", same(200, 405, anonymous=(200, 405))),
    # --- Sign-in and the person's own pages ---------------------------------------
    "login": ("login", same(200, 302, anonymous=(200, 302))),
    "logout": ("logout", same(405, 302, anonymous=(405, 302))),
    "password_change": ("password_change", same(200, 302)),
    "password_change_done": ("password_change_done", same(200, 405)),
    "password_reset": ("password_reset", same(200, 302, anonymous=(200, 302))),
    "password_reset_done": (
        "password_reset_done",
        same(200, 405, anonymous=(200, 405)),
    ),
    "password_reset_confirm": (
        "password_reset_confirm",
        same(200, 200, anonymous=(200, 200)),
    ),
    "password_reset_complete": (
        "password_reset_complete",
        same(200, 405, anonymous=(200, 405)),
    ),
    # Single sign-on answers 404 while it is not configured (tests/accounts/
    # test_sso.py signs in through it, against a real provider).
    "sso_start": ("sso_start", same(404, 405, anonymous=(404, 405))),
    "sso_callback": ("sso_callback", same(404, 405, anonymous=(404, 405))),
    # The lead's one-click answer link (a note on an open Court item they own,
    # set-up): the link is the credential, for its person only; anyone signed in
    # as someone else is refused. Its POST saves the note (200: "Thank you").
    "email_answer": (
        "portal:email_answer",
        same(403, 403, anonymous=(200, 200), lead=(200, 200)),
    ),
    "profile": ("portal:profile", same(200, 302)),
    # The in-app notification list: everyone their own; one of the lead's
    # notifications opens for the lead only (anyone else: 404).
    "inbox": ("portal:inbox", same(200, 405)),
    "inbox_mark_read": ("portal:inbox_mark_read", same(405, 302)),
    "inbox_open": ("portal:inbox_open", same(405, 404, lead=(405, 302))),
    # Two-factor: anyone signed in may set up an authenticator app (a wrong code
    # redisplays the form); the code step, for someone without one, moves on.
    "otp_setup": ("accounts:otp_setup", same(200, 200)),
    "otp_verify": ("accounts:otp_verify", same("/courts/", "/courts/")),
    # --- The portal -------------------------------------------------------------
    "home": ("portal:home", same(200, 405)),
    "landing": (
        "portal:landing",
        same(
            200,
            405,
            lead=("/courts/court-a/", 405),
            liaison=("/courts/court-a/", 405),
            other_lead=("/courts/court-b/", 405),
            staff=("/dashboard/", 405),
        ),
    ),
    "court_page": ("portal:court", same(200, 405, **MEMBERS_ONLY)),
    "report": ("portal:report", same(200, 405, **MEMBERS_ONLY)),
    "reschedule": (
        "portal:reschedule",
        same(403, 403, staff=(200, 302), **MEMBERS_ONLY),
    ),
    "processing_model": (
        "portal:processing_model",
        same(403, 403, staff=(200, 302), **MEMBERS_ONLY),
    ),
    # A template change first (set-up): staff re-plan the onboarding with it.
    "replan": (
        "portal:replan",
        same(403, 403, staff=(200, "/courts/court-a/"), **MEMBERS_ONLY),
    ),
    "invite": (
        "portal:invite",
        same(403, 403, staff=(200, 302), **MEMBERS_ONLY),
    ),
    # Court A's onboarding cancelled first: staff start a new one.
    "onboarding_start": (
        "portal:onboarding_start",
        same(403, 403, staff=(200, "/courts/court-a/"), **MEMBERS_ONLY),
    ),
    "feeds": ("portal:feeds", same(200, 405)),
    "feed_reset": ("portal:feed_reset", same(405, 302)),
    # Everyone signed in may have an API token: it reaches what they may see.
    "api_token_reset": ("portal:api_token_reset", same(405, 200)),
    "api_token_revoke": ("portal:api_token_revoke", same(405, "/calendar/#api")),
    "feed_all": ("portal:feed_all", same(200, 405, anonymous=(404, 404))),
    "feed_court": (
        "portal:feed_court",
        same(200, 405, anonymous=(404, 404), **MEMBERS_ONLY),
    ),
    # --- Items (checklists' own pages) ---------------------------------------------
    "item_page": ("checklists:item_detail", same(200, 405, **MEMBERS_ONLY)),
    "internal_item_page": (
        "checklists:item_detail",
        same(404, 404, staff=(200, 405)),
    ),
    "foreign_item_under_own_slug": ("checklists:item_detail", same(404, 404)),
    "item_status": (
        "checklists:item_status",
        same(405, 302, liaison=(405, 403), **MEMBERS_ONLY),
    ),
    "so_item_status": (
        "checklists:item_status",
        same(405, 302, lead=(405, 403), **MEMBERS_ONLY),
    ),
    "evidence_upload": (
        "checklists:evidence_upload",
        same(405, 302, liaison=(405, 403), **MEMBERS_ONLY),
    ),
    "evidence_download": (
        "checklists:evidence_download",
        same(200, 405, **MEMBERS_ONLY),
    ),
    "comment": ("checklists:comment_add", same(405, 302, **MEMBERS_ONLY)),
    "item_owner": (
        "checklists:item_owner",
        same(405, 302, liaison=(405, 403), **MEMBERS_ONLY),
    ),
    "item_meeting": (
        "checklists:item_meeting",
        same(405, 403, staff=(405, 302), **MEMBERS_ONLY),
    ),
    "team_document_upload": (
        "checklists:team_document_upload",
        same(405, 403, staff=(405, 302), **MEMBERS_ONLY),
    ),
    "team_document_download": (
        "checklists:team_document_download",
        same(200, 405, **MEMBERS_ONLY),
    ),
    # A CCPOR item's document offered as its evidence: who may update the item.
    "evidence_from_document": (
        "checklists:evidence_from_document",
        same(405, 403, staff=(405, 302), **MEMBERS_ONLY),
    ),
    # The lead's own comment: only its author edits it (staff included: 403).
    "comment_edit": (
        "checklists:comment_edit",
        same(403, 403, lead=(200, 302), **MEMBERS_ONLY),
    ),
    "verify": (
        "checklists:item_verify",
        same(405, 403, staff=(405, 302), **MEMBERS_ONLY),
    ),
    "reopen": (
        "checklists:item_reopen",
        same(405, 403, staff=(405, 302), **MEMBERS_ONLY),
    ),
    "bulk_status": ("checklists:bulk_status", same(405, 302, **MEMBERS_ONLY)),
    # --- The Go-Live pages (golive's own): court A's onboarding is active unless
    # the row's set-up (request_for) says otherwise ------------------------------
    "go_live": ("golive:readiness", same(200, 405, **MEMBERS_ONLY)),
    # Not ready: staff get the page listing what blocks (200), nothing changes.
    "mark_live": (
        "golive:mark_live",
        same(405, 403, staff=(405, 200), **MEMBERS_ONLY),
    ),
    # Court A live (set-up): staff undo it, with a reason.
    "undo_live": (
        "golive:undo_live",
        same(405, 403, staff=(405, "/courts/court-a/"), **MEMBERS_ONLY),
    ),
    # Court A live (set-up), not closed out: staff get what blocks (200).
    "close": ("golive:close", same(405, 403, staff=(405, 200), **MEMBERS_ONLY)),
    "cancel": (
        "golive:cancel",
        same(405, 403, staff=(405, "/courts/court-a/"), **MEMBERS_ONLY),
    ),
    # Court A closed (set-up): staff reopen it, with a reason.
    "onboarding_reopen": (
        "golive:reopen",
        same(405, 403, staff=(405, "/courts/court-a/"), **MEMBERS_ONLY),
    ),
    "decision": (
        "golive:decision",
        same(403, 403, staff=(200, "/courts/court-a/go-live/"), **MEMBERS_ONLY),
    ),
    "sign_offs": ("golive:sign_offs", same(200, 405, **MEMBERS_ONLY)),
    # The SO liaison's acceptance sign-off: only the liaison may give it; anyone
    # else sees the refusal on the page (200).
    "sign_off_give": (
        "golive:sign_off_give",
        same(
            405,
            200,
            liaison=(405, "/courts/court-a/go-live/sign-offs/"),
            **MEMBERS_ONLY,
        ),
    ),
    # The liaison's signature (set-up): revoked by its signer or CCPOR staff.
    "sign_off_revoke": (
        "golive:sign_off_revoke",
        same(
            405,
            403,
            liaison=(405, "/courts/court-a/go-live/sign-offs/"),
            staff=(405, "/courts/court-a/go-live/sign-offs/"),
            **MEMBERS_ONLY,
        ),
    ),
    # CCPOR staff and the court's project lead ask the liaison.
    "sign_off_ask": (
        "golive:sign_off_ask",
        same(
            405,
            403,
            lead=(405, "/courts/court-a/go-live/sign-offs/"),
            staff=(405, "/courts/court-a/go-live/sign-offs/"),
            **MEMBERS_ONLY,
        ),
    ),
    "court_incidents": ("golive:incidents", same(200, 405, **MEMBERS_ONLY)),
    # Court A live (set-up): its members and CCPOR staff report.
    "incident_report": (
        "golive:incident_report",
        same(200, 302, **MEMBERS_ONLY),
    ),
    # An incident of court A (set-up): read by its members, answered by staff.
    "incident_detail": ("golive:incident_detail", same(200, 405, **MEMBERS_ONLY)),
    "incident_update": (
        "golive:incident_update",
        same(405, 403, staff=(405, 302), **MEMBERS_ONLY),
    ),
    # The same incident, reported by court A's lead: only its reporter follows it up.
    "incident_follow_up": (
        "golive:incident_follow_up",
        same(405, 403, lead=(405, 302), **MEMBERS_ONLY),
    ),
    "foreign_incident_under_own_slug": ("golive:incident_detail", same(404, 404)),
    # --- The CCPOR Team dashboard: members are sent to their court, others home ----
    **{
        key: (
            f"dashboard:{key}",
            same(
                "/",
                "/",
                lead=("/courts/court-a/", "/courts/court-a/"),
                liaison=("/courts/court-a/", "/courts/court-a/"),
                other_lead=("/courts/court-b/", "/courts/court-b/"),
                staff=(200, 200),
            ),
        )
        for key in (
            "index",
            "statewide",
            "capacity",
            "lead_times",
            "overdue",
            "incidents",
            "export_portfolio",
            "export_items",
            "export_incidents",
        )
    },
    # The capacity page's forms (POST only): the team's absences and hours.
    **{
        key: (
            f"dashboard:{key}",
            same(
                "/",
                "/",
                lead=("/courts/court-a/", "/courts/court-a/"),
                liaison=("/courts/court-a/", "/courts/court-a/"),
                other_lead=("/courts/court-b/", "/courts/court-b/"),
                staff=(405, 302),
            ),
        )
        for key in ("capacity_absence", "capacity_hours")
    },
    # --- The JSON API: 401 without credentials, 403 for all but CCPOR staff -------
    "api_list": (
        "api:onboarding_list",
        same(403, 405, anonymous=(401, 405), staff=(200, 405)),
    ),
    "api_detail": (
        "api:onboarding_detail",
        same(403, 405, anonymous=(401, 405), staff=(200, 405)),
    ),
    "api_forecast": (
        "api:forecast",
        same(403, 405, anonymous=(401, 405), staff=(200, 405)),
    ),
    # The schema is public: it describes the API, it holds no data.
    "api_schema": ("api:schema", same(200, 405, anonymous=(200, 405))),
    # The writes (POSTs as forms; JSON in tests/api): the pages' rules, another
    # court's (or no court's) records a 404, the method checked first.
    "api_item_detail": (
        "api:item_detail",
        same(200, 405, anonymous=(401, 405), **API_READ_NOT_YOURS),
    ),
    # The done Court item: its court's lead and staff change it, not the SO.
    "api_item_status": (
        "api:item_status",
        same(405, 200, anonymous=(405, 401), liaison=(405, 403), **API_NOT_YOURS),
    ),
    "api_item_comments": (
        "api:item_comments",
        same(405, 201, anonymous=(405, 401), **API_NOT_YOURS),
    ),
    # Court A live (set-up), as for the page.
    "api_incident_report": (
        "api:incident_report",
        same(405, 201, anonymous=(405, 401), **API_NOT_YOURS),
    ),
    "api_incident_update": (
        "api:incident_update",
        same(405, 403, anonymous=(405, 401), staff=(405, 200), **API_NOT_YOURS),
    ),
    "api_incident_follow_up": (
        "api:incident_follow_up",
        same(405, 403, anonymous=(405, 401), lead=(405, 200), **API_NOT_YOURS),
    ),
    # --- Webhooks: CCPOR staff; members are sent to their court, others home -------
    "webhooks": (
        "webhooks:endpoints",
        same(
            "/",
            "/",
            lead=("/courts/court-a/", "/courts/court-a/"),
            liaison=("/courts/court-a/", "/courts/court-a/"),
            other_lead=("/courts/court-b/", "/courts/court-b/"),
            staff=(200, "/dashboard/webhooks/"),
        ),
    ),
    "webhook_action": (
        "webhooks:endpoint_action",
        same(
            "/",
            "/",
            lead=("/courts/court-a/", "/courts/court-a/"),
            liaison=("/courts/court-a/", "/courts/court-a/"),
            other_lead=("/courts/court-b/", "/courts/court-b/"),
            staff=(405, "/dashboard/webhooks/"),
        ),
    ),
    "api_capacity": (
        "api:capacity",
        same(403, 405, anonymous=(401, 405), staff=(200, 405)),
    ),
    # --- The roster (issue 25): every member sees it; the court's project lead
    # keeps the court's people, the SO liaison the sheriff's office's (the rows'
    # person is the court's), CCPOR staff everyone's.
    "roster": ("portal:roster", same(200, 405, **MEMBERS_ONLY)),
    "roster_add": (
        "portal:roster_add",
        # The liaison may not add a court person: the form says so (200).
        same(200, 302, liaison=(200, 200), **MEMBERS_ONLY),
    ),
    "roster_person": (
        "portal:roster_person",
        same(200, 302, liaison=(403, 403), **MEMBERS_ONLY),
    ),
    "roster_left": (
        "portal:roster_left",
        same(405, 302, liaison=(405, 403), **MEMBERS_ONLY),
    ),
    "roster_deprovision": (
        "portal:roster_deprovision",
        same(405, 302, liaison=(405, 403), **MEMBERS_ONLY),
    ),
    # The POST is a preview (dry run): the page again.
    "roster_import": ("portal:roster_import", same(200, 200, **MEMBERS_ONLY)),
    "roster_export": ("portal:roster_export", same(200, 405, **MEMBERS_ONLY)),
    "access_review": (
        "portal:access_review",
        same(200, 302, liaison=(200, 403), **MEMBERS_ONLY),
    ),
    "audit_packet": ("portal:audit_packet", same(200, 405, **MEMBERS_ONLY)),
    "audit_packet_csv": ("portal:audit_packet_csv", same(200, 405, **MEMBERS_ONLY)),
    # Unlike the staff API, the court's own members too; JSON answers, no sign-in
    # page.
    "roster_api": (
        "api:roster",
        same(
            200,
            405,
            anonymous=(401, 405),
            other_lead=(404, 405),
            django_staff=(404, 405),
        ),
    ),
}
CASES = [
    (key, role, method)
    for key in MATRIX
    for role in ROLES
    for method in ("GET", "POST")
]


def _build_world(staff_user) -> dict:
    """Two courts with an onboarding each, their people, and the records the rows'
    URLs name (an item done with evidence, a comment, a team document...)."""
    court = CourtFactory(name="Court A", slug="court-a")
    other_court = CourtFactory(name="Court B", slug="court-b")
    court_lead = MembershipFactory(court=court, user__username="lead-a").user
    court_liaison = MembershipFactory(
        court=court, user__username="so-a", organisation="so", role="liaison"
    ).user
    other_lead = MembershipFactory(court=other_court, user__username="lead-b").user

    def start(court):
        return services.onboarding_start(
            court=court,
            go_live_date=TODAY + days(90),
            court_enters_carpos=True,
            so_participates=True,
            started_by=staff_user,
            today=TODAY,
        )

    onboarding = start(court)
    other = start(other_court)
    items = {i.order: i for i in onboarding.items.all()}
    court_item, so_item, internal = items[11], items[8], items[23]
    meeting, guide = items[7], items[5]
    document = collaboration_services.team_document_upload(
        template_item=guide.template_item,
        title="Court Planning Guide",
        version="1.0",
        document_date=TODAY,
        file=SimpleUploadedFile("guide.pdf", evidence_bytes("pdf")),
        by=staff_user,
    )
    # A done, unverified Court item: the lead may still change it, staff may verify.
    court_item = services.item_set_status(
        item=court_item, status="done", by=court_lead, expected_version=1
    )
    evidence = collaboration_services.evidence_upload(
        item=court_item,
        file=SimpleUploadedFile("letter.pdf", evidence_bytes("pdf")),
        by=court_lead,
    )
    lead_notification = notify(
        kind=Kind.ASSIGNED,
        court=onboarding.court,
        recipients=[court_lead],
        subject="Court A: you were assigned an item",
        link=court_item.get_absolute_url(),
    )[0]
    return {
        "lead_notification": lead_notification,
        "onboarding": onboarding,
        "other": other,
        "users": {
            "anonymous": None,
            "lead": court_lead,
            "liaison": court_liaison,
            "other_lead": other_lead,
            "django_staff": UserFactory(username="django-staff", is_staff=True),
            "staff": staff_user,
        },
        "court_item": court_item,
        "so_item": so_item,
        "internal": internal,
        "foreign": other.items.get(order=11),
        "evidence": evidence,
        "meeting": meeting,
        "guide": guide,
        "document": document,
        "comment": collaboration_services.comment_add(
            item=court_item, body="Sent on Monday.", by=court_lead
        ),
    }


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module's ~800 cases (rebuilding it for each was
    most of the suite's time): every case starts from it, whatever the one before it
    changed (tests/once.py).

    The clock is frozen at noon in California on TODAY (ticking, as frozen_today) for
    the whole module, not case by case: freezing it is a pass over every loaded
    module, 800 of which were a minute of the suite."""
    media = tmp_path_factory.mktemp("access-matrix-media")
    with (
        freeze_time("2026-03-04 20:00:00", tick=True),
        kept_until_the_module_ends(django_db_blocker),
    ):
        with override_settings(MEDIA_ROOT=media):
            built = _build_world(
                UserFactory(username="staff", ccpor_staff=True, is_staff=True)
            )
        # As the database has them once built (a service may have changed a row
        # after returning its object), which is how every case finds them.
        records = {
            key: (
                {role: _fresh(user) for role, user in value.items()}
                if key == "users"
                else _fresh(value)
            )
            for key, value in built.items()
        }
        yield {"media": media, "records": records}


def _fresh(record):
    return None if record is None else type(record)._default_manager.get(pk=record.pk)


@pytest.fixture(autouse=True)
def evidence_storage(settings, built_world):
    """The world's uploads (the evidence, the team document) are in its MEDIA_ROOT."""
    settings.MEDIA_ROOT = built_world["media"]
    return settings.MEDIA_ROOT


@pytest.fixture
def world(built_world, db):
    """The world's records for one case: copies, so that a case never sees what an
    earlier one changed on a Python object (rolled back in the database, not in
    memory)."""
    return copy.deepcopy(built_world["records"])


def _trainer() -> TeamMember:
    """A person of the team (the data migrations' trainer)."""
    return TeamMember.objects.get(role__name="Trainer")


def _item(name, item, slug="court-a"):
    return reverse(name, kwargs={"slug": slug, "pk": item.pk})


def _report(onboarding, by):
    force_status(onboarding, "live")
    return golive_services.incident_report(
        onboarding=onboarding,
        by=by,
        title="Scanner drops pages",
        description="The last page of long filings is missing.",
        severity="P3",
        category="scanning",
    )


def _roster_person(court, staff) -> dict:
    """A court person on the roster, and a leaver with a deprovisioning open."""
    person = RosterPerson.objects.create(
        court=court,
        name="Ann Lee",
        email="ann@example.org",
        organisation="court",
        ccpor_role="query",
    )
    gone = RosterPerson.objects.create(
        court=court,
        name="Bob Gone",
        email="bob@example.org",
        organisation="court",
        ccpor_role="query",
    )
    return {
        "person": person,
        "deprovisioning": person_mark_left(person=gone, by=staff, left_on=TODAY),
    }


def set_up(key: str, world) -> dict:
    """The state some rows need before their request (see the comments in MATRIX);
    returns the records their URL names."""
    onboarding, users = world["onboarding"], world["users"]
    if key in ("undo_live", "close", "incident_report", "api_incident_report"):
        force_status(onboarding, "live")
    elif key == "onboarding_reopen":
        force_status(onboarding, "closed")
    elif key == "onboarding_start":
        cancel_onboarding(onboarding, by=users["staff"])
    elif key == "replan":
        onboarding.template.items.filter(order=15).update(is_readiness_gate=False)
    elif key == "webhook_action":
        return {
            "endpoint": webhook_services.endpoint_add(
                name="Receiver",
                url="https://receiver.example.org/hook",
                secret="a-secret-of-sixteen+",
                events="all",
                by=users["staff"],
            )
        }
    elif key in (
        "incident_detail",
        "incident_update",
        "incident_follow_up",
        "api_incident_update",
        "api_incident_follow_up",
    ):
        return {"incident": _report(onboarding, users["lead"])}
    elif key == "foreign_incident_under_own_slug":
        return {"incident": _report(world["other"], users["other_lead"])}
    elif key.startswith(("roster", "access_review", "audit_packet")):
        return _roster_person(onboarding.court, users["staff"])
    elif key == "email_answer":
        item = (
            onboarding.items.filter(actor="court", status="not_started")
            .order_by("order")
            .first()
        )
        item = services.item_set_owner(
            item=item, owner=users["lead"], by=users["staff"], expected_version=1
        )
        return {"answer_item": item}
    elif key == "sign_off_revoke":
        return {
            "sign_off": golive_services.sign_off_give(
                onboarding=onboarding,
                kind="acceptance",
                role="so_liaison",
                by=users["liaison"],
                statement="Acceptance tests passed for the sheriff's office.",
            )
        }
    return {}


def _answer_path(item, person) -> str:
    if item is None:
        return ""
    url = answer_urls(user=person, item_id=item.pk)["note"]
    return url.removeprefix(settings.SITE_URL)


def request_for(key: str, world, user, extra=None) -> tuple[str, dict]:
    """The URL and a valid POST body for each row of the matrix."""
    extra = extra or {}
    ci, so = world["court_item"], world["so_item"]
    new_date = (TODAY + days(120)).isoformat()
    court_a = {"slug": "court-a"}
    token = user.calendar_token if user is not None else "no-such-secret"
    password = {
        "old_password": "correct-horse-battery",
        "new_password1": "a much longer new passphrase",
        "new_password2": "a much longer new passphrase",
    }
    return {
        # The dependencies only: the sweep heartbeat has tests of its own.
        "healthz": (reverse("healthz") + "?checks=database,broker,cache", {}),
        "login": (
            reverse("login"),
            {"username": "lead-a", "password": "correct-horse-battery"},
        ),
        "logout": (reverse("logout"), {}),
        "password_change": (reverse("password_change"), password),
        "password_change_done": (reverse("password_change_done"), {}),
        "password_reset": (reverse("password_reset"), {"email": "x@example.org"}),
        "password_reset_done": (reverse("password_reset_done"), {}),
        "password_reset_confirm": (
            reverse(
                "password_reset_confirm",
                kwargs={"uidb64": "MQ", "token": "set-password"},
            ),
            {},
        ),
        "password_reset_complete": (reverse("password_reset_complete"), {}),
        "sso_start": (reverse("sso_start"), {}),
        "sso_callback": (reverse("sso_callback"), {}),
        "email_answer": (
            _answer_path(extra.get("answer_item"), world["users"]["lead"]),
            {
                "expected_version": getattr(extra.get("answer_item"), "version", 0),
                "note": "Called the county on Monday.",
            },
        ),
        "profile": (reverse("portal:profile"), {"weekly_digest": "on"}),
        "inbox": (reverse("portal:inbox"), {}),
        "inbox_mark_read": (reverse("portal:inbox_mark_read"), {}),
        "inbox_open": (
            reverse("portal:inbox_open", args=[world["lead_notification"].pk]),
            {},
        ),
        "otp_setup": (reverse("accounts:otp_setup"), {"token": "000000"}),
        "otp_verify": (reverse("accounts:otp_verify"), {"token": "000000"}),
        "home": (reverse("portal:home"), {}),
        "landing": (reverse("portal:landing"), {}),
        "court_page": (reverse("portal:court", kwargs=court_a), {}),
        "report": (reverse("portal:report", kwargs=court_a), {}),
        "reschedule": (
            reverse("portal:reschedule", kwargs=court_a),
            {"go_live_date": new_date, "reason": "Circuit delayed."},
        ),
        "processing_model": (
            reverse("portal:processing_model", kwargs=court_a),
            {"court_enters_carpos": "", "so_participates": "on"},
        ),
        "replan": (
            reverse("portal:replan", kwargs=court_a),
            {"reason": "The template dropped a gate."},
        ),
        "invite": (
            reverse("portal:invite", kwargs=court_a),
            {
                "email": "new.person@example.org",
                "first_name": "New",
                "last_name": "Person",
                "organisation": "court",
                "role": "it_contact",
            },
        ),
        "feeds": (reverse("portal:feeds"), {}),
        "feed_reset": (reverse("portal:feed_reset"), {}),
        "api_token_reset": (reverse("portal:api_token_reset"), {}),
        "api_token_revoke": (reverse("portal:api_token_revoke"), {}),
        "feed_all": (reverse("portal:feed_all", kwargs={"token": token}), {}),
        "feed_court": (
            reverse("portal:feed_court", kwargs={"token": token, **court_a}),
            {},
        ),
        "item_page": (_item("checklists:item_detail", ci), {}),
        "internal_item_page": (_item("checklists:item_detail", world["internal"]), {}),
        "foreign_item_under_own_slug": (
            _item("checklists:item_detail", world["foreign"]),
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
                kwargs={**court_a, "pk": ci.pk, "evidence_pk": world["evidence"].pk},
            ),
            {},
        ),
        "comment": (_item("checklists:comment_add", ci), {"body": "Sent on Monday."}),
        "item_owner": (
            _item("checklists:item_owner", ci),
            {"owner": world["users"]["lead"].pk, "expected_version": ci.version},
        ),
        "item_meeting": (
            _item("checklists:item_meeting", world["meeting"]),
            {
                "date": (TODAY + days(7)).isoformat(),
                "starts": "10:00",
                "ends": "11:30",
                "location": "Room 4B",
                "expected_version": world["meeting"].version,
            },
        ),
        "team_document_upload": (
            _item("checklists:team_document_upload", world["guide"]),
            {
                "title": "Court Planning Guide",
                "version": "2.0",
                "document_date": TODAY.isoformat(),
                "file": SimpleUploadedFile("guide.pdf", evidence_bytes("pdf")),
            },
        ),
        "evidence_from_document": (
            reverse(
                "checklists:evidence_from_document",
                kwargs={
                    **court_a,
                    "pk": world["guide"].pk,
                    "document_pk": world["document"].pk,
                },
            ),
            {},
        ),
        "team_document_download": (
            reverse(
                "checklists:team_document_download",
                kwargs={
                    **court_a,
                    "pk": world["guide"].pk,
                    "document_pk": world["document"].pk,
                },
            ),
            {},
        ),
        "comment_edit": (
            reverse(
                "checklists:comment_edit",
                kwargs={**court_a, "pk": ci.pk, "comment_pk": world["comment"].pk},
            ),
            {"body": "Sent on Tuesday."},
        ),
        "verify": (
            _item("checklists:item_verify", ci),
            {"expected_version": ci.version},
        ),
        "reopen": (
            _item("checklists:item_reopen", ci),
            {"expected_version": ci.version, "reason": "Letter unsigned."},
        ),
        "bulk_status": (
            reverse("checklists:bulk_status", kwargs=court_a),
            {"items": [ci.pk], f"v{ci.pk}": ci.version, "status": "in_progress"},
        ),
        "onboarding_start": (
            reverse("portal:onboarding_start", kwargs=court_a),
            {
                "go_live_date": new_date,
                "court_enters_carpos": "on",
                "so_participates": "on",
            },
        ),
        "go_live": (reverse("golive:readiness", kwargs=court_a), {}),
        "mark_live": (reverse("golive:mark_live", kwargs=court_a), {}),
        "undo_live": (
            reverse("golive:undo_live", kwargs=court_a),
            {"undo-reason": "Marked live a day early."},
        ),
        "close": (reverse("golive:close", kwargs=court_a), {}),
        "cancel": (
            reverse("golive:cancel", kwargs=court_a),
            {"cancel-reason": "The court withdrew.", "cancel-confirm": "on"},
        ),
        "onboarding_reopen": (
            reverse("golive:reopen", kwargs=court_a),
            {"reopen-reason": "A close-out document was unsigned."},
        ),
        # A no-go: a go waits for the court's acceptance (tests/golive).
        "decision": (
            reverse("golive:decision", kwargs=court_a),
            {"decision": "no_go", "reason": "The acceptance test failed."},
        ),
        "sign_offs": (reverse("golive:sign_offs", kwargs=court_a), {}),
        "sign_off_give": (
            reverse("golive:sign_off_give", kwargs=court_a),
            {
                "line": "acceptance-so_liaison",
                "give-acceptance-so_liaison-kind": "acceptance",
                "give-acceptance-so_liaison-role": "so_liaison",
                "give-acceptance-so_liaison-statement": "Our tests passed.",
            },
        ),
        "sign_off_revoke": (
            reverse(
                "golive:sign_off_revoke",
                kwargs={**court_a, "pk": getattr(extra.get("sign_off"), "pk", 0)},
            ),
            {f"revoke-{getattr(extra.get('sign_off'), 'pk', 0)}-reason": "Retest."},
        ),
        "sign_off_ask": (
            reverse("golive:sign_off_ask", kwargs=court_a),
            {
                "line": "acceptance-so_liaison",
                "ask-acceptance-so_liaison-kind": "acceptance",
                "ask-acceptance-so_liaison-role": "so_liaison",
                "ask-acceptance-so_liaison-asked": world["users"]["liaison"].pk,
            },
        ),
        "court_incidents": (reverse("golive:incidents", kwargs=court_a), {}),
        "incident_report": (
            reverse("golive:incident_report", kwargs=court_a),
            {
                "title": "Cannot reach CCPOR",
                "description": "Every workstation times out since 9 am.",
                "severity": "P1",
                "category": "connectivity",
            },
        ),
        "incident_detail": (
            reverse(
                "golive:incident_detail",
                kwargs={**court_a, "pk": getattr(extra.get("incident"), "pk", 0)},
            ),
            {},
        ),
        "incident_update": (
            reverse(
                "golive:incident_update",
                kwargs={**court_a, "pk": getattr(extra.get("incident"), "pk", 0)},
            ),
            {"status": "investigating", "severity": "P3", "note": "Looking."},
        ),
        "incident_follow_up": (
            reverse(
                "golive:incident_follow_up",
                kwargs={**court_a, "pk": getattr(extra.get("incident"), "pk", 0)},
            ),
            {"action": "add", "note": "It happens on scanner 2 only."},
        ),
        "foreign_incident_under_own_slug": (
            reverse(
                "golive:incident_detail",
                kwargs={**court_a, "pk": getattr(extra.get("incident"), "pk", 0)},
            ),
            {},
        ),
        "index": (reverse("dashboard:index"), {}),
        "statewide": (reverse("dashboard:statewide"), {}),
        "capacity": (reverse("dashboard:capacity"), {}),
        "lead_times": (reverse("dashboard:lead_times"), {"order": "18"}),
        "capacity_absence": (
            reverse("dashboard:capacity_absence"),
            {
                "absence-member": _trainer().pk,
                "absence-first_day": TODAY.isoformat(),
                "absence-last_day": TODAY.isoformat(),
            },
        ),
        "capacity_hours": (
            reverse("dashboard:capacity_hours", args=[_trainer().pk]),
            {f"hours-{_trainer().pk}-hours_per_week": "30"},
        ),
        "overdue": (reverse("dashboard:overdue"), {}),
        "export_portfolio": (reverse("dashboard:export_portfolio"), {}),
        "export_items": (reverse("dashboard:export_items"), {}),
        "incidents": (reverse("dashboard:incidents"), {}),
        "export_incidents": (reverse("dashboard:export_incidents"), {}),
        "api_list": (reverse("api:onboarding_list"), {}),
        "api_forecast": (reverse("api:forecast"), {}),
        "api_schema": (reverse("api:schema"), {}),
        "api_item_detail": (_item("api:item_detail", ci), {}),
        "api_item_status": (_item("api:item_status", ci), {"status": "in_progress"}),
        "api_item_comments": (
            _item("api:item_comments", ci),
            {"body": "Sent from our tracker."},
        ),
        "api_incident_report": (
            reverse("api:incident_report", kwargs=court_a),
            {
                "title": "Scanner drops pages",
                "description": "The last page is missing.",
                "severity": "P3",
            },
        ),
        "api_incident_update": (
            reverse(
                "api:incident_update",
                kwargs={**court_a, "pk": getattr(extra.get("incident"), "pk", 0)},
            ),
            {"status": "investigating", "note": "Looking."},
        ),
        "api_incident_follow_up": (
            reverse(
                "api:incident_follow_up",
                kwargs={**court_a, "pk": getattr(extra.get("incident"), "pk", 0)},
            ),
            {"action": "add", "note": "It happens on scanner 2 only."},
        ),
        "webhooks": (
            reverse("webhooks:endpoints"),
            {
                "name": "Tracker",
                "url": "https://tracker.example.org/hook",
                "secret": "a-secret-of-sixteen+",
                "events": ["incident.reported"],
                "format": "json",
            },
        ),
        "webhook_action": (
            reverse(
                "webhooks:endpoint_action",
                args=[getattr(extra.get("endpoint"), "pk", 0)],
            ),
            {"action": "pause"},
        ),
        "api_capacity": (reverse("api:capacity"), {}),
        "api_detail": (
            reverse("api:onboarding_detail", kwargs=court_a),
            {},
        ),
        **_roster_requests(extra),
    }[key]


def _roster_requests(extra) -> dict:
    if "person" not in extra:
        return {}
    a, person = "court-a", extra["person"]
    fields = {
        "name": "Ann Lee",
        "email": "ann@example.org",
        "organisation": "court",
        "ccpor_role": "court",
        "clets_level": "full",
    }
    csv = b"Name,E-mail,Organisation,CCPOR role\nCy Doe,cy@example.org,Court,Court\n"
    return {
        "roster": (reverse("portal:roster", args=[a]), {}),
        "roster_add": (
            reverse("portal:roster_add", args=[a]),
            {**fields, "email": "new@example.org"},
        ),
        "roster_person": (reverse("portal:roster_person", args=[a, person.pk]), fields),
        "roster_left": (
            reverse("portal:roster_left", args=[a, person.pk]),
            {"left_on": TODAY.isoformat()},
        ),
        "roster_deprovision": (
            reverse("portal:roster_deprovision", args=[a, extra["deprovisioning"].pk]),
            {"step": "account"},
        ),
        "roster_import": (
            reverse("portal:roster_import", args=[a]),
            {"file": SimpleUploadedFile("r.csv", csv, "text/csv"), "dry_run": "on"},
        ),
        "roster_export": (reverse("portal:roster_export", args=[a]), {}),
        "access_review": (
            reverse("portal:access_review", args=[a]),
            {"person": person.pk, "still_needs_access": "yes"},
        ),
        "audit_packet": (reverse("portal:audit_packet", args=[a]), {}),
        "audit_packet_csv": (reverse("portal:audit_packet_csv", args=[a]), {}),
        "roster_api": (reverse("api:roster", args=[a]), {}),
    }


@pytest.mark.parametrize(("key", "role", "method"), CASES)
def test_access_matrix(client, world, key, role, method):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    extra = set_up(key, world)
    url, data = request_for(key, world, user, extra)
    response = client.get(url) if method == "GET" else client.post(url, data)
    expected = MATRIX[key][1][role][0 if method == "GET" else 1]
    if expected == LOGIN:
        assert response.status_code == 302, (key, role, method)
        assert response["Location"].startswith(reverse("login") + "?next=")
    elif isinstance(expected, str):
        assert response.status_code == 302, (key, role, method)
        assert response["Location"] == expected, (key, role, method)
    else:
        assert response.status_code == expected, (key, role, method)


def _route_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            prefix = (
                f"{namespace}:{inner}" if namespace and inner else namespace or inner
            )
            if (pattern.namespace or "") in NOT_IN_MATRIX:
                continue
            names |= _route_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_route_has_a_row():
    """A new route must get a row in the matrix (or a reason in NOT_IN_MATRIX)."""
    routes = _route_names(get_resolver().url_patterns)
    covered = {name for name, _ in MATRIX.values()}
    assert routes - covered == set(), "routes without a row in the access matrix"
    assert covered - routes == set(), "rows naming a route that does not exist"


def test_a_refused_bulk_change_leaves_the_item_alone(client, world):
    """The liaison's bulk POST above is a 302, but the Court item is not theirs."""
    client.force_login(world["users"]["liaison"])
    url, data = request_for("bulk_status", world, world["users"]["liaison"])
    client.post(url, data)
    world["court_item"].refresh_from_db()
    assert world["court_item"].status == ChecklistItem.Status.DONE
