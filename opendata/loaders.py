"""Demonstration data of the open-data app: the evidence ZIPs built for demo plans."""

from django.db import transaction

from opendata.models import RepositoryArchive


def purge_demo():
    archives = RepositoryArchive.objects.filter(plan__is_demo=True)
    storage = RepositoryArchive._meta.get_field("file").storage
    files = [name for name in archives.values_list("file", flat=True) if name]
    count = archives.delete()[1].get(RepositoryArchive._meta.label, 0)
    transaction.on_commit(lambda: [storage.delete(name) for name in files])
    return f"{count} demonstration evidence archives removed"
