"""Writes to onboardings and their checklists. Every write goes through here (what
people add around an item, evidence, comments, documents and meetings, is
`collaboration.services`).

One module per concern; everything is importable from `checklists.services`:
- `onboardings`: start, reschedule (move Go-Live); the rest of the lifecycle (live,
  close, cancel, reopen) is `golive.services`;
- `guards`: the read-only rule of closed and cancelled onboardings, for every write;
- `items`: an item's status and details, verification, reopening, bulk changes;
- `notices`: what the changes above tell people (through `notifications`);
- `processing_model`: who enters CARPOS / whether the SO participates, and the
  checklist that follows from it (a recorded re-plan);
- `replans`: bringing a template's changes to a running onboarding (a recorded
  re-plan, the only way its gates, evidence and items change);
- `summaries`: the stored per-onboarding summary of the items (the one stored read
  model), refreshed by every write above in its own transaction.
"""

from .guards import onboarding_ensure_writable
from .items import (
    StaleEditError,
    ensure_plan_unchanged,
    item_add,
    item_check_version,
    item_reopen,
    item_set_owner,
    item_set_status,
    item_update_details,
    item_verify,
    items_bulk_set_status,
)
from .onboardings import (
    checklist_dependencies,
    checklist_item_from_template,
    checklist_items_from_template,
    default_template,
    go_live_window_problems,
    go_live_window_refuse,
    onboarding_check_version,
    onboarding_reschedule,
    onboarding_reschedule_validate,
    onboarding_start,
    onboarding_start_validate,
)
from .processing_model import PROCESSING_MODEL_NA, onboarding_set_processing_model
from .replans import PlanChange, ReplanPreview, onboarding_replan, replan_preview
from .summaries import onboarding_summaries_refresh
from .templates import template_new_version

__all__ = [
    "PROCESSING_MODEL_NA",
    "PlanChange",
    "ReplanPreview",
    "StaleEditError",
    "checklist_dependencies",
    "checklist_item_from_template",
    "checklist_items_from_template",
    "default_template",
    "go_live_window_problems",
    "go_live_window_refuse",
    "ensure_plan_unchanged",
    "item_add",
    "item_check_version",
    "item_reopen",
    "item_set_owner",
    "item_set_status",
    "item_update_details",
    "item_verify",
    "items_bulk_set_status",
    "onboarding_check_version",
    "onboarding_ensure_writable",
    "onboarding_replan",
    "onboarding_reschedule",
    "onboarding_reschedule_validate",
    "onboarding_set_processing_model",
    "onboarding_start",
    "onboarding_start_validate",
    "onboarding_summaries_refresh",
    "replan_preview",
    "template_new_version",
]
