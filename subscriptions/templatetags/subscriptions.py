from django import template
from django.utils import translation

from proposals.emails import absolute_url

register = template.Library()


@register.simple_tag
def event_text(event):
    """The event's sentence in the language being rendered (the subscriber's)."""
    return event.text_in(translation.get_language())


@register.simple_tag
def event_url(event):
    return absolute_url(event.url_in(translation.get_language()))
