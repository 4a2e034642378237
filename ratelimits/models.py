import datetime

from django.db import connections, models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# One statement adds to the counter, or starts it (again, once its window is over), and returns the new count:
# no read-then-write gap for concurrent requests to slip through, on PostgreSQL and SQLite (3.35+) alike.
UPSERT = """
INSERT INTO ratelimits_counter (key, count, expires_at) VALUES (%s, %s, %s)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN ratelimits_counter.expires_at <= %s THEN excluded.count
                 ELSE ratelimits_counter.count + excluded.count END,
    expires_at = CASE WHEN ratelimits_counter.expires_at <= %s THEN excluded.expires_at
                      ELSE ratelimits_counter.expires_at END
RETURNING count
"""


class CounterQuerySet(models.QuerySet):
    def add(self, key, delta, window):
        """Add `delta` to the counter `key` (started afresh once its window is over) and return its new value."""
        now = timezone.now()
        if delta < 0:  # giving an attempt back never starts a window
            self.filter(key=key, expires_at__gt=now).update(count=F("count") + delta)
            return None
        adapt = connections[self.db].ops.adapt_datetimefield_value
        expires = now + datetime.timedelta(seconds=window)
        with connections[self.db].cursor() as cursor:
            cursor.execute(UPSERT, [key, delta, adapt(expires), adapt(now), adapt(now)])
            count = cursor.fetchone()[0]
        if count == delta:  # a window started: forget the windows that are over (an indexed range delete)
            self.filter(expires_at__lte=now).delete()
        return count

    def current(self, key):
        return self.filter(key=key, expires_at__gt=timezone.now()).values_list("count", flat=True).first() or 0


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
