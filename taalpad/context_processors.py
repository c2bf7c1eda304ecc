from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, memberships_of, pupil_of, roles_of

NAV_LINKS = [
    (Role.MUNICIPALITY, "municipality_start", _("City")),
    (Role.MUNICIPALITY, "municipality_exchanges", _("Exchanges")),
    (Role.COORDINATOR, "coordinator_start", _("My school")),
    (Role.TEACHER, "teacher_start", _("My groups")),
    (Role.TEACHER, "exchange_list", _("Exchanges")),
    (Role.PUPIL, "pupil_start", _("My German")),
    (Role.ADMIN, "admin:index", _("Administration")),
]


def navigation(request):
    """The header: who is logged in, in which role and school, and where they can go."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_of(user)
    links = []
    for role, url, label in NAV_LINKS:
        if role in roles and (reverse(url), label) not in links:
            links.append((reverse(url), label))
    if Role.COORDINATOR in roles and Role.TEACHER not in roles:
        links.insert(1, (reverse("exchange_list"), _("Exchanges")))
    badges = [f"{m.get_role_display()} · {m.school.name}" for m in memberships_of(user)]
    if Role.MUNICIPALITY in roles:
        badges.append(str(_("Municipality")))
    pupil = pupil_of(user)
    if pupil is not None:
        badges.append(f"{Role.PUPIL.label} · {pupil.school.name}")
    return {"nav_links": links, "nav_badges": badges}
