from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "channel", "address", "state", "attempts", "sent_at"]
    list_filter = ["state", "channel"]
    search_fields = ["recipient__name", "address", "idempotency_key", "provider_message_id"]
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields]
