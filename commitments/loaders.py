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


def load_plans(data):
    facts = data["plan"]
    previous = data["previous_plan"]
    first, _created = ActionPlan.objects.update_or_create(
        number=previous["number"],
        defaults={"title": previous["title_es"], "period": "2019-2021", "sources": "\n".join(previous["sources"])},
        create_defaults={
            "title": previous["title_es"],
            "period": "2019-2021",
            "sources": "\n".join(previous["sources"]),
            "slug": FIRST_PLAN_SLUG,
            "status": ActionPlan.Status.FINISHED,
        },
    )
    sourced = {
        "title": facts["title_es"],
        "title_en": facts["title_en"],
        "period": "2022-2023",
        "submitted_on": datetime.date.fromisoformat(facts["submitted_on"]),
        "sources": "\n".join([*facts["sources"][:1], facts["progress_page_as_published"]]),
    }
    ActionPlan.objects.filter(is_current=True).exclude(number=facts["number"]).update(is_current=False)
    second, _created = ActionPlan.objects.update_or_create(
        number=facts["number"],
        defaults={**sourced, "is_current": True},
        create_defaults={**sourced, "is_current": True, "slug": SECOND_PLAN_SLUG},
    )
    return first, second


def load_first_plan_commitments(data, plan, organizations):
    previous = data["previous_plan"]
    for item in previous["known_commitments"]:
        facts = {
            "plan": plan,
            "title": item["title_es"],
            "lead": organizations[item["lead"]],
            "sources": "\n".join(previous["sources"]),
            "is_demo": False,
        }
        code = first_plan_code(item["number"])
        Commitment.objects.update_or_create(code=code, defaults=facts, create_defaults={**facts, "slug": code.lower()})
    return len(previous["known_commitments"])


def load_second_plan_commitments(data, plan, organizations):
    values = {item["key"]: OgpValue.objects.get_or_create(key=item["key"])[0] for item in data["ogp_values"]}
    for item in data["commitments"]:
        title_es = item["title_es"]
        facts = {
            "plan": plan,
            "title": title_es,
            "title_en": item["title_en"],
            "short_title": spanish_short_title(item["code"], title_es),
            "short_title_en": item["short_title_en"],
            "problem_en": item["problem_en"],
            "lead": organizations[item["lead"]],
            "starts_on": month_start(item["start"]),
            "ends_on": month_end(item["end"]),
            "sources": "\n".join(item["sources"]),
            "is_demo": False,
        }
        commitment, _created = Commitment.objects.update_or_create(
            code=item["code"], defaults=facts, create_defaults={**facts, "slug": item["code"].lower()}
        )
        commitment.co_responsible.set([organizations[key] for key in item["co_responsible"]])
        commitment.ogp_values.set([values[key] for key in item["ogp_values"]])
    return len(data["commitments"])


@transaction.atomic
def load_plan_facts(data):
    organizations = load_organizations(data)
    first, second = load_plans(data)
    first_count = load_first_plan_commitments(data, first, organizations)
    second_count = load_second_plan_commitments(data, second, organizations)
    forget_demo_data_flag()
    return (
        f"{len(organizations)} organizations, plan {first.number} with {first_count} known commitments, "
        f"plan {second.number} (current) with {second_count} sourced commitments"
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
    plan = ActionPlan.objects.get(is_current=True)
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
    return list(Commitment.objects.select_related("lead").order_by("plan__number", "code"))


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
