from django.urls import path

from cases.feed import views

app_name = "feed"

urlpatterns = [
    path("", views.import_list, name="list"),
    path("upload/", views.import_upload, name="upload"),
    path("<int:import_id>/", views.import_detail, name="detail"),
    path("<int:import_id>/report.json", views.import_report, name="report"),
]
