from django.urls import path

from learning import views

app_name = "learning"

urlpatterns = [
    path("gaps/", views.gap_report, name="gaps"),
    path("gaps/teams/<int:team_id>/", views.team_detail, name="team"),
    path("gaps/teams/<int:team_id>/invite/", views.team_invite, name="team_invite"),
    path("gaps/teams/<int:team_id>/require/", views.team_require, name="team_require"),
    path("points/", views.point_list, name="points"),
    path("points/new/", views.point_add, name="point_add"),
    path("points/<int:point_id>/", views.point_detail, name="point"),
    path("points/<int:point_id>/triage/", views.point_triage, name="point_triage"),
    path("bulletins/", views.bulletin_list, name="bulletins"),
    path("bulletins/new/", views.bulletin_create, name="bulletin_create"),
    path("bulletins/<int:bulletin_id>/", views.bulletin_detail, name="bulletin"),
    path("bulletins/<int:bulletin_id>/publish/", views.bulletin_publish, name="bulletin_publish"),
    path(
        "bulletins/<int:bulletin_id>/acknowledge/",
        views.bulletin_acknowledge,
        name="bulletin_acknowledge",
    ),
]
