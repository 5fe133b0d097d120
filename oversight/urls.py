from django.urls import path

from oversight import views

app_name = "oversight"

# Ids only in these paths: never a name or anything else personal (DESIGN.md §4).
urlpatterns = [
    path("", views.oversight_list, name="list"),
    path("cases/<int:case_id>/plan/", views.plan_start, name="plan_start"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/directions/new/", views.direction_create, name="direction_create"),
    path("plans/<int:plan_id>/reviews/new/", views.review_create, name="review_create"),
    path("lines/<int:line_id>/", views.plan_line_update, name="line"),
    path("lines/<int:line_id>/delegate/", views.plan_line_delegate, name="line_delegate"),
    path("directions/<int:direction_id>/", views.direction_detail, name="direction"),
    path(
        "directions/<int:direction_id>/acknowledge/",
        views.direction_acknowledge,
        name="direction_acknowledge",
    ),
    path(
        "directions/<int:direction_id>/withdraw/",
        views.direction_withdraw,
        name="direction_withdraw",
    ),
    path("cover/", views.cover_list, name="covers"),
    path("cover/new/", views.cover_create, name="cover_create"),
    path("cover/work/", views.covered_work_list, name="covered_work"),
    path("cover/<int:cover_id>/end/", views.cover_end, name="cover_end"),
]
