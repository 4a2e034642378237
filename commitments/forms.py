import csv

import django_filters
from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from commitments.models import ActionPlan, Commitment, Milestone, OgpValue, Organization, ProgressUpdate
from commitments.models.replanning import REASON_MAX_LENGTH
from commitments.search import search_words
from commitments.versioning import VersionField, check_version, locked, version_token

BULK_VERSIONS_SALT = "commitments.bulk-progress-versions"

SEARCH_MAX_LENGTH = 200
SEARCH_MAX_WORDS = 20


def validate_search_words(value):
    count = len(value.split())
    if count > SEARCH_MAX_WORDS:
        raise ValidationError(
            _("Search with at most %(limit)d words (your search has %(count)d)."),
            code="search_words",
            params={"limit": SEARCH_MAX_WORDS, "count": count},
        )


class SearchFilter(django_filters.CharFilter):
    """The free-text search of a public list, bounded in length and words so that no search can swamp the database."""

    def __init__(self, **kwargs):
        error_messages = {
            "max_length": _("Search with at most %(limit_value)d characters (your search has %(show_value)d).")
        }
        super().__init__(
            label=_("Search"), method="search", max_length=SEARCH_MAX_LENGTH, validators=[validate_search_words],
            error_messages=error_messages, **kwargs,
        )  # fmt: skip


class SearchFilterSet(django_filters.FilterSet):
    """A filter set whose free-text search `q` runs after the other filters: it ranks among what they keep."""

    def filter_queryset(self, queryset):
        values = dict(self.form.cleaned_data)
        query = values.pop("q", None)
        for name, value in values.items():
            queryset = self.filters[name].filter(queryset, value)
        return self.filters["q"].filter(queryset, query)

    def is_searching(self):
        return self.is_bound and self.is_valid() and bool(search_words(self.form.cleaned_data.get("q") or ""))


class CommitmentFilter(SearchFilterSet):
    """The filters of the commitment list; every choice travels in the address, so results can be shared."""

    q = SearchFilter(widget=forms.TextInput(attrs={"type": "search"}))
    plan = django_filters.ModelChoiceFilter(
        label=_("Plan"), queryset=ActionPlan.objects.order_by("is_demo", "-number"), to_field_name="slug",
        empty_label=_("All plans"),
    )  # fmt: skip
    lead = django_filters.ModelChoiceFilter(
        label=_("Lead institution"), queryset=Organization.objects.filter(led_commitments__isnull=False).distinct(),
        to_field_name="slug", empty_label=_("All institutions"),
    )  # fmt: skip
    value = django_filters.ModelChoiceFilter(
        label=_("OGP value"), field_name="ogp_values", queryset=OgpValue.objects.all(), to_field_name="key",
        empty_label=_("All values"),
    )  # fmt: skip
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Commitment.Status.choices, method="filter_status", empty_label=_("Any status")
    )

    class Meta:
        model = Commitment
        fields = ["q", "plan", "lead", "value", "status"]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value)


class BulkRow:
    def __init__(self, line, values):
        self.line = line
        self.values = values
        self.code = (values.get("code") or "").strip().upper()
        self.order = (values.get("order") or "").strip()
        self.note = (values.get("note") or "").strip()
        self.progress = self.status = self.milestone = None
        self.errors = []


class BulkProgressForm(forms.Form):
    """A CSV of progress reports (commitment code, milestone order, progress, status, note), checked row by row."""

    MAX_BYTES = 1024 * 1024
    MAX_ROWS = 2000
    HEADERS = {
        "code": "code", "codigo": "code", "código": "code", "compromiso": "code",
        "order": "order", "milestone": "order", "orden": "order", "hito": "order",
        "progress": "progress", "avance": "progress",
        "status": "status", "estado": "status",
        "note": "note", "nota": "note",
    }  # fmt: skip
    STATUS_NAMES = {
        "not_started": Milestone.Status.NOT_STARTED, "no iniciado": Milestone.Status.NOT_STARTED,
        "in_progress": Milestone.Status.IN_PROGRESS, "en ejecución": Milestone.Status.IN_PROGRESS,
        "en ejecucion": Milestone.Status.IN_PROGRESS, "complete": Milestone.Status.COMPLETE,
        "cumplido": Milestone.Status.COMPLETE,
    }  # fmt: skip

    file = forms.FileField(
        label=_("CSV file"), required=False,
        help_text=_("Columns: code, order, progress, status, note. UTF-8, separated by commas or semicolons."),
    )  # fmt: skip
    csv_text = forms.CharField(required=False, widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # The milestones' versions when the preview was shown: a milestone changed since is not reported blindly.
    versions = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestones = milestones
        self.rows = []
        self.versions_token = ""

    def clean(self):
        cleaned = super().clean()
        text = self.read_text(cleaned)
        cleaned["csv_text"] = text
        self.rows = self.parse(text)
        if not self.rows:
            raise ValidationError(_("The file has no rows to import."), code="empty")
        if len(self.rows) > self.MAX_ROWS:
            raise ValidationError(_("At most %(max)s rows at a time."), code="too_many", params={"max": self.MAX_ROWS})
        self.check_rows()
        self.check_versions(cleaned.get("versions"))
        if any(row.errors for row in self.rows):
            cleaned["confirm"] = False
            raise ValidationError(_("Nothing was saved: correct the rows with errors and upload the file again."),
                                  code="row_errors")  # fmt: skip
        return cleaned

    def read_text(self, cleaned):
        upload = cleaned.get("file")
        if upload is None:
            if cleaned.get("csv_text"):
                return cleaned["csv_text"]
            raise ValidationError(_("Choose a CSV file."), code="required")
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 1 MB."), code="file_size")
        cleaned["confirm"] = False  # a new file is always previewed first
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not a UTF-8 CSV file."), code="encoding") from None

    def parse(self, text):
        lines = text.splitlines()
        if not lines:
            return []
        delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
        reader = csv.reader(lines, delimiter=delimiter)
        header = [self.HEADERS.get(name.strip().lower(), "") for name in next(reader)]
        missing = {"code", "order", "progress"} - set(header)
        if missing:
            raise ValidationError(
                _("The first line must name the columns; missing: %(columns)s."),
                code="header",
                params={"columns": ", ".join(sorted(missing))},
            )
        return [
            BulkRow(number, dict(zip(header, values, strict=False)))
            for number, values in enumerate(reader, start=2)
            if any(value.strip() for value in values)
        ]

    def check_rows(self):
        codes = {row.code for row in self.rows}
        reachable = {
            (milestone.commitment.code, str(milestone.order)): milestone
            for milestone in self.milestones.filter(commitment__code__in=codes).select_related("commitment")
        }
        seen = set()
        for row in self.rows:
            key = (row.code, row.order.lstrip("0") or "0")
            if key in seen:
                row.errors.append(_("This milestone appears twice in the file."))
            seen.add(key)
            row.milestone = reachable.get(key)
            if row.milestone is None:
                row.errors.append(
                    _("There is no milestone %(order)s in commitment %(code)s that you may update.")
                    % {"order": row.order, "code": row.code}
                )
            self.check_values(row)

    def check_values(self, row):
        try:
            row.progress = int((row.values.get("progress") or "").strip().rstrip("%").strip())
        except ValueError:
            row.errors.append(_("Progress must be a whole number between 0 and 100."))
            return
        status_name = (row.values.get("status") or "").strip().lower()
        if status_name and status_name not in self.STATUS_NAMES:
            row.errors.append(_("Unknown status “%(status)s”.") % {"status": status_name})
            return
        row.status = self.STATUS_NAMES.get(status_name) or ProgressUpdate.status_for(row.progress)
        if row.milestone is None:
            return
        update = ProgressUpdate(milestone=row.milestone, progress=row.progress, status=row.status, note=row.note)
        try:
            update.full_clean(exclude=["milestone"])
            update.check_evidence(new_evidence_count=0)
        except ValidationError as error:
            row.errors.extend(error.messages)

    def check_versions(self, token):
        """Lock the rows' milestones; at confirmation, refuse those that changed since the preview."""
        pks = {row.milestone.pk for row in self.rows if row.milestone is not None}
        current = {
            milestone.pk: milestone
            for milestone in locked(Milestone.objects.filter(pk__in=pks).only("version", "progress"))
        }
        self.versions_token = signing.dumps({str(pk): milestone.version for pk, milestone in current.items()},
                                            salt=BULK_VERSIONS_SALT)  # fmt: skip
        try:
            previewed = signing.loads(token, salt=BULK_VERSIONS_SALT) if token else None
        except signing.BadSignature:
            previewed = None
        if previewed is None:
            return  # the preview itself, or a hand-made post without versions
        for row in self.rows:
            milestone = current.get(row.milestone.pk) if row.milestone is not None else None
            if milestone is not None and previewed.get(str(milestone.pk)) != milestone.version:
                row.errors.append(
                    _("This milestone changed after the preview (it is now at %(progress)s %%): upload the file again.")
                    % {"progress": milestone.progress}
                )


class ProgressReportForm(forms.ModelForm):
    """A progress report remembers the milestone as it was when the form was opened."""

    milestone_version = VersionField()

    class Meta:
        model = ProgressUpdate
        fields = ["milestone", "reported_on", "progress", "status", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        milestone = self.initial.get("milestone")
        if self.is_bound or not milestone or "milestone" not in self.fields:
            return
        try:
            milestone = self.fields["milestone"].queryset.filter(pk=getattr(milestone, "pk", milestone)).first()
        except (ValueError, ValidationError):
            return  # a malformed address: the form starts without a milestone
        if milestone is not None:
            self.fields["milestone_version"].initial = version_token(milestone)

    def clean(self):
        cleaned = super().clean()
        # A report on a milestone someone reported on (or edited) since would silently replace their figures.
        if cleaned.get("milestone") is not None:
            check_version(self, "milestone_version", cleaned["milestone"])
        return cleaned


class MilestoneForm(forms.ModelForm):
    """A milestone's admin form (page and commitment inline): once the roadmap is validated, a change of its dates
    needs a reason, which goes with the change into the re-planning ledger (`Milestone.save()` enforces it too)."""

    replan_reason = forms.CharField(
        label=_("Reason for the change of dates"), required=False, max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
        help_text=_("Required to change the planned start or the due date once the roadmap has been validated; "
                    "published with the change."),
    )  # fmt: skip

    class Meta:
        model = Milestone
        fields = [
            "commitment", "order", "title", "description", "responsible", "starts_on", "due_on", "revised_due_on",
            "weight", "means_of_verification", "is_demo",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        commitment = getattr(self.instance, "commitment", None) if self.instance.commitment_id else None
        if self.instance.pk is None or commitment is None or not commitment.roadmap_is_validated():
            return cleaned
        # The instance still holds the stored dates here: the form's values are copied onto it after clean().
        stored = self.instance
        if "due_on" in self.changed_data and cleaned.get("due_on") != stored.due_on:
            self.add_error("due_on", ValidationError(Milestone.validated_due_on_message(commitment),
                                                     code="validated_due_on"))  # fmt: skip
            return cleaned
        starts_on = cleaned.get("starts_on", stored.starts_on)
        revised = cleaned.get("revised_due_on", stored.revised_due_on)
        moved = (starts_on, revised or stored.due_on) != (stored.starts_on, stored.effective_due_on)
        if moved and not (cleaned.get("replan_reason") or "").strip():
            self.add_error("replan_reason", ValidationError(Milestone.reason_required_message(commitment),
                                                            code="replan_reason_required"))  # fmt: skip
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        self.instance.replan_reason = self.cleaned_data.get("replan_reason") or ""
