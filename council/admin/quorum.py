"""Admin of the quorum rule: the coordination sets it from a date; a rule sessions were held under is read-only."""

from django.contrib import admin

from commitments.history import HistoryAdmin
from council.models import QuorumRule


@admin.register(QuorumRule)
class QuorumRuleAdmin(HistoryAdmin):
    list_display = ["__str__", "threshold", "counts_chair", "counts_technical_secretary", "source_url"]
    fields = ["valid_from", "counts_chair", "counts_technical_secretary", "threshold", "note", "source_url"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_used():
            return ["valid_from", "counts_chair", "counts_technical_secretary", "threshold"]
        return []

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_used())
