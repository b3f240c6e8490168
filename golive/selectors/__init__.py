"""Reads of the Go-Live phase, one module per concern; everything is importable from
`golive.selectors`:
- `readiness`: readiness to go live and to close out, and the dashboard's panel;
- `lifecycle`: an onboarding's lifecycle history and its sign-off sections;
- `incidents`: the incident registers and the court page's Go-Live panel;
- `attention`: what waits on the CCPOR Team (serious incidents, its sign-offs and
  decisions), for the top of the dashboard.
"""

from .attention import (
    Waiting,
    decisions_waiting_on_team,
    incidents_awaiting,
    incidents_needing_attention,
    sign_offs_asked_of,
    sign_offs_waiting_on_team,
    team_turn,
)
from .incidents import (
    CourtPanel,
    court_incidents,
    court_panel,
    incident_events,
    incidents_across_courts,
)
from .lifecycle import (
    HistoryLine,
    SignOffSection,
    holders_by_role,
    lifecycle_history,
    role_holders,
    sign_off_sections,
)
from .readiness import (
    READINESS_WINDOW_DAYS,
    ReadinessLine,
    close_readiness_for,
    in_readiness_window,
    in_readiness_window_q,
    latest_decisions,
    live_readiness_for,
    readiness_for,
    readiness_soonest,
    readiness_window_last,
)

__all__ = [
    "Waiting",
    "decisions_waiting_on_team",
    "incidents_awaiting",
    "incidents_needing_attention",
    "sign_offs_asked_of",
    "sign_offs_waiting_on_team",
    "team_turn",
    "READINESS_WINDOW_DAYS",
    "CourtPanel",
    "HistoryLine",
    "ReadinessLine",
    "SignOffSection",
    "close_readiness_for",
    "court_incidents",
    "court_panel",
    "holders_by_role",
    "in_readiness_window",
    "in_readiness_window_q",
    "incident_events",
    "incidents_across_courts",
    "latest_decisions",
    "lifecycle_history",
    "live_readiness_for",
    "readiness_for",
    "readiness_soonest",
    "readiness_window_last",
    "role_holders",
    "sign_off_sections",
]
