"""The pupil's own pages ("Mijn Duits"), the growth chart and the own-data download."""

from django.urls import path

from me import views

urlpatterns = [
    path("me/", views.pupil_start, name="pupil_start"),
    path("me/self-assessment/<str:skill>/", views.self_assessment, name="self_assessment"),
    path("pupils/<int:pupil_id>/growth.svg", views.growth_svg, name="pupil_growth_svg"),
    path(
        "pupils/<int:pupil_id>/data.<str:fmt>",
        views.data_download,
        name="pupil_data_download",
    ),
]
