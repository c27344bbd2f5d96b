"""Configuration in the admin: indicators, the versioned legal thresholds, the points model, comparison groups.

A change here takes effect in the results at the next computation (`boligsocial areas_classify`, the button on
the area list, or the next import)."""

from django.contrib import admin

from .models import (
    ComparisonGroup,
    ComparisonGroupMember,
    ImportBatch,
    Indicator,
    LegalRuleVersion,
    LegalThreshold,
    PointsModel,
    PointsModelIndicator,
)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "direction", "aggregation", "is_builtin", "position"]
    list_filter = ["is_builtin", "unit"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        # The code is the key in every stored figure: it cannot change once the indicator exists.
        return ["code", "is_builtin"] if obj else ["is_builtin"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return bool(obj is None or not obj.is_builtin) and super().has_delete_permission(request, obj)


class LegalThresholdInline(admin.TabularInline):
    model = LegalThreshold
    extra = 0
    fields = ["category", "kind", "indicator", "operator", "value", "position"]


@admin.register(LegalRuleVersion)
class LegalRuleVersionAdmin(admin.ModelAdmin):
    list_display = ["valid_from_year", "name"]
    inlines = [LegalThresholdInline]


class PointsModelIndicatorInline(admin.TabularInline):
    model = PointsModelIndicator
    extra = 0


@admin.register(PointsModel)
class PointsModelAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "red_from", "orange_from", "yellow_from", "trend_years", "trend_margin"]
    inlines = [PointsModelIndicatorInline]


class ComparisonGroupMemberInline(admin.TabularInline):
    model = ComparisonGroupMember
    extra = 1


@admin.register(ComparisonGroup)
class ComparisonGroupAdmin(admin.ModelAdmin):
    list_display = ["name"]
    inlines = [ComparisonGroupMemberInline]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["filename", "level", "status", "uploaded_by", "created_at", "row_count", "figure_count"]
    list_filter = ["status", "level"]
    exclude = ["content"]
    readonly_fields = [
        "uploaded_by",
        "level",
        "filename",
        "mapping",
        "dropped_rows",
        "status",
        "confirmed_at",
        "row_count",
        "figure_count",
    ]

    def has_add_permission(self, request) -> bool:
        return False
