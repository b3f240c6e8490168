"""The signed-in person's profile: who they are, their courts, their phone number,
two-factor authentication, and what e-mail they get (the weekly digest and each kind
of notification).

It lives in the web layer because it composes three apps: the person (accounts),
their courts (courts) and their notification choices (notifications).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import ContactDetailsForm, DigestPreferenceForm
from accounts.services import (
    user_set_phone,
    user_set_weekly_digest,
)
from notifications.forms import NotificationPreferencesForm
from notifications.selectors import preferences_for
from notifications.services import notification_preferences_set


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    user = request.user
    data = request.POST if request.method == "POST" else None
    forms = {
        "contact_form": ContactDetailsForm(data, initial={"phone": user.phone}),
        "digest_form": DigestPreferenceForm(
            data, initial={"weekly_digest": user.weekly_digest}
        ),
        "notification_form": NotificationPreferencesForm(
            data, initial=preferences_for(user)
        ),
    }
    if data is not None and all(form.is_valid() for form in forms.values()):
        wanted = forms["digest_form"].cleaned_data["weekly_digest"]
        with transaction.atomic():
            user_set_phone(user=user, phone=forms["contact_form"].cleaned_data["phone"])
            user_set_weekly_digest(user=user, weekly_digest=wanted)
            notification_preferences_set(
                user=user, choices=forms["notification_form"].choices()
            )
        messages.success(
            request,
            "Saved: you will get the weekly digest."
            if wanted
            else "Saved: you will no longer get the weekly digest.",
        )
        return redirect("portal:profile")
    memberships = user.memberships.select_related("court").order_by("court__name")
    return render(request, "portal/profile.html", {**forms, "memberships": memberships})
