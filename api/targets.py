"""Targets of the municipality, with their (suppressed) progress and trend."""

import copy
import datetime

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.roles import Role
from api.base import CodeField
from api.permissions import HasRole
from core.cefr import Level, Skill
from core.inputs import parse_date_param
from progress.models import Target
from progress.targets import target_progress, target_trend


class TargetSerializer(serializers.ModelSerializer):
    # A threshold certifies something: "below A1" is no level to reach.
    threshold = CodeField(levels=[level for level in Level if level >= Level.A1])
    required_skills = serializers.ListField(child=serializers.ChoiceField(Skill.values))
    sectors = serializers.ListField(child=serializers.CharField(), required=False)
    tracks = serializers.ListField(child=serializers.CharField(), required=False)
    year_levels = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=8), required=False
    )

    class Meta:
        model = Target
        fields = [
            "id",
            "name",
            "description",
            "threshold",
            "required_skills",
            "sectors",
            "tracks",
            "year_levels",
            "share",
            "deadline",
            "baseline_on",
        ]

    def validate(self, attrs):
        target = copy.copy(self.instance) if self.instance is not None else Target()
        for name, value in attrs.items():
            setattr(target, name, value)
        # Uniqueness is checked by the serializer's own validators.
        target.full_clean(validate_unique=False, validate_constraints=False)
        if not 0 < target.share <= 1:
            raise serializers.ValidationError({"share": ["Give a fraction above 0, at most 1."]})
        return attrs


FIGURES = inline_serializer(
    "Figures",
    {
        "population": serializers.IntegerField(allow_null=True),
        "assessed": serializers.IntegerField(allow_null=True),
        "met": serializers.IntegerField(allow_null=True),
        "share": serializers.FloatField(allow_null=True),
        "share_assessed": serializers.FloatField(allow_null=True),
        "coverage": serializers.FloatField(allow_null=True),
        "by_skill": serializers.DictField(allow_null=True),
        "suppressed": serializers.BooleanField(),
    },
)


def progress_payload(progress):
    """The public shape of progress (docs/design.md): the same suppressed figures as the
    municipality's dashboard."""
    return {
        "target": progress.target.pk,
        "date": progress.date.isoformat(),
        "city": progress.city.as_dict(),
        "schools": [
            {"school": row.key.pk, "name": row.label, **row.figures.as_dict()}
            for row in progress.schools
        ],
    }


class TargetViewSet(viewsets.ModelViewSet):
    """Targets of the municipality; everyone may read them and their (suppressed) progress."""

    queryset = Target.objects.order_by("deadline", "pk")
    serializer_class = TargetSerializer
    permission_classes = [HasRole]
    write_roles = frozenset({Role.MUNICIPALITY, Role.ADMIN})
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    @extend_schema(
        parameters=[OpenApiParameter("date", OpenApiTypes.DATE, description="default: today")],
        responses=inline_serializer(
            "Progress",
            {
                "target": serializers.IntegerField(),
                "date": serializers.DateField(),
                "city": FIGURES,
                "schools": serializers.ListField(child=serializers.DictField()),
            },
        ),
        description="City and per-school figures on a date, with small cells withheld "
        "(suppressed: true, figures null).",
    )
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        target = self.get_object()
        try:
            day = parse_date_param(request.query_params.get("date")) or datetime.date.today()
        except ValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from None
        return Response(progress_payload(target_progress(target=target, on=day)))

    @extend_schema(
        responses=inline_serializer(
            "Trend",
            {
                "target": serializers.IntegerField(),
                "points": serializers.ListField(child=serializers.DictField()),
                "projection": serializers.FloatField(allow_null=True),
                "status": serializers.CharField(),
                "still_needed": serializers.IntegerField(allow_null=True),
            },
        ),
        description="Progress on 31 July of each school year and today, the least-squares "
        "projection to the deadline (a least-squares line through the shares on 31 July of the "
        "finished school years; null with fewer than two) and the status (met, on_track, "
        "behind, not_enough_history, unknown).",
    )
    @action(detail=True, methods=["get"])
    def trend(self, request, pk=None):
        trend = target_trend(target=self.get_object())
        return Response(
            {
                "target": trend.target.pk,
                "points": [
                    {"date": p.date.isoformat(), "school_year": p.label, **p.figures.as_dict()}
                    for p in trend.points
                ],
                "projection": None if trend.projection is None else round(trend.projection, 4),
                "status": trend.status,
                "still_needed": trend.still_needed,
            }
        )
