from django.urls import path

from foundation.audit import views

app_name = "audit"

urlpatterns = [
    path("access/", views.access_record_list, name="access_records"),
    path("access/export.csv", views.access_record_export, name="access_records_export"),
]
