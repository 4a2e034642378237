"""The OGP evidence repository of a plan: a folder per commitment with its evidence files, and a dated index."""

import io
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

from commitments.models import Evidence, Milestone, ProgressUpdate
from council.models import MilestoneReview
from opendata.spreadsheets import SafeWriter

INDEX_COLUMNS = [
    "commitment", "milestone", "milestone_title", "kind", "date", "progress", "status", "text", "document", "is_demo",
]  # fmt: skip
NOTICE_NAME = "AVISO-DEMOSTRACION-DEMO-NOTICE.txt"


@dataclass
class Entry:
    commitment: str
    milestone: int
    milestone_title: str
    kind: str
    date: object
    progress: object = None
    status: str = ""
    text: str = ""
    document: str = ""
    is_demo: bool = False


def commitments_of(plan):
    updates = (
        ProgressUpdate.objects.visible_to(None)
        .order_by("reported_on", "pk")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.visible_to(None).order_by("dated_on", "pk")))
    )
    reviews = MilestoneReview.objects.visible_to(None).select_related("session").order_by("session__scheduled_on", "pk")
    milestones = (
        Milestone.objects.visible_to(None)
        .order_by("order")
        .prefetch_related(
            Prefetch("updates", queryset=updates),
            Prefetch("council_reviews", queryset=reviews, to_attr="public_reviews"),
        )
    )
    return (
        plan.commitments.visible_to(None).order_by("code").prefetch_related(Prefetch("milestones", queryset=milestones))
    )


def evidence_path(commitment, milestone, evidence):
    name = slugify(evidence.title)[:60] or "evidencia"
    return f"{commitment.code}/{milestone.order:02d}-{evidence.pk}-{name}{Path(evidence.file.name).suffix.lower()}"


def build(plan):
    """Return the index entries and the evidence files as (path in the repository, stored file)."""
    entries, files = [], []
    for commitment in commitments_of(plan):
        for milestone in commitment.milestones.all():
            base = {
                "commitment": commitment.code,
                "milestone": milestone.order,
                "milestone_title": milestone.title,
                "is_demo": plan.is_demo or commitment.is_demo or milestone.is_demo,
            }
            for update in milestone.updates.all():
                entries.append(
                    Entry(**base, kind=_("progress report"), date=update.reported_on, progress=update.progress,
                          status=update.get_status_display(), text=update.note)
                )  # fmt: skip
                for evidence in update.evidence.all():
                    document = evidence.url
                    if evidence.file:
                        document = evidence_path(commitment, milestone, evidence)
                        files.append((document, evidence.file))
                    entries.append(
                        Entry(
                            **base, kind=_("evidence"), date=evidence.dated_on, text=evidence.title, document=document
                        )
                    )
            entries.extend(verification_entries(milestone, base))
    return entries, files


def verification_entries(milestone, base):
    """The council's verifications of the milestone at held sessions."""
    return [
        Entry(**base | {"is_demo": base["is_demo"] or review.session.is_demo}, kind=_("council verification"),
              date=review.session.scheduled_on, status=review.get_outcome_display(), text=review.note,
              document=review.get_absolute_url())
        for review in milestone.public_reviews
    ]  # fmt: skip


def index_csv(entries):
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(INDEX_COLUMNS)
    for entry in entries:
        writer.writerow([_cell(getattr(entry, column)) for column in INDEX_COLUMNS])
    return "\ufeff" + buffer.getvalue()


def _cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def is_demo(plan, entries):
    return plan.is_demo or any(entry.is_demo for entry in entries)


def demo_notice(plan):
    """The notice, in Spanish and English, that a repository holds fictional demonstration data."""
    parts = []
    for language in ("es", "en"):
        with override(language):
            parts.append(
                _(
                    "DEMONSTRATION DATA. This repository (%(title)s) contains fictional data, created only to show "
                    "how the portal works. Rows marked is_demo=true in the index do not describe any real "
                    "commitment, institution or evidence of the Municipality of Quito."
                )
                % {"title": plan.title}
            )
    return "\n\n".join(parts) + "\n"


def index_html(plan, entries, generated_at):
    context = {"plan": plan, "entries": entries, "generated_at": generated_at, "is_demo": is_demo(plan, entries)}
    return render_to_string("opendata/repository_index.html", context)


def folder_name(plan, generated_at):
    return f"repositorio-{plan.slug}-{generated_at:%Y-%m-%d}"


def write_zip(plan, target):
    """Write the repository as a ZIP into the binary file `target`, copying evidence files in chunks."""
    generated_at = timezone.localtime()
    entries, files = build(plan)
    root = folder_name(plan, generated_at)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{root}/indice.csv", index_csv(entries))
        archive.writestr(f"{root}/indice.html", index_html(plan, entries, generated_at))
        if is_demo(plan, entries):
            archive.writestr(f"{root}/{NOTICE_NAME}", demo_notice(plan))
        for path, stored in files:
            with stored.open("rb") as source, archive.open(f"{root}/{path}", "w") as destination:
                shutil.copyfileobj(source, destination, 1024 * 1024)
    return root


def zip_file(plan):
    """The repository as a ZIP in a temporary file on disk (never the whole archive in memory)."""
    target = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    write_zip(plan, target)
    target.seek(0)
    return target


def write_directory(plan, directory):
    generated_at = timezone.localtime()
    entries, files = build(plan)
    root = Path(directory) / folder_name(plan, generated_at)
    root.mkdir(parents=True, exist_ok=True)
    (root / "indice.csv").write_text(index_csv(entries), encoding="utf-8")
    (root / "indice.html").write_text(index_html(plan, entries, generated_at), encoding="utf-8")
    if is_demo(plan, entries):
        (root / NOTICE_NAME).write_text(demo_notice(plan), encoding="utf-8")
    for path, stored in files:
        destination = root / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        with stored.open("rb") as source, open(destination, "wb") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
    return root, len(entries), len(files)
