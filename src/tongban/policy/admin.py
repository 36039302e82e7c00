"""Admin: reading and light corrections. Claims and the ledger are read-only here: they change
only through the services (review, notice, payout, reversal)."""

from django.contrib import admin

from tongban.policy.models import (
    Claim,
    ClaimEvent,
    Enterprise,
    LedgerEntry,
    Measure,
    MeasureTag,
    Milestone,
    Objection,
    PolicyDocument,
    ProgressReport,
    ReformTask,
    SubsidyProgramme,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("credit_code", "name", "industry_code", "employees", "location", "high_tech")
    search_fields = ("credit_code", "name")
    list_filter = ("location", "high_tech")


class MeasureInline(ReadOnlyMixin, admin.TabularInline):
    model = Measure
    fields = ("number", "text", "department", "valid_from", "valid_until")
    readonly_fields = fields


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "issuer", "issued_on")
    inlines = [MeasureInline]


class MeasureTagInline(ReadOnlyMixin, admin.TabularInline):
    model = MeasureTag


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ("document", "number", "department", "valid_from", "valid_until")
    list_filter = ("document", "department")
    search_fields = ("text",)
    inlines = [MeasureTagInline]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class ProgressReportInline(ReadOnlyMixin, admin.TabularInline):
    model = ProgressReport
    fields = ("at", "by", "progress", "text", "attachment_name")
    readonly_fields = fields


@admin.register(ReformTask)
class ReformTaskAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "department", "deadline", "progress", "completed_on")
    list_filter = ("department",)
    search_fields = ("number", "title")
    readonly_fields = ("progress", "completed_on")
    inlines = [MilestoneInline, ProgressReportInline]


@admin.register(SubsidyProgramme)
class SubsidyProgrammeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "period", "budget", "no_application", "opens_on", "closes_on")
    readonly_fields = ("eligibility", "amount_rule")  # rules are validated by programme_create


class ClaimEventInline(ReadOnlyMixin, admin.TabularInline):
    model = ClaimEvent


class ObjectionInline(ReadOnlyMixin, admin.TabularInline):
    model = Objection


@admin.register(Claim)
class ClaimAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "programme", "enterprise", "period", "source", "state", "amount", "notice_until")
    list_filter = ("programme", "state", "source")
    inlines = [ObjectionInline, ClaimEventInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "created_at", "programme", "enterprise", "kind", "amount", "payment_reference", "approver")
    list_filter = ("programme", "kind")
    search_fields = ("payment_reference", "enterprise__name")
