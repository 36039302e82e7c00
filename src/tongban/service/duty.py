"""Holiday service plans (节假日“不打烊”): open windows with their holiday items, and a duty
roster generated fairly from availability (fewest shifts first), editable, checked complete."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from tongban.catalog.models import ItemVersion
from tongban.core.errors import Conflict, InvalidInput, NotFound
from tongban.core.services import audit_record
from tongban.org.models import Role, StaffProfile, Window
from tongban.service import permissions
from tongban.service.models import Availability, DutyShift, HolidayPlan, PlanWindow

QUALIFIED_ROLES = (Role.CLERK, Role.CENTER_ADMIN)


def plan_days(plan: HolidayPlan) -> list[date]:
    return [plan.starts_on + timedelta(days=i) for i in range((plan.ends_on - plan.starts_on).days + 1)]


def holiday_items_for(window: Window):
    """The current catalog items offered on holidays in the categories this window serves."""
    return [v.item for v in ItemVersion.objects.filter(is_current=True, holiday_open=True,
                                                       category__in=window.categories or []).select_related("item")]


def _plan(plan_id: int, *, lock: bool = False) -> HolidayPlan:
    qs = HolidayPlan.objects.select_for_update() if lock else HolidayPlan.objects
    plan = qs.filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(_("No holiday plan %(id)s.") % {"id": plan_id}, code="plan_not_found")
    return plan


@transaction.atomic
def holiday_plan_create(*, actor, name: str, holiday: str, starts_on: date, ends_on: date,
                        window_ids: list[int], note: str = "") -> HolidayPlan:
    permissions.require(actor, "plan")
    if ends_on < starts_on or (ends_on - starts_on).days > 30:
        raise InvalidInput(_("A holiday plan covers 1 to 31 consecutive days."), field="ends_on")
    windows = list(Window.objects.filter(pk__in=window_ids, is_active=True).select_related("hall"))
    if not windows or len(windows) != len(set(window_ids)):
        raise InvalidInput(_("Choose the open windows (active windows only)."), field="windows")
    for window in windows:
        permissions.require(actor, "plan", window.hall.center_id)
    plan = HolidayPlan.objects.create(name=name.strip() or holiday, holiday=holiday, starts_on=starts_on,
                                      ends_on=ends_on, note=note)
    for window in windows:
        items = holiday_items_for(window)
        if not items:
            raise InvalidInput(_("Window %(w)s serves no item that is offered on holidays.") % {"w": window},
                               field="windows")
        PlanWindow.objects.create(plan=plan, window=window).items.set(items)
    audit_record(actor=actor, action="holiday_plan.create", object_type="holiday_plan", object_id=str(plan.pk))
    return plan


def qualified_staff(plan: HolidayPlan) -> dict[int, list[StaffProfile]]:
    """Center id -> front-desk staff of that center (who may take a holiday window)."""
    centers = {pw.window.hall.center_id for pw in plan.windows.select_related("window__hall")}
    result: dict[int, list[StaffProfile]] = {c: [] for c in centers}
    for s in StaffProfile.objects.filter(center_id__in=centers, role__in=QUALIFIED_ROLES).order_by("id"):
        result[s.center_id].append(s)
    return result


@transaction.atomic
def availability_set(*, actor, plan_id: int, staff_id: int, days: list[date]) -> int:
    plan = _plan(plan_id)
    staff = StaffProfile.objects.filter(pk=staff_id).first()
    if staff is None:
        raise NotFound(_("No staff member %(id)s.") % {"id": staff_id}, code="staff_not_found")
    permissions.require(actor, "plan", staff.center_id)
    outside = [d for d in days if not plan.starts_on <= d <= plan.ends_on]
    if outside:
        raise InvalidInput(_("%(d)s is outside the plan.") % {"d": outside[0]}, field="days")
    Availability.objects.filter(plan=plan, staff=staff).delete()
    Availability.objects.bulk_create(Availability(plan=plan, staff=staff, day=d) for d in sorted(set(days)))
    return len(set(days))


@transaction.atomic
def roster_generate(*, actor, plan_id: int) -> list[DutyShift]:
    """Fill every open window on every day with an available qualified person, fewest shifts
    first (ties: whoever last served longest ago, then staff id), nobody twice a day. Replaces
    the previous roster; refuses to leave a window empty."""
    permissions.require(actor, "plan")
    plan = _plan(plan_id, lock=True)
    for center_id in {pw.window.hall.center_id for pw in plan.windows.select_related("window__hall")}:
        permissions.require(actor, "plan", center_id)  # the roster of another center's windows is not ours
    staff_by_center = qualified_staff(plan)
    available = {(a.staff_id, a.day) for a in plan.availability.all()}
    windows = [pw.window for pw in plan.windows.select_related("window__hall").order_by("window__hall__center_id",
                                                                                          "window__number")]
    count: Counter[int] = Counter()
    last_day: dict[int, date] = {}
    shifts = []
    for day in plan_days(plan):
        busy: set[int] = set()
        for window in windows:
            candidates = [s for s in staff_by_center[window.hall.center_id]
                          if (s.id, day) in available and s.id not in busy]
            if not candidates:
                raise InvalidInput(
                    _("Nobody qualified is available for window %(w)s on %(d)s: the roster would leave it "
                      "unstaffed.") % {"w": window, "d": day},
                    code="roster_window_unstaffed", field="availability")
            chosen = min(candidates, key=lambda s: (count[s.id], last_day.get(s.id, date.min), s.id))
            busy.add(chosen.id)
            count[chosen.id] += 1
            last_day[chosen.id] = day
            shifts.append(DutyShift(plan=plan, day=day, window=window, staff=chosen))
    plan.shifts.all().delete()
    DutyShift.objects.bulk_create(shifts)
    audit_record(actor=actor, action="holiday_plan.roster", object_type="holiday_plan", object_id=str(plan.pk),
                 detail={"shifts": len(shifts)})
    return list(plan.shifts.select_related("staff", "window").order_by("day", "window_id"))


@transaction.atomic
def duty_shift_assign(*, actor, plan_id: int, day: date, window_id: int, staff_id: int) -> DutyShift:
    """Edit the roster: put a person on a window for a day (replacing whoever was there)."""
    plan = _plan(plan_id, lock=True)
    pw = plan.windows.select_related("window__hall").filter(window_id=window_id).first()
    if pw is None:
        raise InvalidInput(_("That window is not open in this plan."), field="window")
    permissions.require(actor, "plan", pw.window.hall.center_id)
    if not plan.starts_on <= day <= plan.ends_on:
        raise InvalidInput(_("%(d)s is outside the plan.") % {"d": day}, field="day")
    staff = StaffProfile.objects.filter(pk=staff_id, center_id=pw.window.hall.center_id,
                                        role__in=QUALIFIED_ROLES).first()
    if staff is None:
        raise InvalidInput(_("That person is not front-desk staff of the window's center."), field="staff")
    elsewhere = plan.shifts.filter(day=day, staff=staff).exclude(window_id=window_id).select_related("window").first()
    if elsewhere:
        raise Conflict(_("%(p)s is already on duty at window %(w)s on %(d)s.")
                       % {"p": staff.display_name, "w": elsewhere.window, "d": day}, code="staff_double_booked")
    shift, _created = DutyShift.objects.update_or_create(plan=plan, day=day, window_id=window_id,
                                                         defaults={"staff": staff})
    audit_record(actor=actor, action="holiday_plan.assign", object_type="holiday_plan", object_id=str(plan.pk),
                 detail={"day": day.isoformat(), "window": window_id, "staff": staff_id})
    return shift


def roster_gaps(plan: HolidayPlan) -> list[tuple[date, Window]]:
    """Open windows without anyone on duty, by day (empty when the roster is complete)."""
    have = set(plan.shifts.values_list("day", "window_id"))
    windows = [pw.window for pw in plan.windows.select_related("window")]
    return [(d, w) for d in plan_days(plan) for w in windows if (d, w.id) not in have]
