from django.contrib import admin

from tongban.signing.models import Certificate, Seal, SealUse


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("subject", "role", "serial_number", "not_after", "status")
    list_filter = ("role", "status")
    search_fields = ("subject", "serial_number")
    exclude = ("der",)
    readonly_fields = [f.name for f in Certificate._meta.fields if f.name != "der"]


@admin.register(Seal)
class SealAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "department", "kind", "status", "valid_until")
    list_filter = ("status", "kind")
    exclude = ("image",)
    readonly_fields = ("certificate", "valid_from", "valid_until", "status", "status_reason")


@admin.register(SealUse)
class SealUseAdmin(admin.ModelAdmin):
    list_display = ("at", "seal", "document_kind", "case_number", "actor_label")
    readonly_fields = [f.name for f in SealUse._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
