"""E-mail built from templates: templates/emails/<name>_subject.txt, _body.txt and
_body.html. Domain-free: every app that mails people builds its messages here."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def team_addresses() -> list[str]:
    """The CCPOR Team's shared mailbox (CCPOR_TEAM_EMAIL), if one is configured."""
    return [settings.CCPOR_TEAM_EMAIL] if settings.CCPOR_TEAM_EMAIL else []


def templated_message(
    template: str, context: dict, *, to: list[str], cc: list[str] | None = None
) -> EmailMultiAlternatives:
    """A text + HTML message from templates/emails/<template>_{subject,body}.*;
    replies go to the CCPOR Team's mailbox."""
    subject = " ".join(
        render_to_string(f"emails/{template}_subject.txt", context).split()
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{template}_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        cc=cc or [],
        reply_to=team_addresses() or None,
    )
    message.attach_alternative(
        render_to_string(f"emails/{template}_body.html", context), "text/html"
    )
    return message
