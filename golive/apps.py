from django.apps import AppConfig


class GoLiveConfig(AppConfig):
    """The Go-Live phase: the onboarding's lifecycle after its start (live, close-out,
    cancel, reopen), the readiness gate, the go/no-go decision, sign-offs and
    incidents after Go-Live."""

    name = "golive"
    verbose_name = "Go-Live"

    def ready(self) -> None:
        # Readiness to go live is kept in each onboarding's stored summary, by this
        # app's rule: every refresh (item writes in checklists, and this app's own
        # sign-offs and decisions) computes it in the same transaction.
        from checklists.services import SummaryPart, summary_part_register

        from .selectors import READINESS_FIGURES, readiness_figures

        summary_part_register(
            name="golive.readiness",
            part=SummaryPart(fields=READINESS_FIGURES, compute=readiness_figures),
        )
