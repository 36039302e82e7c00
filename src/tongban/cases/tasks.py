"""Periodic work: turn lights yellow/red on the indexed due column and notify the staff."""

from django.utils.translation import gettext as _
from django_tasks import task

from tongban.cases import clock
from tongban.cases.models import Case, Light, NotificationKind
from tongban.cases.notifications import notify
from tongban.core import calendar


def sweep_deadlines_now(on=None) -> dict:
    on = on or clock.today()
    yellow_from = calendar.add_working_days(on, clock.YELLOW_WHEN_REMAINING_AT_MOST)
    running = Case.objects.filter(state__in=clock.RUNNING_STATES)
    turned = {"red": 0, "yellow": 0}
    red = running.filter(promised_due__lt=on).exclude(light=Light.RED)
    yellow = running.filter(light=Light.GREEN, promised_due__gte=on, promised_due__lte=yellow_from)
    for queryset, light, kind, message in (
        (red, Light.RED, NotificationKind.OVERDUE, _("Case %(n)s is overdue (due %(d)s).")),
        (yellow, Light.YELLOW, NotificationKind.DUE_SOON, _("Case %(n)s is due on %(d)s.")),
    ):
        for case in queryset.select_related("assigned_to", "received_by").iterator(chunk_size=500):
            updated = Case.objects.filter(pk=case.pk, state=case.state).exclude(light=light).update(light=light)
            if not updated:
                continue
            turned[light] += 1
            for user in {u for u in (case.assigned_to, case.received_by) if u is not None}:
                notify(user=user, case=case, kind=kind,
                       message=message % {"n": case.number, "d": case.promised_due.isoformat()})
    return turned


@task()
def sweep_deadlines() -> dict:
    return sweep_deadlines_now()
