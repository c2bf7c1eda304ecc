from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from taalpad import dashboard_views, views

admin.site.site_header = "TaalPad"
admin.site.site_title = "TaalPad"
# One login for everything: the admin's own form would skip two-factor and the rate limits.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("welcome/", views.no_role, name="no_role"),
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.liveness, name="liveness"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("city/", dashboard_views.municipality_dashboard, name="municipality_start"),
    path(
        "city/chart/<str:kind>.svg", dashboard_views.municipality_chart, name="municipality_chart"
    ),
    path(
        "city/export/<str:table>.<str:fmt>",
        dashboard_views.municipality_export,
        name="municipality_export",
    ),
    path("city/report.pdf", dashboard_views.municipality_report, name="municipality_report"),
    path("city/report/", dashboard_views.municipality_report_page, name="municipality_report_page"),
    path("city/exchanges/", dashboard_views.municipality_exchanges, name="municipality_exchanges"),
    path(
        "city/exchanges/<str:kind>.svg",
        dashboard_views.municipality_exchange_chart,
        name="municipality_exchange_chart",
    ),
    path("targets/", dashboard_views.target_list, name="target_list"),
    path("targets/new/", dashboard_views.target_edit, name="target_create"),
    path("targets/<int:target_id>/", dashboard_views.target_edit, name="target_edit"),
    path(
        "schools/<int:school_id>/progress/",
        dashboard_views.school_dashboard,
        name="school_dashboard",
    ),
    path(
        "schools/<int:school_id>/progress/chart/<str:kind>.svg",
        dashboard_views.school_chart,
        name="school_chart",
    ),
    path(
        "schools/<int:school_id>/progress/export/<str:table>.<str:fmt>",
        dashboard_views.school_export,
        name="school_progress_export",
    ),
    path("profile/", views.profile, name="profile"),
    path("profile/token/", views.api_token, name="api_token"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("claim/", views.claim_account, name="claim_account"),
    path("", include("schools.urls")),
    path("", include("exchanges.urls")),
    path("api/", include("taalpad.api_urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
