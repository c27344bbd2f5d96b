from django.contrib import admin

from .models import ConfidentialityPledge


@admin.register(ConfidentialityPledge)
class ConfidentialityPledgeAdmin(admin.ModelAdmin):
    """Read-only: acceptances are recorded by the users themselves on the plan's confidentiality page."""

    list_display = ["plan", "user", "accepted_at", "text_hash"]
    list_filter = ["plan"]
    search_fields = ["user__username", "plan__name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
