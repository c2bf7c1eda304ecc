from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from accounts import security_log
from accounts.roles import Role, roles_of


def role_required(*roles):
    """Logged out: to the login page. Logged in without one of `roles`: 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not roles_of(request.user) & set(roles):
                security_log.event("access_denied", request, needed=sorted(roles))
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_roles = frozenset(roles)
        return wrapped

    return decorator


# The page guards the apps share, named once.
school_staff_only = role_required(Role.TEACHER, Role.COORDINATOR)
coordinator_only = role_required(Role.COORDINATOR)
municipality_only = role_required(Role.MUNICIPALITY)
