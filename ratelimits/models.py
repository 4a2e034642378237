import datetime

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CounterQuerySet(models.QuerySet):
    def add(self, key, delta, window):
        """Add `delta` to the counter `key` (started afresh once its window is over) and return its new value.

        The increment is a single UPDATE of one row, so concurrent requests of every worker are all counted;
        the read that follows happens while the row is still locked by this transaction.
        """
        now = timezone.now()
        with transaction.atomic():
            if not self.filter(key=key, expires_at__gt=now).update(count=F("count") + delta):
                if delta < 0:
                    return 0
                self.filter(key=key, expires_at__lte=now).delete()
                try:
                    with transaction.atomic():
                        self.create(key=key, count=delta, expires_at=now + datetime.timedelta(seconds=window))
                except IntegrityError:  # another request created it first: count on its row
                    self.filter(key=key).update(count=F("count") + delta)
            return self.filter(key=key).values_list("count", flat=True).first() or 0

    def current(self, key):
        return self.filter(key=key, expires_at__gt=timezone.now()).values_list("count", flat=True).first() or 0

    def expired(self):
        return self.filter(expires_at__lte=timezone.now())


class Counter(models.Model):
    """One rate-limit window: a hashed key (never an address or an account name) and how often it was hit."""

    key = models.CharField(_("key"), max_length=64, primary_key=True)
    count = models.IntegerField(_("count"), default=0)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    objects = CounterQuerySet.as_manager()

    class Meta:
        verbose_name = _("rate-limit counter")
        verbose_name_plural = _("rate-limit counters")

    def __str__(self):
        return f"{self.key[:12]}… = {self.count}"
