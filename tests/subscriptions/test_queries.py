"""The subscription pages run a fixed number of queries whatever the amount of data and of subscriptions."""

import pytest
from django.core.management import call_command

from commitments.models import Commitment
from subscriptions.delivery import confirm_token, manage_token, unsubscribe_token
from tests.subscriptions.factories import follow

pytestmark = pytest.mark.django_db

# Form: the plans and the zones of the two selects; a "Follow" link adds the lookup of what it names.
FORM_QUERIES = 2
PREFILLED_FORM_QUERIES = 3
# Confirmation: the subscription with its subscriber and target. Unsubscribe: the subscriptions of the link.
CONFIRM_QUERIES = 1
UNSUBSCRIBE_QUERIES = 1
# "My subscriptions": the address, then its subscriptions with what they follow.
MANAGE_QUERIES = 2


@pytest.fixture(params=[1, 3], ids=["scale-1", "scale-3"])
def subscribed(request):
    call_command("load_quito_plan")
    call_command("seed_demo", scale=request.param)
    commitments = list(Commitment.objects.filter(is_demo=True).order_by("code")[: 5 * request.param])
    subscriptions = [follow(commitment) for commitment in commitments]
    for number, commitment in enumerate(commitments):
        follow(commitment, email=f"otra{number}@example.org")
    return subscriptions


def test_subscription_pages_run_a_fixed_number_of_queries(client, subscribed, django_assert_num_queries):
    first = subscribed[0]
    subscriber = first.subscriber
    client.get("/suscribirse/")  # warms the cached demo-notice flag
    for language in ("", "/en"):
        with django_assert_num_queries(FORM_QUERIES):
            assert client.get(f"{language}/suscribirse/").status_code == 200
        with django_assert_num_queries(PREFILLED_FORM_QUERIES):
            response = client.get(f"{language}/suscribirse/", {"compromiso": first.commitment.code})
        assert first.commitment.code in response.content.decode()
        with django_assert_num_queries(CONFIRM_QUERIES):
            assert client.get(f"{language}/suscribirse/confirmar/{confirm_token(first)}/").status_code == 200
        token = unsubscribe_token(subscriber, [item.pk for item in subscribed])
        with django_assert_num_queries(UNSUBSCRIBE_QUERIES):
            response = client.get(f"{language}/suscribirse/baja/{token}/")
        assert response.content.decode().count("<li>") >= len(subscribed)
        with django_assert_num_queries(MANAGE_QUERIES):
            response = client.get(f"{language}/suscribirse/mis-suscripciones/{manage_token(subscriber)}/")
        assert all(item.commitment.code in response.content.decode() for item in subscribed)
