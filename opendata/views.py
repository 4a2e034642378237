from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from commitments.models import ActionPlan
from opendata import repository
from opendata.datasets import BY_SLUG, DATASETS, LICENCE, LICENCE_URL, last_updated

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv_lines"),
    "json": ("application/json; charset=utf-8", "json_chunks"),
}


def dataset_list(request):
    updated = last_updated(DATASETS)
    return render(
        request,
        "opendata/dataset_list.html",
        {
            "entries": [{"dataset": dataset, "updated": updated.get(dataset.slug)} for dataset in DATASETS],
            "plans": ActionPlan.objects.order_by("-number").only("slug", "title", "number", "is_demo"),
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "generated_at": timezone.now(),
        },
    )


def dataset_download(request, slug, format):
    dataset = BY_SLUG.get(slug)
    if dataset is None or format not in FORMATS:
        raise Http404
    content_type, method = FORMATS[format]
    response = StreamingHttpResponse(getattr(dataset, method)(request), content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="quito-gobierno-abierto-{slug}-{stamp}.{format}"'
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return response


def api_documentation(request):
    resources = [{"dataset": dataset, "list_url": reverse("api:" + dataset.basename + "-list")} for dataset in DATASETS]
    return render(request, "opendata/api_documentation.html", {"resources": resources})


def repository_export(request, slug):
    plan = get_object_or_404(ActionPlan, slug=slug)
    archive = repository.zip_file(plan)
    filename = f"{repository.folder_name(plan, timezone.localtime())}.zip"
    return FileResponse(archive, as_attachment=True, filename=filename, content_type="application/zip")
