"""The admin speaks the portal's Spanish: Django's untranslated strings and gendered messages are ours."""

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext

from commitments.models import COORDINATION_GROUP
from tests.factories import MilestoneFactory, staff_user

pytestmark = pytest.mark.django_db


def test_milestone_list_searches_and_runs_actions_in_spanish(client):
    MilestoneFactory()
    client.force_login(staff_user("coordinadora", COORDINATION_GROUP))
    content = client.get("/admin/commitments/milestone/").content.decode()
    assert "Buscar en hitos" in content and "Search hitos" not in content
    assert ">Ejecutar</button>" in content and ">Run</button>" not in content
    assert "Eliminar la selección de hitos" in content and "seleccionado/s" not in content


def test_blank_choice_reads_in_spanish(client):
    client.force_login(staff_user("coordinadora", COORDINATION_GROUP))
    content = client.get("/admin/commitments/progressupdate/add/").content.decode()
    assert "- Elija una opción -" in content and "Select an option" not in content


@pytest.mark.parametrize(
    ("message", "spanish"),
    [
        ("The {name} “{obj}” was changed successfully.", "Se guardaron los cambios de «Sesión 3» (sesión)."),
        ("The {name} “{obj}” was added successfully.", "Se agregó «Sesión 3» (sesión)."),
        ("The %(name)s “%(obj)s” was deleted successfully.", "Se eliminó «Sesión 3» (sesión)."),
    ],
)
def test_admin_messages_read_right_whatever_the_model_names_gender(message, spanish):
    with translation.override("es"):
        text = gettext(message)
    values = {"name": "sesión", "obj": "Sesión 3"}
    assert (text.format(**values) if "{" in message else text % values) == spanish
    assert not text.startswith("El ")


def test_missing_object_message_does_not_guess_a_gender():
    with translation.override("es"):
        text = gettext("%(name)s with ID “%(key)s” doesn\u2019t exist. Perhaps it was deleted?")
    assert text % {"name": "propuesta", "key": "280"} == (
        "No hay ningún registro de propuesta con el ID «280». ¿Quizás fue eliminado?"
    )


def test_bulk_change_message_agrees_in_number():
    with translation.override("es"):
        one = ngettext(
            "%(count)s %(name)s was changed successfully.", "%(count)s %(name)s were changed successfully.", 1
        )
        many = ngettext(
            "%(count)s %(name)s was changed successfully.", "%(count)s %(name)s were changed successfully.", 3
        )
    assert one % {"count": 1, "name": "sesión"} == "Se modificó 1 sesión."
    assert many % {"count": 3, "name": "sesiones"} == "Se modificaron 3 sesiones."


def test_time_zone_note_of_the_date_widgets_reads_right(client):
    client.force_login(staff_user("coordinadora", COORDINATION_GROUP))
    catalogue = client.get("/admin/jsi18n/").content.decode()
    assert "su hora local est\\u00e1 %s hora por delante de la del servidor (Quito)" in catalogue
    assert "Usted esta a" not in catalogue


def test_a_read_only_object_page_is_titled_ver(client):
    milestone = MilestoneFactory()
    client.force_login(staff_user("secretaria", "Secretaría técnica del consejo"))
    content = client.get(f"/admin/commitments/milestone/{milestone.pk}/change/").content.decode()
    assert "| Ver hito |" in content and "Vista hito" not in content


def test_related_widget_buttons_read_right_whatever_the_model_names_gender(client):
    from proposals.models import MODERATION_GROUP
    from tests.proposals.factories import ProposalFactory

    proposal = ProposalFactory()
    client.force_login(staff_user("moderadora", MODERATION_GROUP))
    content = client.get(f"/admin/proposals/proposal/{proposal.pk}/change/").content.decode()
    assert "Cambiar el registro seleccionado (propuesta ciudadana)" in content
    assert "Añadir otro propuesta" not in content and "seleccionados" not in content


def test_search_icon_and_yes_no_icons_speak_spanish(client):
    from commitments.models import Organization

    Organization.objects.create(name="Institución de prueba", acronym="PRUEBA", slug="prueba", is_demo=True)
    client.force_login(staff_user("coordinadora", COORDINATION_GROUP))
    content = client.get("/admin/commitments/organization/").content.decode()
    assert 'alt="Buscar"' in content and 'alt="Search"' not in content
    assert 'alt="Sí"' in content and 'alt="True"' not in content


def test_admin_pages_carry_the_portals_name_mark_and_colours(client):
    client.force_login(staff_user("coordinadora", COORDINATION_GROUP))
    content = client.get("/admin/").content.decode()
    assert "Gobierno Abierto Quito — Administración" in content
    assert "css/admin_portal.css" in content and 'class="portal-brand__mark"' in content
    assert "Administración de Django" not in content


def test_a_read_only_page_shows_no_form_only_version_field(client):
    from commitments.models import EDITOR_GROUP

    milestone = MilestoneFactory()
    editor = staff_user("editora", EDITOR_GROUP, milestone.commitment.lead)
    client.force_login(editor)
    content = client.get(f"/admin/commitments/commitment/{milestone.commitment.pk}/change/").content.decode()
    assert "field-title" in content  # the roadmap is listed, read-only
    assert "loaded_version" not in content and "<p>None</p>" not in content


@pytest.mark.parametrize(
    ("message", "spanish"),
    [
        ("Added “%(object)s”.", "Se agregó «Sesión 3»."),
        ("Deleted “%(object)s.”", "Se eliminó «Sesión 3»."),
        ("Cannot delete %(name)s", "No se puede eliminar: sesión"),
        ("Change selected %(model)s", "Cambiar el registro seleccionado (sesión)"),
        ("Add another %(model)s", "Agregar otro registro (sesión)"),
    ],
)
def test_history_and_widget_messages_need_no_gender(message, spanish):
    with translation.override("es"):
        text = gettext(message)
    assert text % {"object": "Sesión 3", "name": "sesión", "model": "sesión"} == spanish
