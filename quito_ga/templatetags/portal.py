from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def translated_url(context, language_code):
    """Return the current page's address in another language, or that language's home page."""
    request = context.get("request")
    if request is None:
        return "/" if language_code == "es" else f"/{language_code}/"
    url = translate_url(request.get_full_path(), language_code)
    if url == request.get_full_path() and language_code != context.get("LANGUAGE_CODE"):
        return "/" if language_code == "es" else f"/{language_code}/"
    return url
