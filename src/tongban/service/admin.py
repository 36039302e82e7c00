from django.contrib import admin

from tongban.service.models import (
    Appointment,
    Consultation,
    DutyShift,
    HolidayPlan,
    HotlineOrder,
    Lecture,
    LectureMaterial,
    OutreachEvent,
    PlanWindow,
    QueueTicket,
)


class PlanWindowInline(admin.TabularInline):
    model = PlanWindow
    extra = 0
    filter_horizontal = ("items",)


class DutyShiftInline(admin.TabularInline):
    model = DutyShift
    extra = 0


@admin.register(HolidayPlan)
class HolidayPlanAdmin(admin.ModelAdmin):
    list_display = ("name", "holiday", "starts_on", "ends_on")
    inlines = [PlanWindowInline, DutyShiftInline]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("code", "center", "item", "day", "slot", "name", "phone_masked", "state")
    list_filter = ("center", "day", "state")
    readonly_fields = ("phone_masked",)
    exclude = ("phone_enc",)


@admin.register(QueueTicket)
class QueueTicketAdmin(admin.ModelAdmin):
    list_display = ("day", "center", "number", "category", "state", "queued_at", "called_at", "window")
    list_filter = ("center", "day", "state")


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ("at", "channel", "center", "category", "item", "duration_seconds", "follow_up_needed")
    list_filter = ("channel", "center", "category")
    search_fields = ("question", "answer")
    raw_id_fields = ("case",)


@admin.register(HotlineOrder)
class HotlineOrderAdmin(admin.ModelAdmin):
    list_display = ("number", "center", "received_at", "due_on", "state", "on_time")
    list_filter = ("state", "center")


@admin.register(OutreachEvent)
class OutreachEventAdmin(admin.ModelAdmin):
    list_display = ("starts_on", "kind", "target", "campaign", "title", "media_reports", "ads_videos",
                    "enterprise_visits", "leaflets", "policies_delivered")
    list_filter = ("kind", "target", "campaign")
    filter_horizontal = ("staff",)


class LectureMaterialInline(admin.TabularInline):
    model = LectureMaterial
    extra = 0


@admin.register(Lecture)
class LectureAdmin(admin.ModelAdmin):
    list_display = ("series", "number", "held_on", "topic", "speaker")
    filter_horizontal = ("attendees",)
    inlines = [LectureMaterialInline]
