from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView

from opendata import views as opendata_views
from proposals import cocreation, territory
from proposals import register as proposal_register
from quito_ga import views
from quito_ga.sitemaps import SITEMAPS

handler400 = "quito_ga.views.bad_request"
handler403 = "quito_ga.views.permission_denied"
handler404 = "quito_ga.views.page_not_found"
handler500 = "quito_ga.views.server_error"

urlpatterns = [
    path("salud/", views.health, name="health"),
    path("api/v1/", include("opendata.api")),
    path("robots.txt", views.robots, name="robots"),
    path(
        "sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap"}, name="sitemap-index"
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
if settings.BENCHMARK:
    urlpatterns.append(path("bench/ping/", views.ping))

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path(
        "accesibilidad/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    path("glosario/", views.glossary, name="glossary"),
    path("admin/", admin.site.urls),
    path("", include("commitments.urls")),
    path("consejo/", include("council.urls")),
    path("propuestas/", include("proposals.urls")),
    path("planes/<slug:slug>/respuestas/", proposal_register.plan_responses, name="plan-responses"),
    path("planes/<slug:slug>/reuniones/", cocreation.meeting_list, name="plan-meetings"),
    path("planes/<slug:slug>/territorio/", territory.territory, name="plan-territory"),
    path("planes/<slug:slug>/respuestas.csv", opendata_views.plan_responses_csv, name="plan-responses-csv"),
    path("planes/<slug:slug>/informe/", opendata_views.plan_report, name="plan-report"),
    path("planes/<slug:slug>/informe.zip", opendata_views.plan_report_zip, name="plan-report-zip"),
    # The address the plan published for its proposals tool (plan.online_spaces.citizen_proposals_tool).
    path(
        "busca-tu-propuesta/",
        RedirectView.as_view(pattern_name="proposals:proposal-track", permanent=True, query_string=True),
        name="published-proposal-lookup",
    ),
    path("datos/", include("opendata.urls")),
    path("suscribirse/", include("subscriptions.urls")),
    prefix_default_language=False,
)
