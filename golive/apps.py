from django.apps import AppConfig


class GoLiveConfig(AppConfig):
    """The Go-Live phase: the onboarding's lifecycle after its start (live, close-out,
    cancel, reopen), the readiness gate, the go/no-go decision, sign-offs and
    incidents after Go-Live."""

    name = "golive"
    verbose_name = "Go-Live"
