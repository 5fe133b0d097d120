from django.urls import path

from foundation.records import views

app_name = "records"

urlpatterns = [
    path("", views.review_list, name="reviews"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/<str:key>/", views.rule_edit, name="rule_edit"),
    path("disposed/", views.disposed_list, name="disposed"),
    path("subject-access/", views.subject_request_list, name="subject_requests"),
    path("subject-access/<int:request_id>/", views.subject_request_detail, name="subject_request"),
    path(
        "subject-access/<int:request_id>/items/<int:item_id>/",
        views.subject_item_redact,
        name="subject_item",
    ),
    path(
        "subject-access/<int:request_id>/bundle.<str:fmt>",
        views.subject_bundle,
        name="subject_bundle",
    ),
    path("rectification/", views.rectification_list, name="rectifications"),
    path("rectification/<int:rectification_id>/", views.rectification_detail, name="rectification"),
]
