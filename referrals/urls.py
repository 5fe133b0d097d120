from django.urls import path

from referrals.views import advice, casework, referrals

app_name = "referrals"

urlpatterns = [
    # Referrals
    path("referrals/", referrals.referral_list, name="list"),
    path("referrals/new/", referrals.referral_create, name="create"),
    path("referrals/<int:referral_id>/", referrals.referral_detail, name="detail"),
    path("referrals/<int:referral_id>/edit/", referrals.referral_edit, name="edit"),
    path("referrals/<int:referral_id>/send/", referrals.referral_send, name="send"),
    path("referrals/<int:referral_id>/accept/", referrals.referral_accept, name="accept"),
    path("referrals/<int:referral_id>/decline/", referrals.referral_decline, name="decline"),
    path("referrals/<int:referral_id>/allocate/", referrals.referral_allocate, name="allocate"),
    path("referrals/<int:referral_id>/start/", referrals.referral_start, name="start"),
    path("referrals/<int:referral_id>/close/", referrals.referral_close, name="close"),
    # ISAC casework
    path("referrals/caseload/", casework.caseload, name="caseload"),
    path("referrals/outcomes/", casework.outcomes, name="outcomes"),
    path("referrals/<int:referral_id>/casework/", casework.casework_detail, name="casework"),
    path(
        "referrals/<int:referral_id>/casework/contacts/new/",
        casework.contact_create,
        name="contact_create",
    ),
    path(
        "referrals/<int:referral_id>/casework/risk/new/", casework.risk_create, name="risk_create"
    ),
    path(
        "referrals/<int:referral_id>/casework/safety-plan/",
        casework.safety_plan,
        name="safety_plan",
    ),
    path(
        "referrals/<int:referral_id>/casework/safety-plan/new/",
        casework.safety_plan_create,
        name="safety_plan_create",
    ),
    path(
        "referrals/<int:referral_id>/casework/safety-plan/<int:version>/",
        casework.safety_plan_version,
        name="safety_plan_version",
    ),
    path(
        "referrals/<int:referral_id>/casework/needs/new/", casework.need_create, name="need_create"
    ),
    path(
        "referrals/<int:referral_id>/casework/needs/<int:need_id>/status/",
        casework.need_status,
        name="need_status",
    ),
    path(
        "referrals/<int:referral_id>/casework/milestones/new/",
        casework.milestone_create,
        name="milestone_create",
    ),
    path(
        "referrals/<int:referral_id>/casework/intake/",
        casework.intake_outcome,
        name="intake_outcome",
    ),
    path(
        "referrals/<int:referral_id>/casework/close/",
        casework.casework_close,
        name="casework_close",
    ),
    # Advice requests and guidance
    path("advice/", advice.advice_mine, name="advice_mine"),
    path("advice/new/", advice.advice_create, name="advice_create"),
    path("advice/queue/", advice.advice_queue, name="advice_queue"),
    path("advice/<int:advice_id>/", advice.advice_detail, name="advice_detail"),
    path("advice/<int:advice_id>/answer/", advice.advice_answer, name="advice_answer"),
    path("advice/<int:advice_id>/rate/", advice.advice_rate, name="advice_rate"),
    path(
        "advice/<int:advice_id>/guidance/",
        advice.guidance_from_request,
        name="guidance_from_request",
    ),
    path("guidance/", advice.guidance_list, name="guidance_list"),
    path("guidance/new/", advice.guidance_create, name="guidance_create"),
    path("guidance/<int:guidance_id>/", advice.guidance_edit, name="guidance_edit"),
]
