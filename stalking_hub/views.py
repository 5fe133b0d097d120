from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from foundation.lib.http import AuthenticatedHttpRequest
from stalking_hub.dashboard.permissions import can_use_dashboard
from stalking_hub.dashboard.views import dashboard
from stalking_hub.navigation import items_for


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in user's starting point: the dashboard for the coordinator and the tactical
    lead (so they land on it after signing in), else the parts of the hub their roles open."""
    if can_use_dashboard(request.user):
        return dashboard(request)
    return render(request, "home.html", {"items": items_for(request.user)})
