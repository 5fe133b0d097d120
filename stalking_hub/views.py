from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from foundation.lib.http import AuthenticatedHttpRequest
from stalking_hub.navigation import items_for


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in user's starting point: the parts of the hub their roles open."""
    return render(request, "home.html", {"items": items_for(request.user)})
