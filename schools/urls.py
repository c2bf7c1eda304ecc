from django.urls import path

from . import grid_views, manage_views, transfer_views, views

urlpatterns = [
    path("teacher/", views.teacher_start, name="teacher_start"),
    path("school/", views.coordinator_start, name="coordinator_start"),
    path("groups/<int:group_id>/grid/", grid_views.group_grid, name="group_grid"),
    path("pupils/<int:pupil_id>/", views.pupil_detail, name="pupil_detail"),
    path(
        "pupils/<int:pupil_id>/results/new/",
        views.result_new_for_pupil,
        name="result_new_for_pupil",
    ),
    path(
        "groups/<int:group_id>/results/new/",
        views.result_new_for_group,
        name="result_new_for_group",
    ),
    path("results/<int:result_id>/edit/", views.result_edit, name="result_edit"),
    path("results/<int:result_id>/delete/", views.result_delete, name="result_delete"),
    path("results/<int:result_id>/history/", views.result_history, name="result_history"),
    path(
        "schools/<int:school_id>/import/results/",
        transfer_views.results_import,
        name="results_import",
    ),
    path(
        "schools/<int:school_id>/import/pupils/", transfer_views.pupils_import, name="pupils_import"
    ),
    path("imports/<int:batch_id>/confirm/", transfer_views.import_confirm, name="import_confirm"),
    path("imports/template/<str:kind>.csv", transfer_views.import_template, name="import_template"),
    path("groups/<int:group_id>/export/", transfer_views.group_export, name="group_export"),
    path("schools/<int:school_id>/export/", transfer_views.school_export, name="school_export"),
    # Coordinator screens
    path("schools/<int:school_id>/", manage_views.school_detail, name="school_detail"),
    path("schools/<int:school_id>/groups/new/", manage_views.group_create, name="group_create"),
    path("groups/<int:group_id>/edit/", manage_views.group_edit, name="group_edit"),
    path("groups/<int:group_id>/codes/", manage_views.group_codes, name="group_codes"),
    path("schools/<int:school_id>/pupils/", manage_views.pupil_list, name="pupil_list"),
    path("schools/<int:school_id>/pupils/new/", manage_views.pupil_create, name="pupil_create"),
    path("pupils/<int:pupil_id>/edit/", manage_views.pupil_edit, name="pupil_edit"),
    path("pupils/<int:pupil_id>/enrol/", manage_views.pupil_enrol, name="pupil_enrol"),
    path("pupils/<int:pupil_id>/invite/", manage_views.pupil_invite, name="pupil_invite"),
    path("enrolments/<int:enrolment_id>/end/", manage_views.enrolment_end, name="enrolment_end"),
    path("schools/<int:school_id>/staff/", manage_views.staff_list, name="staff_list"),
    path(
        "schools/<int:school_id>/expected-levels/",
        manage_views.expected_levels,
        name="expected_levels",
    ),
    path("staff/<int:membership_id>/", manage_views.membership_edit, name="membership_edit"),
    path(
        "staff/<int:membership_id>/revoke/",
        manage_views.membership_revoke,
        name="membership_revoke",
    ),
    path(
        "invitations/<int:invitation_id>/resend/",
        manage_views.invitation_resend,
        name="invitation_resend",
    ),
]
