"""REST API v1 for German partners and exchange activities."""

from rest_framework import serializers, viewsets

from accounts.roles import Role
from api.permissions import HasRole
from exchanges import services
from exchanges.access import exchanges_visible_to
from exchanges.models import ExchangeActivity, Partner
from schools.access import pupils_visible_to


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = [
            "id",
            "name",
            "kind",
            "city",
            "bundesland",
            "country",
            "website",
            "latitude",
            "longitude",
        ]


class ExchangeSerializer(serializers.ModelSerializer):
    participants = serializers.SerializerMethodField()

    class Meta:
        model = ExchangeActivity
        fields = [
            "id",
            "school",
            "kind",
            "title",
            "description",
            "starts_on",
            "ends_on",
            "contact_hours",
            "partners",
            "participants",
            "extra_participants",
        ]

    def get_participants(self, activity) -> list[int]:
        """The participants the caller may see; the others are not listed."""
        visible = self.context["visible_pupils"]
        return sorted(p.pk for p in activity.participants.all() if p.pk in visible)


class PartnerViewSet(viewsets.ModelViewSet):
    """The city-wide register of German partners; staff of any school may add one."""

    queryset = Partner.objects.order_by("city", "name", "id")
    serializer_class = PartnerSerializer
    permission_classes = [HasRole]
    required_roles = frozenset({Role.TEACHER, Role.COORDINATOR, Role.MUNICIPALITY, Role.ADMIN})
    write_roles = frozenset({Role.TEACHER, Role.COORDINATOR, Role.ADMIN})
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filterset_fields = ["city", "kind", "bundesland"]

    def perform_create(self, serializer):
        serializer.instance = services.partner_save(partner=Partner(**serializer.validated_data))

    def perform_update(self, serializer):
        partner = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(partner, name, value)
        services.partner_save(partner=partner)


class ExchangeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ExchangeActivity.objects.none()  # the model, for the schema
    serializer_class = ExchangeSerializer
    permission_classes = [HasRole]
    required_roles = frozenset({Role.PUPIL, Role.TEACHER, Role.COORDINATOR, Role.ADMIN})
    filterset_fields = ["school", "kind"]
    ordering = ["-starts_on", "id"]

    def get_queryset(self):
        return exchanges_visible_to(self.request.user).prefetch_related("partners", "participants")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["visible_pupils"] = (
            set(pupils_visible_to(self.request.user).values_list("pk", flat=True))
            if self.request.user.is_authenticated
            else set()
        )
        return context
