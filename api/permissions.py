"""The permission class of every API endpoint, in a module of its own: DRF imports it while
it loads its views, so it must not import them back."""

from rest_framework import permissions

from accounts.roles import Role, roles_of

ALL_ROLES = frozenset(Role)


class HasRole(permissions.BasePermission):
    """Logged in, and holding one of the roles the view names in `required_roles`
    (`write_roles` for methods that change data). Which objects follows from the querysets
    of the access layer: another school's object is a 404."""

    message = "Your role does not give access to this endpoint."

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        needed = getattr(view, "required_roles", ALL_ROLES)
        if request.method not in permissions.SAFE_METHODS:
            needed = getattr(view, "write_roles", needed)
        return bool(roles_of(request.user) & set(needed))
