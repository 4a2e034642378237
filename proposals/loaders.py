"""The zonal administrations and parishes from the sourced data files, and fictional proposals for the demo."""

import datetime
import random

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from commitments.models import ActionPlan, Commitment
from commitments.roles import ensure_role_groups
from proposals.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CONSENT_VERSION,
    MODERATION_GROUP,
    ROLE_PERMISSIONS,
    Call,
    Parish,
    Proposal,
    ProposerContact,
    PublicMeeting,
    StatusEvent,
    ZonalAdministration,
    format_code,
)

SEED = 20230214
PERMANENT_CALL_TITLE = "Buzón permanente de propuestas ciudadanas (demostración)"
CO_CREATION_CALL_TITLE = "Co-creación del plan de demostración (demostración)"
NEXT_PLAN_CALL_TITLE = "Co-creación del próximo plan de demostración (demostración)"
# Fictional public meetings of the demo plan in co-creation: (days before seeding, zone order, format, place,
# participants, women, men, under 18, 18-29, 30-44, 45-64, 65+); the proposals gathered at each follow.
DEMO_MEETINGS = [
    (40, 1, "in_person", "Casa barrial ficticia del Norte (demostración)", 42, 23, 19, 3, 10, 14, 11, 4),
    (33, 3, "in_person", "Coliseo barrial ficticio del Sur (demostración)", 57, 30, 25, 6, 12, 18, 15, 6),
    (26, 7, "online", "Sala virtual zonal (demostración)", 18, 10, 8, None, None, None, None, None),
    (19, 5, "in_person", "Escuela ficticia de La Delicia (demostración)", 35, None, None, None, None, None, None, None),
    (12, 8, "in_person", "Junta parroquial ficticia de Los Chillos (demostración)", None, None, None, None, None, None,
     None, None),
]  # fmt: skip
PROPOSALS_PER_DEMO_MEETING = 3
# The demo accounts' addresses are in a reserved domain: no real account can have one, so purging them is safe.
DEMO_EMAIL_DOMAIN = "example.org"
MODERATOR_USERNAME = "moderador"

KINDS = {"urbana": Parish.Kind.URBAN, "rural": Parish.Kind.RURAL}


def load_plan_facts(data, parishes):
    """Load the 9 zonal administrations and all 65 parishes, each with its sources and its uncertainty flags.

    `data` is the plan file (its list of zones), `parishes` the parishes file, both parsed: load_quito_plan reads
    them and passes them."""
    sources = {source["id"]: source for source in parishes["sources"]}
    described = parishes["zonal_administrations"]
    zone_count = 0
    assigned = {}
    for order, item in enumerate(data["zonal_administrations"]["list"], start=1):
        facts = next((zone for zone in described if zone["name"].endswith(item["name"])), {})
        uncertain = bool(item.get("uncertain") or facts.get("uncertain"))
        zone, _created = ZonalAdministration.objects.update_or_create(
            name=item["name"],
            defaults={
                "alias": item.get("alias", ""),
                "slug": slugify(item["name"]),
                "order": order,
                "note": "Incierta en las fuentes consultadas." if uncertain else "",
                "official_name": facts.get("name", ""),
                "in_force": facts.get("in_force_2022_2023"),
                "uncertain": uncertain,
                "uncertainty_note": facts.get("note", ""),
                "sources": _cited(sources, facts.get("sources", [])),
            },
        )
        zone_count += 1
        for name in item.get("parishes", []):
            assigned.setdefault(name, {"zone": zone, "sources": [], "notes": []})
        for parish in facts.get("parishes", []):
            _assign(assigned, zone, facts["name"], parish)
    _load_parishes(parishes, assigned, sources)
    loaded = Parish.objects.filter(name__in=_parish_names(parishes))
    return (
        f"{zone_count} zonal administrations, {loaded.count()} parishes "
        f"({loaded.filter(zone__isnull=False, zone_uncertain=False).count()} with a confirmed zone, "
        f"{loaded.filter(zone_uncertain=True).count()} flagged uncertain)"
    )


def _cited(sources, ids):
    return [
        {key: sources[source_id][key] for key in ("url", "title", "accessed")}
        for source_id in ids
        if source_id in sources
    ]


def _assign(assigned, zone, zone_name, parish):
    """Record `parish` under `zone`; a parish listed twice keeps its first zone, the second becomes a note."""
    entry = assigned.get(parish["name"])
    note = parish.get("note", "")
    if entry is None or "kind" not in entry:
        assigned[parish["name"]] = {
            "zone": entry["zone"] if entry else zone,
            "kind": KINDS[parish["kind"]],
            "alias": ", ".join(parish.get("aliases", [])),
            "uncertain": bool(parish.get("uncertain")),
            "sources": [*(entry or {}).get("sources", []), *parish["sources"]],
            "notes": [note] if note else [],
        }
        return
    entry["uncertain"] = entry["uncertain"] or bool(parish.get("uncertain"))
    entry["sources"] += [source for source in parish["sources"] if source not in entry["sources"]]
    entry["notes"].append(f"Also listed under {zone_name}: {note}".strip())


def _parish_names(parishes):
    return [*parishes["urban_parishes"]["names"], *parishes["rural_parishes"]["names"]]


def _load_parishes(parishes, assigned, sources):
    spelling = set(parishes["urban_parishes"].get("spelling_uncertain", []))
    kinds = {name: Parish.Kind.URBAN for name in parishes["urban_parishes"]["names"]}
    kinds |= {name: Parish.Kind.RURAL for name in parishes["rural_parishes"]["names"]}
    for name, kind in kinds.items():
        entry = assigned.get(name, {})
        notes = list(entry.get("notes", []))
        if name in spelling:
            notes.append(parishes["urban_parishes"]["spelling_note"])
        Parish.objects.update_or_create(
            name=name,
            defaults={
                "kind": kind,
                "alias": entry.get("alias", ""),
                "zone": entry.get("zone"),
                # A parish no source places in a zone has no zone at all, which is not uncertain but unknown.
                "zone_uncertain": bool(entry.get("uncertain")) and entry.get("zone") is not None,
                "uncertainty_note": "\n".join(notes),
                "sources": _cited(sources, entry.get("sources", [])),
            },
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
    Proposal.Status.WITHDRAWN: "La persona proponente pidió retirar la propuesta; queda registrada sin más trámite.",
}
BATCH = 2000
REVIEWED_AFTER = datetime.timedelta(days=7)
RESPONDED_AFTER = datetime.timedelta(days=20)
ANSWERED_AFTER = datetime.timedelta(days=21)


def _calls(now):
    """The demo's two calls, dated from the seeding day: a closed co-creation and a permanent mailbox open now."""
    plan = ActionPlan.objects.filter(is_demo=True).order_by("number").first()
    co_creation, _created = Call.objects.get_or_create(
        title=CO_CREATION_CALL_TITLE,
        is_demo=True,
        defaults={
            "title_en": "Co-creation of the demonstration plan (demonstration)",
            "plan": plan,
            "description": "Convocatoria ficticia que muestra cómo se co-crea un plan.",
            "opens_at": now - datetime.timedelta(days=540),
            "closes_at": now - datetime.timedelta(days=420),
        },
    )
    if co_creation.plan is None or not co_creation.plan.is_demo:  # the demo plan may have come later
        co_creation.plan = plan
        co_creation.save(update_fields=["plan"])
    permanent, _created = Call.objects.get_or_create(
        title=PERMANENT_CALL_TITLE,
        is_demo=True,
        defaults={
            "title_en": "Permanent mailbox for citizen proposals (demonstration)",
            "description": "Buzón ficticio para mostrar cómo se reciben propuestas ciudadanas en cualquier momento.",
            "opens_at": now - datetime.timedelta(days=400),
        },
    )
    return co_creation, permanent


def _next_plan_call():
    """The open call of the demo plan in co-creation (commitments.loaders), dated like its co-creation."""
    plan = ActionPlan.objects.filter(is_demo=True, cocreation_starts_on__isnull=False).order_by("-number").first()
    if plan is None:
        return None
    zone = timezone.get_current_timezone()
    call, _created = Call.objects.update_or_create(
        title=NEXT_PLAN_CALL_TITLE,
        is_demo=True,
        defaults={
            "title_en": "Co-creation of the next demonstration plan (demonstration)",
            "plan": plan,
            "description": "Convocatoria ficticia abierta: muestra la co-creación de un plan con reuniones públicas.",
            "opens_at": datetime.datetime.combine(plan.cocreation_starts_on, datetime.time(8), zone),
            "closes_at": datetime.datetime.combine(plan.cocreation_ends_on, datetime.time(23, 59), zone),
        },
    )
    return call


def _demo_meetings(rng, call, moderator, now):
    """Record the demo's public meetings once, with the proposals staff entered from their paper forms."""
    if call is None or PublicMeeting.objects.filter(is_demo=True).exists():
        return 0
    zones = {zone.order: zone for zone in ZonalAdministration.objects.all()}
    codes = _new_codes(rng, len(DEMO_MEETINGS) * PROPOSALS_PER_DEMO_MEETING)
    proposals = []
    for days, order, kind, place, total, women, men, *ages in DEMO_MEETINGS:
        zone = zones.get(order) or next(iter(zones.values()))
        meeting = PublicMeeting.objects.create(
            plan=call.plan, call=call, zone=zone, held_on=timezone.localdate(now) - datetime.timedelta(days=days),
            place=place, format=kind, participants=total, participants_women=women, participants_men=men,
            participants_under_18=ages[0], participants_18_29=ages[1], participants_30_44=ages[2],
            participants_45_64=ages[3], participants_65_plus=ages[4], is_demo=True,
            summary="Reunión ficticia de demostración: las personas asistentes debatieron problemas del barrio y "
            "llenaron formularios de propuesta en papel.",
            summary_en="A fictional demonstration meeting: those present discussed their neighbourhood's problems "
            "and filled in paper proposal forms.",
        )  # fmt: skip
        for _index in range(PROPOSALS_PER_DEMO_MEETING):
            proposal = _proposal(rng, codes.pop(), call, [zone], {zone.pk: []}, now)
            proposal.meeting, proposal.entered_by_staff = meeting, True
            proposal.created_at = datetime.datetime.combine(meeting.held_on, datetime.time(18), now.tzinfo)
            proposal.status, proposal.response, proposal.responded_at, proposal.closed_at = (
                Proposal.Status.UNDER_REVIEW if days > 14 else Proposal.Status.RECEIVED,
                "",
                None,
                None,
            )
            proposals.append(proposal)
    Proposal.objects.bulk_create(proposals)
    StatusEvent.objects.bulk_create([event for proposal in proposals for event in _events(proposal, moderator)])
    first_number = (ProposerContact.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    ProposerContact.objects.bulk_create(
        ProposerContact(
            proposal=proposal,
            name=f"Persona ficticia {first_number + index}",
            email=f"demo{first_number + index}@{DEMO_EMAIL_DOMAIN}",
            consent_version=CONSENT_VERSION,
            consented_at=proposal.created_at,
        )
        for index, proposal in enumerate(proposals)
    )
    return len(DEMO_MEETINGS)


def _moderator(password):
    # The groups come from a migration; make sure they are there even after a test database flush.
    ensure_role_groups(apps, "proposals", ROLE_PERMISSIONS)
    user, _created = get_user_model().objects.get_or_create(
        username=MODERATOR_USERNAME, defaults={"is_staff": True, "email": f"moderador@{DEMO_EMAIL_DOMAIN}"}
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
    start, end = call.opens_at, min(call.closes_at or now, now)
    created_at = start + (end - start) * rng.random()
    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
    # What has not happened yet by the seeding day is not recorded: a recent proposal is still waiting.
    if created_at + ANSWERED_AFTER > now:
        status = Proposal.Status.UNDER_REVIEW if created_at + REVIEWED_AFTER <= now else Proposal.Status.RECEIVED
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
        proposal.responded_at = created_at + RESPONDED_AFTER
    if proposal.is_closed():
        proposal.closed_at = created_at + ANSWERED_AFTER
    proposal.search_text = proposal.build_search_text()
    return proposal


def _events(proposal, moderator):
    events = [StatusEvent(proposal=proposal, status=Proposal.Status.RECEIVED, created_at=proposal.created_at)]
    if proposal.status != Proposal.Status.RECEIVED:
        review_at = proposal.created_at + REVIEWED_AFTER
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
                created_at=proposal.created_at + ANSWERED_AFTER,
            )
        )
    return events


def seed_demo(*, scale, password, data, parishes):
    """Add about 1,000 x scale fictional proposals in two demo calls, and the `moderador` account.

    The proposals need the real zones and parishes: loaded from `data` and `parishes` (the parsed plan and
    parishes files, as for load_plan_facts) if load_quito_plan has not run yet."""
    if demo_touches_real_rows():
        purge_demo()  # a demo seeded by an older version: rebuilt apart from the real plan
    moderator = _moderator(password)
    now = timezone.now()
    co_creation, permanent = _calls(now)
    if not ZonalAdministration.objects.exists():
        load_plan_facts(data, parishes)
    _demo_meetings(random.Random(SEED - 1), _next_plan_call(), moderator, now)
    existing = Proposal.objects.filter(is_demo=True).count()
    wanted = 1000 * scale
    if existing < wanted:
        _create_proposals(random.Random(SEED + existing), wanted - existing, [co_creation, permanent], moderator, now)
    Call.objects.filter(is_demo=True).refresh_counts()  # written in bulk: the stored counts once, at the end
    total = Proposal.objects.filter(is_demo=True).count()
    calls = Call.objects.filter(is_demo=True).count()
    meetings = PublicMeeting.objects.filter(is_demo=True).count()
    return {
        "summary": f"{total} fictional proposals in {calls} demonstration calls, {meetings} fictional public meetings",
        "accounts": [MODERATOR_USERNAME],
    }


def demo_proposals_for_agenda(count=100):
    """(code, date received) of the latest public demonstration proposals, for the demo council's agendas."""
    rows = Proposal.objects.filter(is_demo=True, is_hidden=False).order_by("-created_at", "-pk")[:count]
    return [(code, timezone.localdate(created)) for code, created in rows.values_list("code", "created_at")]


def demo_touches_real_rows():
    demo = Proposal.objects.filter(is_demo=True)
    return (
        demo.filter(commitments__is_demo=False).exists()
        or demo.filter(call__is_demo=False).exists()
        or Call.objects.filter(is_demo=True, plan__is_demo=False).exists()
        or PublicMeeting.objects.filter(is_demo=True, plan__is_demo=False).exists()
        or demo.filter(meeting__is_demo=False).exists()
    )


def _link_duplicates(rng, proposals):
    """Give every duplicate an earlier original of its call; without one it is still under review."""
    originals = [proposal for proposal in proposals if proposal.status != Proposal.Status.DUPLICATE]
    changed = []
    for proposal in proposals:
        if proposal.status != Proposal.Status.DUPLICATE:
            continue
        earlier = [o for o in originals if o.call_id == proposal.call_id and o.created_at < proposal.created_at]
        if earlier:
            proposal.duplicate_of = rng.choice(earlier[-50:])
        else:
            proposal.status, proposal.response = Proposal.Status.UNDER_REVIEW, ""
            proposal.responded_at = proposal.closed_at = None
        proposal.updated_at = timezone.now()  # bulk_update does not run auto_now
        changed.append(proposal)
    Proposal.objects.bulk_update(
        changed, ["duplicate_of", "status", "response", "responded_at", "closed_at", "updated_at"]
    )


def _create_proposals(rng, count, calls, moderator, now):
    zones = list(ZonalAdministration.objects.all())
    # Only parishes whose zone the sources confirm: a demo proposal must not present a doubtful assignment as fact.
    parishes_by_zone = {zone.pk: [] for zone in zones}
    for parish in Parish.objects.filter(zone__isnull=False, zone_uncertain=False):
        parishes_by_zone[parish.zone_id].append(parish)
    commitments = list(Commitment.objects.filter(is_demo=True).order_by("code")[:5])
    first_number = (ProposerContact.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    codes = _new_codes(rng, count)
    for offset in range(0, count, BATCH):
        proposals = [
            _proposal(rng, code, calls[0] if rng.random() < 0.6 else calls[1], zones, parishes_by_zone, now)
            for code in codes[offset : offset + BATCH]
        ]
        if not commitments:  # nothing to have been incorporated into
            for proposal in proposals:
                if proposal.status == Proposal.Status.INCORPORATED:
                    proposal.status, proposal.response = Proposal.Status.ACCEPTED, RESPONSES[Proposal.Status.ACCEPTED]
                    proposal.closed_at = None
        Proposal.objects.bulk_create(proposals)
        _link_duplicates(rng, proposals)
        StatusEvent.objects.bulk_create([event for proposal in proposals for event in _events(proposal, moderator)])
        ProposerContact.objects.bulk_create(
            ProposerContact(
                proposal=proposal,
                name=f"Persona ficticia {first_number + offset + index}",
                email=f"demo{first_number + offset + index}@{DEMO_EMAIL_DOMAIN}",
                consent_version=CONSENT_VERSION,
                consented_at=proposal.created_at,
            )
            for index, proposal in enumerate(proposals)
        )
        links = [
            Proposal.commitments.through(proposal_id=proposal.pk, commitment_id=rng.choice(commitments).pk)
            for proposal in proposals
            if proposal.status == Proposal.Status.INCORPORATED
        ]
        Proposal.commitments.through.objects.bulk_create(links)


def raw_delete(queryset):
    """Delete without loading the rows: at scale 200 per-row signals and history would take many minutes.

    Only for rows nothing else points to (or whose dependants were deleted first); the database still checks.
    """
    return queryset._raw_delete(queryset.db)


def purge_demo():
    """Delete every demonstration proposal (with its proposer's data and timeline), call and account; nothing real."""
    demo = Proposal.objects.filter(is_demo=True)
    raw_delete(StatusEvent.objects.filter(proposal__is_demo=True))
    contacts = raw_delete(ProposerContact.objects.filter(proposal__is_demo=True))
    raw_delete(Proposal.commitments.through.objects.filter(proposal__is_demo=True))
    demo.filter(duplicate_of__isnull=False).update(duplicate_of=None, updated_at=timezone.now())
    proposals = raw_delete(demo)
    raw_delete(Proposal.history.filter(is_demo=True))
    meetings = raw_delete(PublicMeeting.objects.filter(is_demo=True))
    raw_delete(PublicMeeting.history.filter(is_demo=True))
    calls = Call.objects.filter(is_demo=True).delete()[1].get(Call._meta.label, 0)
    users = get_user_model().objects.filter(username=MODERATOR_USERNAME, email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
    accounts = users.delete()[1].get(get_user_model()._meta.label, 0)
    return (
        f"{proposals} demonstration proposals with {contacts} proposers' contact data, "
        f"{meetings} public meetings, {calls} calls and {accounts} account deleted"
    )
