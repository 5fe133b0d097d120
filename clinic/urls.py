from django.urls import path

from clinic.views import actions, agenda, meetings, referrals

app_name = "clinic"

urlpatterns = [
    # Referrals and the waiting list
    path("referrals/", referrals.referral_list, name="referral_list"),
    path("referrals/new/", referrals.referral_create, name="referral_create"),
    path("referrals/repeat/", referrals.repeat_create, name="repeat_create"),
    path("referrals/<int:referral_id>/", referrals.referral_detail, name="referral_detail"),
    path("referrals/<int:referral_id>/accept/", referrals.referral_accept, name="referral_accept"),
    path("referrals/<int:referral_id>/return/", referrals.referral_return, name="referral_return"),
    path("waiting/", agenda.waiting, name="waiting"),
    path("waiting/allocate/", agenda.allocate_now, name="allocate"),
    # Schedules and meetings
    path("schedules/", meetings.schedule_list, name="schedule_list"),
    path("schedules/new/", meetings.schedule_create, name="schedule_create"),
    path("schedules/<int:schedule_id>/", meetings.schedule_detail, name="schedule_detail"),
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:meeting_id>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_id>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_id>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:meeting_id>/invitees/", meetings.invitee_add, name="invitee_add"),
    path(
        "meetings/<int:meeting_id>/invitees/<int:invitee_id>/remove/",
        meetings.invitee_remove,
        name="invitee_remove",
    ),
    path(
        "meetings/<int:meeting_id>/invitees/<int:invitee_id>/attendance/",
        meetings.attendance,
        name="attendance",
    ),
    path(
        "meetings/<int:meeting_id>/invitation.ics",
        meetings.invitation_ics,
        name="invitation_ics",
    ),
    # The agenda, research, the discussion and the minutes
    path("meetings/<int:meeting_id>/agenda/add/", agenda.agenda_add, name="agenda_add"),
    path("meetings/<int:meeting_id>/agenda/publish/", agenda.agenda_publish, name="publish"),
    path("meetings/<int:meeting_id>/agenda.pdf", agenda.agenda_pdf, name="agenda_pdf"),
    path("meetings/<int:meeting_id>/minutes/", agenda.minutes_page, name="minutes"),
    path(
        "meetings/<int:meeting_id>/minutes/approve/",
        agenda.minutes_approve,
        name="minutes_approve",
    ),
    path("meetings/<int:meeting_id>/minutes/amend/", agenda.minutes_amend, name="minutes_amend"),
    path("meetings/<int:meeting_id>/minutes.pdf", agenda.minutes_download, name="minutes_pdf"),
    path("items/<int:item_id>/", agenda.item_detail, name="item_detail"),
    path("items/<int:item_id>/move/", agenda.item_move, name="item_move"),
    path("items/<int:item_id>/pin/", agenda.item_pin, name="item_pin"),
    path("items/<int:item_id>/remove/", agenda.item_remove, name="item_remove"),
    path("items/<int:item_id>/research/", agenda.research_record, name="research"),
    path("items/<int:item_id>/discussion/", agenda.discussion_save, name="discussion"),
    path("items/<int:item_id>/decisions/", agenda.decision_record, name="decision"),
    path("items/<int:item_id>/actions/", agenda.action_create, name="action_create"),
    # Actions
    path("actions/", actions.action_list, name="action_list"),
    path("actions/chasers/", actions.chasers, name="chasers"),
    path("actions/<int:action_id>/", actions.action_detail, name="action_detail"),
]
