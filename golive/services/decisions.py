"""The go/no-go decision and the sign-offs (acceptance and close-out): given, asked
for and revoked, each by the person who holds the role."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ccpor_onboard.lib.bounds import validate_values
from ccpor_onboard.lib.dates import today_in_california
from checklists import services as checklists_services
from checklists.models import Onboarding
from courts.access import is_ccpor_staff
from courts.separation import holds_team_powers
from notifications.models import Kind
from notifications.services import notify

from .. import signals
from ..access import (
    can_ask_sign_off,
    can_revoke_sign_off,
    can_run_lifecycle,
    holds_role,
)
from ..models import (
    SIGN_OFF_STATUS,
    GoNoGoDecision,
    SignOff,
    SignOffKind,
    SignOffRequest,
    SignOffRole,
    role_in_sentence,
    sign_off_roles,
)
from ..selectors import live_readiness_for
from .lifecycle import STATEMENT_MAX, Status, _lock, _required_reason, _wrong_status

# --- Go/no-go ----------------------------------------------------------------------


def go_no_go_record(
    *,
    onboarding: Onboarding,
    by,
    decision: str,
    reason: str = "",
    new_go_live_date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> GoNoGoDecision:
    """Record the go/no-go meeting's decision on an active onboarding, with the
    readiness at that moment: go; no-go (with the reason); or postpone to a new
    date (with the reason), which moves Go-Live and every open item through the
    reschedule service. CCPOR staff only; a "go" only once the court has signed
    its own acceptance line (its executive officer, nobody of the CCPOR Team). A
    "go" holds for the Go-Live date it was taken for, and only until the date
    next moves (`golive.readiness`)."""
    if not can_run_lifecycle(by):
        raise ValidationError("Only the CCPOR Team records the go/no-go decision.")
    if decision not in GoNoGoDecision.Decision.values:
        raise ValidationError({"decision": f"“{decision}” is not a decision."})
    reason = (reason or "").strip()
    # The new date: the reschedule's rules (from today to ten years ahead).
    validate_values(GoNoGoDecision, reason=reason)
    errors = {}
    if decision != GoNoGoDecision.Decision.GO and not reason:
        errors["reason"] = "Say why; a no-go or a postponement needs its reason."
    if decision == GoNoGoDecision.Decision.POSTPONE and new_go_live_date is None:
        errors["new_go_live_date"] = "Give the new Go-Live date."
    if errors:
        raise ValidationError(errors)
    today = today or today_in_california()
    with transaction.atomic():
        locked = _lock(onboarding)
        if locked.status != Status.ACTIVE:
            raise _wrong_status(locked, "an active onboarding has a go/no-go meeting")
        if decision == GoNoGoDecision.Decision.GO:
            _ensure_court_accepted(locked)
        now = timezone.now()
        snapshot = live_readiness_for([locked])[locked.pk].snapshot(at=now)
        record = GoNoGoDecision(
            onboarding=locked,
            decision=decision,
            reason=reason,
            go_live_date=locked.go_live_date,
            readiness=snapshot,
            decided_by=by,
        )
        if decision == GoNoGoDecision.Decision.POSTPONE:
            try:
                record.go_live_change = checklists_services.onboarding_reschedule(
                    onboarding=locked,
                    go_live_date=new_go_live_date,
                    reason=f"Postponed at the go/no-go meeting: {reason}",
                    by=by,
                    today=today,
                )
            except ValidationError as exc:
                messages = exc.message_dict.get("go_live_date", exc.messages)
                raise ValidationError({"new_go_live_date": messages}) from exc
            record.new_go_live_date = new_go_live_date
        record.save()
        signals.go_no_go_recorded.send(sender=GoNoGoDecision, decision=record, by=by)
    onboarding.go_live_date = locked.go_live_date
    return record


def _ensure_court_accepted(onboarding: Onboarding) -> None:
    """ValidationError unless the court's own acceptance line stands, signed by its
    executive officer (never by CCPOR staff)."""
    court_line = (
        SignOff.objects.standing()
        .filter(
            onboarding=onboarding,
            kind=SignOffKind.ACCEPTANCE,
            role=SignOffRole.EXECUTIVE_OFFICER,
        )
        .select_related("signed_by")
        .first()
    )
    if court_line is None or holds_team_powers(court_line.signed_by):
        raise ValidationError(
            {
                "decision": "A go is recorded only after the court has signed its "
                f"acceptance: the {role_in_sentence(SignOffRole.EXECUTIVE_OFFICER)} "
                f"of {onboarding.court} has not signed it yet."
            }
        )


# --- Sign-offs ---------------------------------------------------------------------


def _sign_off_rules(onboarding: Onboarding, kind: str, role: str) -> None:
    if kind not in SignOffKind.values:
        raise ValidationError(f"“{kind}” is not a kind of sign-off.")
    if role not in SignOffRole.values:
        raise ValidationError(f"“{role}” is not a sign-off role.")
    label = SignOffKind(kind).label.lower()
    needed = SIGN_OFF_STATUS[kind]
    if onboarding.status != needed:
        raise ValidationError(
            f"The {label} sign-offs are given while the onboarding is "
            f"{Status(needed).label.lower()}; this one is "
            f"{onboarding.get_status_display().lower()}."
        )
    if role not in sign_off_roles(onboarding):
        raise ValidationError(
            "The sheriff's office does not participate in this onboarding; no SO "
            "liaison sign-off is needed."
        )


def _signer_name(user) -> str:
    return user.get_full_name() or user.get_username()


def sign_off_give(
    *, onboarding: Onboarding, kind: str, role: str, by, statement: str
) -> SignOff:
    """A named person signs for their role: acceptance testing (while active) or
    close-out (while live). Only the person holding that role for the court may
    sign (a court's or SO's line never by CCPOR staff); the CCPOR Team signs last;
    one standing signature per role, and one line per person in each set. The
    statement is kept as given, never edited."""
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError({"statement": "Write the statement you sign."})
    if len(statement) > STATEMENT_MAX:
        raise ValidationError(
            {"statement": f"Keep the statement to {STATEMENT_MAX} characters."}
        )
    validate_values(SignOff, statement=statement)
    with transaction.atomic():
        locked = _lock(onboarding)
        _sign_off_rules(locked, kind, role)
        role_label = role_in_sentence(role)
        if not holds_role(by, locked.court_id, role):
            staff = role != SignOffRole.CCPOR and is_ccpor_staff(by)
            raise ValidationError(
                (
                    "The CCPOR Team never signs for the court or its sheriff's office. "
                    if staff
                    else ""
                )
                + f"Only the {role_label} of {locked.court} can give this sign-off."
            )
        standing = {
            s.role: s
            for s in SignOff.objects.standing().filter(onboarding=locked, kind=kind)
        }
        if role in standing:
            s = standing[role]
            raise ValidationError(
                f"The {role_label} already signed ({s.signer_name}, "
                f"{timezone.localtime(s.signed_at):%b %-d, %Y}); it must be revoked "
                "before it is signed again."
            )
        own = next((s for s in standing.values() if s.signed_by_id == by.pk), None)
        if own is not None:
            raise ValidationError(
                f"You already signed this {SignOffKind(kind).label.lower()} as the "
                f"{role_in_sentence(own.role)}; one person signs one line of it."
            )
        if role == SignOffRole.CCPOR:
            missing = [
                role_in_sentence(r)
                for r in sign_off_roles(locked)
                if r != SignOffRole.CCPOR and r not in standing
            ]
            if missing:
                raise ValidationError(
                    "The CCPOR Team signs last; waiting for the "
                    + " and the ".join(missing)
                    + "."
                )
        sign_off = SignOff.objects.create(
            onboarding=locked,
            kind=kind,
            role=role,
            statement=statement,
            signed_by=by,
            signer_name=_signer_name(by),
            signed_at=timezone.now(),
        )
        signals.sign_off_given.send(sender=SignOff, sign_off=sign_off, by=by)
    return sign_off


def sign_off_revoke(*, sign_off: SignOff, by, reason: str) -> SignOff:
    """Revoke a signature, with a reason (kept with it). By its signer or CCPOR
    staff, while the onboarding is in the status its kind is given in. Revoking a
    court or SO signature revokes the CCPOR Team's of the same kind too, since the
    team signs last, on the others' word."""
    reason = _required_reason(reason, "the sign-off is revoked")
    if not can_revoke_sign_off(by, sign_off):
        raise ValidationError(
            "Only its signer or the CCPOR Team can revoke a sign-off."
        )
    with transaction.atomic():
        locked_onboarding = _lock(sign_off.onboarding)
        _sign_off_rules(locked_onboarding, sign_off.kind, sign_off.role)
        locked = SignOff.objects.select_for_update().get(pk=sign_off.pk)
        if locked.is_revoked:
            raise ValidationError("This sign-off was already revoked.")
        now = timezone.now()
        to_revoke = [(locked, reason)]
        if locked.role != SignOffRole.CCPOR:
            team = (
                SignOff.objects.standing()
                .select_for_update()
                .filter(
                    onboarding=locked_onboarding,
                    kind=locked.kind,
                    role=SignOffRole.CCPOR,
                )
                .first()
            )
            if team is not None:
                to_revoke.append(
                    (
                        team,
                        f"Revoked with the {role_in_sentence(locked.role)}'s "
                        f"sign-off: {reason}",
                    )
                )
        for signature, why in to_revoke:
            signature.revoked_at, signature.revoked_by = now, by
            signature.revoke_reason = why
            signature.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
            signals.sign_off_revoked.send(sender=SignOff, sign_off=signature, by=by)
    return locked


def sign_off_ask(
    *, onboarding: Onboarding, kind: str, role: str, asked, by, message: str = ""
) -> SignOffRequest:
    """Ask a named person for a sign-off they may give; they are e-mailed once the
    request is saved. By CCPOR staff or the court's project lead."""
    validate_values(SignOffRequest, message=(message or "").strip())
    if not can_ask_sign_off(by, onboarding.court_id):
        raise ValidationError(
            "Only the CCPOR Team and the court's project lead ask for sign-offs."
        )
    with transaction.atomic():
        locked = _lock(onboarding)
        _sign_off_rules(locked, kind, role)
        role_label = role_in_sentence(role)
        if not holds_role(asked, locked.court_id, role):
            # Not named: the person chosen may be anyone, of any court.
            raise ValidationError(
                {
                    "asked": f"The person chosen is not the {role_label} of "
                    f"{locked.court}."
                }
            )
        if not asked.email:
            raise ValidationError(
                {"asked": f"{asked} has no e-mail address to be asked at."}
            )
        if (
            SignOff.objects.standing()
            .filter(onboarding=locked, kind=kind, role=role)
            .exists()
        ):
            raise ValidationError(f"The {role_label} has already signed.")
        request = SignOffRequest.objects.create(
            onboarding=locked,
            kind=kind,
            role=role,
            asked=asked,
            asked_by=by,
            message=(message or "").strip(),
        )
        # Through the notifications outbox: batched, the person's choice applies.
        notify(
            kind=Kind.SIGNOFF_ASKED,
            court=locked.court,
            subject=(
                f"{by} asks for your sign-off, as {role_label}, of the "
                f"{request.get_kind_display().lower()} of {locked.court}'s CCPOR "
                "onboarding"
            ),
            text=request.message,
            link=reverse("golive:sign_offs", kwargs={"slug": locked.court.slug}),
            recipients=[asked],
            by=by,
            # Not sent once the line is signed (by anyone).
            void_if={
                "model": "golive.SignOff",
                "filter": {
                    "onboarding_id": locked.pk,
                    "kind": kind,
                    "role": role,
                    "revoked_at__isnull": True,
                },
                "says": "The sign-off it asked for has been given.",
            },
        )
    return request
