import datetime
import re
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from proposals.models import CONSENT_VERSION, Proposal, ProposerContact
from tests.factories import ActionPlanFactory, CommitmentFactory
from tests.proposals.factories import (
    CallFactory,
    ParishFactory,
    ProposalFactory,
    ProposerContactFactory,
    ZonalAdministrationFactory,
    form_data,
    old_started_token,
)

pytestmark = pytest.mark.django_db

CREATE_URL = "/propuestas/nueva/"
TRACK_URL = "/propuestas/seguimiento/"


@pytest.fixture
def call():
    return CallFactory()


@pytest.fixture
def zone():
    return ZonalAdministrationFactory(name="Los Chillos")


def submit(client, data, **extra):
    return client.post(CREATE_URL, data, **extra)


def test_form_has_the_three_sections_privacy_notice_and_an_unticked_consent(client, call, zone):
    content = client.get(CREATE_URL).content.decode()
    # The proposal first, the personal data last with the privacy notice beside it.
    order = ["1. El problema", "2. Tu propuesta de solución", "3. Tus datos", "Aviso de privacidad"]
    assert [content.index(text) for text in order] == sorted(content.index(text) for text in order)
    assert "Ley Orgánica de Protección de Datos Personales" in content
    assert "Superintendencia de Protección de Datos Personales" in content
    assert CONSENT_VERSION in content
    assert 'type="checkbox" name="consent" id="id_consent" required>' in content
    assert "csrfmiddlewaretoken" in content


def test_parishes_are_grouped_by_zone(client, call, zone):
    ParishFactory(name="Conocoto", zone=zone)
    ParishFactory(name="Nono", zone=None)
    content = client.get(CREATE_URL).content.decode()
    assert '<optgroup label="Los Chillos">' in content
    assert '<optgroup label="Otras parroquias">' in content


def test_a_valid_submission_saves_the_proposal_and_shows_the_code(
    client, call, zone, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, form_data(zone))
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.call == call and proposal.title == "Más participación en el barrio"
    contact = proposal.contact
    assert (contact.name, contact.email, contact.phone) == ("María Pérez", "maria@example.org", "0991234567")
    assert contact.consent_version == CONSENT_VERSION and contact.consented_at
    assert contact.language == "es"
    page = client.get(response["Location"]).content.decode()
    assert proposal.code in page
    # What happens next: public now, the email it went to (masked), the answer target and its date.
    assert "Tu propuesta ya es pública" in page
    assert "m••••@example.org" in page and "maria@example.org" not in page
    assert "El municipio se propone responder en 30 días" in page
    assert "página de seguimiento" in page
    assert len(mail.outbox) == 1
    assert proposal.code in mail.outbox[0].body and f"/propuestas/{proposal.code}/" in mail.outbox[0].body
    assert "Recibimos tu propuesta" in mail.outbox[0].subject


def test_submitting_in_english_answers_in_english(client, call, zone, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en" + CREATE_URL, form_data(zone))
    assert Proposal.objects.get().contact.language == "en"
    assert "We received your proposal" in mail.outbox[0].subject


def test_the_submitted_page_needs_a_submission(client):
    assert client.get("/propuestas/nueva/enviada/")["Location"] == CREATE_URL


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Escribe tu nombre."),
        ("email", "", "Escribe tu correo electrónico para enviarte el código de seguimiento."),
        ("email", "maria@", "Escribe una dirección de correo válida, por ejemplo nombre@ejemplo.com."),
        ("phone", "12345", "Escribe un número de teléfono ecuatoriano"),
        ("phone", "0891234567", "Escribe un número de teléfono ecuatoriano"),
        ("title", "", "Escribe un título para tu propuesta."),
        ("title", "x" * 151, "El título puede tener como máximo 150 caracteres (tiene 151)."),
        ("problem", "", "Describe el problema."),
        ("solution", "", "Describe la solución que propones."),
        ("topic", "", "Elige el tema de tu propuesta."),
        ("zone", "", "Elige la administración zonal."),
        ("consent", "", "Para enviar tu propuesta, marca la casilla para dar tu consentimiento."),
    ],
)
def test_invalid_input_gets_a_spanish_message_beside_the_field(client, call, zone, field, value, message):
    data = form_data(zone, **{field: value})
    if field == "consent":
        del data["consent"]
    response = submit(client, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert f'id="id_{field}_error"' in content
    assert "Tu propuesta aún no se ha enviado" in content
    assert not Proposal.objects.exists()


def test_input_is_kept_after_an_error(client, call, zone):
    content = submit(client, form_data(zone, email="no-es-correo")).content.decode()
    assert 'value="María Pérez"' in content
    assert "Las asambleas barriales no reciben respuesta." in content
    assert 'value="Más participación en el barrio"' in content


@pytest.mark.parametrize("phone", ["0991234567", "+593991234567", "022345678", "07 234 5678", "099-123-4567", ""])
def test_ecuadorian_phone_formats_are_accepted(client, call, zone, phone):
    assert submit(client, form_data(zone, phone=phone)).status_code == 302
    assert ProposerContact.objects.get().phone == phone.replace(" ", "").replace("-", "")


def test_a_parish_outside_the_zone_is_refused(client, call, zone):
    other = ParishFactory(name="Nayón", zone=ZonalAdministrationFactory(name="Eugenio Espejo"))
    content = submit(client, form_data(zone, parish=other.pk)).content.decode()
    assert "Nayón no pertenece a la administración zonal Los Chillos." in content


def test_the_honeypot_refuses_bots(client, call, zone):
    response = submit(client, form_data(zone, website="http://spam.example"))
    assert response.status_code == 200
    assert "No pudimos aceptar este envío." in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_form_sent_too_fast_is_kept_and_asks_to_confirm_once_without_counting(client, call, zone, settings):
    settings.PROPOSALS_MIN_FILL_SECONDS = 5
    settings.PROPOSALS_SUBMISSIONS_PER_HOUR = 1
    data = form_data(zone, started=old_started_token(seconds_ago=1), submission_token=str(uuid.uuid4()))
    response = submit(client, data)
    content = response.content.decode()
    assert response.status_code == 200 and not Proposal.objects.exists()
    assert "Confirma tu propuesta" in content and "Confirmar y enviar mi propuesta" in content
    assert 'value="María Pérez"' in content  # the input is kept
    confirmed = re.search(r'name="confirmed" value="([^"]+)"', content).group(1)
    # The confirming send goes through at once, and the refused one did not count against the limit of 1.
    assert submit(client, data | {"confirmed": confirmed}).status_code == 302
    assert Proposal.objects.count() == 1


def test_a_confirmation_is_valid_only_for_its_own_form(client, call, zone, settings):
    settings.PROPOSALS_MIN_FILL_SECONDS = 5
    data = form_data(zone, started=old_started_token(seconds_ago=1), submission_token=str(uuid.uuid4()))
    confirmed = re.search(r'name="confirmed" value="([^"]+)"', submit(client, data).content.decode()).group(1)
    other = data | {"submission_token": str(uuid.uuid4()), "confirmed": confirmed}
    assert "Confirma tu propuesta" in submit(client, other).content.decode()
    assert not Proposal.objects.exists()


def test_errors_are_summarised_at_the_top_with_links_to_each_field(client, call, zone):
    content = submit(client, form_data(zone, title="", email="no-es-correo", consent="")).content.decode()
    summary = content[
        content.index('class="error-summary"') : content.index("</ul>", content.index('class="error-summary"'))
    ]
    assert "Hay un problema" in summary and "autofocus" in summary
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    links = re.findall(r'<a href="#(id_[a-z_]+)">', summary)
    assert links == ["id_title", "id_email", "id_consent"]  # in the order of the page
    for anchor in links:
        assert f'id="{anchor}"' in content


def test_a_forged_or_missing_timestamp_is_refused(client, call, zone):
    content = submit(client, form_data(zone, started="forged")).content.decode()
    assert "El formulario caducó." in content
    assert not Proposal.objects.exists()


def test_submissions_are_rate_limited_per_address(client, call, zone, settings):
    settings.PROPOSALS_SUBMISSIONS_PER_HOUR = 2
    for _ in range(2):
        assert submit(client, form_data(zone)).status_code == 302
    response = submit(client, form_data(zone))
    assert response.status_code == 429
    assert "Enviaste muchas propuestas en poco tiempo." in response.content.decode()
    assert Proposal.objects.count() == 2
    assert submit(client, form_data(zone), REMOTE_ADDR="10.0.0.9").status_code == 302


def test_the_form_needs_csrf(call, zone):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(CREATE_URL, form_data(zone))
    assert response.status_code == 403
    assert not Proposal.objects.exists()


def test_no_open_call_shows_a_clear_page_with_the_next_opening(client):
    now = timezone.now()
    CallFactory(opens_at=now - datetime.timedelta(days=60), closes_at=now - datetime.timedelta(days=30))
    opens_at = datetime.datetime(2027, 3, 1, 15, tzinfo=datetime.UTC)
    CallFactory(title="Co-creación 2027", opens_at=opens_at, closes_at=None)
    content = client.get(CREATE_URL).content.decode()
    assert "No hay ninguna convocatoria abierta en este momento" in content
    assert "Co-creación 2027" in content and "1 de marzo de 2027" in content
    assert submit(client, {"title": "x"}).status_code == 200
    assert not Proposal.objects.exists()


def test_no_call_at_all_says_the_next_is_not_announced(client):
    assert "aún no se ha anunciado" in client.get(CREATE_URL).content.decode()


def test_tracking_a_code_leads_to_the_proposal(client):
    proposal = ProposalFactory()
    typed = proposal.code.lower().replace("-", " ")
    response = client.get(TRACK_URL, {"code": typed})
    assert response["Location"] == proposal.get_absolute_url()


def test_a_wrong_code_gets_a_message_that_reveals_nothing(client):
    ProposalFactory()
    content = client.get(TRACK_URL, {"code": "QGA-222-222-222"}).content.decode()
    assert "No encontramos ninguna propuesta con este código." in content
    content = client.get(TRACK_URL, {"code": "hola"}).content.decode()
    assert "Eso no es un código de seguimiento." in content


def test_lookups_are_rate_limited(client, settings):
    settings.PROPOSALS_LOOKUPS_PER_HOUR = 3
    for _ in range(3):
        client.get(TRACK_URL, {"code": "QGA-222-222-222"})
    response = client.get(TRACK_URL, {"code": "QGA-222-222-222"})
    assert response.status_code == 429
    assert "Demasiadas búsquedas desde tu conexión." in response.content.decode()


def test_detail_shows_the_proposal_timeline_response_and_commitments(client):
    contact = ProposerContactFactory(name="Nombre Privado", email="privado@example.org", phone="0987654321")
    proposal = contact.proposal
    commitment = CommitmentFactory(code="ECQTO0001", short_title="Capacitación en participación")
    proposal.commitments.add(commitment)
    proposal.change_status(status=Proposal.Status.UNDER_REVIEW, note="Nota pública de revisión.")
    proposal.answer(text="Respuesta motivada del municipio.", status=Proposal.Status.INCORPORATED)
    content = client.get(proposal.get_absolute_url()).content.decode()
    for text in (proposal.title, proposal.problem, proposal.solution, proposal.zone.name, "Participación cívica"[:0]):
        assert text in content
    assert "Nota pública de revisión." in content and "Respuesta motivada del municipio." in content
    assert "Incorporada a un compromiso" in content and "En revisión" in content
    assert commitment.get_absolute_url() in content
    for private in ("Nombre Privado", "privado@example.org", "0987654321"):
        assert private not in content


def test_detail_accepts_a_code_typed_in_lower_case(client):
    proposal = ProposalFactory()
    response = client.get(f"/propuestas/{proposal.code.lower()}/")
    assert response["Location"] == proposal.get_absolute_url()


def test_unknown_code_is_not_found(client):
    assert client.get("/propuestas/QGA-222-222-222/").status_code == 404


def test_a_hidden_proposal_shows_only_its_code_and_the_reason(client):
    proposal = ProposalFactory(title="Título ofensivo", problem="Texto ofensivo")
    proposal.hide(reason="Contiene lenguaje ofensivo.")
    content = client.get(proposal.get_absolute_url()).content.decode()
    assert proposal.code in content and "Contiene lenguaje ofensivo." in content
    assert "Título ofensivo" not in content and "Texto ofensivo" not in content
    assert "Título ofensivo" not in client.get("/propuestas/").content.decode()


def test_list_filters_and_search(client):
    zone = ZonalAdministrationFactory(name="Quitumbe")
    wanted = ProposalFactory(title="Participación juvenil", zone=zone, topic="civic_participation")
    ProposalFactory(title="Participación adulta", topic="access_to_information")
    ProposalFactory(title="Alumbrado")
    content = client.get("/propuestas/", {"q": "participacion", "zone": zone.pk}).content.decode()
    assert "Participación juvenil" in content and "Participación adulta" not in content
    content = client.get("/propuestas/", {"topic": "access_to_information"}).content.decode()
    assert "Participación adulta" in content and "Participación juvenil" not in content
    wanted.change_status(status=Proposal.Status.UNDER_REVIEW)
    content = client.get("/propuestas/", {"status": "under_review"}).content.decode()
    assert "Participación juvenil" in content and "Alumbrado" not in content


def test_list_paginates(client):
    ProposalFactory.create_batch(25)
    first = client.get("/propuestas/").content.decode()
    assert "Página 1 de 2" in first and "25 propuestas" in first
    assert "Página 2 de 2" in client.get("/propuestas/", {"page": 2}).content.decode()


def test_erasure_flow_by_code_and_email(client, django_capture_on_commit_callbacks):
    contact = ProposerContactFactory(name="Borrar Me", email="borrar@example.org", phone="0991112233")
    proposal = contact.proposal
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            TRACK_URL, {"erasure-code": proposal.code.lower(), "erasure-email": "BORRAR@example.org"}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["borrar@example.org"]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/propuestas/borrar-datos/" in line)
    path = link[link.index("/propuestas/") :]
    page = client.get(path)
    assert page.status_code == 200 and proposal.code in page.content.decode()
    contact.refresh_from_db()
    assert contact.email == "borrar@example.org"  # a GET (a mail scanner) erases nothing
    response = client.post(path)
    assert response["Location"] == proposal.get_absolute_url()
    contact.refresh_from_db()
    assert contact.is_anonymised() and contact.name == "" and contact.email == "" and contact.phone == ""
    assert Proposal.objects.filter(pk=proposal.pk).exists()
    assert client.post(path).status_code == 404  # used once


def test_erasure_request_with_the_wrong_email_sends_nothing_and_says_the_same(
    client, django_capture_on_commit_callbacks
):
    contact = ProposerContactFactory(email="real@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            TRACK_URL, {"erasure-code": contact.proposal.code, "erasure-email": "otro@example.org"}, follow=True
        )
    assert mail.outbox == []
    assert "Si el código y el correo coinciden" in response.content.decode()


def test_a_forged_erasure_link_is_refused(client):
    contact = ProposerContactFactory()
    assert client.post("/propuestas/borrar-datos/forged-token/").status_code == 404
    contact.refresh_from_db()
    assert not contact.is_anonymised()


def test_a_dated_call_takes_the_proposals_before_a_permanent_mailbox(client, zone):
    CallFactory(title="Buzón permanente", closes_at=None)
    dated = CallFactory(title="Co-creación del tercer plan")
    assert "Co-creación del tercer plan" in client.get(CREATE_URL).content.decode()
    assert submit(client, form_data(zone)).status_code == 302
    assert Proposal.objects.get().call == dated


def test_proposal_list_names_each_proposals_call_and_plan(client):
    plan = ActionPlanFactory(number=3, period="2024-2025", slug="tercer-plan")
    ProposalFactory(title="Con plan", call__title="Cocreación del tercer plan", call__plan=plan)
    ProposalFactory(title="Sin plan", call__title="Buzón permanente")
    content = client.get("/propuestas/").content.decode()
    assert '<a href="/planes/tercer-plan/">Plan 3 (2024-2025)</a> · Cocreación del tercer plan' in content
    assert "Buzón permanente" in content
