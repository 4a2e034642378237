"""Load the real, sourced facts of Quito's plans, and generate clearly fictional demonstration data on top."""

import calendar
import datetime
import hashlib
import random

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from commitments.models import (
    COORDINATION_GROUP,
    DEMO_CODE_PREFIX,
    EDITOR_GROUP,
    LOCAL_CODE_PREFIX,
    ROLE_PERMISSIONS,
    ActionPlan,
    CocreationRequirement,
    Commitment,
    DatePrecision,
    Evidence,
    Milestone,
    OgpValue,
    Organization,
    ProgressUpdate,
    Replanning,
    StaffProfile,
    forget_demo_data_flag,
)
from commitments.roles import ensure_role_groups

FIRST_PLAN_SLUG = "primer-plan-2019-2021"
SECOND_PLAN_SLUG = "segundo-plan-2022-2023"
# The first plan's period, as its title publishes it ("2019 - 2021"); the second's start, as its title does.
FIRST_PLAN_YEARS = (2019, 2021)
SECOND_PLAN_FIRST_YEAR = 2022


def month_start(value):
    year, month = (int(part) for part in value.split("-"))
    return datetime.date(year, month, 1)


def month_end(value):
    year, month = (int(part) for part in value.split("-"))
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


# The sourced English short titles are the openings of the titles; the Spanish short title is the same opening
# of the sourced Spanish title, cut where these words end.
SHORT_TITLE_ENDS = {
    "ECQTO0001": "en el Distrito Metropolitano de Quito",
    "ECQTO0005": "en el portal de gobierno abierto del municipio",
}

# The portal's own translations of texts the sources publish in one language only. Each is marked
# "Traducción del portal" on the page, with a link to the original.
TRANSLATIONS = {
    "plan1.title_en": "First Open Government Action Plan 2019 - 2021",
    "QGAPA0102.title_en": "Strengthen the Open Council so that it meets international standards of parliamentary "
    "transparency",
    "QGAPA0106.title_en": "Implementation of citizen laboratories to foster co-creation and collaboration in the "
    "'Casas Somos'",
    "QGAPA0107.title_en": "Strengthen the lines of dialogue between the Municipality of the Metropolitan District of "
    "Quito and the citizens",
    "QGAPA0109.title_en": "Promote volunteering to foster a culture of solidarity and of citizen participation in "
    "the development of the city",
    "ECQTO0001.problem": "Los mecanismos de participación se perciben como burocráticos y poco motivadores, y no "
    "generan aprendizaje; los casos de corrupción provocan cansancio y poco involucramiento; la población, en "
    "especial las personas fuera de los círculos académicos, carece de formación y de herramientas de información "
    "sobre participación ciudadana: sus conceptos y cómo funcionan los espacios y las herramientas de participación.",
    "ECQTO0005.problem": "La ciudadanía pidió procesos más claros, un acceso más sencillo a la información y una "
    "actualización automática, constante y en tiempo real del portal de gobierno abierto, que incluye el Sistema "
    "Metropolitano de Información (indicadores sectoriales, estadísticas históricas). Su catálogo de datos abiertos "
    "contenía 79 bases de datos estadísticas; de 1154 visitas al portal (15 de noviembre de 2021), ninguna llegó a "
    "ellas.",
    "plan2.co_creation": "Los talleres se realizaron en línea (por las restricciones de la COVID-19) con las "
    "delegaciones barriales y parroquiales de las 9 administraciones zonales; uno de ellos fue un taller "
    "especializado para OSC, universidades y actores con experiencia.",
    "plan2.proposal_form_en": [
        "personal data (according to the data protection rules)",
        "identification of the problem",
        "identification of the proposed solution",
    ],
    "plan2.legal_basis_en": "Municipal Code, Book I.3 (Citizen Participation and Open Government): Title I, "
    "information management; Title II, Metropolitan System of Citizen Participation and Social Control; Title III, "
    "Open Government (Art. I.3.160, Purpose).",
    "plan2.monitoring": "Una hoja de ruta por compromiso (etapas, plazos, actividades, responsables, evidencias "
    "verificables), guardada en un repositorio a disposición del Consejo Consultivo y validada y verificada en sus "
    "sesiones ordinarias mensuales; el avance se publica en el portal de gobierno abierto.",
}
# Written by the portal in both languages from what the source lists: not a translation of a source text.
FIRST_PLAN_SUMMARY = (
    "Las fuentes consultadas mencionan cuatro de sus compromisos (los números 2, 6, 7 y 9); no publican cuántos "
    "tuvo en total ni su avance.",
    "The sources consulted name four of its commitments (numbers 2, 6, 7 and 9); they do not publish how many it "
    "had in all, nor their progress.",
)


def spanish_short_title(code, title_es):
    end = SHORT_TITLE_ENDS[code]
    return title_es[: title_es.index(end) + len(end)]


def first_plan_code(number):
    """The first plan has no OGP codes: the portal gives its commitments a local code, e.g. QGAPA0102."""
    return f"{LOCAL_CODE_PREFIX}01{number:02d}"


def load_organizations(data):
    organizations = {}
    for item in data["organizations"]:
        organizations[item["key"]], _created = Organization.objects.update_or_create(
            acronym=item["key"],
            defaults={"name": item["name"], "kind": item["kind"], "is_demo": False},
            create_defaults={
                "name": item["name"],
                "kind": item["kind"],
                "slug": item["key"].lower(),
                "is_demo": False,
            },
        )
    return organizations


def load_plans(data, organizations):
    facts = data["plan"]
    previous = data["previous_plan"]
    first_year, last_year = FIRST_PLAN_YEARS
    first_facts = {
        "title": previous["title_es"],
        "title_en": TRANSLATIONS["plan1.title_en"],
        "translated_fields": ["title_en"],
        "period": f"{first_year}-{last_year}",
        "starts_on": datetime.date(first_year, 1, 1),
        "starts_on_precision": DatePrecision.YEAR,
        "ends_on": datetime.date(last_year, 12, 31),
        "ends_on_precision": DatePrecision.YEAR,
        "summary": FIRST_PLAN_SUMMARY[0],
        "summary_en": FIRST_PLAN_SUMMARY[1],
        "sources": "\n".join(previous["sources"]),
        "is_demo": False,
    }
    first, _created = ActionPlan.objects.update_or_create(
        number=previous["number"], defaults=first_facts, create_defaults={**first_facts, "slug": FIRST_PLAN_SLUG}
    )
    co_creation = facts["co_creation"]
    sourced = {
        "title": facts["title_es"],
        "title_en": facts["title_en"],
        "period": f"{SECOND_PLAN_FIRST_YEAR}-{facts['ends'][:4]}",
        "starts_on": datetime.date(SECOND_PLAN_FIRST_YEAR, 1, 1),
        "starts_on_precision": DatePrecision.YEAR,
        "ends_on": month_end(facts["ends"]),
        "ends_on_precision": DatePrecision.MONTH,
        "submitted_on": datetime.date.fromisoformat(facts["submitted_on"]),
        "ogp_local_member_since": month_start(facts["ogp_local_member_since"]),
        "public_meetings": co_creation["public_meetings"],
        "consultation_workshops": co_creation["citizen_consultation_workshops"],
        "co_creation": TRANSLATIONS["plan2.co_creation"],
        "co_creation_en": co_creation["note"],
        "proposal_form": "\n".join(co_creation["form_fields"]),
        "proposal_form_en": "\n".join(TRANSLATIONS["plan2.proposal_form_en"]),
        "legal_basis": facts["legal_basis"],
        "legal_basis_en": TRANSLATIONS["plan2.legal_basis_en"],
        "monitoring": TRANSLATIONS["plan2.monitoring"],
        "monitoring_en": facts["monitoring"],
        "online_spaces": facts["online_spaces"],
        "progress_page": facts["progress_page_as_published"],
        "translated_fields": ["co_creation", "proposal_form_en", "legal_basis_en", "monitoring"],
        "sources": "\n".join(facts["sources"]),
        "is_demo": False,
    }
    second, _created = ActionPlan.objects.update_or_create(
        number=facts["number"], defaults=sourced, create_defaults={**sourced, "slug": SECOND_PLAN_SLUG}
    )
    second.lead_institutions.set([organizations[key] for key in facts["lead_institutions"]])
    return first, second


def load_first_plan_commitments(data, plan, organizations):
    previous = data["previous_plan"]
    for item in previous["known_commitments"]:
        code = first_plan_code(item["number"])
        facts = {
            "plan": plan,
            "title": item["title_es"],
            "title_en": TRANSLATIONS[f"{code}.title_en"],
            "translated_fields": ["title_en"],
            "lead": organizations[item["lead"]],
            "sources": "\n".join(previous["sources"]),
            "is_demo": False,
        }
        Commitment.objects.update_or_create(code=code, defaults=facts, create_defaults={**facts, "slug": code.lower()})
    return len(previous["known_commitments"])


def load_second_plan_commitments(data, plan, organizations):
    values = {item["key"]: OgpValue.objects.get_or_create(key=item["key"])[0] for item in data["ogp_values"]}
    for item in data["commitments"]:
        title_es = item["title_es"]
        code = item["code"]
        translated = ["problem"]
        if item.get("title_es_is_translation"):
            translated += ["title", "short_title"]
        facts = {
            "plan": plan,
            "title": title_es,
            "title_en": item["title_en"],
            "short_title": spanish_short_title(code, title_es),
            "short_title_en": item["short_title_en"],
            "problem": TRANSLATIONS[f"{code}.problem"],
            "problem_en": item["problem_en"],
            "translated_fields": translated,
            "lead": organizations[item["lead"]],
            "starts_on": month_start(item["start"]),
            "starts_on_precision": DatePrecision.MONTH,
            "ends_on": month_end(item["end"]),
            "ends_on_precision": DatePrecision.MONTH,
            "sources": "\n".join(item["sources"]),
            "is_demo": False,
        }
        commitment, _created = Commitment.objects.update_or_create(
            code=code, defaults=facts, create_defaults={**facts, "slug": code.lower()}
        )
        commitment.co_responsible.set([organizations[key] for key in item["co_responsible"]])
        commitment.ogp_values.set([values[key] for key in item["ogp_values"]])
    return len(data["commitments"])


def load_undocumented_commitments(data, plan):
    """The plan's other commitments: their codes and plan are known, nothing else (no title, lead or roadmap)."""
    codes = data["commitments_not_found"]["codes"]
    for code in codes:
        facts = {
            "plan": plan, "title": "", "title_en": "", "short_title": "", "short_title_en": "", "problem": "",
            "problem_en": "", "translated_fields": [], "lead": None, "starts_on": None, "ends_on": None,
            "sources": "\n".join(data["plan"]["sources"]), "is_demo": False,
        }  # fmt: skip
        commitment, _created = Commitment.objects.update_or_create(
            code=code, defaults=facts, create_defaults={**facts, "slug": code.lower()}
        )
        commitment.co_responsible.clear()
        commitment.ogp_values.clear()
    return len(codes)


@transaction.atomic
def load_plan_facts(data):
    organizations = load_organizations(data)
    first, second = load_plans(data, organizations)
    first_count = load_first_plan_commitments(data, first, organizations)
    documented = load_second_plan_commitments(data, second, organizations)
    undocumented = load_undocumented_commitments(data, second)
    requirements = load_cocreation_facts(data, second)
    forget_demo_data_flag()
    return (
        f"{len(organizations)} organizations, plan {first.number} with {first_count} known commitments, "
        f"plan {second.number} with {documented + undocumented} commitments ({documented} documented), "
        f"{requirements} co-creation requirements"
    )


def load_cocreation_facts(data, plan):
    """The plan's checklist of OGP's co-creation standards. Every status stays "Sin datos": the sources state facts
    about the process (the council, the meetings, the monitoring) but nobody has assessed the requirements against
    them. Those facts go in the notes, each linking the plan's published source."""
    CocreationRequirement.objects.ensure_for(plan)
    facts, co_creation = data["plan"], data["plan"]["co_creation"]
    source = next(source for source in facts["sources"] if source.startswith("http"))
    council = data["advisory_council"]
    notes = {
        "1.1": (
            f"Según el plan publicado, el {council['name_es']} reúne a organizaciones de la sociedad civil, "
            "universidades y el sector productivo y lo preside la Secretaría General de Planificación; sus sesiones "
            "ordinarias son mensuales según su reglamento. No se ha evaluado si se cumple el requisito.",
            f"According to the published plan, the {council['name_es']} (Open Government Advisory Council): "
            f"{council['composition']} Sessions: {council['sessions']}. Whether the requirement is met has not been "
            "assessed.",
        ),
        "2.2": (
            "Según el plan publicado, la hoja de ruta de cada compromiso (etapas, plazos, actividades, responsables y "
            "verificables) se guarda en un repositorio a disposición del Consejo Consultivo. No se ha evaluado si se "
            "cumple el requisito.",
            f"According to the published plan: {facts['monitoring']} Whether the requirement is met has not been "
            "assessed.",
        ),
        "3": (
            f"Según el plan publicado, las propuestas se recogieron con un formulario web y en "
            f"{co_creation['public_meetings']} reuniones públicas, con {co_creation['citizen_consultation_workshops']} "
            "talleres de consulta ciudadana. No se ha evaluado si se cumple el requisito.",
            f"According to the published plan, proposals were gathered through a web form and at "
            f"{co_creation['public_meetings']} public meetings, with {co_creation['citizen_consultation_workshops']} "
            f"citizen consultation workshops. {co_creation['note']} Whether the requirement is met has not been "
            "assessed.",
        ),
        "5.1": (
            "Según el plan publicado, el avance de cada compromiso se valida y verifica en las sesiones ordinarias "
            "mensuales del Consejo Consultivo. No se ha evaluado si se cumple el requisito.",
            f"According to the published plan: {facts['monitoring']} Whether the requirement is met has not been "
            "assessed.",
        ),
    }
    portal = facts["online_spaces"].get("open_government_portal", "")
    if portal:
        notes["2.1"] = (
            f"El plan publicado indica la dirección de un portal de gobierno abierto: {portal}. No se ha evaluado si "
            "se cumple el requisito.",
            f"The published plan gives the address of an open government portal: {portal}. Whether the requirement "
            "is met has not been assessed.",
        )
    for number, (note, note_en) in notes.items():
        CocreationRequirement.objects.filter(plan=plan, number=number).update(
            note=note, note_en=note_en, evidence_link=source, evidence_label="Plan de acción publicado (OGP)"
        )
    return plan.cocreation_requirements.count()


# Demonstration data ---------------------------------------------------------------------------------------------
# A separate, clearly fictional world: its own institutions, plans, commitments and accounts. It never creates,
# changes or points at a real row, so `purge_demo` can take it away again and leave the real record as it was.

_KIND = Organization.Kind
DEMO_ORGANIZATIONS = [
    ("DEMO-SPVD", "Secretaría de Planificación de Villa Demostración (ficticia)", _KIND.MUNICIPAL),
    ("DEMO-SIVD", "Secretaría de Innovación de Villa Demostración (ficticia)", _KIND.MUNICIPAL),
    ("DEMO-SPCVD", "Secretaría de Participación Ciudadana de Villa Demostración (ficticia)", _KIND.MUNICIPAL),
    ("DEMO-UFVD", "Universidad Ficticia de Villa Demostración", _KIND.ACADEMIA),
    ("DEMO-OCE", "Observatorio Ciudadano Ejemplo (organización ficticia)", _KIND.CIVIL_SOCIETY),
]
# Secretariats lead in turn; the university and the civil-society organization are co-responsible.
DEMO_LEADS = ["DEMO-SIVD", "DEMO-SPCVD", "DEMO-SPVD"]
DEMO_PARTNERS = ["DEMO-UFVD", "DEMO-OCE"]
# Accounts seed_demo creates, with their group and demo organization; purge_demo deletes them again.
DEMO_ACCOUNTS = [
    ("coordinador", COORDINATION_GROUP, "DEMO-SPVD"),
    ("editor", EDITOR_GROUP, "DEMO-SIVD"),
    ("editor2", EDITOR_GROUP, "DEMO-SPCVD"),
]
DEMO_TOPICS = [
    ("presupuestos participativos", "participatory budgets"),
    ("contratación abierta", "open contracting"),
    ("datos abiertos de movilidad", "open mobility data"),
    ("rendición de cuentas barrial", "neighbourhood accountability"),
    ("transparencia en obras públicas", "transparency in public works"),
    ("laboratorios ciudadanos", "citizen labs"),
    ("acceso a la información ambiental", "access to environmental information"),
]
MILESTONE_STEPS = [
    "Diagnóstico participativo",
    "Diseño metodológico",
    "Validación con el Consejo Consultivo",
    "Convocatoria pública",
    "Talleres con la ciudadanía",
    "Desarrollo de la herramienta",
    "Prueba piloto",
    "Ajustes a partir de la prueba piloto",
    "Publicación de resultados",
    "Informe final y rendición de cuentas",
]
MILESTONES_PER_COMMITMENT = 10
DEMO_COMMITMENTS_PER_SCALE = 5
DEMO_COMMITMENTS_PER_PLAN = 50
DEMO_PLAN_FIRST_NUMBER = 90
# Roadmaps start 180 to 420 days before the day of seeding and last 380 to 660 days: the demo plans' period covers
# them whole, so a demo plan is "in implementation" on the day it is seeded.
ROADMAP_START_DAYS, ROADMAP_LENGTH_DAYS = (180, 420), (360, 640)
# The council validates a demo roadmap this many days after the commitment starts; every later revision of a due
# date is in the re-planning ledger with one of these fictional reasons.
DEMO_VALIDATION_DAYS = 15
DEMO_REPLANNING_REASONS = [
    "La empresa proveedora ficticia entregó los equipos con retraso (demostración).",
    "El Consejo Consultivo pidió ampliar la consulta a más barrios (demostración).",
    "Se esperó la aprobación del presupuesto participativo ficticio (demostración).",
    "Las lluvias obligaron a suspender los talleres presenciales (demostración).",
]
# The smallest valid PDF, enough for a browser to open.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
DEMO_PDF_SHA256 = hashlib.sha256(DEMO_PDF).hexdigest()


def seed_demo(*, scale, password):
    today = timezone.localdate()
    organizations = ensure_demo_organizations()
    created = ensure_demo_commitments(DEMO_COMMITMENTS_PER_SCALE * scale, organizations, today)
    milestone_count, update_count = seed_roadmaps(Commitment.objects.filter(is_demo=True), today)
    ensure_demo_plan_in_cocreation(today)
    for plan in ActionPlan.objects.filter(is_demo=True):
        seed_cocreation_checklist(plan)
    accounts = ensure_demo_accounts(organizations, password)
    forget_demo_data_flag()
    return {
        "summary": (
            f"{len(organizations)} demo organizations, {created} new demo commitments, "
            f"{milestone_count} new demo milestones, {update_count} new progress updates"
        ),
        "accounts": accounts,
    }


# The demo plans' fictional self-assessment of OGP's co-creation standards: (status, evidence page, note).
DEMO_COCREATION = {
    "1.1": ("met", "/consejo/sesiones/", "Evaluación ficticia (demostración): el consejo se reunió cada mes."),
    "2.1": ("met", "/planes/{slug}/", "Evaluación ficticia (demostración): el portal publica el plan."),
    "2.2": ("partly", "/datos/repositorio/{slug}/",
            "Evaluación ficticia (demostración): faltan evidencias de algunos hitos."),
    "3": ("met", "/planes/{slug}/respuestas/", "Evaluación ficticia (demostración)."),
    "4.1": ("partly", "/planes/{slug}/respuestas/",
            "Evaluación ficticia (demostración): algunas propuestas siguen sin respuesta motivada."),
}  # fmt: skip


def seed_cocreation_checklist(plan):
    """The demo plan's checklist with fictional statuses; 5.1 stays "Sin datos" to show an unassessed one."""
    CocreationRequirement.objects.ensure_for(plan, is_demo=True)
    for number, (status, link, note) in DEMO_COCREATION.items():
        CocreationRequirement.objects.filter(plan=plan, number=number, status="unknown").update(
            status=status,
            evidence_link=link.format(slug=plan.slug),
            note=note,
            note_en="Fictional assessment (demonstration).",
        )


def ensure_demo_organizations():
    organizations = {}
    for acronym, name, kind in DEMO_ORGANIZATIONS:
        # is_demo in the lookup: a real organization with the same acronym is an error, never reused.
        organizations[acronym], _created = Organization.objects.get_or_create(
            acronym=acronym, is_demo=True, defaults={"name": name, "kind": kind, "slug": acronym.lower()}
        )
    return organizations


def demo_plan_period(today):
    """Whole years covering every roadmap seeded today, as plans are published (e.g. 2025-2028)."""
    earliest = today - datetime.timedelta(days=ROADMAP_START_DAYS[1])
    latest = today - datetime.timedelta(days=ROADMAP_START_DAYS[0]) + datetime.timedelta(days=ROADMAP_LENGTH_DAYS[1])
    return datetime.date(earliest.year, 1, 1), datetime.date(latest.year, 12, 31)


def demo_plan_numbered(number, today):
    plan, _created = ActionPlan.objects.get_or_create(
        number=number,
        is_demo=True,
        defaults={
            "title": f"Plan de demostración {number - DEMO_PLAN_FIRST_NUMBER + 1} (ficticio)",
            "title_en": f"Demonstration plan {number - DEMO_PLAN_FIRST_NUMBER + 1} (fictional)",
            "slug": f"plan-demostracion-{number}",
            "summary": (
                "Plan ficticio de la ciudad imaginaria de Villa Demostración: muestra cómo funciona el portal con "
                "muchos datos. Sus instituciones, compromisos, fechas y avances son inventados."
            ),
            "summary_en": (
                "A fictional plan of the imaginary town of Villa Demostración, showing how the portal works with a "
                "lot of data. Its institutions, commitments, dates and progress are invented."
            ),
            **demo_plan_dates(today),
        },
    )
    return plan


# The next demo plan, being co-created on the day of seeding: its call, public meetings and proposals come from
# proposals.loaders. Numbered apart from the plans the scaled commitments fill (90, 91, …).
COCREATION_DEMO_PLAN_NUMBER = 900
COCREATION_DEMO_PLAN_SLUG = "plan-demostracion-en-co-creacion"
COCREATION_DAYS_BEFORE, COCREATION_DAYS_AFTER = 45, 45


def ensure_demo_plan_in_cocreation(today):
    """The fictional next plan, in co-creation from 45 days before today to 45 days after; its implementation
    (its period, in whole years) starts the year after co-creation ends. Dated again at every seeding."""
    starts = today - datetime.timedelta(days=COCREATION_DAYS_BEFORE)
    ends = today + datetime.timedelta(days=COCREATION_DAYS_AFTER)
    dates = {
        "cocreation_starts_on": starts,
        "cocreation_ends_on": ends,
        "period": f"{ends.year + 1}-{ends.year + 2}",
        "starts_on": datetime.date(ends.year + 1, 1, 1),
        "ends_on": datetime.date(ends.year + 2, 12, 31),
        "starts_on_precision": DatePrecision.YEAR,
        "ends_on_precision": DatePrecision.YEAR,
    }
    plan, created = ActionPlan.objects.get_or_create(
        number=COCREATION_DEMO_PLAN_NUMBER,
        is_demo=True,
        defaults={
            **dates,
            "title": "Próximo plan de demostración, en co-creación (ficticio)",
            "title_en": "Next demonstration plan, being co-created (fictional)",
            "slug": COCREATION_DEMO_PLAN_SLUG,
            "summary": (
                "Plan ficticio de la ciudad imaginaria de Villa Demostración, en co-creación: muestra cómo se "
                "reciben propuestas y se registran reuniones públicas. Todo en él es inventado."
            ),
            "summary_en": (
                "A fictional plan of the imaginary town of Villa Demostración, being co-created: it shows how "
                "proposals are received and public meetings recorded. Everything in it is invented."
            ),
        },
    )
    if not created and any(getattr(plan, name) != value for name, value in dates.items()):
        # Seeded on an earlier day: dated again (a new version in its history only when a date moves).
        for name, value in dates.items():
            setattr(plan, name, value)
        plan.save()
    return plan


def demo_plan_dates(today):
    """The demo plan's period: whole years, as its text and as dates of year precision."""
    starts_on, ends_on = demo_plan_period(today)
    return {
        "period": f"{starts_on.year}-{ends_on.year}",
        "starts_on": starts_on,
        "ends_on": ends_on,
        "starts_on_precision": DatePrecision.YEAR,
        "ends_on_precision": DatePrecision.YEAR,
    }


def ensure_demo_commitments(count, organizations, today):
    """Create the demo commitments DEMOQ0001… up to `count` that do not exist yet; return how many were new."""
    existing = set(Commitment.objects.filter(code__startswith=DEMO_CODE_PREFIX).values_list("code", flat=True))
    values = list(OgpValue.objects.order_by("key"))
    created = 0
    for index in range(count):
        code = f"{DEMO_CODE_PREFIX}{index + 1:04d}"
        if code in existing:
            continue
        rng = random.Random(code)  # the same commitment whatever the scale or the order of the runs
        topic_es, topic_en = DEMO_TOPICS[index % len(DEMO_TOPICS)]
        starts_on = today - datetime.timedelta(days=rng.randint(*ROADMAP_START_DAYS))
        commitment = Commitment.objects.create(
            code=code, slug=code.lower(), is_demo=True,
            plan=demo_plan_numbered(DEMO_PLAN_FIRST_NUMBER + index // DEMO_COMMITMENTS_PER_PLAN, today),
            lead=organizations[DEMO_LEADS[index % len(DEMO_LEADS)]],
            title=f"Compromiso de demostración {index + 1}: {topic_es} en Villa Demostración",
            title_en=f"Demonstration commitment {index + 1}: {topic_en} in Villa Demostración",
            problem="Texto ficticio de demostración: describe un problema inventado.",
            problem_en="Fictional demonstration text: it describes an invented problem.",
            action="Texto ficticio de demostración: describe una acción inventada.",
            action_en="Fictional demonstration text: it describes an invented action.",
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=rng.randint(*ROADMAP_LENGTH_DAYS) + 20),
        )  # fmt: skip
        if rng.random() < 0.6:
            commitment.co_responsible.add(organizations[rng.choice(DEMO_PARTNERS)])
        commitment.ogp_values.set(rng.sample(values, min(len(values), rng.randint(1, 2))))
        created += 1
    return created


def seed_roadmaps(commitments, today):
    """Give every demo commitment without milestones its fictional roadmap, with updates and evidence."""
    pending = list(
        commitments.filter(milestones__isnull=True).select_related("lead").prefetch_related("co_responsible")
    )
    milestones, reports = [], []
    for commitment in pending:
        for milestone, plan in demo_roadmap(commitment, random.Random(f"{commitment.code}-roadmap"), today):
            milestones.append(milestone)
            reports.append(plan)
    with transaction.atomic():
        for commitment in pending:
            commitment.roadmap_validated_on = commitment.starts_on + datetime.timedelta(days=DEMO_VALIDATION_DAYS)
        Commitment.objects.bulk_update(pending, ["roadmap_validated_on"], batch_size=500)
        Milestone.objects.bulk_create(milestones, batch_size=500)
        Replanning.objects.bulk_create(demo_replannings(milestones, today), batch_size=500)
        updates, evidence = [], []
        for milestone, plan in zip(milestones, reports, strict=True):
            updates.extend(ProgressUpdate(milestone=milestone, author=None, **step) for step in plan)
        ProgressUpdate.objects.bulk_create(updates, batch_size=500)
        rng = random.Random("evidence")
        for number, update in enumerate(updates, start=1):
            evidence.extend(demo_evidence(update, number, rng))
        Evidence.objects.bulk_create(evidence, batch_size=500)
        # Bulk inserts bypass the models' save(): the commitments' stored figures are brought up to date at once.
        Commitment.objects.filter(pk__in=[commitment.pk for commitment in pending]).refresh_summaries()
    return len(milestones), len(updates)


def demo_roadmap(commitment, rng, today):
    """Yield (milestone, [update fields]) pairs: the commitment's fictional roadmap, with its reports up to today."""
    step = ((commitment.ends_on - commitment.starts_on).days - 20) // MILESTONES_PER_COMMITMENT
    helpers = [commitment.lead, *commitment.co_responsible.all()]
    for index in range(MILESTONES_PER_COMMITMENT):
        starts_on = commitment.starts_on + datetime.timedelta(days=index * step)
        due_on = starts_on + datetime.timedelta(days=step + rng.randint(0, 20))
        milestone = Milestone(
            commitment=commitment, order=index + 1, title=MILESTONE_STEPS[index], responsible=rng.choice(helpers),
            description="Actividades ficticias de demostración.", starts_on=starts_on, due_on=due_on,
            weight=rng.randint(1, 3), is_demo=True,
            means_of_verification=rng.choice(["Informe técnico", "Acta de reunión", "Registro de asistencia",
                                              "Publicación en el portal"]),
        )  # fmt: skip
        if due_on < today and rng.random() < 0.2:
            milestone.revised_due_on = due_on + datetime.timedelta(days=rng.randint(30, 200))
        milestone.effective_due_on = milestone.revised_due_on or due_on
        plan = demo_reports(milestone, rng, today)
        if plan:
            last = plan[-1]
            milestone.progress, milestone.status = last["progress"], last["status"]
            milestone.last_reported_on = last["reported_on"]
            milestone.completed_on = last["reported_on"] if last["status"] == Milestone.Status.COMPLETE else None
        yield milestone, plan


def demo_replannings(milestones, today):
    """The ledger entries of the demo milestones whose due date was revised: each after its roadmap's validation,
    a few days before the planned due date, by the responsible institution's editor, with a fictional reason."""
    rng = random.Random("replannings")
    entries = []
    for milestone in milestones:
        if milestone.revised_due_on is None:
            continue
        validated = milestone.commitment.roadmap_validated_on
        day = max(validated + datetime.timedelta(days=1), milestone.due_on - datetime.timedelta(days=10))
        changed_at = timezone.make_aware(datetime.datetime.combine(min(day, today), datetime.time(10, 30)))
        entry = Replanning(
            milestone=milestone, old_starts_on=milestone.starts_on, new_starts_on=milestone.starts_on,
            old_due_on=milestone.due_on, new_due_on=milestone.revised_due_on, changed_at=changed_at,
            reason=rng.choice(DEMO_REPLANNING_REASONS), role=Replanning.Role.EDITOR, organization=milestone.responsible,
        )  # fmt: skip
        entries.append(entry)
    return entries


def demo_reports(milestone, rng, today):
    """The milestone's reports, all dated between its start and today (nothing that happened lies ahead)."""
    if milestone.starts_on >= today:
        return []
    past_due = milestone.effective_due_on < today
    final = 100 if past_due and rng.random() < 0.75 else rng.choice([10, 20, 35, 50, 60, 75, 90])
    if not past_due:
        elapsed = (today - milestone.starts_on).days / max((milestone.effective_due_on - milestone.starts_on).days, 1)
        final = max(5, min(95, int(elapsed * 100) // 5 * 5))
    count = rng.randint(4, 8)
    last_day = min(today, milestone.effective_due_on) if final == 100 else today
    span = max((last_day - milestone.starts_on).days, 1)
    reports = []
    for number in range(1, count + 1):
        progress = final if number == count else max(1, final * number // count)
        reported_on = milestone.starts_on + datetime.timedelta(days=span * number // count)
        reports.append(
            {
                "progress": progress,
                "status": ProgressUpdate.status_for(progress),
                "reported_on": min(reported_on, today),
                "note": "Avance ficticio (demostración)." if progress < 100 else "Hito cumplido (demostración).",
            }
        )
    return reports


def demo_evidence(update, number, rng):
    """A demo PDF for every completion; a link to example.org, which points nowhere real, for some reports."""
    if update.progress == 100:
        item = Evidence(update=update, title="Informe final (demostración)", dated_on=update.reported_on)
        item.file.save("informe-demostracion.pdf", ContentFile(DEMO_PDF), save=False)
        item.sha256 = DEMO_PDF_SHA256  # bulk_create skips save(), which computes it
        return [item]
    if rng.random() < 0.25:
        return [
            Evidence(
                update=update,
                title="Registro publicado (demostración)",
                url=f"https://example.org/villa-demostracion/registros/{number}",
                dated_on=update.reported_on,
            )
        ]
    return []


def ensure_demo_accounts(organizations, password):
    ensure_role_groups(apps, "commitments", ROLE_PERMISSIONS)
    usernames = []
    for username, group_name, acronym in DEMO_ACCOUNTS:
        user, _created = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": True})
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=group_name))
        StaffProfile.objects.update_or_create(user=user, defaults={"organization": organizations[acronym]})
        usernames.append(username)
    return usernames


def purge_demo():
    """Delete every demonstration row of this app, the demo evidence files and the demo accounts; nothing real."""
    milestones = Milestone.objects.filter(Q(is_demo=True) | Q(commitment__is_demo=True))
    evidence = Evidence.objects.filter(update__milestone__in=milestones)
    files = list(evidence.exclude(file="").values_list("file", flat=True))
    storage = Evidence._meta.get_field("file").storage
    # Databases seeded before the demo lived apart have demo milestones on real commitments: their progress
    # is recomputed without them.
    touched = list(Commitment.objects.filter(is_demo=False, milestones__in=milestones).distinct())
    counts = {
        "evidence": deleted(evidence),
        "progress updates": deleted(ProgressUpdate.objects.filter(milestone__in=milestones)),
        "milestones": deleted(milestones),
        "commitments": deleted(Commitment.objects.filter(is_demo=True)),
        "co-creation requirements": deleted(CocreationRequirement.objects.filter(plan__is_demo=True)),
        "plans": deleted(ActionPlan.objects.filter(is_demo=True)),
    }
    Commitment.objects.filter(pk__in=[commitment.pk for commitment in touched]).refresh_summaries()
    usernames = [username for username, _group, _acronym in DEMO_ACCOUNTS]
    accounts = get_user_model().objects.filter(username__in=usernames, staff_profile__organization__is_demo=True)
    counts["accounts"] = deleted(accounts)
    StaffProfile.objects.filter(organization__is_demo=True).delete()
    counts["organizations"] = deleted(Organization.objects.filter(is_demo=True))
    for model in (Organization, ActionPlan, Commitment, Milestone, CocreationRequirement):
        # Deleting writes the history's "deleted" records: the history of a demo object goes with it.
        model.history.filter(is_demo=True).exclude(id__in=model.objects.values("pk")).delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in files])
    forget_demo_data_flag()
    return ", ".join(f"{count} {label}" for label, count in counts.items()) + " removed"


def deleted(queryset):
    """Delete the rows of `queryset` (and what cascades from them); return how many of its own model went."""
    return queryset.delete()[1].get(queryset.model._meta.label, 0)
