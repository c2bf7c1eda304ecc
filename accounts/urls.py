from django.urls import path

from accounts import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/token/", views.api_token, name="api_token"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("claim/", views.claim_account, name="claim_account"),
]
