"""Demonstration data of the open-data app: the ZIPs built for demo plans (evidence repositories, reports)."""

from django.db import transaction

from opendata.models import ReportArchive, RepositoryArchive


def purge_demo():
    counts = []
    for model in (RepositoryArchive, ReportArchive):
        archives = model.objects.filter(plan__is_demo=True)
        storage = model._meta.get_field("file").storage
        files = [name for name in archives.values_list("file", flat=True) if name]
        counts.append(archives.delete()[1].get(model._meta.label, 0))
        transaction.on_commit(lambda storage=storage, files=files: [storage.delete(name) for name in files])
    return f"{counts[0]} demonstration evidence archives and {counts[1]} report archives removed"
