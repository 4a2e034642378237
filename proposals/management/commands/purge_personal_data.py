from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from proposals.models import ProposerContact, personal_data_purged


class Command(BaseCommand):
    help = "Anonymise the proposers' contact data of proposals closed longer than the retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            metavar="DAYS",
            help="Days since the proposal was closed (default: PROPOSALS_RETENTION_DAYS).",
        )

    def handle(self, *args, older_than, **options):
        days = settings.PROPOSALS_RETENTION_DAYS if older_than is None else older_than
        if days < 0:
            raise CommandError("--older-than must be zero or more days.")
        count = ProposerContact.objects.purgeable(older_than_days=days).anonymise()
        self.stdout.write(f"Anonymised the contact data of {count} proposals closed more than {days} days ago.")
        # Other apps' personal data under the same retention rule (email subscriptions): each says what it did.
        for _receiver, report in personal_data_purged.send(sender=self.__class__, older_than_days=days):
            if report:
                self.stdout.write(str(report))
