"""Start the test OpenID Connect provider: migrate its SQLite file, register the
product as a client and the provider's people, then serve on 127.0.0.1 (a free
port, printed as "READY <port>") with a threaded WSGI server until killed.

The people (user name / e-mail, see urls.ClaimsValidator): "known" with a verified
address, "stranger" whose address is no account, "entra" whose address is not
verified but whose user name is the address of an account."""

import os
import socketserver
import sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

from tests.oidc_provider import PASSWORD  # noqa: E402


class ThreadedServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):  # the test's output stays readable
        pass


def main(client_id: str, client_secret: str, redirect_uri: str, logout_uri: str):
    call_command("migrate", verbosity=0, interactive=False)
    Application.objects.create(
        name="CCPOR Onboard",
        client_id=client_id,
        client_secret=client_secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        post_logout_redirect_uris=logout_uri,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    people = {
        "known": ("known.person@court.example", "", ""),
        "mfa": ("mfa.person@court.example", "", "mfa"),
        "stranger": ("stranger@elsewhere.example", "", ""),
        "entra.person@court.example": ("", "unverified", ""),
    }
    for username, (email, first, last) in people.items():
        User.objects.create_user(
            username, email=email, password=PASSWORD, first_name=first, last_name=last
        )
    server = make_server(
        "127.0.0.1",
        0,
        get_wsgi_application(),
        server_class=ThreadedServer,
        handler_class=QuietHandler,
    )
    print(f"READY {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:5])
