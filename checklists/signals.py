"""What checklists announces to the apps above it, inside the transaction of the
change, so that they can react without this app calling up (import-linter's floors).

- `item_reopened(item, by, reason)`: a finished item was reopened with a reason
  (collaboration records the reason in the item's thread).
- `items_changed(onboarding_ids)`: items of these onboardings were added, changed or
  removed, or their dates moved (sent by the summary refresh that every such write
  makes; planning forecasts them again after commit).
- `go_live_window(onboarding, template, court_enters_carpos, so_participates,
  go_live_date, today)`: asked before an onboarding starts (`onboarding` None) or
  its Go-Live moves, by the start and reschedule services when their caller takes
  part in the check (`capacity_reason` given); a receiver answers with a problem
  (`.fits` False, `.message` in words) or None. planning answers with the CCPOR
  Team's capacity (`planning.capacity.window_check`).
- `go_live_window_kept(onboarding, kind, problems, reason, by)`: a start or move
  kept a date despite those problems, with the staff's reason, inside its
  transaction (planning records it).
"""

from django.dispatch import Signal

item_reopened = Signal()
items_changed = Signal()
item_status_changed = Signal()
go_live_moved = Signal()
go_live_window = Signal()
go_live_window_kept = Signal()
