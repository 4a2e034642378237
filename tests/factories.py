"""Factories for the commitments app; council and proposals keep theirs in tests/<app>/factories.py."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from commitments.models import ActionPlan, Commitment, Milestone, Organization, StaffProfile


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Secretaría de Prueba {n}")
    acronym = factory.Sequence(lambda n: f"SP{n}")
    slug = factory.Sequence(lambda n: f"secretaria-prueba-{n}")
    kind = Organization.Kind.MUNICIPAL


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    number = factory.Sequence(lambda n: n + 10)
    title = factory.Sequence(lambda n: f"Plan de Acción de Gobierno Abierto {n}")
    slug = factory.Sequence(lambda n: f"plan-{n}")
    period = "2022-2023"


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    plan = factory.SubFactory(ActionPlanFactory)
    code = factory.Sequence(lambda n: f"ECQTO{n + 100:04d}")
    slug = factory.LazyAttribute(lambda o: o.code.lower())
    title = factory.Sequence(lambda n: f"Fortalecer la participación ciudadana {n}")
    short_title = factory.LazyAttribute(lambda o: o.title[:60])
    problem = "La ciudadanía no encuentra la información que necesita."
    action = "Publicar la información y capacitar a la ciudadanía."
    lead = factory.SubFactory(OrganizationFactory)
    starts_on = datetime.date(2023, 3, 1)
    ends_on = datetime.date(2023, 12, 31)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    commitment = factory.SubFactory(CommitmentFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Hito de prueba {n}")
    responsible = factory.SelfAttribute("commitment.lead")
    starts_on = datetime.date(2023, 3, 1)
    due_on = datetime.date(2023, 6, 30)
    means_of_verification = "Informe publicado"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"usuario{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@quito.gob.ec")
    password = factory.django.Password("clave-de-prueba")


def staff_user(username, group_name=None, organization=None, **extra):
    """A staff account in a role group, linked to an organization when given."""
    user = UserFactory(username=username, is_staff=True, **extra)
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    if organization is not None:
        StaffProfile.objects.create(user=user, organization=organization)
    return user
