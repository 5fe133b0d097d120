"""Forms of the legal workflow. They validate input (dates within the hub's ranges,
foundation/lib/dates.py); services decide the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from cases.models import Case, CaseParty, PartyRole, Person
from foundation.accounts.models import Role, User
from foundation.lib.dates import latest_scheduled_date, past_date_field, scheduled_date_field
from legal.models import (
    ForceBasis,
    Hearing,
    LegalEvent,
    Notification,
    OrderFile,
    OrderKind,
    OrderTerm,
    PoliceResponse,
    ProtectiveOrder,
)
from legal.services.orders import MANUAL_EVENTS

_TEXTAREA = {"rows": 4}


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.name


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.name


class SolicitorField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name


def _solicitors() -> Any:
    return User.objects.filter(is_active=True, roles__contains=[Role.SOLICITOR]).order_by(
        "full_name", "pk"
    )


def _case_people(case: Case, role: str | None = None) -> Any:
    parties = CaseParty.objects.filter(case=case)
    if role is not None:
        parties = parties.filter(role=role)
    return Person.objects.filter(pk__in=parties.values("person_id")).order_by("name", "pk")


class _FileFields(forms.Form):
    applying_force = forms.CharField(
        label="Applying chief officer's force",
        max_length=100,
        help_text="SPA 2019 s.1: the force whose chief officer applies.",
    )
    force_basis = forms.ChoiceField(label="Basis (s.1)", choices=ForceBasis.choices)
    other_force_liaison = forms.CharField(
        label="Liaison with the applying force",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="When another force applies: which force, who liaises and how.",
    )
    solicitor = SolicitorField(
        label="Solicitor in charge", queryset=User.objects.none(), required=False
    )
    protected_persons = PeopleField(
        label="Protected persons",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Everyone the order is to protect, not only the original victim.",
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["solicitor"].queryset = _solicitors()  # type: ignore[attr-defined]
        self.fields["protected_persons"].queryset = _case_people(case).exclude(  # type: ignore[attr-defined]
            pk__in=CaseParty.objects.filter(case=case, role=PartyRole.SUSPECT).values("person_id")
        )


class FileOpenForm(_FileFields):
    respondent = PersonChoiceField(label="Respondent (the suspect)", queryset=Person.objects.none())
    kind = forms.ChoiceField(label="Type of order", choices=OrderKind.choices)
    field_order = ["respondent", "kind"]

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        self.fields["respondent"].queryset = _case_people(case, PartyRole.SUSPECT)  # type: ignore[attr-defined]


class FileEditForm(_FileFields):
    privileged_notes = forms.CharField(
        label="Legal advice notes (privileged)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Seen only by users with the solicitor role.",
    )
    soa_notification_from = past_date_field(
        label="Subject to SOA 2003 Part 2 notification from", required=False
    )
    soa_notification_to = scheduled_date_field(
        label="…until (leave empty while it lasts)", required=False
    )
    pnc_entered_on = past_date_field(label="Order put on the PNC on", required=False)


class PackForm(forms.Form):
    pack_summary = forms.CharField(
        label="Case summary for the court",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Written for the application pack, which can reach the respondent: no "
        "address, phone number or e-mail of anyone.",
    )
    pack_acts = forms.CharField(
        label="Acts associated with stalking",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One act a line, in your words (never pasted from a log's narrative).",
    )
    pack_proposed_terms = forms.CharField(
        label="Proposed prohibitions and requirements",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One term a line.",
    )


class TransitionForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput)
    on = past_date_field(label="Date")
    reasons = forms.CharField(
        label="Reasons",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when deciding not to apply.",
    )


class OrderForm(forms.Form):
    kind = forms.ChoiceField(label="Type of order made", choices=ProtectiveOrder.Kind.choices)
    made_on = past_date_field(label="Made on")
    court = forms.CharField(label="Court", max_length=200, required=False)
    until_further_order = forms.BooleanField(
        label="Until further order (a full SPO only, s.3)", required=False
    )
    fixed_end_on = scheduled_date_field(
        label="Last day of the order",
        required=False,
        help_text="A full SPO: at least two years beginning with the day it is made (s.3). "
        "An interim SPO: the period the court set (s.5).",
    )
    prohibitions = forms.CharField(
        label="Prohibitions",
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
        help_text="One a line.",
    )
    requirements = forms.CharField(
        label="Requirements",
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
        help_text="One a line.",
    )

    def __init__(self, *args: Any, file: OrderFile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if file.is_spo:
            choices = [c for c in ProtectiveOrder.Kind.choices if c[0] != "other"]
            if file.kind == OrderKind.INTERIM_SPO:
                choices = [c for c in choices if c[0] == "interim"]
        else:
            choices = [c for c in ProtectiveOrder.Kind.choices if c[0] == "other"]
        self.fields["kind"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        until = cleaned.get("until_further_order")
        end = cleaned.get("fixed_end_on")
        if until and end:
            self.add_error("fixed_end_on", "Either a last day or until further order, not both.")
        if not until and not end:
            self.add_error("fixed_end_on", "Give the last day, or tick until further order.")
        if until and cleaned.get("kind") != ProtectiveOrder.Kind.FULL:
            self.add_error("until_further_order", "Only a full SPO lasts until further order.")
        return cleaned


class TermForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=OrderTerm.Kind.choices)
    wording = forms.CharField(label="Wording", widget=forms.Textarea(attrs=_TEXTAREA))
    area = forms.CharField(label="Area (optional)", max_length=200, required=False)
    ends_on = scheduled_date_field(label="Ends on (optional)", required=False)


class ServiceForm(forms.Form):
    served_on = past_date_field(label="Served on")


class NotificationChangeForm(forms.Form):
    trigger = forms.ChoiceField(
        label="What changed",
        choices=[c for c in Notification.Trigger.choices if c[0] != Notification.Trigger.SERVICE],
    )
    starts_on = past_date_field(label="First used or changed on")


class NotifiedForm(forms.Form):
    notified_on = past_date_field(label="The respondent notified the police on")


class HearingForm(forms.Form):
    court = forms.CharField(label="Court", max_length=200)
    starts_at = forms.DateTimeField(
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    kind = forms.ChoiceField(label="Type", choices=Hearing.Kind.choices)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs=_TEXTAREA))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An upcoming hearing: from today to five years ahead (foundation/lib/dates.py).
        today = timezone.localdate()
        self.fields["starts_at"].widget.attrs.update(
            min=f"{today.isoformat()}T00:00",
            max=f"{latest_scheduled_date(today).isoformat()}T23:59",
        )


class HearingOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=Hearing.Outcome.choices, required=False)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs=_TEXTAREA))


class BreachForm(forms.Form):
    occurred_on = past_date_field(label="Date of the breach")
    log_source = forms.CharField(label="Crime log source", max_length=32)
    log_reference = forms.CharField(
        label="Crime log reference",
        max_length=64,
        help_text="A reference not yet imported is kept and linked when the log arrives.",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs=_TEXTAREA))


class BreachResponseForm(forms.Form):
    response = forms.ChoiceField(label="Police response", choices=PoliceResponse.choices)
    sentence = forms.CharField(label="Sentence", max_length=200, required=False)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs=_TEXTAREA))


class EventForm(forms.Form):
    kind = forms.ChoiceField(
        label="What happened",
        choices=[c for c in LegalEvent.Kind.choices if c[0] in MANUAL_EVENTS],
    )
    on = past_date_field(label="Date")
    summary = forms.CharField(label="Summary", max_length=300)
    new_end_on = scheduled_date_field(
        label="The order's new last day (a renewal or a variation of its term)", required=False
    )
    victim_told_on = past_date_field(label="The victim was told on", required=False)


class VictimToldForm(forms.Form):
    told_on = past_date_field(label="The victim was told on")
