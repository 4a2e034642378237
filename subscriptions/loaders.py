from subscriptions.models import Event, Subscription


def purge_demo():
    """Subscriptions to demonstration data and the demonstration's events, with what they were owed."""
    subscriptions = Subscription.objects.filter(is_demo=True).delete()[1].get(Subscription._meta.label, 0)
    events = Event.objects.filter(is_demo=True).delete()[1].get(Event._meta.label, 0)
    return f"{subscriptions} subscriptions to demonstration data and {events} demonstration events removed"
