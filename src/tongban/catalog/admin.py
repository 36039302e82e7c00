from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tongban.catalog.models import Department, Item, ItemVersion, Material


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    fields = ("position", "name", "required", "shared_source", "data_item", "waived", "note")


@admin.register(ItemVersion)
class ItemVersionAdmin(admin.ModelAdmin):
    list_display = ("item", "version", "name", "category", "department", "legal_limit_days",
                    "promised_limit_days", "id_only", "cross_region", "holiday_open", "is_current",
                    "id_only_blockers")
    list_filter = ("is_current", "category", "id_only", "cross_region", "holiday_open", "department")
    search_fields = ("item__code", "name", "name_initials")
    inlines = [MaterialInline]
    readonly_fields = ("item", "version", "is_current", "name_initials", "created_at", "created_by")
    list_select_related = ("item", "department")

    @admin.display(description=_("why not ID-only"))
    def id_only_blockers(self, obj):
        missing = [m.name for m in obj.materials.all() if m.required and not (m.shared_source or m.waived)]
        return "、".join(missing) if missing else "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("materials")

    def has_change_permission(self, request, obj=None):
        # A version is immutable once published; changes go through item_revise (a new version).
        return False


class ItemVersionInline(admin.TabularInline):
    model = ItemVersion
    fields = ("version", "name", "category", "is_current", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("code", "current_name", "is_active", "created_at")
    search_fields = ("code", "versions__name")
    inlines = [ItemVersionInline]

    @admin.display(description=_("name"))
    def current_name(self, obj):
        current = obj.versions.filter(is_current=True).first()
        return current.name if current else "—"
