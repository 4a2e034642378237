from django import template
from django.urls import translate_url
from django.utils.dateformat import format as date_machine_format
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines
from django.utils.translation import get_language
from django.utils.translation import gettext as _

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
    """Like `localized`, for multi-paragraph text; says so when the text is shown in the other language."""
    text, language = obj.localized(field)
    paragraphs = [p for p in normalize_newlines(text).split("\n\n") if p.strip()]
    body = mark_safe("".join(format_html("<p>{}</p>", p.strip()) for p in paragraphs))  # noqa: S308 - escaped
    marked = _marked(text, language, "div", body)
    if not text or language == (get_language() or "es")[:2]:
        return marked
    note = _("Only available in English.") if language == "en" else _("Only available in Spanish.")
    return format_html('{}<p class="muted translation-note">{}</p>', marked, note)


@register.simple_tag
def translation_note(obj, field):
    """Mark a text the portal translated, with a link to the source in the original language."""
    text, language = obj.localized(field)
    if not text or not obj.is_portal_translation(field, language):
        return ""
    source = obj.original_source()
    original = "es" if language == "en" else "en"
    if not source:
        return format_html('<small class="translation-note">{}</small>', _("Portal translation"))
    link_text = _("original in English") if original == "en" else _("original in Spanish")
    return format_html(
        '<small class="translation-note">{} · <a href="{}" hreflang="{}">{}</a></small>',
        _("Portal translation"),
        source,
        original,
        link_text,
    )


DATE_FORMATS = {"day": ("DATE_FORMAT", "Y-m-d"), "month": ("YEAR_MONTH_FORMAT", "Y-m"), "year": ("Y", "Y")}


@register.filter
def precise_date(obj, field):
    """Show a sourced date with the precision its source gives: “abril de 2023” for a month."""
    value = getattr(obj, field)
    if value is None:
        return ""
    shown, machine = DATE_FORMATS[getattr(obj, f"{field}_precision", "day")]
    return format_html('<time datetime="{}">{}</time>', date_machine_format(value, machine), date_format(value, shown))


@register.filter
def is_url(text):
    return str(text).startswith(("https://", "http://"))


@register.filter
def spanish(text):
    """Mark text that only exists in Spanish (milestones, notes) when the page is in another language."""
    return _marked(text, "es", "span", conditional_escape(text))


@register.filter
def verified_count(milestones):
    """How many of `milestones` the advisory council verified at its latest review of each (reads the prefetch
    the council registers for the commitment page; None when no app registered it)."""
    if not milestones or not all(hasattr(milestone, "council_reviews_shown") for milestone in milestones):
        return None
    return sum(
        1
        for milestone in milestones
        if milestone.council_reviews_shown and milestone.council_reviews_shown[0].is_verified()
    )
