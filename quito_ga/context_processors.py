from django.utils.functional import SimpleLazyObject

from commitments.models import demo_data_present
from proposals.models import Call


def demo_notice(request):
    """Tell every page whether to show the demonstration-data notice."""
    return {"demo_data_present": demo_data_present()}


def participation(request):
    """Whether a call for proposals is open now; queried only by the pages that show “Send your proposal”."""
    return {"call_open": SimpleLazyObject(lambda: Call.objects.open_now().exists())}
