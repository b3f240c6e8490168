"""The shapes of the API for its OpenAPI schema (what each endpoint returns is
built in `shapes`; the tests check every response against the schema), and the
input of the writes (validated here for form, then by the services for meaning).
"""

from rest_framework import serializers as s

from checklists.models import Actor, ChecklistItem
from checklists.models import Onboarding as OnboardingModel
from golive.models import FollowUp
from golive.models import Incident as IncidentModel

D = {"allow_null": True}


class Error(s.Serializer):
    error = s.CharField(help_text="A code: not_authenticated, invalid_token, ...")
    detail = s.CharField(help_text="A sentence for a person.")
    fields = s.DictField(
        child=s.ListField(child=s.CharField()),
        required=False,
        help_text="For invalid input: the messages of each field.",
    )


class ByActor(s.Serializer):
    ccpor = s.IntegerField()
    court = s.IntegerField()
    so = s.IntegerField()
    doj = s.IntegerField()


class Court(s.Serializer):
    name = s.CharField()
    slug = s.SlugField()
    type = s.CharField()
    district = s.IntegerField(allow_null=True)
    county = s.CharField(allow_blank=True)
    page = s.URLField()


class NamedSlug(s.Serializer):
    name = s.CharField()
    slug = s.SlugField()


class Progress(s.Serializer):
    finished = s.IntegerField()
    total = s.IntegerField()
    percent = s.IntegerField()


class PhaseProgress(NamedSlug, Progress):
    pass


class Mark(s.Serializer):
    name = s.CharField()
    date = s.DateField()
    days_to = s.IntegerField()


class OnboardingForecast(s.Serializer):
    as_of = s.DateField()
    target_go_live = s.DateField()
    p50 = s.DateField(**D)
    p85 = s.DateField(**D)
    slipping = s.BooleanField()


class RosterCount(s.Serializer):
    ready = s.IntegerField()
    total = s.IntegerField()
    expired = s.IntegerField()
    judged_on = s.DateField()


class Onboarding(s.Serializer):
    url = s.URLField()
    court = Court()
    status = s.ChoiceField(choices=OnboardingModel.Status.choices)
    go_live_date = s.DateField()
    baseline_go_live = s.DateField()
    slip_days = s.IntegerField()
    go_live_move_count = s.IntegerField()
    went_live_on = s.DateField(**D)
    days_to_go_live = s.IntegerField(**D)
    phase = NamedSlug(**D)
    progress = Progress()
    phases = PhaseProgress(many=True)
    health = s.CharField(**D)
    health_label = s.CharField(**D)
    marks = Mark(many=True)
    next_mark = Mark(**D)
    overdue_count = s.IntegerField()
    blocked_count = s.IntegerField()
    open_items_by_actor = ByActor()
    overdue_items_by_actor = ByActor()
    forecast = OnboardingForecast(**D)
    roster = RosterCount()


class OnboardingPage(s.Serializer):
    count = s.IntegerField()
    page = s.IntegerField()
    pages = s.IntegerField()
    page_size = s.IntegerField()
    next = s.URLField(**D)
    previous = s.URLField(**D)
    today = s.DateField()
    results = Onboarding(many=True)


class Person(s.Serializer):
    name = s.CharField()
    email = s.CharField()


class OpenItem(s.Serializer):
    order = s.IntegerField()
    title = s.CharField()
    phase = s.SlugField()
    actor = s.ChoiceField(choices=Actor.choices)
    kind = s.CharField()
    status = s.ChoiceField(choices=ChecklistItem.Status.choices)
    due_date = s.DateField()
    overdue = s.BooleanField()
    days_overdue = s.IntegerField()
    owner = Person(**D)


class GoLiveMove(s.Serializer):
    to = s.DateField()
    days = s.IntegerField()
    reason = s.CharField()
    by = s.CharField(**D)
    at = s.DateTimeField()


# "from" is a Python keyword: declared by name.
GoLiveMove._declared_fields["from"] = s.DateField()


class OnboardingDetail(Onboarding):
    go_live_moves = GoLiveMove(many=True)
    today = s.DateField()
    open_items = OpenItem(many=True)


class CourtForecast(s.Serializer):
    slug = s.SlugField()
    target_go_live = s.DateField(**D)
    forecast_p50 = s.DateField(**D)
    forecast_p85 = s.DateField(**D)
    slipping = s.BooleanField(**D)
    as_of = s.DateField(**D)


class StatewideForecast(s.Serializer):
    all_live_p50 = s.DateField(**D)
    all_live_p85 = s.DateField(**D)
    as_of = s.DateField(**D)


class Forecast(s.Serializer):
    courts = CourtForecast(many=True)
    statewide = StatewideForecast()


class RosterPerson(s.Serializer):
    name = s.CharField()
    organisation = s.CharField()
    ccpor_role = s.CharField()
    clets_level = s.CharField()
    clets_expires = s.DateField(**D)
    cjis_expires = s.DateField(**D)
    trained = s.BooleanField()
    ready = s.BooleanField()


class Roster(s.Serializer):
    people = RosterPerson(many=True)
    ready = s.IntegerField()
    total = s.IntegerField()


class CapacityWeek(s.Serializer):
    week_start = s.DateField()
    role = s.CharField()
    load_hours = s.FloatField()
    capacity_hours = s.FloatField()


class Capacity(s.Serializer):
    weeks = CapacityWeek(many=True)


# --- Writes -----------------------------------------------------------------------
class Item(s.Serializer):
    id = s.IntegerField()
    court = s.SlugField()
    order = s.IntegerField()
    title = s.CharField()
    phase = s.SlugField()
    actor = s.ChoiceField(choices=Actor.choices)
    kind = s.CharField()
    status = s.ChoiceField(choices=ChecklistItem.Status.choices)
    note = s.CharField(allow_blank=True)
    blocked_reason = s.CharField(allow_blank=True)
    na_justification = s.CharField(allow_blank=True)
    due_date = s.DateField()
    evidence_required = s.BooleanField()
    version = s.IntegerField(help_text="Send it back as expected_version.")
    page = s.URLField()


class ItemStatusIn(s.Serializer):
    status = s.ChoiceField(choices=ChecklistItem.Status.choices)
    note = s.CharField(
        required=False, allow_blank=True, help_text="Replaces the item's note."
    )
    reason = s.CharField(
        required=False,
        allow_blank=True,
        help_text="What blocks it (blocked), or the justification (not_applicable).",
    )
    expected_version = s.IntegerField(
        required=False,
        min_value=0,
        help_text="The item's version you read; a 409 if it changed since. Without "
        "it, the change applies to the item as it is.",
    )


class CommentIn(s.Serializer):
    body = s.CharField(help_text="@username mentions notify as on the page.")


class Comment(s.Serializer):
    id = s.IntegerField()
    body = s.CharField()
    author = s.CharField(**D)
    created_at = s.DateTimeField()


class IncidentIn(s.Serializer):
    title = s.CharField()
    description = s.CharField()
    severity = s.ChoiceField(choices=IncidentModel.Severity.choices)
    category = s.ChoiceField(
        choices=IncidentModel.Category.choices, default=IncidentModel.Category.OTHER
    )


class IncidentUpdateIn(s.Serializer):
    """The CCPOR Team's response; what is left out stays as it is."""

    status = s.ChoiceField(choices=IncidentModel.Status.choices, required=False)
    severity = s.ChoiceField(choices=IncidentModel.Severity.choices, required=False)
    owner = s.CharField(
        required=False,
        allow_null=True,
        help_text="A CCPOR staff member's username; null for nobody.",
    )
    note = s.CharField(required=False, allow_blank=True)
    resolution = s.CharField(required=False, allow_blank=True)


class IncidentFollowUpIn(s.Serializer):
    """The reporter's follow-up: add information, confirm the fix, or reopen."""

    action = s.ChoiceField(choices=FollowUp.choices)
    note = s.CharField(required=False, allow_blank=True)


class Incident(s.Serializer):
    id = s.IntegerField()
    court = s.SlugField()
    title = s.CharField()
    description = s.CharField()
    severity = s.ChoiceField(choices=IncidentModel.Severity.choices)
    category = s.ChoiceField(choices=IncidentModel.Category.choices)
    status = s.ChoiceField(choices=IncidentModel.Status.choices)
    owner = s.CharField(**D)
    reported_by = s.CharField(**D)
    reported_at = s.DateTimeField()
    respond_by = s.DateTimeField()
    resolution = s.CharField(allow_blank=True)
    page = s.URLField()
