"""The CCPOR Team's webhooks page: the endpoints, a form to add one, and pause,
resume and remove; every write through `services`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from courts.access import ccpor_staff_required

from . import selectors, services
from .forms import EndpointActionForm, EndpointForm
from .models import Endpoint


@ccpor_staff_required
@require_http_methods(["GET", "POST"])
def endpoints(request):
    form = EndpointForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                endpoint = services.endpoint_add(by=request.user, **data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Webhook “{endpoint}” added.")
                return redirect("webhooks:endpoints")
        status = 400
    return render(
        request,
        "webhooks/endpoints.html",
        {"form": form, "endpoints": selectors.endpoints_with_counts()},
        status=status,
    )


DONE = {
    "pause": "paused: its events wait until it is resumed",
    "resume": "resumed: what it was owed is sent again",
    "remove": "removed, with its delivery log",
}


@ccpor_staff_required
@require_POST
def endpoint_action(request, pk: int):
    endpoint = get_object_or_404(Endpoint, pk=pk)
    form = EndpointActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose pause, resume or remove.")
        return redirect("webhooks:endpoints")
    action = form.cleaned_data["action"]
    if action == "pause":
        services.endpoint_pause(
            endpoint=endpoint, by=request.user, reason=f"Paused by {request.user}."
        )
    elif action == "resume":
        services.endpoint_resume(endpoint=endpoint, by=request.user)
    else:
        services.endpoint_remove(endpoint=endpoint, by=request.user)
    messages.success(request, f"Webhook “{endpoint}” {DONE[action]}.")
    return redirect("webhooks:endpoints")
