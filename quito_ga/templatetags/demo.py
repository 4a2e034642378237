"""Whether a page shows only demonstration data, so that search engines are asked not to index it."""

from django import template

register = template.Library()


@register.filter
def all_demo(objects):
    """True when the list is not empty and every object in it is demonstration data.

    Iterates the page's own list, so its rows are fetched once and reused by the page's loop.
    """
    if not objects:
        return False
    return all(getattr(item, "is_demo", False) for item in objects)
