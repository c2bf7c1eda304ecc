from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api.exchanges import ExchangeViewSet, PartnerViewSet
from api.me import me
from api.schools import (
    GroupViewSet,
    InstrumentViewSet,
    PupilViewSet,
    ResultViewSet,
    SchoolViewSet,
)
from api.targets import TargetViewSet

router = DefaultRouter()
router.register("schools", SchoolViewSet, basename="school")
router.register("groups", GroupViewSet, basename="group")
router.register("pupils", PupilViewSet, basename="pupil")
router.register("instruments", InstrumentViewSet, basename="instrument")
router.register("results", ResultViewSet, basename="result")
router.register("partners", PartnerViewSet, basename="partner")
router.register("exchanges", ExchangeViewSet, basename="exchange")
router.register("targets", TargetViewSet, basename="target")

urlpatterns = [
    path("v1/me/", me, name="api-me"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file of its own: no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
