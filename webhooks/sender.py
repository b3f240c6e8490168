"""Sending one delivery: a signed POST through the outbox protocol
(notifications.outbox: claim, attempt, settle).

Any answer but a 2xx, and any network error, is an OSError, which the outbox
treats as worth another try: retried with its back-off (1, 2, 4 minutes) until
MAX_SEND_ATTEMPTS; a delivery that gives up pauses its endpoint (services), so
that the CCPOR Team is told once and the endpoint's later events wait, recorded,
until it is resumed.
"""

import hashlib
import hmac
import urllib.error
import urllib.request

from notifications import outbox

from .models import Delivery
from .services import endpoint_pause

TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-CCPOR-Signature"
DELIVERY_HEADER = "X-CCPOR-Delivery"
EVENT_HEADER = "X-CCPOR-Event"


class ReceiverRefused(OSError):
    """The receiver answered, but not with a 2xx."""


def signature(secret: str, body: bytes) -> str:
    """The X-CCPOR-Signature value: sha256= and the hex HMAC-SHA256 of the raw body
    under the endpoint's secret."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect would turn the POST into a GET or send the body elsewhere: it is
    # an answer other than 2xx, and fails the attempt.
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(delivery: Delivery) -> int:
    """POST the delivery's body to its endpoint; the status code of a 2xx answer,
    else ReceiverRefused (or the network's OSError)."""
    endpoint = delivery.endpoint
    body = delivery.body.encode()
    request = urllib.request.Request(  # noqa: S310 - http(s) only (services)
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "CCPOR-Onboard-Webhooks/1",
            SIGNATURE_HEADER: signature(endpoint.secret, body),
            DELIVERY_HEADER: str(delivery.delivery_id),
            EVENT_HEADER: delivery.event,
        },
    )
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise ReceiverRefused(f"HTTP {exc.code}") from None
    if not 200 <= status < 300:
        raise ReceiverRefused(f"HTTP {status}")
    return status


def send_delivery(delivery_pk: int, *, claim_token: str = "") -> outbox.Delivery:
    """Send one delivery if it is owed and its endpoint is not paused; pause the
    endpoint when this was its last attempt."""
    rows = Delivery.objects.filter(pk=delivery_pk, endpoint__paused_at__isnull=True)
    result = outbox.deliver(
        rows,
        token=claim_token or outbox.new_claim_token(),
        target=f"webhook delivery {delivery_pk}",
        load=lambda claimed: claimed.select_related("endpoint").get(),
        send=post,
    )
    if result.attempt is not None and result.attempt.gave_up:
        delivery = result.loaded
        endpoint_pause(
            endpoint=delivery.endpoint,
            by=None,
            court=delivery.court,
            reason=(
                f"Delivery {delivery.delivery_id} ({delivery.event}) failed "
                f"{outbox.MAX_SEND_ATTEMPTS} times; last: {result.attempt.error}"
            ),
        )
    return result


def send_pending(*, claim_token: str = "") -> list[outbox.Delivery]:
    """The backstop: every open delivery of an endpoint that is not paused, oldest
    first (a task that was lost, a worker that died)."""
    owed = (
        Delivery.objects.open()
        .filter(endpoint__paused_at__isnull=True)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    return [send_delivery(pk, claim_token=claim_token) for pk in owed]
