"""The DCAT-AP 3 catalogue of the portal's datasets (JSON-LD and Turtle, for harvesters such as CKAN's
ckanext-dcat), and the schema.org `Dataset` markup of the open-data pages, both built from the dataset registry.

Identifiers are built on `settings.PORTAL_URL`, never on the request's host, so they stay stable. A dataset's
`dct:modified` is the latest change of its rows where the registry knows it, and is left out otherwise: the
catalogue never states a date it does not know."""

import datetime
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from commitments.models import ActionPlan, DatePrecision
from opendata.datasets import DATASETS, LICENCE, LICENCE_URL, last_updated

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
EU_COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
IANA = Namespace("http://www.iana.org/assignments/media-types/")
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
PUBLISHER_NAME = "Municipio del Distrito Metropolitano de Quito"
LANGUAGES = ("es", "en")
CATALOGUE_DESCRIPTION = _(
    "The open data of Quito's open-government action plans: commitments, milestones, progress reports, "
    "evidence, the advisory council's sessions, agreements and verifications, and citizen proposals."
)
FORMATS = {
    "csv": (EU_FILE_TYPE.CSV, IANA["text/csv"], "CSV"),
    "json": (EU_FILE_TYPE.JSON, IANA["application/json"], "JSON"),
}


def absolute(path):
    return settings.PORTAL_URL.rstrip("/") + path


def _url(name, *args, language="es"):
    with translation.override(language):
        return absolute(reverse(name, args=args))


def _bilingual(graph, subject, predicate, text):
    for language in LANGUAGES:
        with translation.override(language):
            graph.add((subject, predicate, Literal(str(text), lang=language)))


def _temporal_coverage():
    """The span of the real plans as `(start, end)` literals, at the precision their sources give (a year, a
    month or a day), or None where no source gives it; demo plans, being fictional, cover no real period."""
    plans = ActionPlan.objects.filter(is_demo=False).only(
        "starts_on", "starts_on_precision", "ends_on", "ends_on_precision"
    )
    starts = [(plan.starts_on, plan.starts_on_precision) for plan in plans if plan.starts_on]
    ends = [(plan.ends_on, plan.ends_on_precision) for plan in plans if plan.ends_on]
    return (_precise_literal(*min(starts)) if starts else None, _precise_literal(*max(ends)) if ends else None)


def _precise_literal(date, precision):
    if precision == DatePrecision.YEAR:
        return Literal(f"{date:%Y}", datatype=XSD.gYear)
    if precision == DatePrecision.MONTH:
        return Literal(f"{date:%Y-%m}", datatype=XSD.gYearMonth)
    return Literal(date, datatype=XSD.date)


def catalogue_graph():
    graph = Graph()
    for prefix, namespace in [("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD), ("skos", SKOS)]:
        graph.bind(prefix, namespace)
    catalogue = URIRef(_url("opendata:dataset-list") + "#catalogo")
    publisher = URIRef(absolute("/#municipio"))
    licence = URIRef(LICENCE_URL)
    contact = URIRef(absolute("/#contacto"))
    api_service = URIRef(absolute("/api/v1/"))
    quito = BNode("quito")
    updated = {slug: value for slug, value in last_updated(DATASETS).items() if value is not None}
    start, end = _temporal_coverage()

    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, FOAF.name, Literal(PUBLISHER_NAME, lang="es")))
    local_authority = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
    graph.add((publisher, DCTERMS.type, local_authority))
    graph.add((local_authority, RDF.type, SKOS.Concept))
    graph.add((local_authority, SKOS.prefLabel, Literal("Local Authority", lang="en")))
    graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
    graph.add((licence, DCTERMS.title, Literal(LICENCE)))
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal("Gobierno Abierto Quito", lang="es")))
    graph.add((contact, VCARD.hasURL, URIRef(absolute("/"))))
    graph.add((quito, RDF.type, DCTERMS.Location))
    graph.add((quito, SKOS.prefLabel, Literal("Distrito Metropolitano de Quito, Ecuador", lang="es")))
    graph.add((quito, SKOS.prefLabel, Literal("Metropolitan District of Quito, Ecuador", lang="en")))

    graph.add((catalogue, RDF.type, DCAT.Catalog))
    graph.add((catalogue, DCTERMS.title, Literal("Gobierno Abierto Quito: datos abiertos", lang="es")))
    graph.add((catalogue, DCTERMS.title, Literal("Open Government Quito: open data", lang="en")))
    _bilingual(graph, catalogue, DCTERMS.description, CATALOGUE_DESCRIPTION)
    graph.add((catalogue, DCTERMS.publisher, publisher))
    graph.add((catalogue, DCTERMS.license, licence))
    graph.add((catalogue, DCTERMS.spatial, EU_COUNTRY.ECU))
    graph.add((EU_COUNTRY.ECU, RDF.type, DCTERMS.Location))
    homepage = URIRef(_url("opendata:dataset-list"))
    graph.add((catalogue, FOAF.homepage, homepage))
    graph.add((homepage, RDF.type, FOAF.Document))
    for code in ("SPA", "ENG"):
        graph.add((catalogue, DCTERMS.language, EU_LANGUAGE[code]))
        graph.add((EU_LANGUAGE[code], RDF.type, DCTERMS.LinguisticSystem))
    if updated:
        graph.add((catalogue, DCTERMS.modified, _date_time(max(updated.values(), key=_sort_key))))

    graph.add((api_service, RDF.type, DCAT.DataService))
    graph.add((api_service, DCTERMS.title, Literal("API de datos abiertos de Gobierno Abierto Quito", lang="es")))
    graph.add((api_service, DCTERMS.title, Literal("Open Government Quito open data API", lang="en")))
    graph.add((api_service, DCAT.endpointURL, api_service))
    graph.add((api_service, DCAT.endpointDescription, URIRef(absolute(reverse("api:schema")))))
    graph.add((api_service, DCTERMS.license, licence))
    graph.add((api_service, DCTERMS.publisher, publisher))
    graph.add((catalogue, DCAT.service, api_service))

    for dataset in DATASETS:
        _add_dataset(graph, dataset, updated.get(dataset.slug), (start, end), catalogue, api_service, contact)
    return graph


def _add_dataset(graph, dataset, modified, span, catalogue, api_service, contact):
    """A dataset with its CSV, JSON and API distributions."""
    publisher, licence, quito = URIRef(absolute("/#municipio")), URIRef(LICENCE_URL), BNode("quito")
    start, end = span
    node = URIRef(_url("opendata:dataset-detail", dataset.slug))
    graph.add((catalogue, DCAT.dataset, node))
    graph.add((api_service, DCAT.servesDataset, node))
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(dataset.slug)))
    _bilingual(graph, node, DCTERMS.title, dataset.title)
    _bilingual(graph, node, DCTERMS.description, dataset.description)
    graph.add((node, DCTERMS.publisher, publisher))
    graph.add((node, DCAT.contactPoint, contact))
    graph.add((node, DCAT.theme, EU_THEME.GOVE))
    graph.add((EU_THEME.GOVE, RDF.type, SKOS.Concept))
    graph.add((EU_THEME.GOVE, SKOS.prefLabel, Literal("Government and public sector", lang="en")))
    for keyword in ("gobierno abierto", "Quito", "OGP Local"):
        graph.add((node, DCAT.keyword, Literal(keyword, lang="es")))
    graph.add((node, DCTERMS.spatial, quito))
    graph.add((node, DCAT.landingPage, node))
    graph.add((node, RDF.type, FOAF.Document))
    if start or end:
        period = BNode(f"period-{dataset.slug}")
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if start:
            graph.add((period, DCAT.startDate, start))
        if end:
            graph.add((period, DCAT.endDate, end))
        graph.add((node, DCTERMS.temporal, period))
    if modified:
        graph.add((node, DCTERMS.modified, _date_time(modified)))
    for format, (file_type, media_type, _label) in FORMATS.items():
        download = URIRef(_url("opendata:dataset-download", dataset.slug, format))
        distribution = URIRef(f"{download}#distribucion")
        graph.add((node, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title, Literal(f"{dataset.slug}.{format}")))
        graph.add((distribution, DCAT.accessURL, download))
        graph.add((distribution, DCAT.downloadURL, download))
        graph.add((distribution, DCTERMS.format, file_type))
        graph.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
        graph.add((distribution, DCAT.mediaType, media_type))
        graph.add((media_type, RDF.type, DCTERMS.MediaType))
        graph.add((distribution, DCTERMS.license, licence))
        if modified:
            graph.add((distribution, DCTERMS.modified, _date_time(modified)))
    api_list = URIRef(absolute(reverse(f"api:{dataset.basename}-list")))
    distribution = URIRef(f"{api_list}#distribucion")
    graph.add((node, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCTERMS.title, Literal(f"API: {dataset.slug}")))
    graph.add((distribution, DCAT.accessURL, api_list))
    graph.add((distribution, DCAT.accessService, api_service))
    graph.add((distribution, DCAT.mediaType, IANA["application/json"]))
    graph.add((distribution, DCTERMS.format, EU_FILE_TYPE.JSON))
    graph.add((distribution, DCTERMS.license, licence))


def _sort_key(value):
    if isinstance(value, datetime.datetime):
        return value.date(), value.timetz().replace(tzinfo=None)
    return value, datetime.time.max


def _date_time(value):
    if isinstance(value, datetime.datetime):
        return Literal(value.replace(microsecond=0), datatype=XSD.dateTime)
    return Literal(value, datatype=XSD.date)


def json_ld(data):
    """`data` as a JSON-LD script element, escaped so no text in it can close the element."""
    text = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 escaped above


def schema_org_catalogue(entries):
    """schema.org `DataCatalog` with its datasets, for the /datos/ page (a dict, rendered with json_script)."""
    return {
        "@context": "https://schema.org",
        "@type": "DataCatalog",
        "name": "Gobierno Abierto Quito: datos abiertos",
        "url": _url("opendata:dataset-list", language=translation.get_language()),
        "license": LICENCE_URL,
        "publisher": {"@type": "GovernmentOrganization", "name": PUBLISHER_NAME},
        "dataset": [schema_org_dataset(entry["dataset"], entry["updated"]) for entry in entries],
    }


def schema_org_dataset(dataset, updated):
    language = translation.get_language()
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": str(dataset.title),
        "description": str(dataset.description),
        "url": _url("opendata:dataset-detail", dataset.slug, language=language),
        "identifier": dataset.slug,
        "license": LICENCE_URL,
        "isAccessibleForFree": True,
        "inLanguage": language,
        "spatialCoverage": {"@type": "Place", "name": "Distrito Metropolitano de Quito, Ecuador"},
        "creator": {"@type": "GovernmentOrganization", "name": PUBLISHER_NAME},
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": media_type.removeprefix(str(IANA)),
                "contentUrl": _url("opendata:dataset-download", dataset.slug, format),
            }
            for format, (_file_type, media_type, _label) in FORMATS.items()
        ],
    }
    if updated:
        data["dateModified"] = updated.isoformat()
    return data
