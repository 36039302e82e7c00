"""One extension of the time limit (Art. 42: up to 10 working days), approved by the head."""

from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases import clock
from tongban.cases.models import Extension, ExtensionState, NotificationKind, S
from tongban.cases.notifications import notify
from tongban.cases.services import _act
from tongban.core.errors import Conflict, InvalidInput
from tongban.org.models import Role, StaffProfile

MAX_EXTENSION_DAYS = 10


def extension_request(*, actor, number: str, days: int, reason: str, expected_version: int | None = None):
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise InvalidInput(_("An extension is 1 to 10 working days."), field="days")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("An extension needs its reason."), field="reason")

    def apply(case) -> dict:
        if case.state not in (S.UNDER_REVIEW, S.SPECIAL_PROCEDURE):
            raise Conflict(_("Only a case under review can be extended."), code="invalid_transition")
        if Extension.objects.filter(case=case).exists():
            raise Conflict(_("This case already had its one extension request."), code="extension_exists")
        Extension.objects.create(case=case, days=days, reason=reason[:200], requested_by=actor,
                                 requested_at=timezone.now())
        leaders = StaffProfile.objects.filter(role=Role.LEADER, center__region__code=case.region_code)
        for profile in leaders.select_related("user"):
            notify(user=profile.user, case=case, kind=NotificationKind.EXTENSION,
                   message=_("Case %(n)s asks for %(d)s more working days.") % {"n": case.number, "d": days})
        return {"days": days}

    return _act(actor=actor, number=number, expected_version=expected_version, action="request_extension",
                transition=None, apply=apply, note=reason)


def extension_decide(*, actor, number: str, grant: bool, note: str = ""):
    def apply(case) -> dict:
        extension = Extension.objects.select_for_update().filter(case=case).first()
        if extension is None or extension.state != ExtensionState.PENDING:
            raise Conflict(_("There is no extension request awaiting a decision."), code="no_pending_extension")
        extension.state = ExtensionState.GRANTED if grant else ExtensionState.REJECTED
        extension.decided_by = actor
        extension.decided_at = timezone.now()
        extension.save(update_fields=["state", "decided_by", "decided_at"])
        if grant:
            case.extension_days = extension.days
            case.promised_due, case.legal_due = clock.due_dates(case)
            case.light = clock.light_for(case) if case.state != S.SPECIAL_PROCEDURE else case.light
        return {"granted": grant, "days": extension.days}

    return _act(actor=actor, number=number, expected_version=None, action="decide_extension",
                transition=None, apply=apply, note=note)

