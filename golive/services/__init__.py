"""Writes of the Go-Live phase, one module per concern; everything is importable
from `golive.services`:
- `lifecycle`: live, undo, close, cancel, reopen (guarded, atomic, recorded);
- `decisions`: the go/no-go decision and the sign-offs;
- `incidents`: incidents after Go-Live and their mail.
"""

from .decisions import go_no_go_record, sign_off_ask, sign_off_give, sign_off_revoke
from .incidents import (
    INCIDENT_MOVES,
    incident_follow_up,
    incident_report,
    incident_update,
)
from .lifecycle import (
    STATEMENT_MAX,
    TransitionRefused,
    onboarding_cancel,
    onboarding_close,
    onboarding_gate_refusal,
    onboarding_mark_live,
    onboarding_reopen,
    onboarding_undo_live,
)

__all__ = [
    "INCIDENT_MOVES",
    "STATEMENT_MAX",
    "TransitionRefused",
    "go_no_go_record",
    "incident_follow_up",
    "incident_report",
    "incident_update",
    "onboarding_cancel",
    "onboarding_close",
    "onboarding_gate_refusal",
    "onboarding_mark_live",
    "onboarding_reopen",
    "onboarding_undo_live",
    "sign_off_ask",
    "sign_off_give",
    "sign_off_revoke",
]
