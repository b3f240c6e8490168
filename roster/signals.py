"""What the roster tells the floors above, inside the transaction of the change
(a lower app never calls up; webhooks listen)."""

from django.dispatch import Signal

# A roster person's CLETS certification or CJIS security-awareness training expires
# soon: sent once per person, certification, expiry date and 60/30-day mark, when
# the daily sweep first records the reminder. Arguments: person (RosterPerson),
# certification (its label), expires_on (date), mark ("60-day" or "30-day").
person_expiring = Signal()
