"""What every API endpoint shares: JSON errors without internals, the bulk-write throttle,
the roles that may read pupil data, and the level field of the public codes."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import exception_handler

from core.cefr import Level

logger = logging.getLogger(__name__)


class BulkWriteThrottle(UserRateThrottle):
    """Stricter limits for bulk writes: only a POST with a list counts."""

    scope = "bulk"

    def allow_request(self, request, view):
        if request.method == "POST" and isinstance(request.data, list):
            return super().allow_request(request, view)
        return True


def json_errors(exc, context):
    """Errors as JSON with a message and, for invalid input, the fields; never internals."""
    if isinstance(exc, ValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        logger.exception("API error", exc_info=exc)
        return Response(
            {"message": "Something went wrong on our side."},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        response.data = {"message": str(data["detail"])}
    elif isinstance(data, list):
        response.data = {"message": "Some items are not valid; nothing was saved.", "errors": data}
    else:
        response.data = {"message": "The input is not valid.", "errors": data}
    return response


class CodeField(serializers.ChoiceField):
    """A level as its public code (`b1`), stored as its number."""

    def __init__(self, *, levels=tuple(Level), **kwargs):
        super().__init__(choices=[Level(level).code for level in levels], **kwargs)

    def to_representation(self, value):
        return None if value is None else Level(value).code

    def to_internal_value(self, data):
        return Level.from_code(super().to_internal_value(data))
