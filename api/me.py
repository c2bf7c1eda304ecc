"""`/api/v1/me/`: the caller, with roles, schools and their own pupil record."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response

from accounts.roles import memberships_of, pupil_of, roles_of
from api.permissions import HasRole


@extend_schema(
    responses=inline_serializer(
        "Me",
        {
            "id": serializers.IntegerField(),
            "email": serializers.EmailField(),
            "name": serializers.CharField(),
            "roles": serializers.ListField(child=serializers.CharField()),
            "schools": serializers.ListField(child=serializers.DictField()),
            "pupil": serializers.IntegerField(allow_null=True),
        },
    ),
    description="The caller: roles, schools with their role, and their own pupil record.",
)
@api_view(["GET"])
@permission_classes([HasRole])
def me(request):
    pupil = pupil_of(request.user)
    return Response(
        {
            "id": request.user.pk,
            "email": request.user.email,
            "name": request.user.name,
            "roles": sorted(str(role) for role in roles_of(request.user)),
            "schools": [
                {"id": m.school_id, "name": m.school.name, "role": m.role}
                for m in memberships_of(request.user)
            ],
            "pupil": pupil.pk if pupil else None,
        }
    )
