"""The sourced parishes and zonal administrations, and how their uncertain assignments show."""

import json

import pytest
from django.contrib.auth import get_user_model

from proposals.loaders import load_plan_facts
from proposals.models import Parish, ZonalAdministration
from quito_ga.management.commands.load_quito_plan import DATA_FILE, PARISHES_FILE
from tests.proposals.factories import CallFactory, ProposalFactory

pytestmark = pytest.mark.django_db

KINDS = {"urbana": Parish.Kind.URBAN, "rural": Parish.Kind.RURAL}


@pytest.fixture
def parishes_file():
    return json.loads(PARISHES_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def loaded(parishes_file):
    load_plan_facts(json.loads(DATA_FILE.read_text(encoding="utf-8")), parishes_file)


def zone_of(zone_name):
    """The portal's zone for a zone named in the parishes file ("Administración Zonal Tumbaco")."""
    return next(zone for zone in ZonalAdministration.objects.all() if zone_name.endswith(zone.name))


def test_every_parish_of_the_file_is_loaded_with_its_zone_kind_flags_and_sources(loaded, parishes_file):
    sources = {source["id"]: source["url"] for source in parishes_file["sources"]}
    first_listing = {}
    for zone in parishes_file["zonal_administrations"]:
        for item in zone["parishes"]:
            first_listing.setdefault(item["name"], (zone["name"], item))
    names = [*parishes_file["urban_parishes"]["names"], *parishes_file["rural_parishes"]["names"]]
    assert Parish.objects.count() == len(names) == 65
    for name in names:
        parish = Parish.objects.select_related("zone").get(name=name)
        zone_name, item = first_listing[name]
        assert parish.zone == zone_of(zone_name), name
        assert parish.kind == KINDS[item["kind"]], name
        assert parish.zone_uncertain == bool(item.get("uncertain")), name
        if item.get("note"):
            assert item["note"] in parish.uncertainty_note, name
        cited = {source["url"] for source in parish.sources}
        assert {sources[source_id] for source_id in item["sources"]} <= cited, name
    assert Parish.objects.filter(kind=Parish.Kind.URBAN).count() == 32
    assert Parish.objects.filter(kind=Parish.Kind.RURAL).count() == 33
    flagged = parishes_file["counts"]["assignments_flagged_uncertain"]
    assert Parish.objects.filter(zone_uncertain=True).count() == flagged


def test_mariscal_sucre_is_counted_once_and_its_doubt_is_kept(loaded):
    parish = Parish.objects.get(name="Mariscal Sucre")
    assert parish.alias == "La Mariscal"
    assert parish.zone.name == "Eugenio Espejo" and parish.zone_uncertain
    assert "Administración Especial Turística La Mariscal" in parish.uncertainty_note


def test_zones_keep_their_in_force_flag_uncertainty_and_sources(loaded, parishes_file):
    for item in parishes_file["zonal_administrations"]:
        zone = zone_of(item["name"])
        assert zone.official_name == item["name"]
        assert zone.in_force == item["in_force_2022_2023"]
        assert zone.uncertain == bool(item.get("uncertain"))
        assert len(zone.sources) == len(item["sources"])
    mariscal = ZonalAdministration.objects.get(name="La Mariscal")
    assert mariscal.in_force is None and mariscal.uncertain


def test_public_form_lists_uncertain_parishes_apart_from_the_zones(client, loaded):
    CallFactory()
    content = client.get("/propuestas/nueva/").content.decode()
    urban_group = content.index('<optgroup label="Parroquia urbana (administración zonal por confirmar)">')
    rural_group = content.index('<optgroup label="Parroquia rural (administración zonal por confirmar)">')
    # A confirmed parish sits under its zone; an uncertain one only in the "to be confirmed" groups.
    assert content.index(">Cumbayá<") < urban_group
    assert urban_group < content.index(">Mariscal Sucre (La Mariscal)<") < rural_group
    assert rural_group < content.index(">Nono<")


def test_a_citizen_may_place_an_uncertain_parish_in_another_zone(loaded):
    parish = Parish.objects.get(name="Mariscal Sucre")
    other = ZonalAdministration.objects.get(name="Manuela Sáenz")
    ProposalFactory.build(call=CallFactory(), zone=other, parish=parish).full_clean(exclude=["code"])


@pytest.mark.parametrize("path", ["/propuestas/{code}/", "/propuestas/"])
def test_public_pages_do_not_state_an_uncertain_parish_zone_as_fact(client, loaded, path):
    parish = Parish.objects.get(name="Mariscal Sucre")
    proposal = ProposalFactory(parish=parish, zone=parish.zone)
    content = client.get(path.format(code=proposal.code)).content.decode()
    assert "Mariscal Sucre (La Mariscal)" in content
    assert "(administración zonal por confirmar)" in content


def test_a_confirmed_parish_shows_no_doubt(client, loaded):
    parish = Parish.objects.get(name="Cumbayá")
    proposal = ProposalFactory(parish=parish, zone=parish.zone)
    content = client.get(f"/propuestas/{proposal.code}/").content.decode()
    assert "Cumbayá" in content and "por confirmar" not in content


def test_staff_see_and_filter_the_uncertain_assignments(client, loaded):
    admin = get_user_model().objects.create_superuser("raiz", "raiz@example.org", "x-password-123")
    client.force_login(admin)
    listing = client.get("/admin/proposals/parish/?zone_uncertain__exact=1").content.decode()
    assert "Mariscal Sucre" in listing and "Cumbayá" not in listing
    parish = Parish.objects.get(name="Mariscal Sucre")
    page = client.get(f"/admin/proposals/parish/{parish.pk}/change/").content.decode()
    assert "Administración Especial Turística La Mariscal" in page  # the note
    assert parish.sources[0]["url"].replace("&", "&amp;") in page
