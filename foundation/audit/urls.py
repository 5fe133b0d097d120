from django.urls import path

from foundation.audit import views

app_name = "audit"

urlpatterns = [
    path("access/", views.access_record_list, name="access_records"),
]
