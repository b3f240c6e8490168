"""Records kept as they were written (the audit log, the stored onboarding summary,
a comment's earlier texts) are read in the admin, never added,
changed or deleted there, even by a superuser (ccpor_onboard.lib.admin.ReadOnlyAdmin).
"""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import audit_record
from checklists.models import OnboardingSummary
from collaboration import services as collaboration_services
from collaboration.models import CommentRevision

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(start, court, staff_user):
    onboarding = start(court, go_live_in=100)
    item = onboarding.items.get(order=1)
    comment = collaboration_services.comment_add(
        item=item, by=staff_user, body="First text"
    )
    collaboration_services.comment_edit(
        comment=comment, by=staff_user, body="Second text"
    )
    event = audit_record(action=AuditEvent.Action.LOGIN_FAILED, username="nobody")
    return {
        "audit_auditevent": event,
        "checklists_onboardingsummary": OnboardingSummary.objects.get(
            onboarding=onboarding
        ),
        "collaboration_commentrevision": CommentRevision.objects.get(),
    }


@pytest.mark.parametrize(
    "model",
    [
        "audit_auditevent",
        "checklists_onboardingsummary",
        "collaboration_commentrevision",
    ],
)
def test_a_kept_record_is_read_but_never_added_changed_or_deleted(
    admin_client, records, model
):
    record = records[model]
    assert admin_client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    change = reverse(f"admin:{model}_change", args=[record.pk])
    page = admin_client.get(change)
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert admin_client.get(reverse(f"admin:{model}_add")).status_code == 403
    assert admin_client.post(change, {}).status_code == 403
    delete = reverse(f"admin:{model}_delete", args=[record.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert type(record).objects.filter(pk=record.pk).exists()
