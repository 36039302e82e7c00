from django.contrib import admin

from tongban.cases.models import Case, CaseEvent, CaseMaterial, Notification, Rating, Rectification
from tongban.org.scoping import scope_by_center


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ("at", "actor_label", "action", "from_state", "to_state", "note")
    readonly_fields = fields


class MaterialInline(ReadOnlyInline):
    model = CaseMaterial
    fields = ("name", "status", "exemption_reason", "source", "sha256", "size")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: cases change only through the workbench and API (events, permissions)."""

    list_display = ("number", "state", "item_version", "center", "channel", "promised_due", "light")
    list_filter = ("state", "light", "channel", "center")
    search_fields = ("number",)
    list_select_related = ("item_version", "center")
    inlines = [MaterialInline, EventInline]
    exclude = ("applicant",)

    def get_queryset(self, request):
        return scope_by_center(super().get_queryset(request), request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("case", "score", "channel", "created_at")
    list_filter = ("score", "channel")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Rectification)
class RectificationAdmin(admin.ModelAdmin):
    list_display = ("rating", "center", "state", "due_on")
    list_filter = ("state", "center")

    def get_queryset(self, request):
        return scope_by_center(super().get_queryset(request), request.user)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "case", "kind", "created_at", "read_at")
    list_filter = ("kind",)
