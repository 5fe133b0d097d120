"""Risk pages: the permission matrix for every URL, the assessment form, wording, queries."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from foundation.audit.models import AccessRecord
from risk.models import RiskAssessment
from tests.conftest import ROLE_FIXTURES
from tests.factories import CaseFactory, RiskAssessmentFactory, UserFactory
from tests.factories.risk import dash_answers, instrument, srp_answers

HUB_VIEWERS = {"coordinator", "tactical_lead", "solicitor"}
HUB_ASSESSORS = {"coordinator", "tactical_lead"}


def assert_denied(response, *secrets: str) -> None:
    """Denied is a plain 404 with nothing of the record in the body (docs/access.md)."""
    assert response.status_code == 404
    body = response.content.decode()
    assert "Not found" in body
    for secret in secrets:
        assert secret not in body


@pytest.fixture
def dash(shared_case, coordinator) -> RiskAssessment:
    return RiskAssessmentFactory(
        case=shared_case, assessor=coordinator, dash_high=True, rationale="Secret DASH rationale"
    )


@pytest.fixture
def srp(shared_case, coordinator, dash) -> RiskAssessment:
    return RiskAssessmentFactory(
        case=shared_case, assessor=coordinator, srp=True, rationale="Secret SRP rationale"
    )


def form_data(answers: dict[str, str], **judgement: str) -> dict[str, str]:
    data = {f"item-{key}": value for key, value in answers.items()}
    data |= {"review_date": (timezone.localdate() + timedelta(days=28)).isoformat()}
    data |= judgement
    return data


# -- the permission matrix ------------------------------------------------------------------
# The case is shared with the ISAC persona's agency (a live referral): the ISAC sees the
# victim-focused DASH, never the perpetrator-focused SRP. Nobody else outside the hub sees any.


@pytest.mark.parametrize("persona", ROLE_FIXTURES, indirect=True)
def test_history_page_matrix(client, persona, request, srp, shared_case):
    client.force_login(persona)
    response = client.get(reverse("risk:history", args=[shared_case.pk]))
    role = request.node.callspec.params["persona"]
    if role in HUB_VIEWERS or role == "isac":
        assert response.status_code == 200
        assert shared_case.reference in response.content.decode()
    else:
        assert_denied(response, shared_case.reference)


@pytest.mark.parametrize("persona", ROLE_FIXTURES, indirect=True)
def test_detail_of_a_victim_focused_assessment_matrix(client, persona, request, dash):
    client.force_login(persona)
    response = client.get(reverse("risk:detail", args=[dash.case_id, dash.pk]))
    role = request.node.callspec.params["persona"]
    if role in HUB_VIEWERS or role == "isac":
        assert response.status_code == 200
        assert "Secret DASH rationale" in response.content.decode()
    else:
        assert_denied(response, "Secret DASH rationale", dash.case.reference)


@pytest.mark.parametrize("persona", ROLE_FIXTURES, indirect=True)
def test_detail_of_a_perpetrator_focused_assessment_matrix(client, persona, request, srp):
    client.force_login(persona)
    response = client.get(reverse("risk:detail", args=[srp.case_id, srp.pk]))
    role = request.node.callspec.params["persona"]
    if role in HUB_VIEWERS:
        assert response.status_code == 200
        assert "Secret SRP rationale" in response.content.decode()
    else:
        assert_denied(response, "Secret SRP rationale", srp.case.reference)


@pytest.mark.parametrize("persona", ROLE_FIXTURES, indirect=True)
def test_choose_and_new_pages_matrix(client, persona, request, shared_case):
    client.force_login(persona)
    role = request.node.callspec.params["persona"]
    choose = client.get(reverse("risk:choose", args=[shared_case.pk]))
    new_four = client.get(reverse("risk:new", args=[shared_case.pk, "four"]))
    new_srp = client.get(reverse("risk:new", args=[shared_case.pk, "srp"]))
    if role in HUB_ASSESSORS or role == "isac":
        assert choose.status_code == 200
        assert new_four.status_code == 200
    else:
        assert_denied(choose, shared_case.reference)
        assert_denied(new_four, shared_case.reference)
    # The coordinator persona is a trained SRP assessor; the tactical lead persona is not.
    if role == "coordinator":
        assert new_srp.status_code == 200
    else:
        assert_denied(new_srp, shared_case.reference)


def test_outsider_isac_gets_404_everywhere_on_a_case_shared_with_another_service(
    client, outsider_isac, dash
):
    client.force_login(outsider_isac)
    case = dash.case
    for url in (
        reverse("risk:history", args=[case.pk]),
        reverse("risk:choose", args=[case.pk]),
        reverse("risk:new", args=[case.pk, "dash"]),
        reverse("risk:detail", args=[case.pk, dash.pk]),
    ):
        assert_denied(client.get(url), case.reference, "Secret DASH rationale")


def test_isac_loses_access_when_the_share_ends(client, isac, dash, coordinator, shared_case):
    from cases.services import end_case_share

    end_case_share(share=shared_case.shares.get(), by=coordinator)
    client.force_login(isac)
    assert_denied(client.get(reverse("risk:detail", args=[dash.case_id, dash.pk])))


def test_an_assessment_is_not_found_under_another_case(client, coordinator, dash):
    other = CaseFactory(owner=coordinator)
    client.force_login(coordinator)
    assert_denied(client.get(reverse("risk:detail", args=[other.pk, dash.pk])))


def test_reading_an_assessment_is_recorded_and_so_is_a_denial(client, coordinator, partner, dash):
    client.force_login(coordinator)
    client.get(reverse("risk:detail", args=[dash.case_id, dash.pk]))
    client.force_login(partner)
    client.get(reverse("risk:detail", args=[dash.case_id, dash.pk]))
    records = AccessRecord.objects.filter(object_type="risk.riskassessment", object_id=str(dash.pk))
    assert records.filter(user=coordinator, outcome="allowed").count() == 1
    assert records.filter(user=partner, outcome="denied").count() == 1


def test_isac_is_offered_only_victim_focused_instruments(client, isac, shared_case):
    client.force_login(isac)
    body = client.get(reverse("risk:choose", args=[shared_case.pk])).content.decode()
    assert "FOUR stalking screening" in body
    assert "DASH risk identification checklist" in body
    assert "S-DASH" in body
    # Match the instrument cards, not bare letters: a random CSP nonce can contain "SRP".
    assert 'id="instrument-srp"' not in body
    assert 'id="instrument-sam"' not in body
    assert reverse("risk:new", args=[shared_case.pk, "srp"]) not in body


def test_srp_is_not_offered_to_a_coordinator_who_is_not_trained(client, home_force, case):
    untrained = UserFactory(roles=["coordinator"], agency=home_force, is_srp_assessor=False)
    client.force_login(untrained)
    body = client.get(reverse("risk:choose", args=[case.pk])).content.decode()
    assert "DASH risk identification checklist" in body
    assert "Stalking Risk Profile" not in body
    assert client.get(reverse("risk:new", args=[case.pk, "srp"])).status_code == 404


# -- the assessment form --------------------------------------------------------------------


def test_the_form_is_generated_from_the_definition(client, coordinator, case):
    client.force_login(coordinator)
    body = client.get(reverse("risk:new", args=[case.pk, "srp"])).content.decode()
    assert 'name="item-stalker_type"' in body
    assert "Incompetent suitor" in body
    for domain in ("violence", "persistence", "recurrence", "psychosocial_damage"):
        assert f'name="item-{domain}"' in body
        assert f'name="item-{domain}_rationale"' in body
    assert body.count('type="radio"') == 4 * 3 + 3  # four ratings + the final level
    assert "Risk of psychosocial damage to the stalker" in body


def test_calculate_shows_the_result_and_saves_nothing(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("risk:new", args=[case.pk, "dash"]),
        form_data(dash_answers(14), calculate="1"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "14 of 24" in body
    assert "14+" in body
    # The band is offered as the final level; the assessor confirms or changes it.
    assert response.context["judgement_form"].initial["final_level"] == "high"
    assert not RiskAssessment.objects.exists()


def test_saving_records_the_assessment_and_redirects_to_it(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("risk:new", args=[case.pk, "dash"]),
        form_data(dash_answers(14), save="1", rationale="Placeholder rationale."),
    )
    assessment = RiskAssessment.objects.get(case=case)
    assert response.status_code == 302
    assert response.url == reverse("risk:detail", args=[case.pk, assessment.pk])
    assert assessment.final_level == "high"
    case.refresh_from_db()
    assert case.current_risk == "high"
    detail = client.get(response.url).content.decode()
    assert "14 of 24" in detail
    assert "Placeholder rationale." in detail


def test_lowering_a_dash_high_is_a_clear_form_error_and_nothing_is_saved(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("risk:new", args=[case.pk, "dash"]),
        form_data(dash_answers(14), save="1", final_level="medium", reason="Feels lower."),
    )
    assert response.status_code == 200
    assert "may raise a count-based high but never lower it" in response.content.decode()
    assert not RiskAssessment.objects.exists()
    case.refresh_from_db()
    assert case.current_risk == ""


def test_a_different_level_without_a_reason_is_an_error_on_the_reason(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("risk:new", args=[case.pk, "dash"]),
        form_data(dash_answers(3), save="1", final_level="high"),
    )
    form = response.context["judgement_form"]
    assert "reason is required for raising" in form.errors["reason"][0]
    assert not RiskAssessment.objects.exists()


def test_missing_answers_and_a_past_review_date_are_reported(client, coordinator, case):
    client.force_login(coordinator)
    answers = dash_answers(3)
    del answers["dash_07"]
    data = form_data(answers, save="1")
    data["review_date"] = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(reverse("risk:new", args=[case.pk, "dash"]), data)
    assert response.status_code == 200
    assert "dash_07" in response.context["answers_form"].errors
    assert response.context["judgement_form"].errors["review_date"] == [
        "The review date must be in the future."
    ]
    assert not RiskAssessment.objects.exists()


def test_srp_assessment_saved_through_the_form_shows_ratings_without_a_total(
    client, coordinator, case
):
    client.force_login(coordinator)
    answers = srp_answers("predatory", violence="high", persistence="moderate")
    response = client.post(
        reverse("risk:new", args=[case.pk, "srp"]),
        form_data(answers, save="1", final_level="high"),
    )
    assert response.status_code == 302
    body = client.get(response.url).content.decode()
    assert "Predatory" in body
    assert "no total score" in body
    assert "Risk of persistence" in body
    assert "of 24" not in body


def test_post_on_a_closed_case_is_refused_with_a_message(client, coordinator):
    case = CaseFactory(owner=coordinator, closed=True)
    client.force_login(coordinator)
    response = client.post(
        reverse("risk:new", args=[case.pk, "dash"]), form_data(dash_answers(3), save="1")
    )
    assert response.status_code == 200
    assert "The case is closed" in response.content.decode()
    assert not RiskAssessment.objects.exists()


# -- wording -------------------------------------------------------------------------------


def test_without_local_wording_items_show_their_key_and_a_note(client, coordinator, case, settings):
    settings.HUB_INSTRUMENT_WORDING_DIR = ""
    client.force_login(coordinator)
    body = client.get(reverse("risk:new", args=[case.pk, "dash"])).content.decode()
    assert "Item 1 of " in body
    assert "Key dash_01" in body
    # FOUR is openly worded: its own questions show.
    four = client.get(reverse("risk:new", args=[case.pk, "four"])).content.decode()
    assert "Has it happened more than once?" in four


def test_local_wording_is_loaded_from_the_configured_directory(
    client, coordinator, case, settings, tmp_path
):
    (tmp_path / "dash.json").write_text(
        json.dumps(
            {
                "instrument": "dash",
                "version": "1",
                "items": {"dash_01": {"text": "Placeholder question one", "help": "Help one"}},
            }
        )
    )
    settings.HUB_INSTRUMENT_WORDING_DIR = str(tmp_path)
    client.force_login(coordinator)
    body = client.get(reverse("risk:new", args=[case.pk, "dash"])).content.decode()
    assert "Placeholder question one" in body
    assert "Help one" in body
    assert "Key dash_02" in body
    assessment = RiskAssessmentFactory(case=case, dash_high=True)
    detail = client.get(reverse("risk:detail", args=[case.pk, assessment.pk])).content.decode()
    assert "Placeholder question one" in detail


def test_a_broken_wording_file_shows_keys_and_a_warning_not_an_error(
    client, coordinator, case, settings, tmp_path
):
    (tmp_path / "dash.json").write_text('{"instrument": "dash", "items": {"dash_99": "x"}}')
    settings.HUB_INSTRUMENT_WORDING_DIR = str(tmp_path)
    client.force_login(coordinator)
    response = client.get(reverse("risk:new", args=[case.pk, "dash"]))
    assert response.status_code == 200
    assert "wording file for this instrument could not be read" in response.content.decode()


# -- queries --------------------------------------------------------------------------------


def test_history_page_queries_stay_flat(client, coordinator, case, django_assert_max_num_queries):
    client.force_login(coordinator)
    url = reverse("risk:history", args=[case.pk])
    RiskAssessmentFactory.create_batch(2, case=case)
    client.get(url)
    # Inside the test's transaction the access record's write also sets its timeouts and puts
    # the caller's back: two queries (foundation.audit.services.record_access).
    with django_assert_max_num_queries(13) as few:
        assert client.get(url).status_code == 200
    RiskAssessmentFactory.create_batch(30, case=case)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("list-group-item") == 32


def test_unknown_instrument_is_404(client, coordinator, case):
    client.force_login(coordinator)
    assert client.get(reverse("risk:new", args=[case.pk, "nope"])).status_code == 404
    assert instrument("four").is_active


def test_a_judgement_problem_points_to_the_judgement_not_the_questions(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("risk:new", args=[case.pk, "dash"]),
        form_data(dash_answers(3), save="1", final_level="high"),
    )
    body = response.content.decode()
    assert "see the messages by each question" not in body
    assert "Your judgement</a> needs attention" in body


def test_a_tool_with_no_cut_off_says_the_reason_is_always_required(client, coordinator, case):
    from tests.factories.risk import sdash_answers

    client.force_login(coordinator)
    page = client.get(reverse("risk:new", args=[case.pk, "sdash"])).content.decode()
    assert "Reason for the final level (required)" in page
    assert "always for this tool" in page
    response = client.post(
        reverse("risk:new", args=[case.pk, "sdash"]),
        form_data(sdash_answers(3), save="1", final_level="medium"),
    )
    assert "a reason is required" in response.context["judgement_form"].errors["reason"][0]
    dash = client.get(reverse("risk:new", args=[case.pk, "dash"])).content.decode()
    assert "Reason for the final level (required)" not in dash


def test_a_licensed_tool_without_wording_shows_number_domain_and_answer_type(
    client, coordinator, case, settings, tmp_path
):
    settings.HUB_INSTRUMENT_WORDING_DIR = str(tmp_path)  # an empty folder: no wording loaded
    client.force_login(coordinator)
    response = client.get(reverse("risk:new", args=[case.pk, "dash"]))
    body = response.content.decode()
    first = response.context["answers_form"].fields["dash_01"]
    assert first.label.startswith("Item 1 of ")
    assert first.label.endswith("answer yes, no or not known (dash_01)")
    assert "Key dash_01" in first.help_text
    assert "dash.json" in first.help_text
    srp = client.get(reverse("risk:new", args=[case.pk, "srp"])).context["answers_form"]
    assert "Domain: " in srp.fields["violence"].label
    assert "rate low, moderate or high" in srp.fields["violence"].label
    assert "its wording is not loaded here" in body
    assert "HUB_INSTRUMENT_WORDING_DIR" in body
    # The openly worded FOUR needs no file and shows its questions.
    four = client.get(reverse("risk:new", args=[case.pk, "four"])).context["answers_form"]
    assert not four.unworded
