"""The Go-Live phase's incident e-mail: who gets what, built with
`ccpor_onboard.lib.emails` (sign-off requests go through `notifications`).

Each incident's mail is an `IncidentMail` row, recorded with the report and claimed,
sent and settled by the outbox protocol that every mail follows
(notifications/outbox.py): it is sent once however many workers run the task, a
mail-server error leaves it for the task's retry, and a claim left by a dead worker
is resumed by its redelivered task at once, or by the backstop after CLAIM_TIMEOUT.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import get_connection
from django.urls import reverse
from django.utils import timezone

from ccpor_onboard.lib.emails import team_addresses, templated_message
from courts.models import Membership
from notifications import outbox

from .models import Incident, IncidentMail

logger = logging.getLogger(__name__)


def incident_url(incident: Incident) -> str:
    return settings.SITE_URL + reverse(
        "golive:incident_detail",
        kwargs={"slug": incident.onboarding.court.slug, "pk": incident.pk},
    )


def project_lead_addresses(court_id: int) -> list[str]:
    """The court's project leads (court organisation), active, with an address."""
    return sorted(
        Membership.objects.filter(
            court_id=court_id,
            organisation=Membership.Organisation.COURT,
            role=Membership.Role.PROJECT_LEAD,
            user__is_active=True,
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def incident_messages(incident: Incident) -> list:
    """A notice to the court's project lead; for P1 and P2 an alert to the team."""
    context = {
        "incident": incident,
        "court": incident.onboarding.court,
        "url": incident_url(incident),
        "target": incident.response_target,
        "respond_by": timezone.localtime(incident.respond_by),
    }
    messages = []
    if incident.severity in Incident.SERIOUS and team_addresses():
        messages.append(
            templated_message("incident_alert", context, to=team_addresses())
        )
    leads = project_lead_addresses(incident.onboarding.court_id)
    if leads:
        messages.append(templated_message("incident_reported", context, to=leads))
    else:
        logger.warning(
            "Incident #%s: %s has no project lead with an e-mail address",
            incident.pk,
            incident.onboarding.court,
        )
    return messages


def send_incident_mail(incident_id: int, *, claim_token: str = "") -> outbox.Delivery:
    """Send a new incident's mail once; the delivery's `value` is how many messages
    went. `claim_token` names the claim (the task id: a redelivered task resumes
    it); a random one by default."""

    def send(_claimed) -> int:
        incident = Incident.objects.select_related(
            "onboarding__court", "reported_by"
        ).get(pk=incident_id)
        return get_connection().send_messages(incident_messages(incident)) or 0

    return outbox.deliver(
        IncidentMail.objects.filter(incident_id=incident_id),
        token=claim_token or outbox.new_claim_token(),
        target=f"the mail of incident #{incident_id}",
        send=send,
    )


# The backstop leaves a new mail this long to its own task (queued on commit) first.
BACKSTOP_AFTER = datetime.timedelta(minutes=5)


def incident_mail_send_pending(*, claim_token: str = "") -> list[outbox.Delivery]:
    """The backstop: send every incident mail still owed whose task was lost (the
    broker was down at the report) or whose worker died holding it (claimed more
    than CLAIM_TIMEOUT ago), through `send_incident_mail`."""
    token = claim_token or outbox.new_claim_token()
    now = timezone.now()
    owed = IncidentMail.objects.filter(
        outbox.claimable(now, token), created_at__lte=now - BACKSTOP_AFTER
    ).order_by("created_at")
    return [
        send_incident_mail(incident_id, claim_token=token)
        for incident_id in owed.values_list("incident_id", flat=True)
    ]
