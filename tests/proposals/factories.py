"""Factories and helpers for the proposals tests."""

import datetime
import time

import factory
from django.core import signing
from django.utils import timezone

from proposals.forms import STARTED_SALT
from proposals.models import CONSENT_VERSION, Call, Parish, Proposal, ProposerContact, ZonalAdministration


class ZonalAdministrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ZonalAdministration
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Zona de Prueba {n}")
    slug = factory.Sequence(lambda n: f"zona-prueba-{n}")


class ParishFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Parish

    name = factory.Sequence(lambda n: f"Parroquia de Prueba {n}")
    zone = factory.SubFactory(ZonalAdministrationFactory)


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    title = factory.Sequence(lambda n: f"Convocatoria de prueba {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    call = factory.SubFactory(CallFactory)
    title = factory.Sequence(lambda n: f"Propuesta de prueba {n}")
    problem = "Falta información sobre las obras del barrio."
    solution = "Publicar el avance de las obras cada mes."
    topic = Proposal._meta.get_field("topic").choices[0][0]
    zone = factory.SubFactory(ZonalAdministrationFactory)


class ProposerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposerContact

    proposal = factory.SubFactory(ProposalFactory)
    name = "Ciudadana de Prueba"
    email = factory.Sequence(lambda n: f"ciudadana{n}@example.org")
    consent_version = CONSENT_VERSION
    consented_at = factory.LazyFunction(timezone.now)


def old_started_token(seconds_ago=60):
    return signing.dumps(time.time() - seconds_ago, salt=STARTED_SALT)


def form_data(area, **overrides):
    """A valid submission of the public form, filled more than a minute ago."""
    data = {
        "name": "María Pérez",
        "email": "maria@example.org",
        "phone": "0991234567",
        "organization": "",
        "age_range": "30_44",
        "gender": "female",
        "title": "Más participación en el barrio",
        "problem": "Las asambleas barriales no reciben respuesta.",
        "solution": "Crear una mesa de diálogo mensual con la administración zonal.",
        "topic": "civic_participation",
        "zone": area.pk,
        "parish": "",
        "consent": "on",
        "website": "",
        "started": old_started_token(),
    }
    data.update(overrides)
    return data
