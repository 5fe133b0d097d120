from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from foundation.accounts import services
from foundation.accounts.models import Agency, GroupRoleMapping, Role, RoleCover, User
from foundation.accounts.oidc import configured_providers
from foundation.accounts.selectors import dormant_users

# For SSO accounts these come only from the group mapping, at every sign-in.
MAPPED_FIELDS = (
    "roles",
    "is_enhanced_champion",
    "is_srp_assessor",
    "is_manager",
    "agency",
    "is_staff",
    "is_superuser",
    "email",
    "full_name",
)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]


class LastSeenFilter(admin.SimpleListFilter):
    """Accounts to review: active, and not signed in for 90 days (or never, if that old)."""

    title = "last seen"
    parameter_name = "seen"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("dormant", "Not seen for 90 days (review)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        if self.value() == "dormant":
            return queryset.filter(pk__in=dormant_users(now=timezone.now()).values("pk"))
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "full_name",
        "agency",
        "role_names",
        "sign_in",
        "last_login",
        "is_active",
    ]
    list_filter = [
        LastSeenFilter,
        "is_active",
        "agency",
        "sso_provider",
        "is_enhanced_champion",
        "is_srp_assessor",
        "is_manager",
    ]
    search_fields = ["email", "full_name"]
    actions = ["reset_mfa", "deactivate"]
    readonly_fields = ["last_login", "date_joined", "deactivated_at", "sso_provider", "sso_subject"]
    change_list_template = "admin/accounts/user/change_list.html"
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "agency", "collar_number")}),
        (
            "Roles and qualifications",
            {
                "fields": ("roles", "is_enhanced_champion", "is_srp_assessor", "is_manager"),
                "description": "For an account that signs in through its organisation (single "
                "sign-on), these come from the group mapping at every sign-in and cannot be "
                "edited here: change the mapping, or the person's groups in the directory.",
            },
        ),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser", "deactivated_at")}),
        ("Single sign-on", {"fields": ("sso_provider", "sso_subject")}),
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

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "roles":
            # A checkbox per role, by its display name; the internal codes are what is stored.
            return forms.TypedMultipleChoiceField(
                label="Roles",
                choices=Role.choices,
                coerce=str,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text="A user may hold several roles (docs/access.md).",
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="Roles")
    def role_names(self, user: User) -> str:
        labels = dict(Role.choices)
        return ", ".join(str(labels.get(role, role)) for role in user.roles)

    @admin.display(description="signs in with")
    def sign_in(self, obj: User) -> str:
        return obj.sso_provider or "password"

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_sso:
            fields += [field for field in MAPPED_FIELDS if field not in fields]
        return fields

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


class GroupRoleMappingForm(forms.ModelForm):
    class Meta:
        model = GroupRoleMapping
        fields = [
            "provider",
            "group",
            "description",
            "roles",
            "grants_enhanced_champion",
            "grants_srp_assessor",
            "grants_manager",
        ]
        widgets = {"roles": forms.CheckboxSelectMultiple(choices=Role.choices)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keys = sorted(configured_providers())
        current = self.instance.provider if self.instance.pk else ""
        choices = [(key, key) for key in keys]
        if current and current not in keys:
            choices.append((current, f"{current} (not configured)"))
        self.fields["provider"].widget = forms.Select(choices=[("", "---------"), *choices])
        self.fields["roles"] = forms.MultipleChoiceField(
            choices=Role.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=self.instance.roles if self.instance.pk else [],
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        qualifications = (
            cleaned.get("grants_enhanced_champion")
            or cleaned.get("grants_srp_assessor")
            or cleaned.get("grants_manager")
        )
        if not cleaned.get("roles") and not qualifications:
            raise forms.ValidationError("Give the group at least one role or qualification.")
        return cleaned


@admin.register(GroupRoleMapping)
class GroupRoleMappingAdmin(admin.ModelAdmin):
    form = GroupRoleMappingForm
    list_display = ["provider", "group", "description", "roles", "qualifications"]
    list_filter = ["provider"]
    search_fields = ["group", "description"]

    @admin.display(description="qualifications")
    def qualifications(self, obj: GroupRoleMapping) -> str:
        names = [
            label
            for flag, label in (
                (obj.grants_enhanced_champion, "enhanced champion"),
                (obj.grants_srp_assessor, "SRP assessor"),
                (obj.grants_manager, "manager"),
            )
            if flag
        ]
        return ", ".join(names) or "—"


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
