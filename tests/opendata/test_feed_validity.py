"""Every Atom feed, in both languages and with its whole archive, passes the checks of the W3C feed validator.

The `feedvalidator` package is not on PyPI (and its code is Python 2), so the checks are done here: the RELAX NG
grammar of RFC 4287 Appendix B (vendored in tests/opendata/data/atom with its licence) through lxml, plus what the
grammar leaves to Schematron or prose and the W3C validator reports as errors: ids are absolute IRIs (valid `tag:`
URIs, RFC 4151), unique, the feed or every entry has an author, every entry has an alternate link, dates carry
a time zone and are not in the future, `published` is not after `updated`, the feed's `updated` is its newest
entry's, links are absolute, `self` is the address fetched. RFC 5005 paging is checked by walking the archive.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from lxml import etree

from commitments.models import Commitment, ProgressUpdate
from commitments.syndication import EMPTY_FEED_UPDATED, PAGE_SIZE, PUBLISHER
from council.models import Minutes
from proposals.models import Proposal
from tests.commitments.factories import ProgressUpdateFactory
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FH = "{http://purl.org/syndication/history/1.0}"
NS = {"atom": ATOM[1:-1], "fh": FH[1:-1]}
SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).parent / "data" / "atom" / "atom.rng")))
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
DNS_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
TAG_URI = re.compile(rf"^tag:(?:{DNS_NAME}|[^@\s]+@{DNS_NAME}),\d{{4}}(?:-\d\d(?:-\d\d)?)?:[\w\-.~!$&'()*+,;=:@/?%]*$")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$")


def parse_date(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def id_errors(where, identifier):
    if not IRI.match(identifier):
        return [f"{where}: id {identifier!r} is not an absolute IRI"]
    if identifier.startswith("tag:") and not TAG_URI.match(identifier):
        return [f"{where}: id {identifier!r} is not a valid tag: URI (RFC 4151)"]
    return []


def date_errors(where, element, now):
    errors, dates = [], {}
    for tag in ("updated", "published"):
        text = element.findtext(f"{ATOM}{tag}")
        if text is None:
            continue
        if not RFC3339.match(text):
            errors.append(f"{where}: <{tag}> {text!r} is not an RFC 3339 date with a time zone")
            continue
        dates[tag] = parse_date(text)
        if dates[tag] > now:
            errors.append(f"{where}: <{tag}> {text} is in the future")
    if "published" in dates and "updated" in dates and dates["published"] > dates["updated"]:
        errors.append(f"{where}: published after updated")
    return errors


def element_errors(where, element, now):
    tags = ("id", "title", "updated")
    errors = [f"{where}: needs exactly one <{tag}>" for tag in tags if len(element.findall(f"{ATOM}{tag}")) != 1]
    errors += id_errors(where, element.findtext(f"{ATOM}id") or "")
    errors += date_errors(where, element, now)
    errors += [
        f"{where}: link {link.get('href')!r} is not absolute"
        for link in element.findall(f"{ATOM}link")
        if not link.get("href", "").startswith(("http://", "https://"))
    ]
    return errors


def entry_errors(where, entry, feed_has_author):
    errors = []
    if not (feed_has_author or entry.findall(f"{ATOM}author")):  # Schematron rule of RFC 4287 Appendix B
        errors.append(f"{where}: no author in the entry or the feed")
    links = entry.findall(f"{ATOM}link")
    if not any(link.get("rel", "alternate") == "alternate" for link in links) and entry.find(f"{ATOM}content") is None:
        errors.append(f"{where}: no alternate link and no content")  # the other Schematron rule
    return errors


def atom_errors(content, url, now):
    """The errors the W3C validator would report on an Atom document (empty when it is valid)."""
    root = etree.fromstring(content)
    errors = [f"schema: {error.message} (line {error.line})" for error in ([] if SCHEMA(root) else SCHEMA.error_log)]
    errors += element_errors("feed", root, now)
    entries = root.findall(f"{ATOM}entry")
    feed_has_author = bool(root.findall(f"{ATOM}author"))
    for number, entry in enumerate(entries):
        errors += element_errors(f"entry {number}", entry, now) + entry_errors(
            f"entry {number}", entry, feed_has_author
        )
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    if len(set(ids)) != len(ids):
        errors.append("duplicate entry ids")
    updated = [entry.findtext(f"{ATOM}updated") or "" for entry in entries]
    entry_dates = [parse_date(text) for text in updated if RFC3339.match(text)]
    if entry_dates and parse_date(root.findtext(f"{ATOM}updated")) != max(entry_dates):
        errors.append("the feed's updated is not its newest entry's")
    selves = [link.get("href") for link in root.findall(f"{ATOM}link[@rel='self']")]
    if selves != [url]:
        errors.append(f"self link {selves} is not the address fetched ({url})")
    return errors


INVALID = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><link href="/x/" rel="alternate"/>
<link href="http://testserver/f.atom" rel="self"/><id>progress-updates</id><updated>2020-01-01T00:00:00Z</updated>
<entry><title>a</title><link href="http://testserver/a" rel="alternate"/><id>progress-update-1</id>
<published>2999-01-01T12:00:00-05:00</published></entry>
<entry><title>b</title><id>tag:example.org,2020:x</id><updated>2020-01-01T00:00:00</updated></entry>
<entry><title>c</title><link href="http://testserver/c"/><id>tag:example.org,2020:x</id>
<updated>2020-01-01T00:00:00Z</updated><bogus/></entry></feed>"""


def test_the_checks_find_the_errors_the_w3c_validator_reported():
    errors = "\n".join(atom_errors(INVALID, "http://testserver/f.atom", timezone.now()))
    for expected in [
        "schema:",  # the first entry has no <updated>
        "entry 0: needs exactly one <updated>",
        "feed: id 'progress-updates' is not an absolute IRI",
        "entry 0: id 'progress-update-1' is not an absolute IRI",
        "entry 0: <published> 2999-01-01T12:00:00-05:00 is in the future",
        "entry 0: no author in the entry or the feed",
        "entry 1: <updated> '2020-01-01T00:00:00' is not an RFC 3339 date with a time zone",
        "entry 1: no alternate link and no content",
        "feed: link '/x/' is not absolute",
        "duplicate entry ids",
    ]:
        assert expected in errors


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return response.content


def walk(client, url, now):
    """The current feed and every archive page it links (RFC 5005): {url: parsed document}, all validated."""
    documents = {}
    while url:
        content = fetch(client, url.removeprefix("http://testserver"))
        errors = atom_errors(content, url, now)
        assert errors == [], (url, errors)
        root = etree.fromstring(content)
        is_archive = root.find(f"{FH}archive") is not None
        assert is_archive == (url != next(iter(documents), url)), url
        links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
        assert links["current"] == next(iter(documents), url)
        assert links["license"] == settings.OPEN_DATA_LICENCE["url"]
        assert settings.OPEN_DATA_LICENCE["url"] in root.findtext(f"{ATOM}rights")
        assert root.findtext(f"{ATOM}author/{ATOM}name") == PUBLISHER
        documents[url] = root
        url = links.get("prev-archive")
    return documents


def entry_ids(documents):
    return [entry.findtext(f"{ATOM}id") for root in documents.values() for entry in root.iter(f"{ATOM}entry")]


@pytest.fixture
def portal():
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)


def test_every_feed_and_archive_page_is_valid_in_both_languages_and_loses_no_entry(client, portal):
    now = timezone.now()
    host = settings.PORTAL_URL.split("//")[1].split(":")[0].split("/")[0]
    minutes = Minutes.objects.visible_to(None).values_list("session__number", flat=True)
    answers = Proposal.objects.visible_to(None).filter(responded_at__isnull=False).values_list("code", flat=True)
    expected = {
        "/compromisos/avances.atom": {
            f"tag:{host},2020:progress-update/{pk}" for pk in ProgressUpdate.objects.values_list("pk", flat=True)
        },
        "/consejo/actas.atom": {f"tag:{host},2020:council-minutes/{number}" for number in minutes},
        "/propuestas/respuestas.atom": {f"tag:{host},2020:proposal-answer/{code}" for code in answers},
    }
    for commitment in Commitment.objects.visible_to(None):
        updates = ProgressUpdate.objects.filter(milestone__commitment=commitment).values_list("pk", flat=True)
        expected[f"/compromisos/{commitment.code}/avances.atom"] = {
            f"tag:{host},2020:progress-update/{pk}" for pk in updates
        }
    assert len(expected["/compromisos/avances.atom"]) > 3 * PAGE_SIZE  # the archive has several pages
    by_language = {}
    for prefix in ("", "/en"):
        for url, ids in expected.items():
            documents = walk(client, f"http://testserver{prefix}{url}", now)
            found = entry_ids(documents)
            # Nothing is lost: the current feed and the archive together hold every entry (the newest ones may be
            # both in the current feed and in the last archive page, as RFC 5005 allows).
            assert set(found) == ids, url
            assert len(found) - len(set(found)) < PAGE_SIZE, url
            by_language.setdefault(url, []).append(documents)
            first = next(iter(documents.values()))
            assert first.get("{http://www.w3.org/XML/1998/namespace}lang") == (prefix[1:] or "es")
            assert len(first.findall(f"{ATOM}entry")) == min(PAGE_SIZE, len(ids))
    # The same entry has the same id in both languages; the feeds themselves differ by language.
    for url, (spanish, english) in by_language.items():
        assert entry_ids(spanish) == entry_ids(english), url
        assert next(iter(spanish.values())).findtext(f"{ATOM}id") != next(iter(english.values())).findtext(f"{ATOM}id")


def test_feed_titles_are_translated(client, portal):
    titles = {
        "/consejo/actas.atom": "Gobierno Abierto Quito: actas del consejo consultivo",
        "/compromisos/avances.atom": "Gobierno Abierto Quito: reportes de avance",
        "/propuestas/respuestas.atom": "Gobierno Abierto Quito: respuestas a las propuestas ciudadanas",
    }
    for url, title in titles.items():
        root = etree.fromstring(fetch(client, url))
        assert root.findtext(f"{ATOM}title") == title
        assert "Open data" not in root.findtext(f"{ATOM}rights")
        english = etree.fromstring(fetch(client, f"/en{url}"))
        assert english.findtext(f"{ATOM}title").startswith("Gobierno Abierto Quito: ")
        assert english.findtext(f"{ATOM}title") != title


def test_an_entry_has_one_id_in_every_feed_and_is_never_published_before_it_was_recorded(client):
    milestone = MilestoneFactory()
    update = ProgressUpdateFactory(milestone=milestone, reported_on=timezone.localdate())
    code = milestone.commitment.code
    ids = set()
    for url in ["/compromisos/avances.atom", "/en/compromisos/avances.atom", f"/compromisos/{code}/avances.atom"]:
        root = etree.fromstring(fetch(client, url))
        (entry,) = root.findall(f"{ATOM}entry")
        ids.add(entry.findtext(f"{ATOM}id"))
        published = parse_date(entry.findtext(f"{ATOM}published"))
        updated = parse_date(entry.findtext(f"{ATOM}updated"))
        assert published <= update.created_at and updated == update.created_at
        assert root.findtext(f"{ATOM}updated") == entry.findtext(f"{ATOM}updated")
    assert ids == {f"tag:127.0.0.1,2020:progress-update/{update.pk}"}

    # A report dated today is published at the start of the day (in Quito), not at noon, and a report recorded
    # after its date keeps that date.
    start_of_day = timezone.make_aware(datetime.datetime.combine(update.reported_on, datetime.time(0)))
    assert published == min(start_of_day, update.created_at)


def test_an_empty_feed_is_valid_and_its_updated_does_not_follow_the_clock(client):
    first = fetch(client, "/compromisos/avances.atom")
    assert atom_errors(first, "http://testserver/compromisos/avances.atom", timezone.now()) == []
    root = etree.fromstring(first)
    assert parse_date(root.findtext(f"{ATOM}updated")) == EMPTY_FEED_UPDATED
    assert fetch(client, "/compromisos/avances.atom") == first


def test_a_feed_answers_304_to_a_client_that_has_it_and_last_modified_is_not_after_date(client):
    ProgressUpdateFactory()
    response = client.get("/compromisos/avances.atom")
    assert response["ETag"]
    modified = datetime.datetime.strptime(response["Last-Modified"], "%a, %d %b %Y %H:%M:%S GMT")
    assert modified <= datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    again = client.get("/compromisos/avances.atom", headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304
    again = client.get("/compromisos/avances.atom", headers={"if-modified-since": response["Last-Modified"]})
    assert again.status_code == 304


def test_an_archive_page_that_is_not_complete_does_not_exist(client):
    ProgressUpdateFactory.create_batch(3)
    assert client.get("/compromisos/avances/archivo/1.atom").status_code == 404
    assert client.get("/compromisos/avances/archivo/0.atom").status_code == 404
    root = etree.fromstring(fetch(client, "/compromisos/avances.atom"))
    assert root.find(f"{ATOM}link[@rel='prev-archive']") is None


@pytest.mark.parametrize("size", [1, 3])
def test_a_feed_runs_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    milestone = MilestoneFactory()
    ProgressUpdateFactory.create_batch(size, milestone=milestone)
    with django_assert_num_queries(2):  # the count for the archive links, the entries with their commitment
        client.get("/compromisos/avances.atom")
