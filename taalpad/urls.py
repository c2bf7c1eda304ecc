from django.contrib import admin
from django.urls import include, path

from taalpad import views

admin.site.site_header = "TaalPad"
admin.site.site_title = "TaalPad"

urlpatterns = [
    path("", views.home, name="home"),
    path("welcome/", views.no_role, name="no_role"),
    path("city/", views.municipality_start, name="municipality_start"),
    path("profile/", views.profile, name="profile"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("claim/", views.claim_account, name="claim_account"),
    path("", include("schools.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
