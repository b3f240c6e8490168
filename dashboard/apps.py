from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The CCPOR Team's cross-court pages: the dashboard, statewide view, overdue
    items, CSV exports and the JSON API."""

    name = "dashboard"
    verbose_name = "CCPOR Team dashboard"

    def ready(self) -> None:
        # Any change to what the portfolio pages show invalidates their cache
        # (dashboard/cache.py). A signal, not a service call, so that admin edits
        # and every service are covered without each remembering to.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from checklists.models import ChecklistItem, Evidence, Onboarding
        from courts.models import Court, Membership
        from golive.models import GoNoGoDecision, SignOff, SignOffRequest

        from .cache import people_changed, portfolio_changed

        # Evidence and the Go-Live records feed the readiness summary; memberships
        # (and people's addresses, below) who can be reminded.
        for model in (
            Court,
            Onboarding,
            ChecklistItem,
            Evidence,
            GoNoGoDecision,
            SignOff,
            SignOffRequest,
            Membership,
        ):
            post_save.connect(
                portfolio_changed, sender=model, dispatch_uid=f"pc-{model}"
            )
            post_delete.connect(
                portfolio_changed, sender=model, dispatch_uid=f"pcd-{model}"
            )
        # Who can be reminded ("No one to remind") depends on people's e-mail
        # address and whether they are active.
        User = get_user_model()
        post_save.connect(people_changed, sender=User, dispatch_uid="pc-user")
        post_delete.connect(portfolio_changed, sender=User, dispatch_uid="pcd-user")
