"""Demo data for `make run`: accounts and about a dozen onboardings at different stages,
through the whole lifecycle (it lives in the Go-Live app, the highest floor it uses),
with phone numbers (the court pages' contacts), item owners, scheduled meetings and a
CCPOR Team document in two versions.

Idempotent: accounts are created once (their password is reset to the given one), a
court that already has an onboarding is left alone, and owners, meetings and documents
are added only where there are none, so a second run changes nothing.

Every stage is reached through the services, with their rules: evidence is uploaded
before an evidence-required item is done, sign-offs are given by the people holding
the roles, and a court goes live and is closed only through its gates.
"""

import datetime
import zlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ccpor_onboard.lib.dates import today_in_california
from checklists import services as checklists
from checklists.models import (
    ACTOR_FOR_ORGANISATION,
    Actor,
    ChecklistItem,
    Onboarding,
)
from collaboration import services as collaboration
from collaboration.models import TeamDocument
from courts.models import Court, Membership
from golive import services
from golive.models import GoNoGoDecision, Incident, SignOffKind, SignOffRole

from ...guard import refuse_unless_demo_data_allowed
from ...history import seed_history
from ...roster import seed_rosters

DEFAULT_PASSWORD = "ccpor-demo-2026"  # noqa: S105 - documented local-only demo

# username, first, last, superuser, ccpor staff, (court slug, organisation, role)
ACCOUNTS = [
    ("admin", "Ada", "Admin", True, True, None),
    ("ccpor.staff", "Casey", "Staff", False, True, None),
    (
        "alameda.lead",
        "Alex",
        "Alvarez",
        False,
        False,
        ("alameda", "court", "project_lead"),
    ),
    ("alameda.sheriff", "Sam", "Santos", False, False, ("alameda", "so", "liaison")),
    (
        "fresno.lead",
        "Frances",
        "Flores",
        False,
        False,
        ("fresno", "court", "project_lead"),
    ),
    ("fresno.sheriff", "Frank", "Fong", False, False, ("fresno", "so", "liaison")),
    (
        "fresno.eo",
        "Felicia",
        "Ford",
        False,
        False,
        ("fresno", "court", "executive_officer"),
    ),
    ("kern.lead", "Kim", "Kaur", False, False, ("kern", "court", "project_lead")),
    (
        "kern.eo",
        "Kenneth",
        "Kane",
        False,
        False,
        ("kern", "court", "executive_officer"),
    ),
    ("kern.sheriff", "Kara", "King", False, False, ("kern", "so", "liaison")),
    (
        "marin.lead",
        "Morgan",
        "Marsh",
        False,
        False,
        ("marin", "court", "project_lead"),
    ),
    (
        "marin.eo",
        "Maya",
        "Moreno",
        False,
        False,
        ("marin", "court", "executive_officer"),
    ),
    ("marin.sheriff", "Miles", "Mendez", False, False, ("marin", "so", "liaison")),
]

# Shown with the court pages' contacts (555-01xx numbers are reserved for fiction).
PHONES = {
    "ccpor.staff": "(415) 555-0100",
    "alameda.lead": "(510) 555-0142",
    "alameda.sheriff": "(510) 555-0177",
    "fresno.lead": "(559) 555-0110",
    "fresno.sheriff": "(559) 555-0188",
}
# Courts whose open items get an owner: their members, and CCPOR staff.
OWNED_COURTS = ("alameda", "fresno")
# (court slug, item order, days from Go-Live, start hour, minutes, place or link)
MEETINGS = [
    ("alameda", 25, -35, 9, 180, "CCPOR training room, 455 Golden Gate Ave, SF"),
    ("alameda", 31, -5, 10, 60, "https://meet.example.org/ccpor-alameda-go-no-go"),
    ("fresno", 31, -5, 14, 60, "https://meet.example.org/ccpor-fresno-go-no-go"),
]
# The CCPOR Team's documents on the default template: (item order, title, versions)
DOCUMENTS = [
    (5, "Court Planning Guide", [("1.0", -400), ("1.1", -60)]),
    (24, "Test Plan", [("3.2", -90)]),
]

# court slug, days from today to Go-Live, CARPOS, SO, finish items due up to N days
# before today (None = nothing finished), (blocked item order, reason), final status
ONBOARDINGS = [
    ("sacramento", 150, True, True, None, None, "active"),  # planning
    ("los-angeles", 200, True, True, None, None, "active"),  # planning, far out
    ("san-diego", 100, False, True, 0, None, "active"),  # scope
    ("butte", 85, True, False, 0, None, "active"),  # implement, on track
    ("alameda", 55, True, True, 0, None, "active"),  # inside the 60-day window
    (
        "napa",
        45,
        False,
        False,
        5,
        (17, "Replacement workstations are on back order."),
        "active",
    ),  # 60-day window, one blocked
    (
        "fresno",
        25,
        True,
        True,
        12,
        (26, "Test environment unreachable from the court network."),
        "active",
    ),  # inside 30 days, overdue + blocked: readiness with blockers
    # close to Go-Live: the acceptance test sign-off and the Readiness Checklist
    # (due 21 days before Go-Live) are 9 days overdue, so it is at risk
    ("riverside", 12, True, True, 12, None, "active"),
    (
        "santa-clara",
        70,
        True,
        True,
        20,
        (11, "Waiting on the county network team for a firewall change."),
        "active",
    ),  # behind: overdue and blocked
    ("orange", 120, False, True, None, None, "cancelled"),
    ("kern", -20, True, True, 0, None, "live"),  # live for 20 days, an open incident
    ("marin", -90, True, True, 0, None, "closed"),  # closed out, with its sign-offs
]

# A one-page PDF, uploaded as the document of each evidence-required item finished.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)


class Command(BaseCommand):
    help = "Create demo accounts and onboardings (safe to run more than once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help="Password for every demo account (local use only).",
        )

    def handle(self, *args, password: str, **options):
        refuse_unless_demo_data_allowed(
            "seed_demo", "demo accounts with a published password"
        )
        self._check_password(password)
        self._seed(password)

    @transaction.atomic
    def _seed(self, password: str) -> None:
        today = today_in_california()
        team = self._ccpor_team()
        self.users = {row[0]: self._account(row, password, team) for row in ACCOUNTS}
        staff = self.users["ccpor.staff"]
        created = 0
        for row in ONBOARDINGS:
            created += self._onboarding(row, today=today, by=staff)
        self._owners(staff)
        self._meetings(staff)
        self._documents(staff, today=today)
        # Finished onboardings with their per-item history, a wave, the team's
        # absence: what the forecast, lead times and capacity views learn from.
        created += seed_history(today=today, by=staff)
        # Who will use CCPOR: readiness, expiries and a court in sustainment.
        seed_rosters(today=today, by=staff, users=self.users)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(self.users)} accounts, {created} new "
                f"onboardings ({Onboarding.objects.count()} in all). "
                f"Password: {password}"
            )
        )

    def _check_password(self, password: str) -> None:
        """The same password rules as everywhere else, for every demo account."""
        User = get_user_model()
        for username, first, last, *_ in ACCOUNTS:
            person = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
            )
            try:
                validate_password(password, person)
            except ValidationError as error:
                raise CommandError(
                    f"--password refused for {username}: {' '.join(error.messages)}"
                ) from None

    def _ccpor_team(self) -> Group:
        team, _ = Group.objects.get_or_create(name=settings.CCPOR_TEAM_GROUP)
        perms = Permission.objects.filter(
            content_type__app_label__in=["courts", "checklists", "golive", "roster"],
            codename__regex=r"^(view|add|change)_",
        )
        team.permissions.add(*perms)
        return team

    def _account(self, row, password: str, team: Group):
        username, first, last, superuser, ccpor, membership = row
        User = get_user_model()
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
            },
        )
        user.is_superuser = superuser
        user.is_staff = superuser or ccpor
        user.phone = user.phone or PHONES.get(username, "")
        if not user.check_password(password):
            user.set_password(password)
        user.save()
        if ccpor:
            user.groups.add(team)
        if membership:
            slug, organisation, role = membership
            Membership.objects.get_or_create(
                user=user,
                court=Court.objects.get(slug=slug),
                defaults={"organisation": organisation, "role": role},
            )
        return user

    def _onboarding(self, row, *, today: datetime.date, by) -> int:
        slug, days, carpos, so, finish_before, blocked, status = row
        court = Court.objects.get(slug=slug)
        if court.onboardings.exists():
            return 0
        go_live = today + datetime.timedelta(days=days)
        # Onboardings already live or closed were started before their Go-Live date.
        as_of = min(today, go_live - datetime.timedelta(days=160))
        onboarding = checklists.onboarding_start(
            court=court,
            go_live_date=go_live,
            court_enters_carpos=carpos,
            so_participates=so,
            started_by=by,
            today=as_of,
        )
        if status in ("live", "closed"):
            self._finish_up_to(onboarding, cutoff=today, by=by)
        elif finish_before is not None:
            self._finish_up_to(
                onboarding, cutoff=today - datetime.timedelta(days=finish_before), by=by
            )
        if blocked:
            order, reason = blocked
            item = onboarding.items.get(order=order)
            checklists.item_set_status(
                item=item,
                status=ChecklistItem.Status.BLOCKED,
                by=by,
                expected_version=item.version,
                reason=reason,
            )
        if status in ("live", "closed"):
            self._go_live(onboarding, slug=slug, by=by)
        if status == "live":
            services.incident_report(
                onboarding=onboarding,
                by=self.users["kern.lead"],
                title="Scanner at the family law counter drops pages",
                description=(
                    "Multi-page filings scanned at counter 3 arrive in CCPOR with the "
                    "last page missing. Counter 2 works; staff use it meanwhile."
                ),
                severity=Incident.Severity.P2,
                category=Incident.Category.SCANNING,
            )
        elif status == "closed":
            self._close(onboarding, slug=slug, by=by)
        elif status == "cancelled":
            services.onboarding_cancel(
                onboarding=onboarding,
                by=by,
                reason="The court postponed joining CCPOR to next fiscal year.",
            )
        return 1

    def _finish_up_to(
        self, onboarding: Onboarding, *, cutoff: datetime.date, by
    ) -> None:
        """Mark done, in checklist order, every item due before `cutoff`, each
        evidence-required one with a document."""
        for item in onboarding.items.filter(due_date__lt=cutoff).order_by("order"):
            if item.evidence_required:
                collaboration.evidence_upload(
                    item=item,
                    file=ContentFile(DEMO_PDF, name=f"item-{item.order}.pdf"),
                    by=by,
                )
            checklists.item_set_status(
                item=item,
                status=ChecklistItem.Status.DONE,
                by=by,
                expected_version=item.version,
                note="Completed (demo data).",
            )

    def _sign(self, onboarding: Onboarding, kind: str, *, slug: str, by) -> None:
        signers = {
            SignOffRole.EXECUTIVE_OFFICER: self.users[f"{slug}.eo"],
            SignOffRole.SO_LIAISON: self.users[f"{slug}.sheriff"],
            SignOffRole.CCPOR: by,
        }
        what = (
            "the acceptance test passed"
            if kind == SignOffKind.ACCEPTANCE
            else "the onboarding is complete"
        )
        for role, signer in signers.items():
            services.sign_off_give(
                onboarding=onboarding,
                kind=kind,
                role=role,
                by=signer,
                statement=f"I confirm that {what} (demo data).",
            )

    def _go_live(self, onboarding: Onboarding, *, slug: str, by) -> None:
        self._sign(onboarding, SignOffKind.ACCEPTANCE, slug=slug, by=by)
        services.go_no_go_record(
            onboarding=onboarding, by=by, decision=GoNoGoDecision.Decision.GO
        )
        services.onboarding_mark_live(onboarding=onboarding, by=by)

    def _close(self, onboarding: Onboarding, *, slug: str, by) -> None:
        incident = services.incident_report(
            onboarding=onboarding,
            by=by,
            title="Two clerks could not sign in on day one",
            description="Their accounts were created without the court role.",
            severity=Incident.Severity.P3,
            category=Incident.Category.ACCESS,
        )
        services.incident_update(
            incident=incident,
            by=by,
            status=Incident.Status.RESOLVED,
            owner=by,
            severity=incident.severity,
            resolution="Role added to both accounts; they signed in the same day.",
        )
        self._sign(onboarding, SignOffKind.CLOSE_OUT, slug=slug, by=by)
        services.onboarding_close(onboarding=onboarding, by=by)

    def _owners(self, staff) -> None:
        """Each open item of the demo's member courts gets an owner: the court's or
        the sheriff's office's member, or CCPOR staff; DOJ items stay without."""
        for slug in OWNED_COURTS:
            onboarding = Onboarding.objects.open().get(court__slug=slug)
            by_actor = {Actor.CCPOR: staff}
            for membership in Membership.objects.filter(court=onboarding.court):
                actor = ACTOR_FOR_ORGANISATION[membership.organisation]
                by_actor.setdefault(actor, membership.user)
            for item in onboarding.items.open().filter(owner=None).order_by("order"):
                owner = by_actor.get(item.actor)
                if owner is not None:
                    checklists.item_set_owner(
                        item=item, owner=owner, by=staff, expected_version=item.version
                    )

    def _meetings(self, staff) -> None:
        for slug, order, offset, hour, minutes, place in MEETINGS:
            item = ChecklistItem.objects.filter(
                onboarding__court__slug=slug,
                onboarding__status=Onboarding.Status.ACTIVE,
                order=order,
                meeting_starts_at=None,
            ).first()
            if item is None:
                continue
            day = item.onboarding.go_live_date + datetime.timedelta(days=offset)
            starts = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(hour))
            )
            collaboration.item_set_meeting(
                item=item,
                by=staff,
                expected_version=item.version,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(minutes=minutes),
                location=place,
                attendees="Court project lead, IT contact, SO liaison, CCPOR Team",
            )

    def _documents(self, staff, *, today: datetime.date) -> None:
        template = checklists.default_template()
        if template is None:
            return
        for order, title, versions in DOCUMENTS:
            template_item = template.items.filter(order=order).first()
            if template_item is None:
                continue
            for version, days_ago in versions:
                if TeamDocument.objects.filter(
                    template_item=template_item, title=title, version=version
                ).exists():
                    continue
                name = f"{title} v{version}"
                collaboration.team_document_upload(
                    template_item=template_item,
                    title=title,
                    version=version,
                    document_date=today + datetime.timedelta(days=days_ago),
                    file=SimpleUploadedFile(
                        f"{name}.pdf", demo_pdf(f"CCPOR {name} (demo document)")
                    ),
                    by=staff,
                )


def demo_pdf(text: str) -> bytes:
    """A one-page PDF saying `text`: a stand-in for the CCPOR Team's real documents."""
    content = zlib.compress(
        f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
        + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
