from django.core.management.base import BaseCommand

from commitments.models import fill_evidence_checksums


class Command(BaseCommand):
    help = "Store the SHA-256 of every evidence file that has none yet (rows saved before checksums were kept)."

    def handle(self, *args, **options):
        self.stdout.write(self.style.SUCCESS(f"{fill_evidence_checksums()} checksums stored."))
