from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from subscriptions.models import Event, Subscriber, Subscription


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0
    can_delete = True
    fields = ["kind", "commitment", "plan", "zone", "proposal", "frequency", "consent_version", "consented_at",
              "confirmed_at"]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Addresses are personal data: only moderators (who answer citizens' requests) and superusers see them
    (the model permissions of `subscriptions.models.ROLE_PERMISSIONS`). Nobody edits one; a moderator may
    delete an address, with everything it follows, when its owner asks."""

    list_display = ["__str__", "email", "language", "subscription_count", "created_at"]
    search_fields = ["=email"]
    date_hierarchy = "created_at"
    fields = ["email", "language", "created_at"]
    readonly_fields = fields
    inlines = [SubscriptionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(subscription_total=Count("subscriptions"))

    @admin.display(description=_("subscriptions"), ordering="subscription_total")
    def subscription_count(self, subscriber):
        return subscriber.subscription_total

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """What happened and how many addresses were told: no personal data, read-only, superusers only."""

    list_display = ["occurred_at", "kind", "__str__", "is_demo", "notified"]
    list_filter = ["kind", "is_demo"]
    date_hierarchy = "occurred_at"
    fields = ["kind", "key", "occurred_at", "is_demo", "texts"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(notification_total=Count("notifications"))

    @admin.display(description=_("notifications"), ordering="notification_total")
    def notified(self, event):
        return event.notification_total

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
