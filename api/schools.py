"""REST API v1 for schools, groups, pupils, instruments and results.

Every queryset comes from the access layer, so a role sees through the API exactly what it
sees in the pages. Writes go through the same services as the pages."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from accounts import audit
from accounts.models import PupilAccess
from accounts.roles import PUPIL_DATA_ROLES, SCHOOL_STAFF_ROLES, Role
from api.base import BulkWriteThrottle, CodeField
from api.permissions import HasRole
from schools import services
from schools.access import (
    can_change_result,
    groups_visible_to,
    pupils_visible_to,
    results_visible_to,
    schools_staffed_by,
    schools_visible_to,
)
from schools.models import Enrolment, Group, Instrument, Pupil, Result, School

# Serializers ---------------------------------------------------------------------------------


class SchoolSerializer(serializers.ModelSerializer):
    class Meta:
        model = School
        fields = ["id", "name", "brin", "sector"]


class GroupSerializer(serializers.ModelSerializer):
    school_year = serializers.CharField(source="school_year.name")

    class Meta:
        model = Group
        fields = ["id", "school", "school_year", "name", "year_level", "track"]


class EnrolmentSerializer(serializers.ModelSerializer):
    school = serializers.IntegerField(source="group.school_id")
    school_year = serializers.CharField(source="group.school_year.name")
    year_level = serializers.IntegerField(source="group.year_level")
    track = serializers.CharField(source="group.track")
    start = serializers.DateField(source="starts_on")
    end = serializers.DateField(source="ends_on")

    class Meta:
        model = Enrolment
        fields = ["school", "group", "school_year", "year_level", "track", "start", "end"]


class PupilSerializer(serializers.ModelSerializer):
    enrolments = EnrolmentSerializer(many=True, read_only=True)

    class Meta:
        model = Pupil
        fields = [
            "id",
            "pupil_number",
            "given_name",
            "family_name_prefix",
            "family_name",
            "school",
            "enrolments",
        ]


class InstrumentSerializer(serializers.ModelSerializer):
    cut_scores = serializers.SerializerMethodField()

    class Meta:
        model = Instrument
        fields = ["id", "name", "skill", "kind", "max_score", "school", "cut_scores"]

    def get_cut_scores(self, instrument) -> dict:
        return {
            CodeField().to_representation(cut.level): str(cut.min_score)
            for cut in instrument.cut_scores.all()
        }


@extend_schema_field({"type": "string", "format": "decimal", "nullable": True, "example": "14.5"})
class ScoreField(serializers.CharField):
    """A score as text ("14.5" or "14,5"; a JSON number is taken as written), read by the
    same rule as every form (core.inputs.parse_score, in the service); shown as "14.50"."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, allow_blank=True, required=False, max_length=40, **kwargs)

    def to_representation(self, value):
        return None if value is None else f"{value:.2f}"


class ResultSerializer(serializers.ModelSerializer):
    date = serializers.DateField(source="assessed_on")
    level = CodeField(required=False, allow_null=True)
    score = ScoreField()
    skill = serializers.CharField(read_only=True)
    entered_by = serializers.PrimaryKeyRelatedField(read_only=True)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Result
        fields = [
            "id",
            "pupil",
            "instrument",
            "skill",
            "date",
            "score",
            "level",
            "entered_by",
            "entered_at",
            "version",
        ]
        read_only_fields = ["entered_at"]
        # A second result of one test on one day is answered by the view (200 or 409), not
        # refused as a duplicate.
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["pupil"].queryset = pupils_visible_to(request.user)
            self.fields["instrument"].queryset = Instrument.objects.all()


# Filters -------------------------------------------------------------------------------------


class ResultFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(field_name="assessed_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="assessed_on", lookup_expr="lte")
    school = django_filters.NumberFilter(field_name="pupil__school")
    group = django_filters.NumberFilter(field_name="pupil__enrolments__group", distinct=True)
    school_year = django_filters.NumberFilter(
        field_name="pupil__enrolments__group__school_year__start_year",
        distinct=True,
        label="school year, by the calendar year it starts in",
    )

    class Meta:
        model = Result
        fields = ["pupil", "skill", "instrument"]


class PupilFilter(django_filters.FilterSet):
    group = django_filters.NumberFilter(field_name="enrolments__group", distinct=True)
    school_year = django_filters.NumberFilter(
        field_name="enrolments__group__school_year__start_year", distinct=True
    )

    class Meta:
        model = Pupil
        fields = ["school", "pupil_number"]


class GroupFilter(django_filters.FilterSet):
    school_year = django_filters.NumberFilter(field_name="school_year__start_year")

    class Meta:
        model = Group
        fields = ["school", "track", "year_level"]


# Views ---------------------------------------------------------------------------------------


class SchoolViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = School.objects.none()  # the model, for the schema; get_queryset decides
    serializer_class = SchoolSerializer
    permission_classes = [HasRole]
    filterset_fields = ["sector"]
    ordering_fields = ["name", "brin"]
    ordering = ["name"]

    def get_queryset(self):
        return schools_visible_to(self.request.user)


class GroupViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Group.objects.none()  # the model, for the schema; get_queryset decides
    serializer_class = GroupSerializer
    permission_classes = [HasRole]
    required_roles = SCHOOL_STAFF_ROLES
    filterset_class = GroupFilter
    ordering_fields = ["name", "year_level"]
    ordering = ["school_year__start_year", "school_id", "year_level", "name", "id"]

    def get_queryset(self):
        return groups_visible_to(self.request.user).select_related("school_year")


class PupilViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Pupil.objects.none()  # the model, for the schema; get_queryset decides
    serializer_class = PupilSerializer
    permission_classes = [HasRole]
    required_roles = PUPIL_DATA_ROLES
    filterset_class = PupilFilter
    ordering_fields = ["family_name", "pupil_number"]
    ordering = ["family_name", "given_name", "id"]

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        audit.record(request, response.data["id"], PupilAccess.Action.VIEW)
        return response

    def get_queryset(self):
        enrolments = Enrolment.objects.select_related("group__school_year").order_by("starts_on")
        return pupils_visible_to(self.request.user).prefetch_related(
            Prefetch("enrolments", queryset=enrolments)
        )


class InstrumentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Instrument.objects.none()  # the model, for the schema; get_queryset decides
    serializer_class = InstrumentSerializer
    permission_classes = [HasRole]
    filterset_fields = ["skill", "kind", "school"]
    ordering = ["skill", "name", "id"]

    def get_queryset(self):
        schools = schools_staffed_by(self.request.user)
        return Instrument.objects.filter(
            Q(school__isnull=True) | Q(school__in=schools), is_active=True
        ).prefetch_related("cut_scores")


RESULT_EXAMPLE = {"pupil": 12, "instrument": 3, "date": "2026-11-20", "score": "61.5"}
RESULT_CONFLICT = inline_serializer(
    "ResultConflict",
    {
        "message": serializers.CharField(),
        "current": ResultSerializer(help_text="the stored result, with its id and version"),
        "errors": serializers.ListField(
            child=serializers.DictField(),
            required=False,
            help_text="for a list: per item, {} or {'current': the stored result}",
        ),
    },
)


class ResultViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Results. A POST with a JSON list is one atomic bulk write: every item is written, or
    none, and the errors are listed per item. Updates and deletes need the `version` the
    client last saw; a stale one is refused with 409 and the current result."""

    queryset = Result.objects.none()  # the model, for the schema; get_queryset decides
    serializer_class = ResultSerializer
    permission_classes = [HasRole]
    required_roles = PUPIL_DATA_ROLES
    write_roles = frozenset({Role.TEACHER, Role.COORDINATOR})
    filterset_class = ResultFilter
    ordering_fields = ["assessed_on", "entered_at"]
    ordering = ["-assessed_on", "-entered_at", "-id"]

    def get_queryset(self):
        return results_visible_to(self.request.user).select_related("instrument")

    def get_throttles(self):
        from rest_framework.settings import api_settings

        return [throttle() for throttle in api_settings.DEFAULT_THROTTLE_CLASSES] + [
            BulkWriteThrottle()
        ]

    @extend_schema(
        request=ResultSerializer(many=True),
        responses={
            201: ResultSerializer(many=True),
            200: OpenApiResponse(
                ResultSerializer(many=True),
                description="Every item equals a result already stored: those results, "
                "nothing written.",
            ),
            409: OpenApiResponse(
                RESULT_CONFLICT,
                description="An item names a pupil, instrument and date that already have a "
                "result with other values: nothing of the request was written. Correct that "
                "result with a PATCH that gives its `version`.",
            ),
        },
        examples=[
            OpenApiExample("one result", value=RESULT_EXAMPLE, request_only=True),
            OpenApiExample("a class in one request", value=[RESULT_EXAMPLE], request_only=True),
        ],
        description="One result (an object) or a class (a list) in one atomic write. A pupil "
        "has one result per instrument and date: an item equal to the stored one is answered "
        "with that result (a repeated request stores nothing twice), an item with other "
        "values is a 409 and nothing is written.",
    )
    def create(self, request, *args, **kwargs):
        many = isinstance(request.data, list)
        items = request.data if many else [request.data]
        if not items:
            raise exceptions.ValidationError({"message": "Send at least one result."})
        # Each item is checked on its own, so that every faulty item is named at once.
        errors, built = [], []
        for item in items:
            serializer = self.get_serializer(data=item)
            if not serializer.is_valid():
                errors.append(serializer.errors)
                continue
            try:
                built.append(self._build(serializer.validated_data))
                errors.append({})
            except exceptions.ValidationError as error:
                errors.append(error.detail)
            except DjangoValidationError as error:
                errors.append(
                    error.message_dict
                    if hasattr(error, "error_dict")
                    else {"detail": error.messages}
                )
        if any(errors):
            raise exceptions.ValidationError(errors if many else errors[0])
        try:
            with transaction.atomic():
                saved, created = services.results_create(by=request.user, results=built)
                if created:
                    audit.record_many(
                        request,
                        sorted({result.pupil_id for result in built}),
                        PupilAccess.Action.CHANGE,
                    )
        except services.ResultConflicts as conflict:
            return self._create_conflicts(conflict, len(built), many)
        output = ResultSerializer(
            Result.objects.filter(pk__in=[result.pk for result in saved]).order_by("pk"),
            many=True,
            context=self.get_serializer_context(),
        ).data
        by_id = {row["id"]: row for row in output}
        body = [by_id[result.pk] for result in saved]
        return Response(
            body if many else body[0],
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def _create_conflicts(self, conflict, count, many):
        within = {i for i, current in conflict.current.items() if current.pk is None}
        if within:
            # Two items of this request name the same pupil, instrument and date.
            message = "Another item of this request gives this pupil, instrument and date."
            raise exceptions.ValidationError(
                [{"date": [message]} if i in within else {} for i in range(count)]
                if many
                else {"date": [message]}
            )
        context = self.get_serializer_context()
        found = [
            {"current": ResultSerializer(conflict.current[i], context=context).data}
            if i in conflict.current
            else {}
            for i in range(count)
        ]
        body = {"message": conflict.messages[0]}
        body.update({"errors": found} if many else found[0])
        return Response(body, status=status.HTTP_409_CONFLICT)

    def _build(self, data):
        pupil, instrument = data["pupil"], data["instrument"]
        if (
            instrument.school_id
            and not pupil.enrolments.filter(group__school_id=instrument.school_id).exists()
        ):
            raise exceptions.ValidationError(
                {"instrument": ["This instrument belongs to another school."]}
            )
        # The value and the date by the rules of every form first, then who may enter it.
        built = services.result_build(
            by=self.request.user,
            pupil=pupil,
            instrument=instrument,
            assessed_on=data["assessed_on"],
            score=data.get("score"),
            level=data.get("level"),
        )
        if not can_change_result(self.request.user, built):
            raise exceptions.ValidationError(
                {
                    "pupil": [
                        "You cannot enter results for this pupil on this date: only within "
                        "the pupil's enrolments at your school."
                    ]
                }
            )
        return built

    def _version(self, request):
        version = request.data.get("version") if hasattr(request.data, "get") else None
        version = (
            version
            or request.headers.get("If-Match", "").strip('"')
            or request.query_params.get("version")
        )
        if not str(version or "").isdigit():
            raise exceptions.ValidationError(
                {"version": ["Give the version you last saw (field, If-Match or ?version=)."]}
            )
        return int(version)

    def _conflict(self, error):
        current = ResultSerializer(error.current, context=self.get_serializer_context()).data
        return Response(
            {"message": error.messages[0], "current": current}, status=status.HTTP_409_CONFLICT
        )

    def _changeable(self):
        result = self.get_object()
        if not can_change_result(self.request.user, result):
            raise exceptions.PermissionDenied()
        return result

    @extend_schema(responses={200: ResultSerializer, 409: ResultSerializer})
    def update(self, request, *args, **kwargs):
        result = self._changeable()
        version = self._version(request)
        serializer = self.get_serializer(
            result, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        moved_to = data.get("assessed_on", result.assessed_on)
        if not can_change_result(request.user, Result(pupil=result.pupil, assessed_on=moved_to)):
            raise exceptions.ValidationError(
                {"date": ["Only dates within the pupil's enrolments at your school."]}
            )
        try:
            updated = services.result_update(
                by=request.user,
                result=result,
                version=version,
                assessed_on=data.get("assessed_on", result.assessed_on),
                score=data.get("score", result.score if result.instrument.is_scored else None),
                level=data.get("level", None if result.instrument.is_scored else result.level),
            )
        except services.StaleResult as error:
            return self._conflict(error)
        audit.record(request, updated.pupil_id, PupilAccess.Action.CHANGE)
        return Response(self.get_serializer(updated).data)

    @extend_schema(responses={200: ResultSerializer, 409: ResultSerializer})
    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    @extend_schema(
        parameters=[OpenApiParameter("version", int, required=False)],
        responses={204: None, 409: ResultSerializer},
    )
    def destroy(self, request, *args, **kwargs):
        result = self._changeable()
        try:
            services.result_delete(by=request.user, result=result, version=self._version(request))
        except services.StaleResult as error:
            return self._conflict(error)
        audit.record(request, result.pupil_id, PupilAccess.Action.CHANGE)
        return Response(status=status.HTTP_204_NO_CONTENT)
