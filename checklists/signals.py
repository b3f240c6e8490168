"""What checklists announces to the apps above it, inside the transaction of the
change, so that they can react without this app calling up (import-linter's floors).

- `item_reopened(item, by, reason)`: a finished item was reopened with a reason
  (collaboration records the reason in the item's thread).
"""

from django.dispatch import Signal

item_reopened = Signal()
