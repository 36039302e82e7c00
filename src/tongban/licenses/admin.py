from django.contrib import admin

from tongban.licenses.models import License, LicenseEvent, LicenseType


@admin.register(LicenseType)
class LicenseTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "holder_kind", "validity_years", "is_active")


@admin.register(License)
class LicenseAdmin(admin.ModelAdmin):
    list_display = ("identifier", "license_type", "holder_name", "status", "valid_until")
    list_filter = ("status", "license_type")
    search_fields = ("identifier", "source_case_number")
    exclude = ("pdf", "holder_id_encrypted", "holder_index")
    readonly_fields = [f.name for f in License._meta.fields if f.name not in ("pdf", "holder_id_encrypted", "holder_index")]


@admin.register(LicenseEvent)
class LicenseEventAdmin(admin.ModelAdmin):
    list_display = ("at", "license", "action", "from_status", "to_status")
    readonly_fields = [f.name for f in LicenseEvent._meta.fields]
