import datetime
import html
import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.defaultfilters import floatformat
from django.templatetags.static import static
from django.urls import reverse, translate_url
from django.utils import formats
from django.utils.dateformat import format as date_machine_format
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, normalize_newlines
from django.utils.timezone import get_current_timezone, localtime
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from quito_ga.glossary import TERMS_BY_ANCHOR

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
def machine_datetime(value):
    """Format a datetime for `<time datetime>`: local time to the second, as the HTML standard accepts."""
    if not value:
        return ""
    return localtime(value).replace(microsecond=0).isoformat()


class CaptureNode(template.Node):
    def __init__(self, nodelist, name, limit):
        self.nodelist, self.name, self.limit = nodelist, name, limit

    def render(self, context):
        text = " ".join(html.unescape(strip_tags(self.nodelist.render(context))).split())
        if self.limit and len(text) > self.limit:
            text = Truncator(text).chars(self.limit)
        context[self.name] = text
        return ""


@register.tag
def capture(parser, token):
    """Render a block once as plain text (tags stripped, spaces collapsed) into a variable: `{% capture x 160 %}`.

    The head shows the same title and description in `<title>`, the description and the share cards.
    """
    bits = token.split_contents()
    if len(bits) not in (2, 3):
        raise template.TemplateSyntaxError("{% capture name [max_chars] %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[1], int(bits[2]) if len(bits) == 3 else None)


def absolute(path):
    """The public address of a path, from the configured `PORTAL_URL` (never from the request's Host header)."""
    if path.startswith(("https://", "http://")):
        return path
    return settings.PORTAL_URL.rstrip("/") + path


@register.simple_tag
def absolute_url(path):
    return absolute(str(path))


def _public_path(request):
    # "//evil.example/" is a path to the server but reads as another site: one leading slash only.
    return "/" + request.path.lstrip("/\\")


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's public address: its path plus the page number if any, other query parameters dropped."""
    request = context.get("request")
    if request is None:
        return absolute("/")
    page = request.GET.get("page", "")
    query = f"?page={page}" if page.isdigit() and page != "1" else ""
    return absolute(_public_path(request) + query)


@register.simple_tag(takes_context=True)
def alternate_url(context, language_code):
    """The absolute address of this page in another language, without query parameters other than the page."""
    request = context.get("request")
    if request is None:
        return absolute("/" if language_code == "es" else f"/{language_code}/")
    path = _public_path(request)
    url = translate_url(path, language_code)
    if url == path and language_code != context.get("LANGUAGE_CODE"):
        url = "/" if language_code == "es" else f"/{language_code}/"
    page = request.GET.get("page", "")
    return absolute(url + (f"?page={page}" if page.isdigit() and page != "1" else ""))


JSON_LD_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """A schema.org JSON-LD block, escaped like `json_script` so no text can close the script element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_LD_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 - escaped


@register.simple_tag
def glossary_link(anchor):
    """A small “?” link to a term's definition in the glossary, its definition also shown on hover."""
    term, definition = TERMS_BY_ANCHOR[anchor]
    return format_html(
        '<a class="glossary-link" href="{}#{}" title="{}"><span aria-hidden="true">?</span>'
        '<span class="visually-hidden">{}</span></a>',
        reverse("glossary"),
        anchor,
        definition,
        _("What does “%(term)s” mean?") % {"term": term},
    )


@register.simple_tag
def status_badge(status, choices=None):
    """A status in the portal's one vocabulary: its model's label, in the colour its `tone` gives.

    `status` is a choices member, or a stored value given with its choices (`{% status_badge s.status s.Status %}`).
    """
    if status in (None, ""):
        return ""
    member = choices(status) if choices is not None else status
    return format_html('<span class="badge badge--{}">{}</span>', member.tone, member.label)


@register.simple_tag
def organization_json_ld():
    """schema.org data about who publishes the portal, for the home page."""
    return json_ld(
        {
            "@context": "https://schema.org",
            "@type": "GovernmentOrganization",
            "name": "Municipio del Distrito Metropolitano de Quito",
            "alternateName": "Gobierno Abierto Quito",
            "url": absolute("/"),
            "logo": absolute(static("img/og-default.png")),
            "areaServed": {"@type": "City", "name": "Quito"},
            "sameAs": ["https://www.opengovpartnership.org/members/quito-ecuador/"],
        }
    )


EVENT_STATUSES = {"suspended": "https://schema.org/EventPostponed"}


@register.simple_tag
def session_json_ld(session):
    """schema.org `Event` data for a council session (its date, time, place or online link)."""
    zone = get_current_timezone()
    starts = datetime.datetime.combine(session.scheduled_on, session.starts_at, tzinfo=zone)
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": str(session.title()),
        "startDate": starts.isoformat(),
        "eventStatus": EVENT_STATUSES.get(session.status, "https://schema.org/EventScheduled"),
        "url": absolute(session.get_absolute_url()),
        "organizer": {"@type": "Organization", "name": "Consejo Consultivo de Gobierno Abierto"},
    }
    if session.ends_at:
        data["endDate"] = datetime.datetime.combine(session.scheduled_on, session.ends_at, tzinfo=zone).isoformat()
    locations = []
    if session.place:
        locations.append({"@type": "Place", "name": session.place, "address": session.place})
    if session.online_url:
        locations.append({"@type": "VirtualLocation", "url": session.online_url})
    if locations:
        data["location"] = locations if len(locations) > 1 else locations[0]
        mode = "Mixed" if len(locations) > 1 else ("Online" if session.online_url else "Offline")
        data["eventAttendanceMode"] = f"https://schema.org/{mode}EventAttendanceMode"
    return json_ld(data)


@register.filter
def in_page_language(obj, field):
    """A bilingual field's text only if it exists in the page's language (for meta descriptions), else ""."""
    text, language = obj.localized(field)
    return text if language == (get_language() or "es")[:2] else ""


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


# Lists show up to 20 cards a page. Like the admin's change list rows (django.contrib.admin's `items_for_result`),
# a card is put together in Python with `format_html` (every value escaped) and the catalogue's own msgids (the
# ones a {% blocktranslate %} would use): 0.1 ms a card, where the same card as a template cost 0.43 ms (three
# blocktranslates formatting numbers, a progress include, every variable looked up through the page's context).


def _number(value):
    # Integers below 1,000 read the same in every locale (no grouping): skip the formatting machinery for them.
    if isinstance(value, int) and -1000 < value < 1000:
        return str(value)
    return formats.localize(value, use_l10n=True)


def progress_html(value):
    """A progress bar with its value as text ("12,5 %"), or "Sin datos" when the progress is unknown (never 0 %)."""
    if value is None:
        return format_html(
            '<div class="progress progress--unknown">\n  <span class="progress__value">{}'
            '<span class="visually-hidden"> ({})</span></span>\n</div>',
            _("No data"),
            _("progress"),
        )
    return format_html(
        '<div class="progress">\n  <svg class="progress__bar" viewBox="0 0 100 10" preserveAspectRatio="none" '
        'aria-hidden="true" focusable="false">\n    <rect class="progress__track" width="100" height="10" />\n'
        '    <rect class="progress__fill" width="{}" height="10" />\n  </svg>\n'
        '  <span class="progress__value">{}<span class="visually-hidden"> {}</span></span>\n</div>',
        str(value),  # as `unlocalize`: an SVG length never takes a decimal comma
        _("%(value)s %%") % {"value": floatformat(value, "-1")},
        _("progress"),
    )


@register.simple_tag
def progress_bar(value):
    """{% progress_bar commitment.progress %}: see `progress_html`."""
    return progress_html(value)


def _card_counts(commitment, total, delayed):
    if not total:
        return _("No roadmap published")
    counts = ngettext(
        "%(complete)s of %(total)s milestone complete", "%(complete)s of %(total)s milestones complete", total
    ) % {"complete": _number(commitment.complete_count), "total": _number(total)}
    if not delayed:
        return counts
    late = ngettext("%(delayed)s delayed", "%(delayed)s delayed", delayed) % {"delayed": _number(delayed)}
    return format_html('{} · <strong class="text-bad">{}</strong>', counts, late)


def _card_verified(total, verified):
    if not total or verified is None:
        return ""
    text = ngettext(
        "%(verified)s of %(total)s milestone verified by the Council",
        "%(verified)s of %(total)s milestones verified by the Council",
        total,
    ) % {"verified": _number(verified), "total": _number(total)}
    return format_html('\n  <p class="muted commitment-card__verified">{}</p>', text)


@register.simple_tag
def commitment_card(commitment):
    """{% commitment_card commitment %}: a commitment's card in a list (home, commitments, plan and institution
    pages), from the list's row alone: its stored figures, plan and lead (`CommitmentQuerySet.for_list()`)."""
    total, delayed = commitment.milestone_count, commitment.delayed_count
    status = commitment.status_from_counts(total, commitment.complete_count, delayed, commitment.progress)
    if commitment.is_documented():
        field = "short_title" if commitment.short_title or commitment.short_title_en else "title"
        title, note = localized(commitment, field), translation_note(commitment, field)
    else:
        title, note = commitment.display_title(), ""
    lead = commitment.lead.name if commitment.lead else _("not published in the sources consulted")
    plan = commitment.plan
    return format_html(
        '<li class="card commitment-card">\n  <p class="commitment-card__meta">\n    <span class="code">{}</span>\n'
        "    {}{}\n  </p>\n"
        '  <h3><a href="{}">{}</a></h3>{}\n'
        '  <p class="muted commitment-card__plan">{}</p>\n'
        '  <p class="muted">{} {}</p>\n  {}\n'
        '  <p class="muted commitment-card__counts">{}</p>{}\n</li>',
        commitment.code,
        status_badge(status),
        format_html(' <span class="badge badge--demo">{}</span>', _("demo")) if commitment.is_demo else "",
        commitment.get_absolute_url(),
        title,
        note,
        _("Plan %(number)s (%(period)s)") % {"number": _number(plan.number), "period": plan.period},
        _("Lead:"),
        lead,
        progress_html(commitment.progress),
        _card_counts(commitment, total, delayed),
        _card_verified(total, getattr(commitment, "council_verified_count", None)),
    )
