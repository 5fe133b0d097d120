from django.urls import path

from cases.views import cases, feed, people, queue, restrictions, search

app_name = "cases"

# Ids only in these paths: never a name or anything else personal (DESIGN.md §4).
urlpatterns = [
    path("logs/queue/", queue.crimelog_queue, name="queue"),
    path("logs/queue/bulk/", queue.crimelog_bulk, name="bulk"),
    # Search terms travel by POST only: never in these paths or a query string.
    path("logs/search/", search.log_search, name="log_search"),
    path("cases/search/", search.case_search, name="case_search"),
    path("logs/mine/", queue.crimelog_my_list, name="my_logs"),
    path("logs/mine/<int:log_id>/", queue.crimelog_my_detail, name="my_log"),
    path("logs/<int:log_id>/", queue.crimelog_detail, name="log_detail"),
    path("logs/<int:log_id>/review/", queue.crimelog_review, name="review"),
    path("people/merge/", people.person_merge, name="person_merge"),
    path("cases/", cases.case_list, name="list"),
    path("cases/<int:case_id>/", cases.case_detail, name="detail"),
    path("cases/<int:case_id>/edit/", cases.case_edit, name="edit"),
    path("cases/<int:case_id>/close/", cases.case_close, name="close"),
    # Restricted cases, break-glass, restricted persons (docs/information-management-access.md).
    path("cases/<int:case_id>/restrict/", restrictions.case_restrict, name="restrict"),
    path(
        "cases/<int:case_id>/restrict/lift/",
        restrictions.case_lift_restriction,
        name="lift_restriction",
    ),
    path("cases/break-glass/", restrictions.break_glass, name="break_glass"),
    path("access/break-glass/", restrictions.break_glass_list, name="break_glass_list"),
    path("access/unusual/", restrictions.unusual_access, name="unusual_access"),
    path("information/people/", restrictions.restricted_people, name="restricted_people"),
    path(
        "information/people/<int:person_id>/",
        restrictions.person_restrict,
        name="person_restrict",
    ),
    path(
        "information/people/<int:person_id>/lift/",
        restrictions.person_lift_restriction,
        name="person_lift_restriction",
    ),
]

# Feed imports keep their own namespace ("feed:list"...); stalking_hub/urls.py mounts them.
feed_urlpatterns = (
    [
        path("", feed.import_list, name="list"),
        path("upload/", feed.import_upload, name="upload"),
        path("<int:import_id>/", feed.import_detail, name="detail"),
        path("<int:import_id>/report.json", feed.import_report, name="report"),
        path("<int:import_id>/resume/", feed.import_resume, name="resume"),
    ],
    "feed",
)
