from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from commitments.models import ActionPlan, Commitment
from proposals.models import Proposal, ZonalAdministration
from ratelimits.limits import attempt, release
from subscriptions.delivery import (
    CONFIRM_MAX_AGE,
    CONFIRM_SALT,
    MANAGE_MAX_AGE,
    MANAGE_SALT,
    UNSUBSCRIBE_SALT,
    manage_token,
    subscribe,
)
from subscriptions.forms import SubscriptionForm, initial_from
from subscriptions.models import CONSENT_VERSION, Subscriber, Subscription, email_digest

SCOPE = "subscriptions:subscribe"


def _prefilled_target(initial):
    """What a "Follow" link points at, to name it above the form (one query at most)."""
    kind = initial.get("kind")
    if kind == Subscription.Kind.COMMITMENT:
        return Commitment.objects.filter(code=initial.get("commitment", "").upper()).first()
    if kind == Subscription.Kind.PLAN and initial.get("plan"):
        return ActionPlan.objects.filter(pk=initial["plan"]).first()
    if kind == Subscription.Kind.ZONE and initial.get("zone"):
        return ZonalAdministration.objects.filter(pk=initial["zone"]).first()
    if kind == Subscription.Kind.PROPOSAL and initial.get("proposal"):
        return Proposal.objects.filter(code=initial["proposal"]).first()
    return None


@never_cache
def subscribe_view(request):
    if request.method == "POST":
        if not attempt(SCOPE, request.client_network, settings.SUBSCRIPTIONS_PER_HOUR):
            message = _("You have subscribed many times in a short time. Please wait an hour and try again.")
            return render(request, "subscriptions/subscription_rate_limited.html", {"message": message}, status=429)
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            subscribe(
                email=form.cleaned_data["email"],
                kind=form.cleaned_data["kind"],
                target=form.target,
                frequency=form.cleaned_data["frequency"],
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
            return redirect("subscriptions:subscribe-sent")
        release(SCOPE, request.client_network)  # a mistake to correct is not a subscription
        target = None
    else:
        initial = initial_from(request.GET)
        form = SubscriptionForm(initial=initial)
        target = _prefilled_target(initial)
    context = {"form": form, "target": target, "consent_version": CONSENT_VERSION}
    return render(request, "subscriptions/subscription_form.html", context)


@never_cache
def subscribe_sent(request):
    return render(request, "subscriptions/subscription_sent.html")


def _load(token, salt, max_age=None):
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None


def _invalid(request):
    return render(request, "subscriptions/subscription_invalid.html", status=404)


@never_cache
def confirm(request, token):
    data = _load(token, CONFIRM_SALT, CONFIRM_MAX_AGE) or {}
    subscription = Subscription.objects.with_targets().filter(pk=data.get("s")).first()
    if subscription is None or subscription.subscriber.digest() != data.get("d"):
        return _invalid(request)
    # A GET only shows the button: mail scanners and link previews that open the link confirm nothing.
    if request.method == "POST":
        subscription.confirm()
    context = {"subscription": subscription, "manage_token": manage_token(subscription.subscriber)}
    return render(request, "subscriptions/subscription_confirm.html", context)


@csrf_exempt  # RFC 8058: a mail client's one-click POST carries no CSRF token; the signed link is the proof
@never_cache
def unsubscribe(request, token):
    data = _load(token, UNSUBSCRIBE_SALT)
    if not data:
        return _invalid(request)
    found = Subscription.objects.filter(pk__in=data.get("s", [])).with_targets()
    subscriptions = [item for item in found if item.subscriber.digest() == data.get("d")]
    if request.method == "POST":
        # Idempotent: a second click, or the mail client's POST after the person's, finds nothing and says so.
        Subscription.objects.filter(pk__in=[item.pk for item in subscriptions]).delete()
        return render(request, "subscriptions/subscription_unsubscribed.html")
    return render(request, "subscriptions/subscription_unsubscribe.html", {"subscriptions": subscriptions})


def _subscriber_for(token):
    data = _load(token, MANAGE_SALT, MANAGE_MAX_AGE) or {}
    subscriber = Subscriber.objects.filter(pk=data.get("a")).first()
    if subscriber is None or email_digest(subscriber.email) != data.get("d"):
        return None
    return subscriber


@never_cache
def manage(request, token):
    subscriber = _subscriber_for(token)
    if subscriber is None:
        return _invalid(request)
    if request.method == "POST":
        return _manage_action(request, subscriber, token)
    subscriptions = subscriber.subscriptions.for_manage_page()
    context = {"subscriptions": subscriptions, "frequencies": Subscription.Frequency.choices, "token": token}
    return render(request, "subscriptions/subscriber_manage.html", context)


def _manage_action(request, subscriber, token):
    action = request.POST.get("action")
    if action == "erase":
        subscriber.delete()
        messages.success(request, gettext("Your address and all its subscriptions have been erased."))
        return redirect("subscriptions:subscribe")
    subscription = subscriber.subscriptions.filter(pk=request.POST.get("subscription") or None).first()
    if subscription is not None and action == "unsubscribe":
        subscription.delete()
        messages.success(request, gettext("You no longer follow it."))
    elif subscription is not None and request.POST.get("frequency") in Subscription.Frequency.values:
        subscription.frequency = request.POST["frequency"]
        subscription.save(update_fields=["frequency"])
        messages.success(request, gettext("Saved."))
    return redirect("subscriptions:manage", token=token)
