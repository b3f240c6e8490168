"""One-click answers from a mail: signed, single-use, expiring links ("Mark done",
"I'm blocked", "Add a note") for one person and one item.

A link is `django.core.signing` over (person, item, action, a digest of the
address the mail went to, a random nonce), so that it cannot be made up or moved
to another item or person, and stops working after settings.
EMAIL_ANSWER_LINK_DAYS; `AnswerLinkUse` keeps the digest of each link used, so that
it works once. Opening a link never acts: it shows a confirmation page
(portal.views.email_answers), whose POST acts through the item's services, as the
item page does.

The mail builders (reminders, notifications) give links only to court and sheriff's
office people for items they may update; CCPOR staff and admin users never get
them (they act through the site and its second factor). Whoever holds a link acts
as its person only: the page checks it all again when the link is used.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import AnswerLinkUse

SALT = "notifications.answer_links"
ACTIONS = {
    "done": "Mark done",
    "blocked": "I'm blocked",
    "note": "Add a note",
}


class LinkUnusable(Exception):
    """The link cannot be used (any more); the message says why."""


@dataclass(frozen=True)
class AnswerLink:
    user_id: int
    item_id: int
    action: str
    address_digest: str
    token: str

    def is_for_address(self, email: str) -> bool:
        return constant_time_compare(self.address_digest, _address_digest(email))


def _address_digest(email: str) -> str:
    return salted_hmac(SALT, (email or "").lower()).hexdigest()[:16]


def _max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.EMAIL_ANSWER_LINK_DAYS)


def answer_token(*, user, item_id: int, action: str) -> str:
    """A signed link token for `user` to answer `action` on the item."""
    if action not in ACTIONS:
        raise ValueError(action)
    return signing.dumps(
        {
            "u": user.pk,
            "i": item_id,
            "a": action,
            "m": _address_digest(user.email),
            "n": secrets.token_urlsafe(8),
        },
        salt=SALT,
        compress=True,
    )


def answer_urls(*, user, item_id: int) -> dict[str, str]:
    """The absolute URLs of the three answers for `user` on the item, keyed by
    action (the mail shows them with ACTIONS' labels)."""
    return {
        action: settings.SITE_URL
        + reverse(
            "portal:email_answer",
            kwargs={"token": answer_token(user=user, item_id=item_id, action=action)},
        )
        for action in ACTIONS
    }


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def answer_link_read(token: str) -> AnswerLink:
    """The link's content, if it is genuine, not expired and not used yet;
    LinkUnusable saying which otherwise."""
    try:
        data = signing.loads(token, salt=SALT, max_age=_max_age())
        link = AnswerLink(
            user_id=int(data["u"]),
            item_id=int(data["i"]),
            action=str(data["a"]),
            address_digest=str(data["m"]),
            token=token,
        )
    except signing.SignatureExpired as exc:
        raise LinkUnusable(
            "This link from your e-mail has expired: sign in to answer."
        ) from exc
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise LinkUnusable(
            "This link is not one the site sent, or was cut short: sign in to answer."
        ) from exc
    if link.action not in ACTIONS:
        raise LinkUnusable("This link does not say what to do: sign in to answer.")
    if AnswerLinkUse.objects.filter(digest=_digest(token)).exists():
        raise LinkUnusable(_USED)
    return link


_USED = "This link from your e-mail has already been used: sign in to answer again."


def answer_link_use(*, link: AnswerLink) -> None:
    """Record the link as used (call inside the transaction that acts on it, so
    that a refused action leaves it usable); LinkUnusable if it was used already,
    also by a request racing this one. Used links older than the links' life are
    deleted meanwhile (they could not be used anyway)."""
    try:
        with transaction.atomic():
            AnswerLinkUse.objects.create(
                digest=_digest(link.token), user_id=link.user_id
            )
    except IntegrityError as exc:
        raise LinkUnusable(_USED) from exc
    AnswerLinkUse.objects.filter(used_at__lt=timezone.now() - _max_age()).delete()
