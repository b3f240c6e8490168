"""What integrations write, each through the same access rules and services as the
page that does it (the same refusals, audit trail and notifications):

    GET  /api/courts/<slug>/items/<pk>/                    an item (its version)
    POST /api/courts/<slug>/items/<pk>/status/             status and note
    POST /api/courts/<slug>/items/<pk>/comments/           a comment
    POST /api/courts/<slug>/incidents/                     report an incident
    POST /api/courts/<slug>/incidents/<pk>/updates/        the CCPOR Team's response
    POST /api/courts/<slug>/incidents/<pk>/follow-ups/     the reporter's follow-up

Another court's item or incident, or a court the person may not see, is a 404; a
"no" of the access rules is a 403 with the page's words; a service's refusal a
400 (409 for a stale `expected_version`).
"""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from ccpor_onboard.lib.client_ip import client_ip
from ccpor_onboard.lib.rate_limit import rate_limit_hit
from checklists import access as item_access
from checklists import services as checklists_services
from collaboration import services as collaboration_services
from courts.access import court_for_user, require
from golive import access as golive_access
from golive import services as golive_services

from .. import serializers, shapes
from ..errors import ApiError
from ..permissions import Scoped
from .base import ReadView, WriteView

ERRORS = {code: serializers.Error for code in (400, 401, 403, 404, 409, 429)}


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ItemDetail(ReadView):
    permission_classes = [Scoped]

    @extend_schema(
        operation_id="items_detail",
        summary="An item of a court (as its page shows it)",
        responses={200: serializers.Item, **ERRORS},
    )
    def get(self, request, slug: str, pk: int):
        item = item_access.item_for_user(request.user, slug, pk)
        return Response(shapes.item_json(request, item))


class ItemStatus(WriteView):
    permission_classes = [Scoped]

    @extend_schema(
        operation_id="items_status",
        summary="Change an item's status (and note)",
        request=serializers.ItemStatusIn,
        responses={200: serializers.Item, **ERRORS},
    )
    def post(self, request, slug: str, pk: int):
        user = request.user
        item = item_access.item_for_user(user, slug, pk)
        require(
            item_access.can_update_item(user, item),
            item_access.update_refusal(user, item),
        )
        data = _valid(serializers.ItemStatusIn, request)
        updated = checklists_services.item_set_status(
            item=item,
            status=data["status"],
            by=user,
            expected_version=data.get("expected_version", item.version),
            note=data.get("note", ""),
            reason=data.get("reason", ""),
        )
        updated.onboarding.court = item.onboarding.court
        return Response(shapes.item_json(request, updated))


class ItemComments(WriteView):
    permission_classes = [Scoped]

    @extend_schema(
        operation_id="items_comment",
        summary="Comment on an item",
        request=serializers.CommentIn,
        responses={201: serializers.Comment, **ERRORS},
    )
    def post(self, request, slug: str, pk: int):
        user = request.user
        item = item_access.item_for_user(user, slug, pk)
        require(
            item_access.can_comment(user, item),
            "Only this court's members can comment.",
        )
        data = _valid(serializers.CommentIn, request)
        comment = collaboration_services.comment_add(
            item=item, body=data["body"], by=user
        )
        return Response(shapes.comment_json(comment), status=201)


class IncidentReport(WriteView):
    permission_classes = [Scoped]

    @extend_schema(
        operation_id="incidents_report",
        summary="Report an incident on a live court",
        request=serializers.IncidentIn,
        responses={201: serializers.Incident, **ERRORS},
    )
    def post(self, request, slug: str):
        user = request.user
        court = court_for_user(user, slug)
        onboarding = golive_access.onboarding_of(court)
        require(
            golive_access.can_report_incident(user, onboarding),
            golive_access.report_refusal(user, onboarding),
        )
        data = _valid(serializers.IncidentIn, request)
        # The page's own limit: each report mails the court's lead.
        refused = rate_limit_hit(
            "incident_report", f"user:{user.pk}", f"ip:{client_ip(request._request)}"
        )
        if refused:
            raise ApiError(429, "throttled", refused.message)
        incident = golive_services.incident_report(
            onboarding=onboarding, by=user, **data
        )
        return Response(shapes.incident_json(request, incident), status=201)


def _incident(request, slug: str, pk: int):
    court = court_for_user(request.user, slug)
    return golive_access.incident_for(court, pk)


def _owner(incident, data: dict):
    if "owner" not in data:
        return incident.owner
    username = data["owner"]
    if not username:
        return None
    owner = get_user_model().objects.filter(username=username, is_active=True).first()
    if owner is None:
        raise ApiError(400, "invalid", f"No active person has the username {username}.")
    return owner


class IncidentUpdate(WriteView):
    permission_classes = [Scoped]

    @extend_schema(
        operation_id="incidents_update",
        summary="The CCPOR Team's response to an incident",
        request=serializers.IncidentUpdateIn,
        responses={200: serializers.Incident, **ERRORS},
    )
    def post(self, request, slug: str, pk: int):
        user = request.user
        incident = _incident(request, slug, pk)
        require(
            golive_access.can_update_incident(user, incident),
            golive_access.update_refusal(user, incident),
        )
        data = _valid(serializers.IncidentUpdateIn, request)
        updated = golive_services.incident_update(
            incident=incident,
            by=user,
            status=data.get("status", incident.status),
            owner=_owner(incident, data),
            severity=data.get("severity", incident.severity),
            note=data.get("note", ""),
            resolution=data.get("resolution", ""),
        )
        updated.onboarding = incident.onboarding
        return Response(shapes.incident_json(request, updated))


class IncidentFollowUp(WriteView):
    permission_classes = [Scoped]

    @extend_schema(
        operation_id="incidents_follow_up",
        summary="The reporter adds information, confirms the fix or reopens it",
        request=serializers.IncidentFollowUpIn,
        responses={200: serializers.Incident, **ERRORS},
    )
    def post(self, request, slug: str, pk: int):
        user = request.user
        incident = _incident(request, slug, pk)
        require(
            golive_access.can_follow_up_incident(user, incident),
            golive_access.follow_up_refusal(user, incident),
        )
        data = _valid(serializers.IncidentFollowUpIn, request)
        updated = golive_services.incident_follow_up(
            incident=incident, by=user, action=data["action"], note=data.get("note", "")
        )
        return Response(shapes.incident_json(request, updated))
