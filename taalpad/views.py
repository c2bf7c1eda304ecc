from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from schools.models import School, Target
from taalpad.access import Role, roles_of, start_url
from taalpad.decorators import role_required


@require_GET
@login_required
def home(request):
    return redirect(start_url(request.user))


@require_GET
@login_required
def no_role(request):
    if roles_of(request.user):
        return redirect(start_url(request.user))
    return render(request, "taalpad/no_role.html", {"title": _("No role yet")})


@require_GET
@role_required(Role.MUNICIPALITY)
def municipality_start(request):
    context = {
        "title": _("The city"),
        "targets": Target.objects.all(),
        "school_count": School.objects.count(),
    }
    return render(request, "taalpad/municipality_start.html", context)
