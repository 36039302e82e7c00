from django.contrib import admin

from tongban.archive.models import (
    ArchiveEvent,
    ArchivePackage,
    ArchiveRecord,
    DisposalList,
    RegisterBatch,
    RetentionRule,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ArchivePackage)
class ArchivePackageAdmin(ReadOnly):
    list_display = ("case_number", "item_code", "concluded_on", "retention", "retain_until", "batch", "disposed_at")
    search_fields = ("case_number", "item_code")
    list_filter = ("retention",)


@admin.register(ArchiveRecord)
class ArchiveRecordAdmin(ReadOnly):
    list_display = ("case_number", "state", "attempts", "updated_at")
    list_filter = ("state",)
    search_fields = ("case_number",)


@admin.register(ArchiveEvent)
class ArchiveEventAdmin(ReadOnly):
    list_display = ("at", "case_number", "event_type", "outcome", "agent")
    search_fields = ("case_number",)


@admin.register(RegisterBatch)
class RegisterBatchAdmin(ReadOnly):
    list_display = ("seq", "day", "leaf_count", "chain_root", "tsa_time")
    exclude = ("tsa_token",)


@admin.register(DisposalList)
class DisposalListAdmin(ReadOnly):
    list_display = ("pk", "as_of", "state", "created_by", "decided_by", "executed_at")


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ("item_code", "retention")
