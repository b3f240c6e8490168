"""Webhook endpoints without the browser:

python manage.py webhooks add --url URL --secret SECRET --events EVENT[,EVENT…]
    [--name NAME] [--format json|teams] [--court SLUG]      (or --events all)
python manage.py webhooks list
python manage.py webhooks remove ID
python manage.py webhooks resume ID
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from courts.models import Court
from webhooks import services
from webhooks.models import Endpoint


class Command(BaseCommand):
    help = "Add, list, remove or resume webhook endpoints."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Register an endpoint.")
        add.add_argument("--url", required=True)
        add.add_argument("--secret", required=True)
        add.add_argument("--events", required=True, help="all, or EVENT[,EVENT…]")
        add.add_argument("--name", default="")
        add.add_argument(
            "--format", default=Endpoint.Format.JSON, choices=Endpoint.Format.values
        )
        add.add_argument("--court", default="", help="a court's slug: its events only")
        sub.add_parser("list", help="List the endpoints.")
        for name in ("remove", "resume"):
            action = sub.add_parser(name, help=f"{name.title()} an endpoint.")
            action.add_argument("id", type=int)

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

    def _add(self, *, url, secret, events, name, format, court, **options):
        court_obj = None
        if court:
            court_obj = Court.objects.filter(slug=court).first()
            if court_obj is None:
                raise CommandError(f"No court with the slug {court!r}.")
        endpoint = services.endpoint_add(
            name=name,
            url=url,
            secret=secret,
            events=events,
            format=format,
            court=court_obj,
            by=None,
        )
        self.stdout.write(f"Added webhook {endpoint.pk}: {endpoint.url}")

    def _list(self, **options):
        for e in Endpoint.objects.select_related("court"):
            state = f"paused ({e.paused_reason})" if e.is_paused else "active"
            self.stdout.write(
                f"{e.pk}\t{e.name}\t{e.url}\t{e.format}\t"
                f"{e.court.slug if e.court else 'all courts'}\t"
                f"{','.join(e.events)}\t{state}"
            )

    def _endpoint(self, pk: int) -> Endpoint:
        endpoint = Endpoint.objects.filter(pk=pk).first()
        if endpoint is None:
            raise CommandError(f"No webhook {pk}.")
        return endpoint

    def _remove(self, *, id, **options):
        services.endpoint_remove(endpoint=self._endpoint(id), by=None)
        self.stdout.write(f"Removed webhook {id}.")

    def _resume(self, *, id, **options):
        owed = services.endpoint_resume(endpoint=self._endpoint(id), by=None)
        self.stdout.write(f"Resumed webhook {id}; {owed} deliveries owed again.")
