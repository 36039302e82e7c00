"""Admin: classes and their versioned rule tables (a new version is published through the
service, never edited in place), parcels, enterprises, agreements and projects (read-mostly)."""

from django.contrib import admin, messages

from tongban.core.errors import DomainError
from tongban.projects import services
from tongban.projects.models import (
    Agreement,
    ClassRules,
    Enterprise,
    LandParcel,
    PreAssessment,
    Project,
    ProjectClass,
    ProjectStage,
)


@admin.register(ProjectClass)
class ProjectClassAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "investment_type", "risk_level", "is_active")


@admin.register(ClassRules)
class ClassRulesAdmin(admin.ModelAdmin):
    list_display = ("project_class", "version", "is_current", "target_working_days", "note", "created_at")
    list_filter = ("project_class", "is_current")
    fields = ("project_class", "rules", "note")

    def has_change_permission(self, request, obj=None):
        return obj is None  # a version is never changed: publish a new one

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            published = services.class_rules_publish(actor=request.user, class_code=obj.project_class.code,
                                                     rules=obj.rules, note=obj.note)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            raise
        obj.pk = published.pk


class PreAssessmentInline(admin.TabularInline):
    model = PreAssessment
    extra = 0


@admin.register(LandParcel)
class LandParcelAdmin(admin.ModelAdmin):
    list_display = ("code", "location", "area_m2", "center")
    inlines = [PreAssessmentInline]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "legal_representative")
    search_fields = ("name", "credit_code")


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ("center", "enterprise", "signed_on", "agent")
    list_filter = ("center",)
    readonly_fields = ("center", "enterprise", "signed_on", "agent")


class StageInline(admin.TabularInline):
    model = ProjectStage
    extra = 0
    can_delete = False
    fields = ("stage", "state", "started_on", "due_on", "completed_on", "working_days", "target_days")
    readonly_fields = fields


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "enterprise", "center", "project_class", "agent")
    list_filter = ("center", "project_class")
    search_fields = ("code", "name")
    readonly_fields = ("code", "enterprise", "center", "project_class", "rules", "agreement")
    inlines = [StageInline]
