from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = _("Email subscriptions")

    def ready(self):
        from django.conf import settings

        from proposals.models import contact_erased, personal_data_purged
        from subscriptions import events
        from subscriptions.models import Subscriber

        events.connect()

        # The proposals' erasure request and purge_personal_data cover the same person's subscriptions.
        def erase(sender, email, **kwargs):
            return Subscriber.objects.erase(email)

        def purge(sender, older_than_days, **kwargs):
            subscriptions, addresses = Subscriber.objects.purge(
                older_than_days=older_than_days, unconfirmed_days=settings.SUBSCRIPTIONS_UNCONFIRMED_DAYS
            )
            return f"Deleted {subscriptions} email subscriptions and {addresses} addresses left following nothing."

        contact_erased.connect(erase, weak=False, dispatch_uid="subscriptions:erase")
        personal_data_purged.connect(purge, weak=False, dispatch_uid="subscriptions:purge")
