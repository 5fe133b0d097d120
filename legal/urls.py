from django.urls import path

from legal import views

app_name = "legal"

# Ids only in these paths: never a name or anything else personal (DESIGN.md §4).
urlpatterns = [
    path("", views.legal_home, name="home"),
    path("cases/<int:case_id>/files/new/", views.file_create, name="file_create"),
    path("files/<int:file_id>/", views.file_detail, name="file"),
    path("files/<int:file_id>/edit/", views.file_edit, name="file_edit"),
    path("files/<int:file_id>/step/", views.file_step, name="file_step"),
    path("files/<int:file_id>/pack/", views.pack_edit, name="pack"),
    path("files/<int:file_id>/pack.docx", views.pack_docx, name="pack_docx"),
    path("files/<int:file_id>/pack.pdf", views.pack_pdf, name="pack_pdf"),
    path("files/<int:file_id>/events/new/", views.event_create, name="event_create"),
    path("files/<int:file_id>/events/<int:event_id>/told/", views.victim_told, name="victim_told"),
    path("files/<int:file_id>/hearings/new/", views.hearing_create, name="hearing_create"),
    path("files/<int:file_id>/orders/new/", views.order_create, name="order_create"),
    path("hearings/<int:hearing_id>/", views.hearing_detail, name="hearing"),
    path("orders/<int:order_id>/", views.order_detail, name="order"),
    path("orders/<int:order_id>/terms/new/", views.term_create, name="term_create"),
    path("orders/<int:order_id>/service/", views.service_record, name="service"),
    path(
        "orders/<int:order_id>/notifications/new/",
        views.notification_change,
        name="notification_change",
    ),
    path("orders/<int:order_id>/breaches/new/", views.breach_create, name="breach_create"),
    path("notifications/<int:notification_id>/", views.notified, name="notified"),
    path("breaches/<int:breach_id>/", views.breach_response, name="breach"),
    path(
        "candidates/<int:candidate_id>/confirm/", views.candidate_confirm, name="candidate_confirm"
    ),
    path(
        "candidates/<int:candidate_id>/dismiss/", views.candidate_dismiss, name="candidate_dismiss"
    ),
]
