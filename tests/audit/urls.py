"""A test-only page that reads a record through the audited access function."""

from django.http import HttpResponse
from django.urls import path

from foundation.accounts.models import Agency
from foundation.audit.access import open_door
from stalking_hub import urls as hub_urls


def agency_detail(request, pk):
    visible = Agency.objects.filter(kind=Agency.Kind.POLICE_FORCE)
    agency = open_door(visible, pk, user=request.user, need="read")
    return HttpResponse(f"SECRET-{agency.name}")


urlpatterns = [path("agency/<int:pk>/", agency_detail), *hub_urls.urlpatterns]
