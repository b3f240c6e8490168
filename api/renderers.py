from django.core.serializers.json import DjangoJSONEncoder
from rest_framework import renderers


class JSONRenderer(renderers.JSONRenderer):
    """Dates and times written as Django's JsonResponse wrote them before the API
    moved onto Django REST framework (times to the millisecond), so that the
    shapes integrations read did not change."""

    encoder_class = DjangoJSONEncoder
