from django.contrib import admin

from tongban.federation.models import (
    Agreement,
    AgreementItem,
    CrossRegionLink,
    Message,
    Partner,
    PartnerKey,
)


class PartnerKeyInline(admin.TabularInline):
    model = PartnerKey
    extra = 0
    fields = ("kid", "alg", "fingerprint", "added_at", "revoked_at")
    readonly_fields = ("kid", "alg", "fingerprint", "added_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # keys are added with `tongban federation partner add --key-file`


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("region_code", "name", "endpoint_url", "is_active")
    inlines = [PartnerKeyInline]


class AgreementItemInline(admin.TabularInline):
    model = AgreementItem
    extra = 0
    can_delete = False
    readonly_fields = ("item_code",)

    def has_add_permission(self, request, obj=None):
        return False  # items come from the imported agreement file


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    """Imported with `tongban federation agreement import`; dates and items are read-only here."""

    list_display = ("code", "title", "partner", "valid_from", "valid_until", "imported_at")
    list_filter = ("partner",)
    readonly_fields = ("partner", "code", "title", "valid_from", "valid_until", "imported_at", "source_sha256")
    inlines = [AgreementItemInline]

    def has_add_permission(self, request):
        return False


@admin.register(CrossRegionLink)
class CrossRegionLinkAdmin(admin.ModelAdmin):
    list_display = ("case", "role", "partner", "origin_number", "remote_number", "remote_state", "origin_submitted_at")
    list_filter = ("role", "partner", "remote_state")
    search_fields = ("case__number", "origin_number", "remote_number")
    list_select_related = ("case", "partner")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The message log: every message sent or received, with its hash and signature. The
    signed content is personal data: export it for an auditor with `tongban federation export-log`."""

    list_display = ("created_at", "direction", "kind", "partner_region", "case_number", "status", "reason",
                    "attempts", "next_attempt_at")
    list_filter = ("direction", "status", "kind", "partner_region", "reason")
    search_fields = ("message_id", "case_number", "sha256")
    exclude = ("jws_enc",)
    readonly_fields = [f.name for f in Message._meta.fields if f.name != "jws_enc"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
