"""The municipality's dashboard, report and targets, each school's own progress pages, and a
group against the target."""

from django.urls import path

from progress import views

urlpatterns = [
    path("groups/<int:group_id>/", views.group_detail, name="group_detail"),
    path("city/", views.municipality_dashboard, name="municipality_start"),
    path("city/chart/<str:kind>.svg", views.municipality_chart, name="municipality_chart"),
    path(
        "city/export/<str:table>.<str:fmt>",
        views.municipality_export,
        name="municipality_export",
    ),
    path("city/report.pdf", views.municipality_report, name="municipality_report"),
    path("city/report/", views.municipality_report_page, name="municipality_report_page"),
    path(
        "city/schools/<int:school_id>/trend/",
        views.municipality_school_trend,
        name="municipality_school_trend",
    ),
    path(
        "city/schools/<int:school_id>/trend.svg",
        views.municipality_school_trend_chart,
        name="municipality_school_trend_chart",
    ),
    path("city/exchanges/", views.municipality_exchanges, name="municipality_exchanges"),
    path(
        "city/exchanges/export.<str:fmt>",
        views.municipality_exchange_export,
        name="municipality_exchange_export",
    ),
    path(
        "city/exchanges/<str:kind>.svg",
        views.municipality_exchange_chart,
        name="municipality_exchange_chart",
    ),
    path("targets/", views.target_list, name="target_list"),
    path("targets/new/", views.target_edit, name="target_create"),
    path("targets/<int:target_id>/", views.target_edit, name="target_edit"),
    path(
        "schools/<int:school_id>/progress/",
        views.school_dashboard,
        name="school_dashboard",
    ),
    path(
        "schools/<int:school_id>/progress/chart/<str:kind>.svg",
        views.school_chart,
        name="school_chart",
    ),
    path(
        "schools/<int:school_id>/progress/export/<str:table>.<str:fmt>",
        views.school_export,
        name="school_progress_export",
    ),
]
