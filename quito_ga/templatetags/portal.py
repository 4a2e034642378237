from django import template
from django.urls import translate_url
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def translated_url(context, language_code):
    """Return the current page's address in another language, or that language's home page."""
    request = context.get("request")
    if request is None:
        return "/" if language_code == "es" else f"/{language_code}/"
    # "//evil.example/" is a path to the server but another site to a browser: one leading slash only.
    path = "/" + request.get_full_path().lstrip("/\\")
    url = translate_url(path, language_code)
    if url == path and language_code != context.get("LANGUAGE_CODE"):
        return "/" if language_code == "es" else f"/{language_code}/"
    return url


def _marked(text, language, tag, body):
    if language == (get_language() or "es")[:2]:
        return format_html("<{}>{}</{}>", tag, body, tag) if tag != "span" else body
    return format_html('<{} lang="{}">{}</{}>', tag, language, body, tag)


@register.filter
def localized(obj, field):
    """Show a bilingual field in the active language, marking text shown in the other language with `lang`."""
    text, language = obj.localized(field)
    return _marked(text, language, "span", conditional_escape(text))


@register.filter
def localized_paragraphs(obj, field):
    """Like `localized`, for multi-paragraph text."""
    text, language = obj.localized(field)
    paragraphs = [p for p in normalize_newlines(text).split("\n\n") if p.strip()]
    body = mark_safe("".join(format_html("<p>{}</p>", p.strip()) for p in paragraphs))  # noqa: S308 - escaped
    return _marked(text, language, "div", body)


@register.filter
def spanish(text):
    """Mark text that only exists in Spanish (milestones, notes) when the page is in another language."""
    return _marked(text, "es", "span", conditional_escape(text))
