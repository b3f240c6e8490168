"""What checklists announces to the apps above it, inside the transaction of the
change, so that they can react without this app calling up (import-linter's floors).

- `item_reopened(item, by, reason)`: a finished item was reopened with a reason
  (collaboration records the reason in the item's thread).
- `items_changed(onboarding_ids)`: items of these onboardings were added, changed or
  removed, or their dates moved (sent by the summary refresh that every such write
  makes; planning forecasts them again after commit).
"""

from django.dispatch import Signal

item_reopened = Signal()
items_changed = Signal()
item_status_changed = Signal()
go_live_moved = Signal()
