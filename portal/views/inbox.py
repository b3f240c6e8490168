"""The in-app list of what the product told a person (notifications.selectors
.inbox_for), beside the e-mails: read and unread, each leading where it was about."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from notifications.inbox import notification_open, notifications_mark_read
from notifications.models import Notification
from notifications.selectors import inbox_for

PAGE_SIZE = 50


@login_required
@require_GET
def inbox(request):
    try:
        number = max(int(request.GET.get("page", 1)), 1)
    except (TypeError, ValueError):
        number = 1
    page = Paginator(inbox_for(request.user), PAGE_SIZE).get_page(number)
    return render(
        request,
        "portal/inbox.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_ends=1),
        },
    )


@login_required
@require_POST
def inbox_open(request, pk: int):
    """Mark one notification read and go where it leads (on this site only)."""
    try:
        row = notification_open(user=request.user, pk=pk)
    except Notification.DoesNotExist as exc:
        raise Http404("No such notification.") from exc
    site = urlsplit(settings.SITE_URL).netloc
    if url_has_allowed_host_and_scheme(
        row.url, allowed_hosts={request.get_host(), site}
    ):
        return redirect(row.url)
    return redirect("portal:inbox")


@login_required
@require_POST
def inbox_mark_read(request):
    count = notifications_mark_read(user=request.user)
    plural = "s" if count != 1 else ""
    messages.success(request, f"{count} notification{plural} marked read.")
    return redirect("portal:inbox")
