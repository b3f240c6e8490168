"""Reads of onboardings and checklists, one module per page or concern, everything
importable from `checklists.selectors`:
- `status`: progress, phase, overdue, next mark and health of a list of onboardings;
- `court_page`: the court page's current onboarding, items, sections and next actions;
- `history`: an item's recorded changes and dependencies, and the calendars' meetings;
- `baseline`: the Go-Live first planned, its moves and the slip.
What people add around items (evidence, comments, documents, the activity feed) is
read by `collaboration.selectors`.
"""

from .baseline import (
    Baseline,
    first_planned_go_live,
    go_live_baseline,
    go_live_baselines,
)
from .court_page import (
    PhaseSection,
    checklist_sections,
    court_current_onboarding,
    court_item_row,
    court_page_items,
    next_actions,
)
from .history import (
    GO_LIVE_MOVED_REASON,
    TRACKED,
    Change,
    HistoryEntry,
    calendar_meetings,
    change_of,
    item_dependencies,
    item_history,
)
from .status import (
    OnboardingStatus,
    PercentSQL,
    Progress,
    calendar_onboardings,
    courts_with_current_onboarding,
    group_by_actor,
    onboarding_with_status_from_items,
    onboardings_with_status,
    open_items_by_actor,
    overdue_items,
    phases,
)

__all__ = [
    "Baseline",
    "first_planned_go_live",
    "go_live_baseline",
    "go_live_baselines",
    "GO_LIVE_MOVED_REASON",
    "TRACKED",
    "Change",
    "HistoryEntry",
    "OnboardingStatus",
    "PercentSQL",
    "PhaseSection",
    "Progress",
    "calendar_meetings",
    "calendar_onboardings",
    "change_of",
    "checklist_sections",
    "court_current_onboarding",
    "court_item_row",
    "court_page_items",
    "courts_with_current_onboarding",
    "group_by_actor",
    "item_dependencies",
    "item_history",
    "next_actions",
    "onboarding_with_status_from_items",
    "onboardings_with_status",
    "open_items_by_actor",
    "overdue_items",
    "phases",
]
