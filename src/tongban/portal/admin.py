from django.contrib import admin

from tongban.portal.models import PageView


@admin.register(PageView)
class PageViewAdmin(admin.ModelAdmin):
    list_display = ("day", "kind", "path", "count")
    list_filter = ("kind", "day")
    search_fields = ("path",)
    readonly_fields = ("day", "kind", "path", "count")
