"""The session engine (settings.SESSION_ENGINE = "accounts.sessions").

Django's database sessions, with the signed-in person's id in its own column, so that
their sessions can be found and ended on the server (a password change ends every
other session of that person). See "Extending database-backed session engines" in
Django's documentation.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(DBStore):
    def get_expire_at_browser_close(self) -> bool:
        # The cookie ends when the browser closes (a shared court workstation), while
        # the row keeps the expiry fixed at sign-in (the 12-hour limit, see
        # accounts.middleware.session_start): Django ties the two together otherwise.
        return True

    @classmethod
    def get_model_class(cls):
        from .models import Session

        return Session

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        try:
            obj.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            obj.user_id = None
        return obj
