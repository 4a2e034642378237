"""Admin of the council's approvals of changes of dates (entries of the commitments' re-planning ledger)."""

from django.contrib import admin

from commitments.history import HistoryAdmin
from council.models import ReplanApproval


@admin.register(ReplanApproval)
class ReplanApprovalAdmin(HistoryAdmin):
    list_display = ["replanning", "session", "agreement"]
    list_select_related = ["replanning__milestone__commitment", "session", "agreement__session"]
    search_fields = ["replanning__milestone__commitment__code", "replanning__reason", "=session__number"]
    autocomplete_fields = ["replanning", "session", "agreement"]
    fields = ["replanning", "session", "agreement"]
