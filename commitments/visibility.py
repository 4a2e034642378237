"""Who may see what: every public QuerySet answers `visible_to(user)`, and nothing else filters for the public.

Views pass `request.user`; feeds, the sitemap, the datasets, the API and the evidence archive pass `None` (the
public). Demonstration rows are visible to everyone and labelled wherever they show.
"""

from django.db import models


def holds(user, permission):
    """Whether `user` (None for the public) holds `permission`; superusers hold every permission."""
    return user is not None and user.has_perm(permission)


class PublicQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every row is public, for everyone: nothing of this model is kept back from citizens."""
        return self
