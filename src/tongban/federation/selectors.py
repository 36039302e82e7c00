"""Federation reads: agreements covering an item, a case's cross-region side, the message log,
and counts for statistics."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone

from tongban.cases.selectors import case_get_for_staff
from tongban.federation.models import Agreement, CrossRegionLink, LinkRole, Message, Partner


def agreement_covering(*, partner: Partner, item_code: str, day: date) -> tuple[Agreement | None, str]:
    """The agreement with `partner` that covers the item on `day`, or (None, reason code):
    "item_not_agreed" (no agreement lists it) or "agreement_expired" (none valid that day)."""
    candidates = list(Agreement.objects.filter(partner=partner, items__item_code=item_code).order_by("-valid_from"))
    if not candidates:
        return None, "item_not_agreed"
    for agreement in candidates:
        if agreement.valid_on(day):
            return agreement, ""
    return None, "agreement_expired"


def partners_for_item(*, item_code: str, day: date) -> list[Partner]:
    """Active partners with an agreement covering the item on `day` (the possible home regions)."""
    found = []
    for partner in Partner.objects.filter(is_active=True, agreements__items__item_code=item_code).distinct():
        if agreement_covering(partner=partner, item_code=item_code, day=day)[0] is not None:
            found.append(partner)
    return found


def link_get_for_staff(*, user, number: str) -> CrossRegionLink | None:
    """The cross-region side of a case the user may see (NotFound for a case they may not)."""
    case = case_get_for_staff(user=user, number=number)
    return CrossRegionLink.objects.select_related("partner", "agreement").filter(case=case).first()


def case_messages(*, number: str) -> QuerySet[Message]:
    return Message.objects.filter(case_number=number).order_by("id")


def outbox_pending(*, partner: Partner | None = None) -> QuerySet[Message]:
    qs = Message.objects.filter(direction="out", status="pending")
    return qs.filter(partner=partner) if partner else qs


# -- statistics -----------------------------------------------------------------------------
def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), tz),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz))


def crossregion_counts(*, start: date, end: date, partner_region: str | None = None) -> dict:
    """Cross-region applications received from `start` to `end` (inclusive, local dates), each
    counted once by its origin (receiving region + receiving case number) and dated by when
    the receiving hall took it, so both deployments count the same application in the same period.

    {"received_for_partner": n,  # taken in at our halls for a partner's home handling
     "handled_for_partner": n,   # handled here (home) for applications received by a partner
     "by_partner": {"610400": {"received_for_partner": n, "handled_for_partner": n}, ...}}
    """
    lo, hi = _bounds(start, end)
    qs = CrossRegionLink.objects.filter(origin_submitted_at__gte=lo, origin_submitted_at__lt=hi)
    if partner_region:
        qs = qs.filter(partner__region_code=partner_region)
    result = {"received_for_partner": 0, "handled_for_partner": 0, "by_partner": {}}
    for row in qs.values("role", "partner__region_code").annotate(n=Count("id")):
        key = "received_for_partner" if row["role"] == LinkRole.RECEIVING else "handled_for_partner"
        result[key] += row["n"]
        per = result["by_partner"].setdefault(row["partner__region_code"],
                                              {"received_for_partner": 0, "handled_for_partner": 0})
        per[key] += row["n"]
    return result


def crossregion_case_ids(*, role: str | None = None) -> QuerySet:
    """Local case ids that are cross-region (optionally one role), for the stats app to split or
    exclude: `Case.objects.filter(id__in=crossregion_case_ids(role="home"))`."""
    qs = CrossRegionLink.objects.all()
    if role:
        qs = qs.filter(role=role)
    return qs.values("case_id")
