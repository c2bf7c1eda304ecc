"""The start page for each role, the accessibility statement and the health checks."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.roles import roles_of, start_url


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
def accessibility(request):
    """The accessibility statement, public like the login page."""
    return render(request, "taalpad/accessibility.html", {"title": _("Accessibility")})


@require_GET
def liveness(request):
    """For a process supervisor: the app answers. Touches nothing; /healthz checks the rest."""
    response = HttpResponse("ok", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def signed_in(request):
    """For a session check (and the benchmark's floor for pages): the person is signed in.
    No queries of its own beyond reading the session and the user."""
    response = HttpResponse("ok", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def healthz(request):
    """For a load balancer: is the database reachable and are all migrations applied?
    No login, no data."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:  # any database failure means: not healthy
        return JsonResponse({"status": "database unavailable"}, status=503)
    if pending:
        return JsonResponse({"status": "migrations pending"}, status=503)
    response = JsonResponse({"status": "ok"})
    response["Cache-Control"] = "no-store"
    return response
