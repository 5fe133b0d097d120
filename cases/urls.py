from django.urls import path

from cases import views, views_people

app_name = "cases"

# Ids only in these paths: never a name or anything else personal (DESIGN.md §4).
urlpatterns = [
    path("logs/queue/", views.crimelog_queue, name="queue"),
    path("logs/queue/bulk/", views.crimelog_bulk, name="bulk"),
    path("logs/mine/", views.crimelog_my_list, name="my_logs"),
    path("logs/mine/<int:log_id>/", views.crimelog_my_detail, name="my_log"),
    path("logs/<int:log_id>/", views.crimelog_detail, name="log_detail"),
    path("logs/<int:log_id>/review/", views.crimelog_review, name="review"),
    path("people/merge/", views_people.person_merge, name="person_merge"),
    path("cases/", views.case_list, name="list"),
    path("cases/<int:case_id>/", views.case_detail, name="detail"),
    path("cases/<int:case_id>/edit/", views.case_edit, name="edit"),
    path("cases/<int:case_id>/close/", views.case_close, name="close"),
]
