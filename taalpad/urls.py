from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from taalpad import views

admin.site.site_header = "TaalPad"
admin.site.site_title = "TaalPad"
# One login for everything: the admin's own form would skip two-factor and the rate limits.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("welcome/", views.no_role, name="no_role"),
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.liveness, name="liveness"),
    path("signed-in", views.signed_in, name="signed_in"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("", include("schools.urls")),
    path("", include("exchanges.urls")),
    path("", include("progress.urls")),
    path("", include("accounts.urls")),
    path("", include("me.urls")),
    path("api/", include("api.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
