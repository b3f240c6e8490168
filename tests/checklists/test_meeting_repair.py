"""A meeting stored at the far edge of the calendar (before its window was enforced)
is a time Python cannot read back once in UTC, and broke every page that read the
item. Migration 0020 clears such times, so that the pages load again without
editing the database by hand; 0021's constraint keeps them out from then on."""

import pytest
from django.db import connection
from django.urls import reverse

from checklists.models import ChecklistItem
from tests.migrating import migrate_to

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("checklists", "0019_na_justified_by_and_replans")]


def test_unreadable_meeting_times_are_cleared_and_the_pages_load_again(
    client, start, court, superuser
):
    onboarding = start(court)
    broken, kept = onboarding.items.filter(kind="meeting").order_by("order")[:2]
    migrate_to(BEFORE)
    try:
        with connection.cursor() as cursor:
            # 11 p.m. on December 31, 9999 in California: year 10000 in UTC.
            cursor.execute(
                "UPDATE checklists_checklistitem SET meeting_starts_at = %s, "
                "meeting_ends_at = %s, meeting_location = 'Room 4B' WHERE id = %s",
                ["9999-12-31 23:00-08", "9999-12-31 23:30-08", broken.pk],
            )
            cursor.execute(
                "UPDATE checklists_checklistitem SET meeting_starts_at = %s, "
                "meeting_ends_at = %s WHERE id = %s",
                ["2026-03-20 10:00-07", "2026-03-20 11:00-07", kept.pk],
            )
        with pytest.raises(ValueError, match="out of range"):
            # What every page met (the columns of that time only: later ones,
            # such as grants_ccpor_access, are not there yet).
            ChecklistItem.objects.only("meeting_starts_at").get(pk=broken.pk)
    finally:
        migrate_to(None)

    broken.refresh_from_db()
    assert (broken.meeting_starts_at, broken.meeting_ends_at) == (None, None)
    assert broken.meeting_location == "Room 4B"
    kept.refresh_from_db()
    assert kept.meeting_starts_at is not None
    client.force_login(superuser)
    for url in (
        reverse("portal:court", kwargs={"slug": court.slug}),
        broken.get_absolute_url(),
        reverse("portal:feed_all", kwargs={"token": superuser.calendar_token}),
    ):
        assert client.get(url).status_code == 200, url
