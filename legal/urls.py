from django.urls import path

from legal.views import files, orders

app_name = "legal"

# Ids only in these paths: never a name or anything else personal (DESIGN.md §4).
urlpatterns = [
    path("", files.legal_home, name="home"),
    path("cases/<int:case_id>/files/new/", files.file_create, name="file_create"),
    path("files/<int:file_id>/", files.file_detail, name="file"),
    path("files/<int:file_id>/edit/", files.file_edit, name="file_edit"),
    path("files/<int:file_id>/step/", files.file_step, name="file_step"),
    path("files/<int:file_id>/pack/", files.pack_edit, name="pack"),
    path("files/<int:file_id>/pack.docx", files.pack_docx, name="pack_docx"),
    path("files/<int:file_id>/pack.pdf", files.pack_pdf, name="pack_pdf"),
    path("files/<int:file_id>/events/new/", files.event_create, name="event_create"),
    path("files/<int:file_id>/events/<int:event_id>/told/", files.victim_told, name="victim_told"),
    path("files/<int:file_id>/hearings/new/", files.hearing_create, name="hearing_create"),
    path("files/<int:file_id>/orders/new/", orders.order_create, name="order_create"),
    path("hearings/<int:hearing_id>/", files.hearing_detail, name="hearing"),
    path("orders/<int:order_id>/", orders.order_detail, name="order"),
    path("orders/<int:order_id>/terms/new/", orders.term_create, name="term_create"),
    path("orders/<int:order_id>/service/", orders.service_record, name="service"),
    path(
        "orders/<int:order_id>/notifications/new/",
        orders.notification_change,
        name="notification_change",
    ),
    path("orders/<int:order_id>/breaches/new/", orders.breach_create, name="breach_create"),
    path("notifications/<int:notification_id>/", orders.notified, name="notified"),
    path("breaches/<int:breach_id>/", orders.breach_response, name="breach"),
    path(
        "candidates/<int:candidate_id>/confirm/", orders.candidate_confirm, name="candidate_confirm"
    ),
    path(
        "candidates/<int:candidate_id>/dismiss/", orders.candidate_dismiss, name="candidate_dismiss"
    ),
]
