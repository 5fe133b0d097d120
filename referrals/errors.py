"""Domain errors of the referrals app. Messages are shown to users: never personal data."""


class ReferralError(Exception):
    """A write breaks a rule of referrals, casework or advice requests."""


class IllegalTransition(ReferralError):
    """The referral cannot move from its current state to the one asked for."""


class ConsentRequired(ReferralError):
    """Sharing without the victim's consent needs a recorded lawful reason and an authoriser."""


class NotAllowed(ReferralError):
    """The acting user may not do this (views show 404 before a service ever says so)."""
