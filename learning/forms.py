"""Forms of organisational learning."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from foundation.lib.figures import add_months
from learning.gaps import default_months
from learning.models import Audience, LearningPoint, Theme
from training.models import Area, Course, Session, Team

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
EARLIEST = date(2000, 1, 1)


def _month(value: str) -> date:
    match = MONTH.match(value.strip())
    if not match:
        raise forms.ValidationError("Give a month as YYYY-MM, e.g. 2026-03.")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise forms.ValidationError("Give a month as YYYY-MM, e.g. 2026-03.")
    chosen = date(year, month, 1)
    if not EARLIEST <= chosen <= add_months(timezone.localdate().replace(day=1), 12):
        raise forms.ValidationError("Choose a month from 2000 to a year from now.")
    return chosen


class MonthRangeForm(forms.Form):
    """The report's months, first to last (Europe/London calendar months)."""

    start = forms.CharField(label="From month", required=False, max_length=7)
    end = forms.CharField(label="To month", required=False, max_length=7)

    def clean_start(self) -> date | None:
        value = self.cleaned_data["start"]
        return _month(value) if value else None

    def clean_end(self) -> date | None:
        value = self.cleaned_data["end"]
        return _month(value) if value else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = default_months()
        start, end = data.get("start") or first, data.get("end") or last
        if start > end:
            raise forms.ValidationError("The first month comes after the last.")
        if (end.year - start.year) * 12 + end.month - start.month >= 36:
            raise forms.ValidationError("Choose at most 36 months.")
        data["start"], data["end"] = start, end
        return data

    def months(self) -> tuple[date, date]:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return default_months()


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Session) -> str:
        when = timezone.localtime(obj.starts_at)
        return f"{obj.course.title}, {when:%d %b %Y %H:%M} ({obj.reference})"


class InviteTeamForm(forms.Form):
    session = SessionChoiceField(
        queryset=Session.objects.none(),
        label="Session",
        empty_label="Choose a session",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        assert isinstance(field, SessionChoiceField)
        field.queryset = (
            Session.objects.filter(status=Session.Status.SCHEDULED, starts_at__gt=timezone.now())
            .select_related("course")
            .order_by("starts_at", "id")
        )


class RequireCourseForm(forms.Form):
    course = forms.ModelChoiceField(
        queryset=Course.objects.filter(is_active=True).order_by("title"),
        label="Course",
        empty_label="Choose a course",
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class PointForm(forms.Form):
    theme = forms.ChoiceField(choices=(), widget=forms.Select(attrs={"class": "form-select"}))
    text = forms.CharField(
        label="The learning point",
        help_text="Written to be shared across the force: no names, dates of birth, addresses "
        "or references.",
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
        max_length=2000,
    )

    def __init__(self, *args: Any, themes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["theme"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a theme"), *themes]


def _point_label(point: LearningPoint) -> str:
    return f"#{point.pk} {point.get_theme_display()}: {point.text[:60]}"


class TriageForm(forms.Form):
    ACTIONS = [("accept", "Accept"), ("merge", "Merge into another"), ("dismiss", "Dismiss")]
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.RadioSelect)
    text = forms.CharField(
        required=False,
        label="Text (when accepting; edit it if it needs it)",
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        max_length=2000,
    )
    into = forms.ModelChoiceField(
        queryset=LearningPoint.objects.none(),
        required=False,
        label="Merge into",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason = forms.CharField(
        required=False,
        label="Why dismissed",
        widget=forms.TextInput(attrs={"class": "form-control"}),
        max_length=500,
    )

    def __init__(self, *args: Any, point: LearningPoint, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["into"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = LearningPoint.objects.filter(state=LearningPoint.State.ACCEPTED).exclude(
            pk=point.pk
        )
        field.label_from_instance = _point_label  # type: ignore[method-assign,assignment]
        if not self.is_bound:
            self.initial["text"] = point.text


class PointFilterForm(forms.Form):
    state = forms.ChoiceField(
        required=False,
        choices=[("", "Any state"), *LearningPoint.State.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    theme = forms.ChoiceField(
        required=False,
        choices=[("", "Any theme"), *Theme.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class BulletinForm(forms.Form):
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))
    body = forms.CharField(
        label="Text",
        help_text="Plain text. A blank line starts a paragraph; a line starting with '- ' is a "
        "bullet point; '## ' starts a heading; **bold**. Anything else, markup included, shows "
        "as typed.",
        widget=forms.Textarea(attrs={"rows": 10, "class": "form-control"}),
        max_length=20000,
    )
    points = forms.ModelMultipleChoiceField(
        queryset=LearningPoint.objects.none(),
        label="Accepted learning points",
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.ChoiceField(
        choices=Audience.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(is_active=True).order_by("name"),
        required=False,
        label="Team (for a team audience)",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    area = forms.ModelChoiceField(
        queryset=Area.objects.filter(is_active=True).order_by("name"),
        required=False,
        label="Area (for the officers of an area)",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, points: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["points"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = points
        field.label_from_instance = _point_label  # type: ignore[method-assign,assignment]


class ArchiveForm(forms.Form):
    theme = forms.ChoiceField(
        required=False,
        choices=[("", "Any theme"), *Theme.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Words",
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )
