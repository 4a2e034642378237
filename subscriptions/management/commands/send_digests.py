from django.core.management.base import BaseCommand

from subscriptions.delivery import next_digest_run, schedule_weekly_digests, weekly_digests


class Command(BaseCommand):
    help = (
        "Queue this week's email digests now; with --schedule, only make sure the weekly run is queued for next "
        "Monday (the run then queues the one after it). `make run` runs it with --schedule."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true", help="Queue the weekly run if none is waiting.")

    def handle(self, *args, schedule, **options):
        if schedule:
            if schedule_weekly_digests():
                self.stdout.write(f"Weekly email digests scheduled (next run {next_digest_run():%Y-%m-%d %H:%M}).")
            else:
                self.stdout.write("The task backend cannot defer tasks: run `manage.py send_digests` weekly (cron).")
            return
        self.stdout.write(str(weekly_digests.call()))
