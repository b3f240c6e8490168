"""The Go-Live phase's incident e-mail: who gets what, built with
`ccpor_onboard.lib.emails` (sign-off requests go through `notifications`).

The incident sender claims its row (sets `notified_at` only if still empty) before
sending, so a message is sent once however many workers run the task; if
sending fails, the claim is released for the retry.
"""

import logging

from django.conf import settings
from django.core.mail import get_connection
from django.urls import reverse
from django.utils import timezone

from ccpor_onboard.lib.emails import team_addresses, templated_message
from courts.models import Membership

from .models import Incident

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


def send_incident_mail(incident_id: int) -> int:
    """Send a new incident's mail once; how many messages went."""
    claimed = Incident.objects.filter(pk=incident_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return 0
    incident = Incident.objects.select_related("onboarding__court", "reported_by").get(
        pk=incident_id
    )
    try:
        return get_connection().send_messages(incident_messages(incident)) or 0
    except Exception:
        Incident.objects.filter(pk=incident_id).update(notified_at=None)
        raise
