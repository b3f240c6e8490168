from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .forms import DigestPreferenceForm
from .services import user_set_weekly_digest


@login_required
def profile(request):
    """The signed-in person's profile: who they are, their courts, and the weekly
    digest opt-out."""
    user = request.user
    if request.method == "POST":
        form = DigestPreferenceForm(request.POST)
        if form.is_valid():
            wanted = form.cleaned_data["weekly_digest"]
            user_set_weekly_digest(user=user, weekly_digest=wanted)
            messages.success(
                request,
                "Saved: you will get the weekly digest."
                if wanted
                else "Saved: you will no longer get the weekly digest.",
            )
            return redirect("accounts:profile")
    else:
        form = DigestPreferenceForm(initial={"weekly_digest": user.weekly_digest})
    memberships = user.memberships.select_related("court").order_by("court__name")
    return render(
        request, "accounts/profile.html", {"form": form, "memberships": memberships}
    )
