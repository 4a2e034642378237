"""Progress reports on milestones and the evidence attached to them."""

import hashlib
import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from commitments.models.base import today
from commitments.models.roadmap import Milestone
from commitments.validators import validate_evidence_file
from commitments.visibility import PublicQuerySet


class ProgressUpdateQuerySet(PublicQuerySet):
    def latest_first(self):
        return self.select_related("milestone__commitment").order_by("-reported_on", "-created_at", "-pk")

    def latest_per_milestone(self):
        """Each milestone's latest report only (the one its progress and status copy)."""
        order = [F("reported_on").desc(), F("created_at").desc(), F("pk").desc()]
        return self.alias(position=models.Window(RowNumber(), partition_by=[F("milestone_id")], order_by=order)).filter(
            position=1
        )


class ProgressUpdate(models.Model):
    """A dated report on a milestone. Append-only: a correction is a new update."""

    Status = Milestone.Status

    milestone = models.ForeignKey(Milestone, models.CASCADE, related_name="updates", verbose_name=_("milestone"))
    reported_on = models.DateField(_("reported on"), default=today)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        validators=[MaxValueValidator(100, _("Progress is a percentage between 0 and 100."))],
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(_("public note"), blank=True, help_text=_("Shown to citizens on the commitment page."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False, verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_on", "-created_at", "-pk"]
        get_latest_by = ["reported_on", "created_at", "pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="update_progress_0_100"),
            models.CheckConstraint(condition=~Q(status="complete") | Q(progress=100), name="update_complete_means_100"),
        ]
        indexes = [
            models.Index(fields=["-reported_on", "-created_at"], name="update_latest_first"),
            # The datasets' "last update" (opendata.datasets.last_updated): a MAX read from the index.
            models.Index(fields=["created_at"], name="update_created_at"),
        ]

    def __str__(self):
        return _("%(milestone)s: %(progress)s%% on %(date)s") % {
            "milestone": self.milestone,
            "progress": self.progress,
            "date": self.reported_on,
        }

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("Progress updates cannot be changed; report a new one."), code="append_only")
        if not self.status:
            self.status = self.status_for(self.progress)
        super().save(*args, **kwargs)
        self.milestone.apply_latest_update()

    def get_absolute_url(self):
        return self.milestone.get_absolute_url()

    def delete(self, *args, **kwargs):
        milestone = self.milestone
        result = super().delete(*args, **kwargs)
        milestone.apply_latest_update()
        return result

    @staticmethod
    def status_for(progress):
        if progress >= 100:
            return Milestone.Status.COMPLETE
        if progress <= 0:
            return Milestone.Status.NOT_STARTED
        return Milestone.Status.IN_PROGRESS

    def clean(self):
        if self.progress is None:
            return
        if not self.status:
            self.status = self.status_for(self.progress)
        if self.status == Milestone.Status.COMPLETE and self.progress != 100:
            raise ValidationError(
                {"status": ValidationError(_("A complete milestone must be at 100%."), code="complete_not_100")}
            )
        if self.progress == 100 and self.status != Milestone.Status.COMPLETE:
            raise ValidationError(
                {"status": ValidationError(_("At 100% the milestone is complete."), code="100_not_complete")}
            )
        if self.reported_on and self.reported_on > today():
            raise ValidationError(
                {"reported_on": ValidationError(_("A report cannot be dated in the future."), code="future_report")}
            )

    EVIDENCE_REQUIRED = _("Attach at least one piece of evidence to report a milestone as complete (100%).")

    def needs_evidence(self):
        return self.progress == 100 or self.status == Milestone.Status.COMPLETE

    def check_evidence(self, *, new_evidence_count):
        """Refuse a 100 % or complete report unless it carries evidence itself, or evidence dated after the
        milestone's previous report exists: evidence that came with an earlier stage does not prove completion."""
        if not self.needs_evidence() or new_evidence_count:
            return
        if not self.milestone_id:
            raise ValidationError(self.EVIDENCE_REQUIRED, code="evidence_required")
        if self.milestone.has_evidence_since_last_report():
            return
        if self.milestone.has_evidence():
            raise ValidationError(
                _(
                    "Attach evidence to this report to mark the milestone complete (100%%): the evidence already "
                    "on the milestone came with earlier reports, and only evidence dated after the last report "
                    "(%(date)s) proves completion."
                ),
                code="evidence_required",
                params={
                    "date": date_format(self.milestone.last_reported_on) if self.milestone.last_reported_on else ""
                },
            )
        raise ValidationError(self.EVIDENCE_REQUIRED, code="evidence_required")


def evidence_upload_to(instance, filename):
    extension = os.path.splitext(filename)[1].lower()
    return f"evidencias/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class Evidence(models.Model):
    update = models.ForeignKey(
        ProgressUpdate, models.CASCADE, related_name="evidence", verbose_name=_("progress update")
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(
        _("file"), upload_to=evidence_upload_to, blank=True, max_length=200, validators=[validate_evidence_file],
        help_text=_("PDF, image, office document or CSV; at most 20 MB."),
    )  # fmt: skip
    url = models.URLField(_("link"), blank=True, max_length=500)
    dated_on = models.DateField(_("date"), default=today)
    # The file's SHA-256, computed on save (and by `manage.py fill_evidence_checksums` for older rows): the
    # end-of-term report and its ZIP print it, so anyone can check a downloaded file is the one published.
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["dated_on", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="evidence_file_xor_url",
                violation_error_code="file_or_url",
                violation_error_message=_(
                    "Give either a file or a link for each piece of evidence, not both and not neither."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.file:
            self.sha256 = ""
        elif not self.sha256 or not self.file._committed:  # a new or replaced file
            self.sha256 = file_sha256(self.file)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "file" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sha256"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        if self.url:
            return self.url
        return reverse("commitments:evidence-download", kwargs={"pk": self.pk})

    def file_extension(self):
        return os.path.splitext(self.file.name)[1].lstrip(".").upper() if self.file else ""


def file_sha256(field_file):
    """The SHA-256 of a stored or just uploaded file, read in chunks; an uploaded file stays open for saving."""
    digest = hashlib.sha256()
    committed = field_file._committed
    field_file.open("rb")
    try:
        for chunk in field_file.chunks():
            digest.update(chunk)
    finally:
        if committed:
            field_file.close()
        else:
            field_file.seek(0)
    return digest.hexdigest()


def fill_evidence_checksums(model=None, batch_size=200):
    """Store the SHA-256 of every evidence file that has none yet; returns how many were filled. `model` may be the
    historical Evidence of a migration."""
    model = model or Evidence
    filled = 0
    pending = model.objects.exclude(file="").filter(sha256="").order_by("pk")
    for evidence in pending.iterator(chunk_size=batch_size):
        if not evidence.file.storage.exists(evidence.file.name):
            continue  # a missing file has no checksum; the report says so
        model.objects.filter(pk=evidence.pk).update(sha256=file_sha256(evidence.file))
        filled += 1
    return filled
