"""Load the real, sourced facts of Quito's plans, and generate clearly fictional demonstration data on top."""

import calendar
import datetime
import random

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from commitments.models import (
    COORDINATION_GROUP,
    EDITOR_GROUP,
    LOCAL_CODE_PREFIX,
    ActionPlan,
    Commitment,
    DatePrecision,
    Evidence,
    Milestone,
    OgpValue,
    Organization,
    ProgressUpdate,
    StaffProfile,
    ensure_role_groups,
    forget_demo_data_flag,
)

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
    forget_demo_data_flag()
    return (
        f"{len(organizations)} organizations, plan {first.number} with {first_count} known commitments, "
        f"plan {second.number} with {documented + undocumented} commitments ({documented} documented)"
    )


# Demonstration data ---------------------------------------------------------------------------------------------

DEMO_COMMITMENTS = [
    # Fictional content for commitments that exist in the plan but whose texts could not be retrieved.
    ("ECQTO0002", "SGCM", "Demostración: publicar en datos abiertos las votaciones del Concejo Metropolitano",
     "Demo: publish the Metropolitan Council's votes as open data"),
    ("ECQTO0003", "SDPyC", "Demostración: mesas de diálogo con el sector productivo sobre compras públicas",
     "Demo: dialogue tables with the productive sector on public procurement"),
    ("ECQTO0004", "SGP", "Demostración: tablero ciudadano de seguimiento de obras en las administraciones zonales",
     "Demo: citizen dashboard to follow public works in the zonal administrations"),
]  # fmt: skip
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
DEMO_COMMITMENTS_PER_PLAN = 50
DEMO_PLAN_FIRST_NUMBER = 90
# The smallest valid PDF, enough for a browser to open.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed_demo(*, scale, password):
    rng = random.Random(2023)
    organizations = {org.acronym: org for org in Organization.objects.all()}
    if "SGP" not in organizations:
        raise ValueError("Run load_quito_plan before seed_demo.")
    commitments = ensure_demo_commitments(scale, organizations, rng)
    milestone_count, update_count = seed_roadmaps(commitments, organizations, rng)
    accounts = ensure_demo_accounts(organizations, password)
    forget_demo_data_flag()
    return {
        "summary": (
            f"{len(commitments)} commitments with demo roadmaps, {milestone_count} new demo milestones, "
            f"{update_count} new progress updates"
        ),
        "accounts": accounts,
    }


def ensure_demo_commitments(scale, organizations, rng):
    plan = ActionPlan.objects.get(number=2, is_demo=False)
    for code, lead, title, title_en in DEMO_COMMITMENTS:
        defaults = {
            "plan": plan, "title": title, "title_en": title_en, "lead": organizations[lead], "is_demo": True,
            "problem": "Texto de demostración: el problema real de este compromiso no está disponible.",
            "problem_en": "Demonstration text: the real problem statement of this commitment is not available.",
        }  # fmt: skip
        Commitment.objects.get_or_create(code=code, defaults={**defaults, "slug": code.lower()})
    extra = 5 * (scale - 1)
    acronyms = sorted(organizations)
    for index in range(extra):
        plan_number = DEMO_PLAN_FIRST_NUMBER + index // DEMO_COMMITMENTS_PER_PLAN
        demo_plan = demo_plan_numbered(plan_number)
        topic_es, topic_en = DEMO_TOPICS[index % len(DEMO_TOPICS)]
        code = f"DEMOQ{index + 1:04d}"
        lead = organizations[acronyms[index % len(acronyms)]]
        defaults = {
            "plan": demo_plan, "slug": code.lower(), "lead": lead, "is_demo": True,
            "title": f"Demostración {index + 1}: {topic_es}", "title_en": f"Demo {index + 1}: {topic_en}",
            "problem": "Texto de demostración.", "problem_en": "Demonstration text.",
        }  # fmt: skip
        commitment, created = Commitment.objects.get_or_create(code=code, defaults=defaults)
        if created and rng.random() < 0.5:
            commitment.co_responsible.add(organizations[rng.choice(acronyms)])
    return list(Commitment.objects.exclude(lead=None).select_related("lead").order_by("plan__number", "code"))


def demo_plan_numbered(number):
    plan, _created = ActionPlan.objects.get_or_create(
        number=number,
        defaults={
            "title": f"Plan de demostración {number}",
            "title_en": f"Demonstration plan {number}",
            "slug": f"plan-demostracion-{number}",
            "period": "demo",
            "is_demo": True,
            "summary": "Plan ficticio para mostrar cómo funciona el portal con muchos datos.",
            "summary_en": "A fictional plan showing how the portal works with a lot of data.",
        },
    )
    return plan


def seed_roadmaps(commitments, organizations, rng):
    """Give every commitment without milestones a fictional roadmap, with updates and evidence."""
    with_roadmap = set(Milestone.objects.values_list("commitment_id", flat=True).distinct())
    pending = [commitment for commitment in commitments if commitment.pk not in with_roadmap]
    if not pending:
        return 0, 0
    now = timezone.localdate()
    milestones, plans = [], []
    for commitment in pending:
        for milestone, plan in demo_roadmap(commitment, organizations, rng, now):
            milestones.append(milestone)
            plans.append(plan)
    with transaction.atomic():
        Milestone.objects.bulk_create(milestones, batch_size=500)
        updates, evidence = [], []
        for milestone, plan in zip(milestones, plans, strict=True):
            for step in plan:
                updates.append(ProgressUpdate(milestone=milestone, author=None, **step))
        ProgressUpdate.objects.bulk_create(updates, batch_size=500)
        for update in updates:
            evidence.extend(demo_evidence(update, rng))
        Evidence.objects.bulk_create(evidence, batch_size=500)
        for commitment in pending:
            commitment.refresh_progress()
    return len(milestones), len(updates)


def demo_roadmap(commitment, organizations, rng, now):
    """Yield (milestone, [update fields]) pairs: a fictional roadmap around today, with its reports."""
    start = now - datetime.timedelta(days=rng.randint(180, 420))
    length = rng.randint(360, 640)
    step = length // MILESTONES_PER_COMMITMENT
    helpers = [commitment.lead, *commitment.co_responsible.all()]
    for index in range(MILESTONES_PER_COMMITMENT):
        starts_on = start + datetime.timedelta(days=index * step)
        due_on = starts_on + datetime.timedelta(days=step + rng.randint(0, 20))
        milestone = Milestone(
            commitment=commitment, order=index + 1, title=MILESTONE_STEPS[index], responsible=rng.choice(helpers),
            description="Actividades de demostración.", starts_on=starts_on, due_on=due_on, weight=rng.randint(1, 3),
            means_of_verification=rng.choice(["Informe técnico", "Acta de reunión", "Registro de asistencia",
                                              "Publicación en el portal"]),
            is_demo=True,
        )  # fmt: skip
        if due_on < now and rng.random() < 0.2:
            milestone.revised_due_on = due_on + datetime.timedelta(days=rng.randint(30, 200))
        milestone.effective_due_on = milestone.revised_due_on or due_on
        plan = demo_reports(milestone, rng, now)
        if plan:
            last = plan[-1]
            milestone.progress, milestone.status, milestone.last_reported_on = (
                last["progress"],
                last["status"],
                last["reported_on"],
            )
            milestone.completed_on = last["reported_on"] if last["status"] == Milestone.Status.COMPLETE else None
        yield milestone, plan


def demo_reports(milestone, rng, now):
    if milestone.starts_on >= now:
        return []
    past_due = milestone.effective_due_on < now
    final = 100 if past_due and rng.random() < 0.75 else rng.choice([10, 20, 35, 50, 60, 75, 90])
    if not past_due:
        elapsed = (now - milestone.starts_on).days / max((milestone.effective_due_on - milestone.starts_on).days, 1)
        final = max(5, min(95, int(elapsed * 100) // 5 * 5))
    count = rng.randint(4, 8)
    last_day = min(now, milestone.effective_due_on if final == 100 else now)
    span = max((last_day - milestone.starts_on).days, 1)
    reports = []
    for number in range(1, count + 1):
        progress = final if number == count else max(1, final * number // count)
        reported_on = milestone.starts_on + datetime.timedelta(days=span * number // count)
        reports.append(
            {
                "progress": progress,
                "status": ProgressUpdate.status_for(progress),
                "reported_on": min(reported_on, now),
                "note": "Avance de demostración." if progress < 100 else "Hito cumplido (demostración).",
            }
        )
    return reports


def demo_evidence(update, rng):
    if update.progress == 100:
        item = Evidence(update=update, title="Informe final (demostración)", dated_on=update.reported_on)
        item.file.save("informe-demostracion.pdf", ContentFile(DEMO_PDF), save=False)
        return [item]
    if rng.random() < 0.25:
        return [
            Evidence(
                update=update,
                title="Registro publicado (demostración)",
                url="https://gobiernoabierto.quito.gob.ec/",
                dated_on=update.reported_on,
            )
        ]
    return []


DEMO_ACCOUNTS = [
    ("coordinador", COORDINATION_GROUP, "SGP"),
    ("editor", EDITOR_GROUP, "SGCTyPC"),
    ("editor2", EDITOR_GROUP, "SGCM"),
]


def ensure_demo_accounts(organizations, password):
    ensure_role_groups(apps)
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
