"""Areas are edited here (the list teams and champions choose from). Courses, sessions and
teams are listed for reference; people, bookings, CPD and imports are listed without names
and cannot be opened: trainers work on the training pages, where every read is recorded."""

from django.contrib import admin

from foundation.lib.admin import ListOnlyAdmin
from training.models import (
    Area,
    ChampionProfile,
    Course,
    CpdActivity,
    Enrolment,
    ImportReport,
    Session,
    Team,
    Trainee,
)


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


@admin.register(Course)
class CourseAdmin(ListOnlyAdmin):
    list_display = ["id", "title", "validity_months", "cpd_hours", "is_active"]
    list_filter = ["is_active"]


@admin.register(Session)
class SessionAdmin(ListOnlyAdmin):
    list_display = ["id", "course", "starts_at", "capacity", "status"]
    list_filter = ["status", "course"]
    list_select_related = ["course"]
    date_hierarchy = "starts_at"


@admin.register(Team)
class TeamAdmin(ListOnlyAdmin):
    list_display = ["id", "name", "organisation", "area", "is_active"]
    list_filter = ["is_active", "area"]
    list_select_related = ["organisation", "area"]


@admin.register(Trainee)
class TraineeAdmin(ListOnlyAdmin):
    list_display = ["id", "team_id", "organisation_id", "source", "is_active", "created_at"]
    list_filter = ["source", "is_active"]


@admin.register(Enrolment)
class EnrolmentAdmin(ListOnlyAdmin):
    list_display = ["id", "session_id", "trainee_id", "status", "status_changed_at"]
    list_filter = ["status"]


@admin.register(ChampionProfile)
class ChampionProfileAdmin(ListOnlyAdmin):
    list_display = ["id", "user_id", "area", "appointed_on", "is_active"]
    list_filter = ["is_active", "area"]
    list_select_related = ["area"]


@admin.register(CpdActivity)
class CpdActivityAdmin(ListOnlyAdmin):
    list_display = ["id", "user_id", "done_on", "hours"]


@admin.register(ImportReport)
class ImportReportAdmin(ListOnlyAdmin):
    list_display = ["id", "kind", "session_id", "team_id", "at"]
    list_filter = ["kind"]
