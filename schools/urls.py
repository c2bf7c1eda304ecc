from django.urls import path

from . import views

urlpatterns = [
    path("teacher/", views.teacher_start, name="teacher_start"),
    path("school/", views.coordinator_start, name="coordinator_start"),
    path("me/", views.pupil_start, name="pupil_start"),
]
