"""The API's rate limits, counted by ccpor_onboard.lib.rate_limit like every other
limit of the site (settings.RATE_LIMITS "api", and "api_write" for writes): per
person, or per client address before sign-in."""

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import BaseThrottle

from ccpor_onboard.lib.client_ip import client_ip
from ccpor_onboard.lib.rate_limit import rate_limit_hit


class PersonRateLimit(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        user = request.user
        key = (
            f"user:{user.pk}"
            if user and user.is_authenticated
            else f"ip:{client_ip(request._request)}"
        )
        self.refusal = rate_limit_hit("api", key)
        if self.refusal is None and request.method not in SAFE_METHODS:
            self.refusal = rate_limit_hit("api_write", key)
        return self.refusal is None

    def wait(self) -> float | None:
        return self.refusal.retry_after if self.refusal else None
