app_name = "commitments"

urlpatterns = []
