"""GET /api/onboardings/<court-slug>/roster/: a court's present roster people and
their readiness on the day it is judged (the Go-Live date while it is ahead, else
today). Unlike the portfolio reads, for the court's own members as well as CCPOR
staff; another court, or one that does not exist, is a 404."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from ccpor_onboard.lib.dates import today_in_california
from checklists.selectors import court_current_onboarding
from courts.access import court_for_user
from roster.selectors import readiness_day, roster_readiness

from .. import serializers
from ..permissions import Scoped
from .base import ReadView

ERRORS = {code: serializers.Error for code in (401, 403, 404, 429)}


def _iso(day):
    return day.isoformat() if day else None


class Roster(ReadView):
    permission_classes = [Scoped]

    @extend_schema(
        operation_id="roster",
        summary="A court's roster and who is ready (staff and the court's members)",
        responses={200: serializers.Roster, **ERRORS},
    )
    def get(self, request, slug: str):
        """Three queries, however many people."""
        court = court_for_user(request.user, slug)
        onboarding = court_current_onboarding(court)
        day = readiness_day(
            onboarding.go_live_date if onboarding else None, today_in_california()
        )
        roster = roster_readiness(court.pk, on=day)
        return Response(
            {
                "people": [
                    {
                        "name": row.person.name,
                        "organisation": row.person.organisation,
                        "ccpor_role": row.person.ccpor_role,
                        "clets_level": row.person.clets_level,
                        "clets_expires": _iso(row.person.clets_expires_on),
                        "cjis_expires": _iso(row.person.cjis_expires_on),
                        "trained": row.verdict.trained,
                        "ready": row.ready,
                    }
                    for row in roster.rows
                ],
                "ready": roster.ready,
                "total": roster.total,
            }
        )
