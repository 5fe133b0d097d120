from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from foundation.accounts import services
from foundation.accounts.models import Agency, RoleCover, User


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "agency", "roles", "is_active"]
    list_filter = ["is_active", "agency", "is_enhanced_champion", "is_srp_assessor", "is_manager"]
    search_fields = ["email", "full_name"]
    actions = ["reset_mfa", "deactivate"]
    readonly_fields = ["last_login", "date_joined", "deactivated_at"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "agency", "collar_number")}),
        (
            "Roles and qualifications",
            {"fields": ("roles", "is_enhanced_champion", "is_srp_assessor", "is_manager")},
        ),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser", "deactivated_at")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "agency", "roles", "password1", "password2"),
            },
        ),
    )

    @admin.action(description="Reset MFA (the user enrols again at next sign-in)")
    def reset_mfa(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.reset_mfa(user=user, by=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"MFA reset for {queryset.count()} user(s).", messages.SUCCESS)

    @admin.action(description="Deactivate (leaver): end all their sessions now")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        ended = 0
        for user in queryset:
            ended += services.deactivate_user(user=user, by=request.user)  # type: ignore[arg-type]
        self.message_user(
            request,
            f"Deactivated {queryset.count()} user(s); ended {ended} session(s).",
            messages.SUCCESS,
        )


@admin.register(RoleCover)
class RoleCoverAdmin(admin.ModelAdmin):
    """Covers are listed here; they are made and ended on the cover page (the rules and the
    audit live in foundation/accounts/cover.py), never edited in the admin."""

    list_display = ["id", "role", "starts_at", "ends_at", "ended_early_at", "approved_at"]
    list_filter = ["role"]
    date_hierarchy = "starts_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: RoleCover | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: RoleCover | None = None) -> bool:
        return False
