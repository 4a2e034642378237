"""The zonal administrations and parishes from the sourced plan data, and fictional proposals for the demo."""

import datetime
import json
import random

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from commitments.models import ActionPlan, Commitment
from proposals.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CONSENT_VERSION,
    MODERATION_GROUP,
    Call,
    Parish,
    Proposal,
    ProposerContact,
    StatusEvent,
    ZonalAdministration,
    ensure_role_groups,
    format_code,
)

SEED = 20230214
PERMANENT_CALL_TITLE = "Buzón permanente de propuestas ciudadanas (demostración)"
CO_CREATION_CALL_TITLE = "Co-creación del Segundo Plan de Acción 2022-2023 (demostración)"


def load_plan_facts(data):
    """Load the 9 zonal administrations and the parishes the sources name; a parish gets a zone only if sourced."""
    zones = data["zonal_administrations"]
    zone_count = parish_count = 0
    for order, item in enumerate(zones["list"], start=1):
        note = "Incierta en las fuentes consultadas." if item.get("uncertain") else ""
        zone, _created = ZonalAdministration.objects.update_or_create(
            name=item["name"],
            defaults={"alias": item.get("alias", ""), "slug": slugify(item["name"]), "order": order, "note": note},
        )
        zone_count += 1
        for name in item.get("parishes", []):
            Parish.objects.update_or_create(name=name, defaults={"zone": zone})
    rural = zones.get("rural_parishes", [])
    for name in rural:
        Parish.objects.update_or_create(name=name, defaults={"kind": Parish.Kind.RURAL})
    parish_count = Parish.objects.count()
    return (
        f"{zone_count} zonal administrations, {parish_count} parishes "
        f"({len(rural)} rural listed; {Parish.objects.filter(zone__isnull=False).count()} with a sourced zone)"
    )


# (title, problem, solution, topic): fictional, but each proposal reads as one coherent idea.
THEMES = [
    (
        "Información abierta sobre las obras de {place}",
        "En {place} no hay información clara sobre las obras de la administración zonal: plazos, costos y avance.",
        "Publicar un tablero en línea con el avance de cada obra y presentarlo cada mes en una asamblea barrial.",
        "access_to_information",
    ),
    (
        "Participación de los jóvenes en {place}",
        "Los jóvenes de {place} no conocen los espacios de participación ciudadana ni cómo intervenir en ellos.",
        "Capacitar a líderes juveniles en participación ciudadana con colegios y universidades de la zona.",
        "civic_participation",
    ),
    (
        "Rendición de cuentas cercana en {place}",
        "La rendición de cuentas de la administración zonal se hace una vez al año y con poca difusión en {place}.",
        "Difundir la rendición de cuentas por radio comunitaria y redes sociales, con un lenguaje claro.",
        "public_accountability",
    ),
    (
        "Datos abiertos de movilidad para {place}",
        "Los datos de transporte y movilidad de {place} no se publican en formatos abiertos y reutilizables.",
        "Publicar los datos de rutas, frecuencias y paradas en formato abierto, con explicaciones sencillas.",
        "technology_innovation",
    ),
    (
        "Acompañamiento digital para adultos mayores en {place}",
        "Las personas adultas mayores de {place} no pueden hacer los trámites municipales en línea.",
        "Abrir puntos de atención presencial con acompañamiento para trámites digitales en las casas barriales.",
        "technology_innovation",
    ),
    (
        "Mesa de diálogo barrial en {place}",
        "Las asambleas barriales de {place} no reciben respuesta del municipio y la ciudadanía pierde la confianza.",
        "Crear una mesa de diálogo permanente entre la administración zonal y las directivas barriales.",
        "civic_participation",
    ),
    (
        "Presupuesto participativo claro en {place}",
        "La información del presupuesto participativo de {place} es difícil de encontrar y de entender.",
        "Publicar el presupuesto participativo por barrio, con su estado de ejecución y fotos de cada obra.",
        "public_accountability",
    ),
]
STATUS_WEIGHTS = {
    Proposal.Status.RECEIVED: 20,
    Proposal.Status.UNDER_REVIEW: 20,
    Proposal.Status.ACCEPTED: 10,
    Proposal.Status.INCORPORATED: 12,
    Proposal.Status.NOT_ACCEPTED: 18,
    Proposal.Status.DUPLICATE: 8,
    Proposal.Status.WITHDRAWN: 4,
}
RESPONSES = {
    Proposal.Status.ACCEPTED: "La propuesta es viable y se tomará en cuenta en la planificación zonal.",
    Proposal.Status.INCORPORATED: "La propuesta se incorporó al compromiso indicado del plan de acción.",
    Proposal.Status.NOT_ACCEPTED: "La propuesta no es competencia municipal; la remitimos a la entidad responsable.",
    Proposal.Status.DUPLICATE: "La propuesta coincide con otra ya recibida; seguimos ambas juntas.",
}
BATCH = 2000


def _calls():
    plan = ActionPlan.objects.filter(number=2).first()
    co_creation, _created = Call.objects.get_or_create(
        title=CO_CREATION_CALL_TITLE,
        defaults={
            "title_en": "Co-creation of the Second Action Plan 2022-2023 (demonstration)",
            "plan": plan,
            "description": "Convocatoria ficticia que imita la co-creación del segundo plan.",
            "opens_at": datetime.datetime(2022, 6, 1, 8, tzinfo=datetime.UTC),
            "closes_at": datetime.datetime(2022, 10, 31, 23, tzinfo=datetime.UTC),
            "is_demo": True,
        },
    )
    permanent, _created = Call.objects.get_or_create(
        title=PERMANENT_CALL_TITLE,
        defaults={
            "title_en": "Permanent mailbox for citizen proposals (demonstration)",
            "description": "Buzón permanente para recibir propuestas ciudadanas en cualquier momento.",
            "opens_at": datetime.datetime(2023, 3, 1, 8, tzinfo=datetime.UTC),
            "is_demo": True,
        },
    )
    return co_creation, permanent


def _moderator(password):
    # The groups come from a migration; make sure they are there even after a test database flush.
    ensure_role_groups(apps)
    user, _created = get_user_model().objects.get_or_create(
        username="moderador", defaults={"is_staff": True, "email": "moderador@example.org"}
    )
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=MODERATION_GROUP))
    return user


def _new_codes(rng, count):
    taken = set(Proposal.objects.values_list("code", flat=True))
    codes = []
    while len(codes) < count:
        code = format_code("".join(rng.choices(CODE_ALPHABET, k=CODE_LENGTH)))
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


def _proposal(rng, code, call, zones, parishes_by_zone, now):
    zone = rng.choice(zones)
    parish = rng.choice(parishes_by_zone[zone.pk]) if parishes_by_zone[zone.pk] and rng.random() < 0.7 else None
    start, end = call.opens_at, call.closes_at or now
    created_at = start + (end - start) * rng.random()
    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
    title, problem, solution, topic = rng.choice(THEMES)
    place = parish.name if parish else zone.name
    proposal = Proposal(
        code=code,
        call=call,
        title=title.format(place=place),
        problem=problem.format(place=place),
        solution=solution,
        topic=topic,
        zone=zone,
        parish=parish,
        status=status,
        response=RESPONSES.get(status, ""),
        created_at=created_at,
        is_demo=True,
    )
    if proposal.response:
        proposal.responded_at = created_at + datetime.timedelta(days=20)
    if proposal.is_closed():
        proposal.closed_at = created_at + datetime.timedelta(days=21)
    proposal.search_text = proposal.build_search_text()
    return proposal


def _events(proposal, moderator):
    events = [StatusEvent(proposal=proposal, status=Proposal.Status.RECEIVED, created_at=proposal.created_at)]
    if proposal.status != Proposal.Status.RECEIVED:
        review_at = proposal.created_at + datetime.timedelta(days=7)
        events.append(
            StatusEvent(proposal=proposal, status=Proposal.Status.UNDER_REVIEW, by=moderator, created_at=review_at)
        )
    if proposal.status not in (Proposal.Status.RECEIVED, Proposal.Status.UNDER_REVIEW):
        events.append(
            StatusEvent(
                proposal=proposal,
                status=proposal.status,
                note="Revisado en la mesa de trabajo de la administración zonal.",
                by=moderator,
                created_at=proposal.created_at + datetime.timedelta(days=21),
            )
        )
    return events


def seed_demo(*, scale, password):
    """Add about 1,000 x scale fictional proposals across zones, statuses and calls, and the `moderador` account."""
    moderator = _moderator(password)
    co_creation, permanent = _calls()
    if not ZonalAdministration.objects.exists():
        from quito_ga.management.commands.load_quito_plan import DATA_FILE

        load_plan_facts(json.loads(DATA_FILE.read_text(encoding="utf-8")))
    existing = Proposal.objects.filter(is_demo=True).count()
    wanted = 1000 * scale
    if existing < wanted:
        _create_proposals(random.Random(SEED + existing), wanted - existing, [co_creation, permanent], moderator)
    total = Proposal.objects.filter(is_demo=True).count()
    return {"summary": f"{total} fictional proposals in 2 demonstration calls", "accounts": ["moderador"]}


def _create_proposals(rng, count, calls, moderator):
    zones = list(ZonalAdministration.objects.all())
    parishes_by_zone = {zone.pk: list(zone.parishes.all()) for zone in zones}
    commitments = list(Commitment.objects.order_by("code")[:5])
    now = timezone.now()
    first_number = (ProposerContact.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    codes = _new_codes(rng, count)
    for offset in range(0, count, BATCH):
        proposals = [
            _proposal(rng, code, calls[0] if rng.random() < 0.6 else calls[1], zones, parishes_by_zone, now)
            for code in codes[offset : offset + BATCH]
        ]
        Proposal.objects.bulk_create(proposals)
        StatusEvent.objects.bulk_create([event for proposal in proposals for event in _events(proposal, moderator)])
        ProposerContact.objects.bulk_create(
            ProposerContact(
                proposal=proposal,
                name=f"Persona ficticia {first_number + offset + index}",
                email=f"demo{first_number + offset + index}@example.org",
                consent_version=CONSENT_VERSION,
                consented_at=proposal.created_at,
            )
            for index, proposal in enumerate(proposals)
        )
        if commitments:
            links = [
                Proposal.commitments.through(proposal_id=proposal.pk, commitment_id=rng.choice(commitments).pk)
                for proposal in proposals
                if proposal.status == Proposal.Status.INCORPORATED
            ]
            Proposal.commitments.through.objects.bulk_create(links)
