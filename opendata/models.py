import hashlib
from datetime import timedelta
from importlib import import_module

from django.core.files import File
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import ActionPlan, CocreationRequirement, Commitment, Evidence, Milestone, ProgressUpdate
from council.models import MilestoneReview, Session
from proposals.models import Proposal

# A build queued longer ago than this is taken as lost (a worker killed mid-task) and queued again.
QUEUE_TIMEOUT = timedelta(hours=1)


class StoredArchive(models.Model):
    """A ZIP about a plan, built by the task worker once per change and served as a stored file.

    Subclasses name their plan relation, their storage folder (`FOLDER`), the task that builds them (`TASK`, a
    dotted path in `opendata.tasks`) and the module that writes the ZIP (`WRITER`, with `zip_file(plan)` and
    `folder_name(plan, moment)`)."""

    FOLDER = TASK = WRITER = None

    filename = models.CharField(_("download name"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    built_at = models.DateTimeField(_("built from the data of"), null=True, blank=True)
    queued_at = models.DateTimeField(_("rebuild queued at"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.filename or str(self.plan_id)

    def is_ready(self):
        return bool(self.file) and self.built_at is not None

    @property
    def etag(self):
        return f'"{self.sha256[:32]}"'

    @classmethod
    def queue_build(cls, plan_id):
        """Queue a build of the plan's archive unless one is already waiting for the worker."""
        from opendata import tasks  # tasks.py imports this module

        now = timezone.now()
        waiting = Q(queued_at__isnull=False, queued_at__gte=now - QUEUE_TIMEOUT)
        if not cls.objects.filter(plan_id=plan_id).exclude(waiting).update(queued_at=now):
            try:
                with transaction.atomic():
                    cls.objects.create(plan_id=plan_id, queued_at=now)
            except IntegrityError:
                return  # the archive's row exists: a build is already waiting
        getattr(tasks, cls.TASK).enqueue(plan_id)

    @classmethod
    def build(cls, plan):
        """Write the plan's ZIP to storage and point the archive at it; the previous file goes after commit."""
        writer = import_module(cls.WRITER)
        started = timezone.now()
        cls.objects.filter(plan=plan).update(queued_at=None)  # a change from now on queues another build
        with writer.zip_file(plan) as target:
            sha256 = hashlib.file_digest(target, "sha256").hexdigest()
            size = target.tell()
            target.seek(0)
            storage = cls._meta.get_field("file").storage
            name = storage.save(f"{cls.FOLDER}/{plan.slug}-{started:%Y%m%d%H%M%S}.zip", File(target, name="zip"))
        with transaction.atomic():
            archive, _created = cls.objects.select_for_update().get_or_create(plan=plan)
            previous = archive.file.name
            archive.file.name, archive.sha256, archive.size, archive.built_at = name, sha256, size, started
            archive.filename = f"{writer.folder_name(plan, timezone.localtime(started))}.zip"
            archive.save(update_fields=["file", "filename", "sha256", "size", "built_at"])
            if previous and previous != name:
                # A download already streaming the old file keeps its open handle.
                transaction.on_commit(lambda: storage.delete(previous))
        return archive


class RepositoryArchive(StoredArchive):
    """A plan's evidence repository as a ZIP (`opendata/repository.py`)."""

    FOLDER, TASK, WRITER = "repositorio", "build_repository_archive", "opendata.repository"

    plan = models.OneToOneField(
        ActionPlan, models.CASCADE, related_name="repository_archive", verbose_name=_("action plan")
    )
    file = models.FileField(_("file"), upload_to="repositorio/", blank=True)

    class Meta:
        verbose_name = _("evidence repository archive")
        verbose_name_plural = _("evidence repository archives")

    def get_absolute_url(self):
        return reverse("opendata:repository-export", kwargs={"slug": self.plan.slug})


class ReportArchive(StoredArchive):
    """A plan's end-of-term report as a dated ZIP: the report, its evidence with checksums (`opendata/report.py`)."""

    FOLDER, TASK, WRITER = "informes", "build_report_archive", "opendata.report"

    plan = models.OneToOneField(
        ActionPlan, models.CASCADE, related_name="report_archive", verbose_name=_("action plan")
    )
    file = models.FileField(_("file"), upload_to="informes/", blank=True)

    class Meta:
        verbose_name = _("end-of-term report archive")
        verbose_name_plural = _("end-of-term report archives")

    def get_absolute_url(self):
        return reverse("plan-report-zip", kwargs={"slug": self.plan.slug})


# How a change of each model leads to the plans whose repository shows it: the changed row's attribute, then
# (for rows that do not name their plan) the model to ask, the field to match and the path to the plan.
PLAN_LOOKUPS = {
    ActionPlan: ("pk", None, None, None),
    Commitment: ("plan_id", None, None, None),
    Milestone: ("commitment_id", Commitment, "pk", "plan_id"),
    ProgressUpdate: ("milestone_id", Milestone, "pk", "commitment__plan_id"),
    Evidence: ("update_id", ProgressUpdate, "pk", "milestone__commitment__plan_id"),
    MilestoneReview: ("milestone_id", Milestone, "pk", "commitment__plan_id"),
    # Holding a session publishes its verifications.
    Session: ("pk", MilestoneReview, "session_id", "milestone__commitment__plan_id"),
    # The end-of-term report also shows the standards checklist and the proposals incorporated.
    CocreationRequirement: ("plan_id", None, None, None),
    Proposal: ("pk", Proposal, "pk", "commitments__plan_id"),
}
# Changes only the report shows: they leave the evidence repository as it is.
REPORT_ONLY = {CocreationRequirement, Proposal}


def queue_builds_after_change(sender, value):
    _attribute, model, field, path = PLAN_LOOKUPS[sender]
    plan_ids = {value} if model is None else set(model.objects.filter(**{field: value}).values_list(path, flat=True))
    # A plan deleted in the same transaction (e.g. by purge_demo) has no archive to build.
    archives = [ReportArchive] if sender in REPORT_ONLY else [RepositoryArchive, ReportArchive]
    for plan_id in ActionPlan.objects.filter(pk__in=plan_ids - {None}).values_list("pk", flat=True):
        for archive in archives:
            archive.queue_build(plan_id)


@receiver([post_save, post_delete], sender=ActionPlan)
@receiver([post_save, post_delete], sender=Commitment)
@receiver([post_save, post_delete], sender=Milestone)
@receiver([post_save, post_delete], sender=ProgressUpdate)
@receiver([post_save, post_delete], sender=Evidence)
@receiver([post_save, post_delete], sender=MilestoneReview)
@receiver(post_save, sender=Session)
@receiver([post_save, post_delete], sender=CocreationRequirement)
@receiver(post_save, sender=Proposal)
def _repository_changed(sender, instance, signal, **kwargs):
    if signal is post_delete and sender is ActionPlan:
        return  # its archive goes with it
    # Looked up after the commit: the save itself costs no query, and a rolled-back change queues nothing.
    value = getattr(instance, PLAN_LOOKUPS[sender][0])
    transaction.on_commit(lambda: queue_builds_after_change(sender, value), robust=True)
