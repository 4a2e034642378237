from commitments.models import demo_data_present


def demo_notice(request):
    """Tell every page whether to show the demonstration-data notice."""
    return {"demo_data_present": demo_data_present()}
