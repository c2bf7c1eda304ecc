from django.urls import path

from . import views

urlpatterns = [
    path("exchanges/", views.exchange_list, name="exchange_list"),
    path("exchanges/new/", views.exchange_create, name="exchange_create"),
    path(
        "exchanges/export/<str:table>.<str:fmt>",
        views.exchange_export,
        name="exchange_export",
    ),
    path("exchanges/<int:activity_id>/", views.exchange_detail, name="exchange_detail"),
    path("exchanges/<int:activity_id>/edit/", views.exchange_edit, name="exchange_edit"),
    path("exchanges/<int:activity_id>/delete/", views.exchange_delete, name="exchange_delete"),
    path(
        "exchanges/<int:activity_id>/participants/<int:pupil_id>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/new/", views.partner_edit, name="partner_create"),
    path("partners/<int:partner_id>/", views.partner_detail, name="partner_detail"),
    path("partners/<int:partner_id>/edit/", views.partner_edit, name="partner_edit"),
]
