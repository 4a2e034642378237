import hashlib
import threading

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

from commitments.models import ActionPlan
from opendata import catalogue as dcat
from opendata import report
from opendata.datasets import BY_SLUG, DATASETS, LICENCE, LICENCE_URL, _Line, last_updated
from opendata.models import ReportArchive, RepositoryArchive
from opendata.spreadsheets import SafeWriter
from proposals.register import register_queryset
from subscriptions.models import Subscription

# Repository ZIPs streamed at once by this process: the rest of its threads stay free for the pages.
REPOSITORY_DOWNLOADS = threading.BoundedSemaphore(settings.REPOSITORY_DOWNLOADS_PER_PROCESS)
PREPARING_RETRY_SECONDS = 60
BUSY_RETRY_SECONDS = 15

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv_lines"),
    "json": ("application/json; charset=utf-8", "json_chunks"),
}


CATALOGUE_FORMATS = {"jsonld": ("json-ld", "application/ld+json"), "ttl": ("turtle", "text/turtle")}
SAMPLE_ROWS = 5


def dataset_list(request):
    updated = last_updated(DATASETS)
    entries = [{"dataset": dataset, "updated": updated.get(dataset.slug)} for dataset in DATASETS]
    return render(
        request,
        "opendata/dataset_list.html",
        {
            "entries": entries,
            "plans": ActionPlan.objects.visible_to(None).order_by("-number").only("slug", "title", "number", "is_demo"),
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "json_ld": dcat.json_ld(dcat.schema_org_catalogue(entries)),
            # Email subscriptions are personal data: counted here, never listed.
            "subscription_count": Subscription.objects.confirmed().count(),
        },
    )


# What the page cache keys it on (quito_ga/page_versions.py): each dataset's last change, proposals' included,
# and the count of confirmed email subscriptions.
dataset_list.page_versions = ("records:commitments", "records:council", "records:proposals", "subscriptions")


def dataset_detail(request, slug):
    """One dataset: what it holds, its columns, its first rows, its downloads and its last change."""
    dataset = BY_SLUG.get(slug)
    if dataset is None:
        raise Http404
    updated = last_updated([dataset]).get(dataset.slug)
    columns = dataset.columns()
    rows = [[row[column.name] for column in columns] for row in dataset.sample(request, SAMPLE_ROWS)]
    return render(
        request,
        "opendata/dataset_detail.html",
        {
            "dataset": dataset,
            "columns": columns,
            "rows": rows,
            "updated": updated,
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "api_url": reverse(f"api:{dataset.basename}-list"),
            "json_ld": dcat.json_ld(dcat.schema_org_dataset(dataset, updated)),
        },
    )


def catalogue(request, format):
    """The DCAT-AP catalogue of every dataset, as JSON-LD or Turtle."""
    if format not in CATALOGUE_FORMATS:
        raise Http404
    rdf_format, content_type = CATALOGUE_FORMATS[format]
    body = dcat.catalogue_graph().serialize(format=rdf_format)
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="quito-gobierno-abierto-catalogo.{format}"'
    return response


def dataset_download(request, slug, format):
    """A dataset as CSV or JSON, streamed. `Last-Modified` and the ETag come from the dataset's last change (its
    rows' timestamps, never the request time), so a client that has the file gets a 304 without it being built."""
    dataset = BY_SLUG.get(slug)
    if dataset is None or format not in FORMATS:
        raise Http404
    content_type, method = FORMATS[format]
    updated = last_updated([dataset]).get(dataset.slug)
    etag = last_modified = None
    if updated is not None:
        # The bytes also depend on the language (labels) and the host (absolute links in the rows).
        key = f"{slug}.{format}|{get_language()}|{request.get_host()}|{updated.isoformat()}"
        etag = quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32])
        last_modified = int(updated.timestamp())
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            not_modified["Link"] = f'<{LICENCE_URL}>; rel="license"'
            not_modified["ETag"] = etag
            not_modified["Last-Modified"] = http_date(last_modified)
            return not_modified
    response = StreamingHttpResponse(getattr(dataset, method)(request), content_type=content_type)
    stamp = timezone.localtime(updated).date().isoformat() if updated else timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="quito-gobierno-abierto-{slug}-{stamp}.{format}"'
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    if etag:
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
    return response


def api_documentation(request):
    resources = [{"dataset": dataset, "list_url": reverse("api:" + dataset.basename + "-list")} for dataset in DATASETS]
    return render(request, "opendata/api_documentation.html", {"resources": resources})


def repository_export(request, slug):
    """Serve the ZIP the task worker built; never build it here."""
    plan = get_object_or_404(ActionPlan.objects.visible_to(None), slug=slug)
    return _serve_archive(request, plan, RepositoryArchive)


def plan_report(request, slug):
    """The plan's end-of-term report, in the structure of OGP's IRM results report, built from the data."""
    plan = get_object_or_404(ActionPlan.objects.visible_to(request.user), slug=slug)
    return render(request, "opendata/plan_report.html", report.context(plan))


# A commitment's, milestone's, report's, verification's or requirement's change bumps its plan's version; a session
# held (its verifications become public) bumps "council"; a proposal's answer "proposals" (quito_ga/page_versions.py).
plan_report.page_versions = ("plan:{slug}", "council", "proposals", "vocabulary")


def plan_report_zip(request, slug):
    """Serve the report's dated ZIP the task worker built; never build it here."""
    plan = get_object_or_404(ActionPlan.objects.visible_to(None), slug=slug)
    return _serve_archive(request, plan, ReportArchive, what="report")


def _serve_archive(request, plan, model, what="repository"):
    archive = model.objects.filter(plan=plan).first()
    if archive is None or not archive.is_ready():
        model.queue_build(plan.pk)
        return _repository_unavailable(request, plan, "preparing", PREPARING_RETRY_SECONDS, what)
    last_modified = int(archive.built_at.timestamp())  # HTTP dates have whole seconds
    validators = {"ETag": archive.etag, "Last-Modified": http_date(last_modified)}
    not_modified = get_conditional_response(request, etag=archive.etag, last_modified=last_modified)
    if not_modified is not None:
        for header, value in validators.items():
            not_modified[header] = value
        return not_modified
    if not REPOSITORY_DOWNLOADS.acquire(blocking=False):
        return _repository_unavailable(request, plan, "busy", BUSY_RETRY_SECONDS, what)
    try:
        download = _Download(archive.file.storage.open(archive.file.name, "rb"), REPOSITORY_DOWNLOADS.release)
    except BaseException:
        REPOSITORY_DOWNLOADS.release()
        raise
    response = FileResponse(download, as_attachment=True, filename=archive.filename, content_type="application/zip")
    for header, value in validators.items():
        response[header] = value
    response["Content-Length"] = archive.size
    response["Cache-Control"] = "no-cache"
    return response


def _repository_unavailable(request, plan, reason, retry_after, what="repository"):
    # Rendered without the request's context processors: a crowd of refused downloads stays cheap.
    content = render_to_string("opendata/repository_unavailable.html", {"plan": plan, "reason": reason, "what": what})
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(retry_after)
    return response


class _Download:
    """The stored ZIP, giving back its download slot when the server closes it after the last byte."""

    def __init__(self, file, release):
        self._file, self._release = file, release

    def __getattr__(self, name):
        return getattr(self._file, name)  # read, seek, tell, fileno (for sendfile)

    def close(self):
        release, self._release = self._release, None
        try:
            self._file.close()
        finally:
            if release is not None:
                release()


CSV_COLUMNS = [
    "code",
    "title",
    "zone",
    "parish",
    "topic",
    "received_on",
    "outcome",
    "commitments",
    "duplicate_of",
    "response",
]


def plan_responses_csv(request, slug):
    """The plan's register of responses as CSV: one row per proposal, never personal data."""
    plan = get_object_or_404(ActionPlan, slug=slug)
    proposals = (
        register_queryset(plan, None)
        .select_related("zone", "parish", "duplicate_of")
        .prefetch_related("commitments")
        .defer("problem", "solution", "search_text")
        .order_by("created_at", "pk")
    )

    def lines():
        buffer = _Line()
        writer = SafeWriter(buffer)
        yield "\ufeff" + writer.writerow([*CSV_COLUMNS, "is_demo"])
        for proposal in proposals.iterator(chunk_size=1000):
            original = proposal.duplicate_of
            yield writer.writerow(
                [
                    proposal.code,
                    proposal.title,
                    proposal.zone.name if proposal.zone_id else "",
                    proposal.parish.name if proposal.parish_id else "",
                    proposal.topic,
                    proposal.created_at.date().isoformat(),
                    proposal.outcome,
                    "; ".join(commitment.code for commitment in proposal.commitments.all()),
                    original.code if original is not None and not original.is_hidden else "",
                    proposal.response if proposal.is_closed() else "",
                    "true" if proposal.is_demo else "false",
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quito-gobierno-abierto-respuestas-{plan.slug}.csv"'
    return response
