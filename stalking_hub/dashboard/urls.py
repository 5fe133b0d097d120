from django.urls import path

from stalking_hub.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("capacity/", views.capacity_page, name="capacity"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("evaluation/exports/", views.export_create, name="export_create"),
    path("evaluation/exports/<int:export_id>/", views.export_detail, name="export"),
    path(
        "evaluation/exports/<int:export_id>/download/",
        views.export_download,
        name="export_download",
    ),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:report_id>/", views.report_detail, name="report"),
    path("reports/<int:report_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path("reports/<int:report_id>/report.csv", views.report_csv, name="report_csv"),
    path("reports/<int:report_id>/regenerate/", views.report_regenerate, name="report_regenerate"),
]
