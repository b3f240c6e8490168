"""What golive announces to the apps above it, inside the transaction of the change
(as `checklists.signals`), so that they react without this app calling up.

- `onboarding_transitioned(onboarding, transition, by)`: a lifecycle step was
  recorded (marked live, undone, closed, cancelled, reopened: `transition.kind`).
- `go_no_go_recorded(decision, by)`: the go/no-go meeting's decision.
- `sign_off_given(sign_off, by)`, `sign_off_revoked(sign_off, by)`: a signature
  given, or revoked (once per signature revoked, the CCPOR Team's with a court's).
- `incident_reported(incident, by)`, `incident_resolved(incident, by)`: an
  incident reported, or moved to resolved.
"""

from django.dispatch import Signal

onboarding_transitioned = Signal()
go_no_go_recorded = Signal()
sign_off_given = Signal()
sign_off_revoked = Signal()
incident_reported = Signal()
incident_resolved = Signal()
