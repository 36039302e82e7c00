from django.contrib import admin

from tongban.org.models import ApiToken, Center, Hall, Region, StaffProfile, Window


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "bureau")


class HallInline(admin.TabularInline):
    model = Hall
    extra = 0


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "region", "parent", "phone")
    list_filter = ("region", "level")
    search_fields = ("code", "name")
    inlines = [HallInline]


class WindowInline(admin.TabularInline):
    model = Window
    extra = 0


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ("name", "center", "floor")
    list_filter = ("center",)
    inlines = [WindowInline]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("display_name", "user", "role", "center", "window")
    list_filter = ("role", "center")
    search_fields = ("display_name", "user__username")
    raw_id_fields = ("user",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
