"""A plan's end-of-term report, built from the data in the structure of OGP's IRM results report: the plan, an
overview of every commitment's completion, the co-creation process (the standards checklist, the proposals
incorporated) and, per commitment, its description, ambition and completion (self-assessment beside the IRM's),
milestones with planned and actual dates, evidence with each file's SHA-256, the council's verifications and the
proposals it took in. The page (`opendata.views.plan_report`) and the dated ZIP (built by the task worker) show
the same content. Structure: https://opengovpartnership.org/documents/independent-reporting-mechanism-results-report
"""

import io
import shutil
import tempfile
import zipfile

from django.contrib.staticfiles import finders
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override

from commitments import extensions
from commitments.models import CocreationRequirement, Evidence, Milestone, ProgressUpdate, Replanning
from council.models import MilestoneReview
from opendata.repository import evidence_path
from opendata.spreadsheets import SafeWriter
from proposals.models import Proposal

RESULTS_REPORT_SOURCE = "https://opengovpartnership.org/documents/independent-reporting-mechanism-results-report"
EVIDENCE_COLUMNS = ["commitment", "milestone", "title", "date", "document", "sha256", "is_demo"]


def commitments_of(plan):
    """The plan's public commitments with everything the report shows, in a fixed number of queries."""
    updates = (
        ProgressUpdate.objects.visible_to(None)
        .order_by("reported_on", "pk")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.visible_to(None).order_by("dated_on", "pk")))
    )
    reviews = MilestoneReview.objects.visible_to(None).select_related("session").order_by("session__scheduled_on", "pk")
    # The re-planning ledger, oldest change first (the council's approvals are fetched in `context()`).
    replannings = Replanning.objects.visible_to(None).select_related("organization").order_by("changed_at", "pk")
    milestones = (
        Milestone.objects.visible_to(None)
        .select_related("responsible")
        .order_by("order")
        .prefetch_related(
            Prefetch("updates", queryset=updates),
            Prefetch("council_reviews", queryset=reviews, to_attr="public_reviews"),
            Prefetch("replannings", queryset=replannings, to_attr="ledger"),
        )
    )
    # Incorporated, public and answered: what the register of responses counts as taken into the plan.
    proposals = (
        Proposal.objects.visible_to(None)
        .filter(status=Proposal.Status.INCORPORATED)
        .exclude(response="")
        .only("code", "title", "is_demo", "status", "response")
        .order_by("code")
    )
    return (
        plan.commitments.visible_to(None)
        .select_related("lead")
        .defer("search_text", "search_vector")
        .order_by("code")
        .prefetch_related(
            "co_responsible",
            "ogp_values",
            Prefetch("milestones", queryset=milestones),
            Prefetch("proposals", queryset=proposals, to_attr="incorporated_proposals"),
        )
    )


def section(commitment):
    """What the report shows of one commitment, from the prefetched rows: its milestones (with the first report's
    date), their evidence (with checksums), the council's verifications and the re-planning ledger's changes of
    dates, each beside its milestone."""
    milestones, evidence, reviews, replannings = [], [], [], []
    for milestone in commitment.milestones.all():
        updates = list(milestone.updates.all())
        milestones.append({"milestone": milestone, "first_reported_on": updates[0].reported_on if updates else None})
        evidence += [{"milestone": milestone, "item": item} for update in updates for item in update.evidence.all()]
        reviews += [{"milestone": milestone, "review": review} for review in milestone.public_reviews]
        replannings += [{"milestone": milestone, "change": change} for change in milestone.ledger]
    return {
        "commitment": commitment,
        "milestones": milestones,
        "evidence": evidence,
        "reviews": reviews,
        "replannings": replannings,
    }


def context(plan, generated_at=None):
    commitments = list(commitments_of(plan))
    sections = [section(commitment) for commitment in commitments]
    # The council's approval of each change of dates (registered by council/apps.py), in one query for them all.
    changes = [row["change"] for entry in sections for row in entry["replannings"]]
    prefetch_related_objects(changes, *extensions.replanning_prefetches())
    requirements = CocreationRequirement.objects.visible_to(None).filter(plan=plan).status_counts()
    return {
        "plan": plan,
        "generated_at": generated_at or timezone.localtime(),
        "sections": sections,
        "requirement_counts": [(CocreationRequirement.Status(status), total) for status, total in requirements.items()],
        "requirement_total": sum(requirements.values()),
        "incorporated_total": len({p.pk for c in commitments for p in c.incorporated_proposals}),
        "evidence_total": sum(len(entry["evidence"]) for entry in sections),
        "is_demo": plan.is_demo or any(commitment.is_demo for commitment in commitments),
        "results_report_source": RESULTS_REPORT_SOURCE,
    }


def evidence_csv(data):
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(EVIDENCE_COLUMNS)
    for entry in data["sections"]:
        commitment = entry["commitment"]
        for row in entry["evidence"]:
            milestone, evidence = row["milestone"], row["item"]
            document = f"evidencias/{evidence_path(commitment, milestone, evidence)}" if evidence.file else evidence.url
            is_demo = data["is_demo"] or milestone.is_demo
            writer.writerow(
                [commitment.code, milestone.order, evidence.title, evidence.dated_on.isoformat(), document,
                 evidence.sha256, "true" if is_demo else "false"]
            )  # fmt: skip
    return "\ufeff" + buffer.getvalue()


def standalone_html(data):
    """The report as one HTML file that opens offline: the portal's stylesheet inlined, links absolute."""
    with open(finders.find("css/portal.css"), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    return render_to_string("opendata/plan_report_standalone.html", {**data, "inline_css": css})


def folder_name(plan, generated_at):
    return f"informe-{plan.slug}-{generated_at:%Y-%m-%d}"


def write_zip(plan, target):
    """Write the report, the evidence CSV and the evidence files as a ZIP into the binary file `target`."""
    generated_at = timezone.localtime()
    with override("es"):
        data = context(plan, generated_at)
        root = folder_name(plan, generated_at)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{root}/informe.html", standalone_html(data))
            archive.writestr(f"{root}/evidencias.csv", evidence_csv(data))
            for entry in data["sections"]:
                for row in entry["evidence"]:
                    evidence = row["item"]
                    if not evidence.file:
                        continue
                    path = evidence_path(entry["commitment"], row["milestone"], evidence)
                    with evidence.file.open("rb") as source, archive.open(f"{root}/evidencias/{path}", "w") as target:
                        shutil.copyfileobj(source, target, 1024 * 1024)
    return root


def zip_file(plan):
    """The report as a ZIP in a temporary file on disk (never the whole archive in memory)."""
    target = tempfile.TemporaryFile()  # noqa: SIM115 - read and closed by the archive's build
    write_zip(plan, target)
    target.seek(0)
    return target
