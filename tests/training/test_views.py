"""Training pages: the permission matrix for every record URL (every persona, denied = 404 with
no data and a recorded attempt), flows, exports, the certificate, and query counts."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from foundation.audit.models import AccessRecord
from tests.conftest import ROLE_FIXTURES
from tests.factories import UserFactory
from tests.factories.training import (
    AreaFactory,
    CourseFactory,
    CpdActivityFactory,
    EnrolmentFactory,
    RequirementFactory,
    SessionFactory,
    TeamFactory,
    TraineeFactory,
    completion,
)
from tests.training.sheets import csv_bytes
from training.models import ChampionProfile, CpdActivity, Enrolment, ImportReport, Trainee

pytestmark = pytest.mark.django_db

SECRET_NAME = "Secretia Trainee-Name"
EVERYONE = [*ROLE_FIXTURES, "team_manager", "other_manager"]
OVERSEERS = {"trainer", "coordinator", "tactical_lead"}


@pytest.fixture
def other_manager(home_force):
    """A manager of another team: sees nothing of team A."""
    return UserFactory(roles=["officer"], agency=home_force, is_manager=True)


@pytest.fixture
def world(home_force, officer, coordinator, champion, team_manager, other_manager):
    course = CourseFactory(title="FOUR awareness", validity_months=24)
    team_a = TeamFactory(name="Neighbourhood North", organisation=home_force)
    team_a.managers.add(team_manager)
    team_b = TeamFactory(name="Response South", organisation=home_force)
    team_b.managers.add(other_manager)
    RequirementFactory(course=course, role="neighbourhood officer")
    person = TraineeFactory(
        name=SECRET_NAME, team=team_a, user=officer, role="Neighbourhood officer"
    )
    done = completion(person, course, on=timezone.localdate() - timedelta(days=30))
    upcoming = SessionFactory(course=course, starts_at=timezone.now() + timedelta(days=10))
    booking = EnrolmentFactory(
        session=upcoming, trainee=TraineeFactory(name=SECRET_NAME, team=team_a)
    )
    report = ImportReport.objects.create(
        kind="register", session=done.session, report={"unmatched_rows": [{"name": SECRET_NAME}]}
    )
    activity = CpdActivityFactory(user=coordinator, activity="CPD-SECRET reading")
    return {
        "course": course,
        "team": team_a,
        "trainee": person,
        "completion": done,
        "session": upcoming,
        "booking": booking,
        "report": report,
        "activity": activity,
        "champion": champion,
        "coordinator": coordinator,
    }


def assert_denied(response) -> None:
    assert response.status_code == 404
    body = response.content.decode()
    assert "Not found" in body
    assert SECRET_NAME not in body
    assert "CPD-SECRET" not in body


def opens(client, user, url, *, method="get", data=None) -> bool:
    client.force_login(user)
    response = getattr(client, method)(url, data or {})
    if response.status_code == 404:
        assert_denied(response)
        return False
    assert response.status_code in (200, 302, 400), (url, response.status_code)
    return True


# (url name, args from the world, who may open it) — docs/access.md, "Training".
GET_MATRIX = [
    ("training:session_detail", "session", {"trainer"}),
    ("training:session_edit", "session", {"trainer"}),
    ("training:session_cancel", "session", {"trainer"}),
    ("training:course_detail", "course", {"trainer"}),
    ("training:course_edit", "course", {"trainer"}),
    ("training:import_report", "report", {"trainer"}),
    ("training:team_detail", "team", OVERSEERS | {"team_manager"}),
    ("training:team_edit", "team", {"trainer"}),
    ("training:roster_import", "team", {"trainer"}),
    ("training:trainee_detail", "trainee", OVERSEERS | {"team_manager", "officer"}),
    ("training:certificate", "completion", {"trainer", "officer"}),
    ("training:champion_edit", "champion", {"trainer"}),
    ("training:cpd_person", "coordinator", OVERSEERS),
]


# Actions (POST), in an order where each leaves the next its record.
POST_MATRIX = [
    ("training:session_book", "session", {"staff_number": "X1"}, {"trainer"}),
    ("training:enrolment_status", "booking", {"status": "cancelled"}, {"trainer"}),
    ("training:register_import", "session", {}, {"trainer"}),
    ("training:trainee_active", "trainee", {"is_active": "false"}, {"trainer"}),
    ("training:cpd_remove", "activity", {}, {"trainer", "coordinator"}),
]


def expected_record(url_name: str) -> str:
    # Champions and CPD pages open a person: the door records the user account.
    if url_name in ("training:champion_edit", "training:cpd_person"):
        return "accounts.user"
    return "training."


@pytest.mark.parametrize("who", EVERYONE)
def test_record_pages_matrix(client, request, world, who):
    """Every record page for this persona: opens or 404 without data, and the attempt is
    recorded with what the persona got."""
    user = request.getfixturevalue(who)
    wrong = []
    for url_name, key, allowed in GET_MATRIX:
        url = reverse(url_name, args=[world[key].pk])
        if opens(client, user, url) != (who in allowed):
            wrong.append(url_name)
            continue
        record = AccessRecord.objects.filter(user=user).order_by("-id").first()
        assert record is not None, url_name
        assert record.outcome == ("allowed" if who in allowed else "denied"), url_name
        assert record.object_type.startswith(expected_record(url_name)), url_name
    assert wrong == []


@pytest.mark.parametrize("who", EVERYONE)
def test_actions_matrix(client, request, world, who, no_broker):
    """Every action for this persona (POST): done (or refused as bad input) or 404."""
    user = request.getfixturevalue(who)
    wrong = []
    for url_name, key, data, allowed in POST_MATRIX:
        before = AccessRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        url = reverse(url_name, args=[world[key].pk])
        if opens(client, user, url, method="post", data=data) != (who in allowed):
            wrong.append(url_name)
            continue
        # The audit outcome of the cell: what the persona got, recorded by the door.
        outcomes = set(
            AccessRecord.objects.filter(pk__gt=before, user=user).values_list("outcome", flat=True)
        )
        assert outcomes == {"allowed" if who in allowed else "denied"}, (url_name, outcomes)
    assert wrong == []


@pytest.mark.parametrize("who", EVERYONE)
def test_requirement_removal_is_for_trainers(client, request, world, who):
    requirement = RequirementFactory(course=world["course"], role="supervisor")
    url = reverse("training:requirement_remove", args=[requirement.pk])
    assert opens(client, request.getfixturevalue(who), url, method="post") == (who == "trainer")


@pytest.mark.parametrize("who", EVERYONE)
def test_team_export_matrix(client, request, world, who):
    url = reverse("training:compliance_export") + f"?team={world['team'].pk}"
    assert opens(client, request.getfixturevalue(who), url) == (who in OVERSEERS | {"team_manager"})


def test_the_manager_sees_their_own_team_only(client, world, team_manager, other_manager):
    client.force_login(team_manager)
    page = client.get(reverse("training:compliance"))
    assert page.status_code == 200
    assert [row.name for row in page.context["overview"].teams] == ["Neighbourhood North"]
    assert "Training compliance" in [item.label for item in page.context["nav_items"]]
    client.force_login(other_manager)
    rows = client.get(reverse("training:compliance")).context["overview"].teams
    assert [row.name for row in rows] == ["Response South"]
    # The qualification is needed too: named on a team but no longer a manager sees nothing.
    team_manager.is_manager = False
    team_manager.save()
    client.force_login(team_manager)
    assert client.get(reverse("training:compliance")).status_code == 404


def test_everyone_sees_their_own_training_and_certificate(client, world, officer):
    client.force_login(officer)
    body = client.get(reverse("training:mine")).content.decode()
    assert "FOUR awareness" in body
    assert reverse("training:certificate", args=[world["completion"].pk]) in body
    assert "Current" in body


def test_the_certificate_is_a_pdf_with_the_persons_name_and_course(client, world, officer):
    client.force_login(officer)
    response = client.get(reverse("training:certificate", args=[world["completion"].pk]))
    assert response["Content-Type"] == "application/pdf"
    assert SECRET_NAME not in response["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Certificate of completion" in text
    assert SECRET_NAME in text
    assert "FOUR awareness" in text
    record = AccessRecord.objects.filter(user=officer, object_type="training.enrolment").last()
    assert (record.action, record.need) == ("disclose", "disclose")


def test_no_certificate_without_a_completion(client, world, trainer):
    client.force_login(trainer)
    response = client.get(reverse("training:certificate", args=[world["booking"].pk]))
    assert response.status_code == 404


def test_export_neutralises_cells_and_is_recorded(client, world, coordinator):
    TraineeFactory(
        name='=HYPERLINK("http://evil.example","x")',
        team=world["team"],
        role="Neighbourhood officer",
        staff_number="+441234",
    )
    client.force_login(coordinator)
    response = client.get(reverse("training:compliance_export") + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Team", "Organisation", "Staff number", "Name"]
    evil = next(row for row in rows if "HYPERLINK" in row[3])
    assert evil[3].startswith("'=")
    assert evil[2] == "'+441234"
    assert AccessRecord.objects.filter(
        user=coordinator, object_type="training.team", action="disclose"
    ).exists()
    xlsx = client.get(reverse("training:compliance_export") + "?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    names = [row[3].value for row in sheet.iter_rows(min_row=2)]
    assert any(str(name).startswith("'=HYPERLINK") for name in names)


def test_the_compliance_page_shows_counts_chart_and_table(client, world, trainer):
    client.force_login(trainer)
    body = client.get(reverse("training:compliance")).content.decode()
    assert "Neighbourhood North" in body
    assert "<svg" in body
    assert "Monthly figures" in body
    assert "<script" not in body.split("<footer")[0].split("</header>")[1]


def test_a_trainer_creates_a_course_and_a_session_and_books_people(
    client, trainer, home_force, no_broker
):
    client.force_login(trainer)
    response = client.post(
        reverse("training:course_create"),
        {
            "title": "Stalking for supervisors",
            "audience": "Supervisors",
            "duration_hours": "3.5",
            "cpd_hours": "3.5",
            "validity_months": "24",
            "attendance_completes": "on",
        },
    )
    course = CourseFactory._meta.model.objects.get(title="Stalking for supervisors")
    assert response.url == course.get_absolute_url()
    starts = timezone.localtime() + timedelta(days=20)
    response = client.post(
        reverse("training:session_create"),
        {
            "course": course.pk,
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "trainer": trainer.pk,
            "location": "Room 4, Force HQ",
            "capacity": "1",
        },
    )
    session = course.sessions.get()
    assert response.url == session.get_absolute_url()
    book = reverse("training:session_book", args=[session.pk])
    response = client.post(
        book,
        {
            "name": "New Sergeant",
            "staff_number": "5150",
            "organisation": home_force.pk,
            "status": "registered",
        },
    )
    assert response.status_code == 302
    assert Trainee.objects.get(staff_number="5150").name == "New Sergeant"
    # The session is full now: a clear refusal, nothing saved.
    response = client.post(
        book,
        {
            "name": "One Too Many",
            "staff_number": "5151",
            "organisation": home_force.pk,
            "status": "registered",
        },
    )
    assert response.status_code == 400
    assert "The session is full (1 places)." in response.content.decode()
    assert not Trainee.objects.filter(staff_number="5151").exists()


def test_importing_a_register_from_the_session_page(client, trainer, world):
    session = world["completion"].session
    client.force_login(trainer)
    url = reverse("training:register_import", args=[session.pk])
    upload = io.BytesIO(csv_bytes([["", "", world["trainee"].email, "", "", "attended"]]))
    upload.name = "register.csv"
    response = client.post(url, {"file": upload})
    report = ImportReport.objects.filter(session=session).latest("id")
    assert response.url == reverse("training:import_report", args=[report.pk])
    assert report.report["matched"] == 1
    page = client.get(response.url).content.decode()
    assert "1</strong> matched" in page
    # A file that is not a spreadsheet is refused whole, with the reason.
    image = io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    image.name = "register.csv"
    response = client.post(url, {"file": image})
    assert response.status_code == 400
    assert "The register was refused and nothing was saved" in response.content.decode()
    assert ImportReport.objects.filter(session=session).count() == 2  # the fixture's + one


def test_recording_own_cpd_and_the_staff_list(client, coordinator, tactical_lead):
    client.force_login(coordinator)
    response = client.post(
        reverse("training:cpd_create"),
        {
            "activity": "Stalking conference",
            "done_on": timezone.localdate().isoformat(),
            "hours": "6",
            "evidence": "Certificate of attendance",
        },
    )
    assert response.url == reverse("training:mine")
    assert CpdActivity.objects.get().hours == Decimal(6)
    response = client.post(
        reverse("training:cpd_create"),
        {
            "activity": "Next year",
            "done_on": (timezone.localdate() + timedelta(days=400)).isoformat(),
            "hours": "1",
        },
    )
    assert "the date is in the future" in response.content.decode()
    client.force_login(tactical_lead)
    people = client.get(reverse("training:cpd")).context["people"]
    hours = {person.pk: person.cpd_hours for person in people}
    assert hours[coordinator.pk] == Decimal(6)
    assert hours[tactical_lead.pk] == Decimal(0)


def test_a_trainer_records_cpd_for_someone_else_and_others_cannot(
    client, trainer, officer, coordinator
):
    url = reverse("training:cpd_person", args=[coordinator.pk])
    data = {"activity": "Peer review", "done_on": "2026-01-05", "hours": "2"}
    client.force_login(officer)
    assert client.post(url, data).status_code == 404
    client.force_login(trainer)
    assert client.post(url, data).status_code == 302
    assert CpdActivity.objects.get().user == coordinator


def test_champions_by_area_with_gaps(client, coordinator, champion, home_force):
    north, south = AreaFactory(name="North"), AreaFactory(name="South")
    AreaFactory(name="City")
    ChampionProfile.objects.create(user=champion, area=north, appointed_on=date(2025, 1, 6))
    former = UserFactory(roles=["champion"], agency=home_force, full_name="Former Champion")
    ChampionProfile.objects.create(
        user=former, area=south, is_active=False, stood_down_on=date(2026, 1, 1)
    )
    enhanced = UserFactory(
        roles=["champion"], agency=home_force, is_enhanced_champion=True, full_name="Enhanced One"
    )
    client.force_login(coordinator)
    response = client.get(reverse("training:champions"))
    assert [area.name for area in response.context["gaps"]] == ["City", "South"]
    groups = {group.area: [u.pk for u in group.champions] for group in response.context["areas"]}
    assert groups == {
        "North": [champion.pk],
        "South": [former.pk],
        "No area recorded": [enhanced.pk],
    }
    assert "Enhanced" in response.content.decode()


def test_a_trainer_records_a_champions_appointment(client, trainer, champion, officer):
    area = AreaFactory(name="East")
    client.force_login(trainer)
    url = reverse("training:champion_edit", args=[champion.pk])
    client.post(url, {"area": area.pk, "appointed_on": "2026-02-01", "is_active": "on"})
    assert ChampionProfile.objects.get(user=champion).area == area
    # Only users with the champion role have an appointment page.
    assert client.get(reverse("training:champion_edit", args=[officer.pk])).status_code == 404


def test_a_requirement_through_the_page(client, trainer, world):
    client.force_login(trainer)
    url = reverse("training:requirements")
    response = client.post(url, {"course": world["course"].pk, "target": "team"})
    assert "Fill this in" in response.content.decode()
    client.post(url, {"course": world["course"].pk, "target": "team", "team": world["team"].pk})
    assert world["course"].requirements.filter(team=world["team"]).exists()
    response = client.post(
        url, {"course": world["course"].pk, "target": "role", "role": "NEIGHBOURHOOD OFFICER"}
    )
    assert "That requirement already exists." in response.content.decode()


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def grow(world, home_force, n: int) -> None:
    """More teams, people, requirements, sessions, bookings, CPD and champions."""
    for i in range(n):
        team = TeamFactory(organisation=home_force)
        course = CourseFactory()
        RequirementFactory(course=course, team=team)
        for j in range(3):
            person = TraineeFactory(team=team, role="Neighbourhood officer")
            if j:
                completion(person, course, on=date(2025, 1, 1) + timedelta(days=30 * j))
        session = SessionFactory(course=course, starts_at=timezone.now() + timedelta(days=5 + i))
        EnrolmentFactory.create_batch(2, session=session)
        EnrolmentFactory(session=world["completion"].session, completed=True)
        user = UserFactory(roles=["champion"], agency=home_force)
        ChampionProfile.objects.create(user=user, area=AreaFactory())
        CpdActivityFactory(user=user, done_on=timezone.localdate())


@pytest.mark.parametrize(
    ("url_name", "key", "who"),
    [
        ("training:compliance", None, "trainer"),
        ("training:compliance", None, "team_manager"),
        ("training:team_detail", "team", "coordinator"),
        ("training:sessions", None, "trainer"),
        ("training:session_detail", "completion_session", "trainer"),
        ("training:courses", None, "trainer"),
        ("training:teams", None, "trainer"),
        ("training:requirements", None, "trainer"),
        ("training:champions", None, "coordinator"),
        ("training:cpd", None, "tactical_lead"),
        ("training:mine", None, "officer"),
    ],
)
def test_query_counts_stay_flat_at_two_data_sizes(
    client, request, world, home_force, url_name, key, who
):
    client.force_login(request.getfixturevalue(who))
    world["completion_session"] = world["completion"].session
    url = reverse(url_name, args=[world[key].pk]) if key else reverse(url_name)
    grow(world, home_force, 2)
    few = count_queries(client, url)
    grow(world, home_force, 12)
    assert count_queries(client, url) == few


def test_the_compliance_page_counts_in_a_fixed_number_of_queries(
    client, trainer, world, home_force
):
    client.force_login(trainer)
    url = reverse("training:compliance")
    grow(world, home_force, 1)
    few = count_queries(client, url)
    grow(world, home_force, 25)
    many = count_queries(client, url)
    assert many == few
    assert many <= 12
    assert Enrolment.objects.count() > 75


def test_training_records_are_registered_with_the_doors():
    from foundation.audit.access import sensitive_models

    assert {
        "training.trainee",
        "training.team",
        "training.session",
        "training.enrolment",
        "training.importreport",
        "training.championprofile",
        "training.cpdactivity",
    } <= set(sensitive_models())


def test_a_roster_record_under_ones_email_is_ones_own_before_it_is_linked(client, officer, world):
    """Someone added to a roster before they had an account sees it under their e-mail."""
    course = world["course"]
    record = TraineeFactory(name="Unlinked Self", email=officer.email.upper().lower(), team=None)
    Trainee.objects.filter(user=officer).update(user=None, email="other@example.test")
    done = completion(record, course, on=timezone.localdate() - timedelta(days=3))
    client.force_login(officer)
    body = client.get(reverse("training:mine")).content.decode()
    assert reverse("training:certificate", args=[done.pk]) in body
    assert client.get(reverse("training:certificate", args=[done.pk])).status_code == 200
    assert client.get(reverse("training:trainee_detail", args=[record.pk])).status_code == 200
