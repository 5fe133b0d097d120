from django.urls import path

from training.views import compliance, programme, staff, teams

app_name = "training"

urlpatterns = [
    # The programme
    path("", programme.session_list, name="sessions"),
    path("sessions/new/", programme.session_create, name="session_create"),
    path("sessions/<int:session_id>/", programme.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/edit/", programme.session_edit, name="session_edit"),
    path("sessions/<int:session_id>/cancel/", programme.session_cancel, name="session_cancel"),
    path("sessions/<int:session_id>/book/", programme.session_book, name="session_book"),
    path("sessions/<int:session_id>/register/", programme.register_import, name="register_import"),
    path(
        "bookings/<int:enrolment_id>/status/", programme.enrolment_status, name="enrolment_status"
    ),
    path("bookings/<int:enrolment_id>/certificate/", programme.certificate, name="certificate"),
    path("imports/<int:report_id>/", programme.import_report, name="import_report"),
    path("courses/", programme.course_list, name="courses"),
    path("courses/new/", programme.course_create, name="course_create"),
    path("courses/<int:course_id>/", programme.course_detail, name="course_detail"),
    path("courses/<int:course_id>/edit/", programme.course_edit, name="course_edit"),
    # Teams, rosters and requirements
    path("teams/", teams.team_list, name="teams"),
    path("teams/new/", teams.team_create, name="team_create"),
    path("teams/<int:team_id>/", teams.team_detail, name="team_detail"),
    path("teams/<int:team_id>/edit/", teams.team_edit, name="team_edit"),
    path("teams/<int:team_id>/roster/", teams.roster_import, name="roster_import"),
    path("people/<int:trainee_id>/", teams.trainee_detail, name="trainee_detail"),
    path("people/<int:trainee_id>/active/", teams.trainee_active, name="trainee_active"),
    path("requirements/", teams.requirement_list, name="requirements"),
    path(
        "requirements/<int:requirement_id>/remove/",
        teams.requirement_remove,
        name="requirement_remove",
    ),
    # Compliance
    path("compliance/", compliance.compliance, name="compliance"),
    path("compliance/no-team/", compliance.compliance_no_team, name="compliance_no_team"),
    path("compliance/export/", compliance.compliance_export, name="compliance_export"),
    # Mine, CPD and champions
    path("mine/", staff.mine, name="mine"),
    path("cpd/", staff.cpd_list, name="cpd"),
    path("cpd/new/", staff.cpd_create, name="cpd_create"),
    path("cpd/people/<int:person_id>/", staff.cpd_person, name="cpd_person"),
    path("cpd/<int:activity_id>/remove/", staff.cpd_remove, name="cpd_remove"),
    path("champions/", staff.champion_list, name="champions"),
    path("champions/<int:champion_id>/", staff.champion_edit, name="champion_edit"),
]
