"""Read-only admin: consents, look-ups and their records are evidence, never edited by hand."""

from django.contrib import admin

from tongban.idonly.models import Consent, Lookup, LookupRecord


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Consent)
class ConsentAdmin(ReadOnly):
    list_display = ("recorded_at", "id_number_masked", "item_code", "purpose", "granted", "channel", "recorded_by")
    list_filter = ("granted", "channel")
    search_fields = ("item_code", "purpose")
    exclude = ("id_number_index",)


class LookupRecordInline(admin.TabularInline):
    model = LookupRecord
    fields = ("material", "provider", "data_item", "status", "reason", "detail", "latency_ms", "attempts",
              "fetched_at", "sha256")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Lookup)
class LookupAdmin(ReadOnly):
    list_display = ("created_at", "id_number_masked", "name", "item_version", "elapsed_ms", "case_number",
                    "created_by")
    search_fields = ("case_number", "item_version__item__code")
    list_select_related = ("item_version", "item_version__item", "created_by")
    exclude = ("id_number_index",)
    inlines = [LookupRecordInline]


@admin.register(LookupRecord)
class LookupRecordAdmin(ReadOnly):
    list_display = ("fetched_at", "material", "provider", "data_item", "status", "reason", "latency_ms", "attempts")
    list_filter = ("provider", "status", "reason")
