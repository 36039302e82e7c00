from datetime import date

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from tongban.core.models import AuditEntry, CalendarDay, CalendarYear


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0
    fields = ("date", "kind", "name")
    readonly_fields = fields
    can_delete = False


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "holiday_days", "makeup_days", "note", "updated_at")
    inlines = [CalendarDayInline]
    readonly_fields = ("year", "source", "updated_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_holidays=Count("days", filter=Q(days__kind="holiday")),
            n_workdays=Count("days", filter=Q(days__kind="workday")),
        )

    @admin.display(description=_("holiday days"))
    def holiday_days(self, obj):
        return obj.n_holidays

    @admin.display(description=_("make-up working days"))
    def makeup_days(self, obj):
        return obj.n_workdays

    def has_add_permission(self, request):
        return False  # years are added with `tongban calendar import FILE`

    def changelist_view(self, request, extra_context=None):
        covered = set(CalendarYear.objects.values_list("year", flat=True))
        this_year = date.today().year
        for year in (this_year, this_year + 1):
            if year not in covered:
                messages.warning(
                    request,
                    _("The year %(year)s has no holiday calendar: deadlines reaching into it cannot be "
                      "computed. Import it with `tongban calendar import FILE`.") % {"year": year},
                )
        return super().changelist_view(request, extra_context)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_id", "purpose")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor_label")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
