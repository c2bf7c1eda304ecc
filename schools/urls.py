from django.urls import path

from . import manage_views, views

urlpatterns = [
    path("teacher/", views.teacher_start, name="teacher_start"),
    path("school/", views.coordinator_start, name="coordinator_start"),
    path("me/", views.pupil_start, name="pupil_start"),
    path("groups/<int:group_id>/", views.group_detail, name="group_detail"),
    path("pupils/<int:pupil_id>/", views.pupil_detail, name="pupil_detail"),
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
