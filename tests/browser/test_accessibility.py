"""Every page of the menu, for every demo role, and each record page of docs/access.md, at a
phone's width (390 px): axe-core finds no serious or critical violation, and nothing is wider
than the screen.

axe-core is the npm package (package.json, installed by `npm ci` in `make test`), injected
from its own file with Playwright's init script: no CDN, and the Content-Security-Policy users
get is left as it is (an init script is the browser's own, not the page's).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page

from cases.models import Case, CrimeLog, LogReview
from foundation.outbox.tasks import run_outbox_message
from referrals.models import AdviceRequest, Guidance, Referral, SafetyPlan
from risk.models import RiskAssessment
from stalking_hub.demo.accounts import DEMO_PASSWORD, DEMO_USERS, demo_email, seed_accounts
from stalking_hub.demo.cases import seed_cases
from stalking_hub.demo.referrals import seed_referrals
from stalking_hub.demo.risk import seed_risk_assessments
from stalking_hub.navigation import items_for
from tests.browser.checks import AXE, axe_violations, new_context, page_width
from tests.browser.conftest import sign_in
from tests.factories.cases import FeedImportFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390


# The outermost elements that stick out past the screen's edge (to say what to fix).
WIDEST = """
(limit) => [...document.querySelectorAll("body *")]
  .filter((el) => el.getBoundingClientRect().right > limit + 1
    && !(el.parentElement && el.parentElement.getBoundingClientRect().right > limit + 1))
  .slice(0, 3)
  .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`
    + ` ${Math.round(el.getBoundingClientRect().right)}px`)
"""


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    pages: int = 0

    seconds: dict[str, float] = field(default_factory=dict)

    def check(self, page: Page, who: str, url: str) -> None:
        """Open `url` (or check the page already open when url is empty) and record what is
        wrong with it."""
        started = time.monotonic()
        if url:
            response = page.goto(url)
            assert response is not None, (who, url)
            assert response.status == 200, (who, url, response.status)
        where = f"{who} {page.url.split('//', 1)[-1].split('/', 1)[-1]}"
        self.pages += 1
        for violation in axe_violations(page):
            self.problems.append(f"{where}: {violation}")
        width = page_width(page)
        if width > PHONE_WIDTH:
            culprits = page.evaluate(WIDEST, PHONE_WIDTH)
            self.problems.append(f"{where}: {width} px wide at {PHONE_WIDTH} px: {culprits}")
        self.seconds[where] = time.monotonic() - started


@pytest.fixture
def phone(browser: Browser):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does).")
    context = new_context(browser, PHONE_WIDTH, height=844)
    page = context.new_page()
    # Generous: the first visit to a page imports its modules; CI machines may be loaded.
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on(
        "console",
        # Django's own admin pages name no icon, so the browser asks for /favicon.ico.
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "favicon" not in (msg.location or {}).get("url", "")
            else None
        ),
    )
    yield page
    context.close()
    assert errors == [], errors


def _record_pages(base: str) -> dict[str, list[str]]:
    """Each demo login's record pages (docs/access.md), from the seeded data."""
    shared = Referral.objects.filter(
        state="active", agency__kind="isac_service", consent="given"
    ).first()
    assert shared is not None
    case = shared.case
    sent_isac = Referral.objects.filter(state="sent", agency__kind="isac_service").first()
    probation = Referral.objects.filter(state="active", agency__kind="probation").first()
    draft = Referral.objects.filter(state="draft").first()
    victim_side = RiskAssessment.objects.filter(instrument__side="victim").first()
    log = CrimeLog.objects.filter(case_links__isnull=False).first()
    plan = SafetyPlan.objects.filter(referral=shared).first()
    open_advice = AdviceRequest.objects.filter(answered_at__isnull=True).first()
    answered = AdviceRequest.objects.filter(answered_at__isnull=False).first()
    guidance = Guidance.objects.first()
    feedback = LogReview.objects.filter(
        log__officer__iexact=demo_email("officer"), outcome="possible"
    ).first()
    feed_import = FeedImportFactory(status="done")
    assert all(
        (sent_isac, probation, draft, victim_side, log, plan, open_advice, answered, guidance)
    )
    assert case is not None
    assert victim_side is not None
    assert log is not None

    def u(name: str, *args: object) -> str:
        return base + reverse(name, args=args)

    casework = [
        u("referrals:casework", shared.pk),
        u("referrals:safety_plan", shared.pk),
        u("referrals:safety_plan_version", shared.pk, plan.version),  # type: ignore[union-attr]
    ]
    case_pages = [
        u("cases:detail", case.pk),
        u("risk:history", case.pk),
        u("risk:detail", victim_side.case_id, victim_side.pk),
    ]
    return {
        "coordinator": [
            *case_pages,
            u("cases:edit", case.pk),
            u("cases:close", case.pk),
            u("cases:log_detail", log.pk),
            u("risk:choose", case.pk),
            u("risk:new", case.pk, "dash"),
            u("risk:new", case.pk, "srp"),
            u("referrals:detail", shared.pk),
            u("referrals:detail", draft.pk),  # type: ignore[union-attr]
            u("referrals:edit", draft.pk),  # type: ignore[union-attr]
            u("referrals:create"),
            u("referrals:close", sent_isac.pk),  # type: ignore[union-attr]
            *casework,
            u("referrals:advice_detail", open_advice.pk),  # type: ignore[union-attr]
            u("referrals:advice_answer", open_advice.pk),  # type: ignore[union-attr]
            u("referrals:guidance_from_request", answered.pk),  # type: ignore[union-attr]
            u("referrals:guidance_edit", guidance.pk),  # type: ignore[union-attr]
            u("referrals:guidance_create"),
            u("referrals:outcomes"),
            u("feed:upload"),
            u("feed:detail", feed_import.pk),
            u("cases:list") + "?status=open",
        ],
        "solicitor": case_pages,
        "isac": [
            *case_pages,
            u("risk:choose", case.pk),
            u("risk:new", case.pk, "sdash"),
            u("referrals:detail", sent_isac.pk),  # type: ignore[union-attr]
            u("referrals:accept", sent_isac.pk),  # type: ignore[union-attr]
            u("referrals:decline", sent_isac.pk),  # type: ignore[union-attr]
            u("referrals:allocate", shared.pk),
            *casework,
            u("referrals:contact_create", shared.pk),
            u("referrals:risk_create", shared.pk),
            u("referrals:safety_plan_create", shared.pk),
            u("referrals:need_create", shared.pk),
            u("referrals:milestone_create", shared.pk),
            u("referrals:intake_outcome", shared.pk),
            u("referrals:casework_close", shared.pk),
        ],
        "partner": [
            u("referrals:detail", probation.pk),  # type: ignore[union-attr]
            u("cases:detail", probation.case_id),  # type: ignore[union-attr]
            u("referrals:close", probation.pk),  # type: ignore[union-attr]
        ],
        "officer": [
            *([u("cases:my_log", feedback.log_id)] if feedback else []),
            u("referrals:advice_create"),
            u("referrals:advice_create") + "?category=risk",
        ],
        "enhanced": [u("referrals:advice_answer", open_advice.pk)],  # type: ignore[union-attr]
        "champion": [u("referrals:advice_detail", answered.pk)]
        if answered.requester.email == demo_email("champion")  # type: ignore[union-attr]
        else [],
        "admin": [u("admin:accounts_user_change", shared.referred_by_id)],
    }


def _contrast_with_white(css_colour: str) -> float:
    """WCAG contrast ratio of an "rgb(r, g, b)" colour against white."""
    channels = [
        int(part) / 255 for part in css_colour[css_colour.index("(") + 1 : -1].split(",")[:3]
    ]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def _check_control_edge(page: Page, findings: Findings, kind: str) -> None:
    """WCAG 2.2 1.4.11: a checkbox's or a radio button's edge is 3:1 against white."""
    colour = page.evaluate(
        "(s) => getComputedStyle(document.querySelector(s)).borderTopColor",
        f'input[type="{kind}"].form-check-input',
    )
    ratio = _contrast_with_white(colour)
    if ratio < 3:
        findings.problems.append(f"{kind} edge {colour} is {ratio:.1f}:1 against white")


def _search(page: Page, label: str, text: str) -> None:
    page.get_by_role("search", name=label).get_by_label("Reference or name").fill(text)
    page.get_by_role("search", name=label).get_by_role("button", name="Search").click()


def test_every_page_is_accessible_and_fits_a_phone(live_server, phone, monkeypatch):
    monkeypatch.setattr(run_outbox_message, "apply_async", lambda *args, **kwargs: None)
    seed_accounts()
    seed_cases()
    seed_referrals()
    seed_risk_assessments()
    base = live_server.url
    records = _record_pages(base)
    findings = Findings()
    extra: dict[str, Callable[[Page], None]] = {
        "coordinator": lambda page: (
            page.goto(base + reverse("cases:queue")),
            _check_control_edge(page, findings, "checkbox"),
            _search(page, "Search crime logs", "NS"),
            findings.check(page, "coordinator", ""),
            page.goto(base + reverse("cases:list")),
            _search(page, "Search cases", Case.objects.first().reference),  # type: ignore[union-attr]
            findings.check(page, "coordinator", ""),
            page.goto(base + reverse("risk:new", args=[Case.objects.first().pk, "dash"])),  # type: ignore[union-attr]
            _check_control_edge(page, findings, "radio"),
        ),
    }
    for spec in DEMO_USERS:
        user_pages = [base + reverse("home"), base + reverse("accounts:account")]
        from foundation.accounts.models import User

        user = User.objects.get(email=demo_email(spec.local_part))
        user_pages += [base + item.url for item in items_for(user)]
        user_pages += records.get(spec.local_part, [])
        phone.context.clear_cookies()
        sign_in(phone, base, demo_email(spec.local_part), DEMO_PASSWORD)
        for url in user_pages:
            findings.check(phone, spec.local_part, url)
        if spec.local_part in extra:
            extra[spec.local_part](phone)
    # Signed out: the sign-in page and a page that is not found.
    phone.context.clear_cookies()
    findings.check(phone, "anonymous", base + reverse("accounts:login"))
    slowest = sorted(findings.seconds.items(), key=lambda item: -item[1])[:5]
    print(f"{findings.pages} pages, {sum(findings.seconds.values()):.1f} s; slowest {slowest}")
    assert findings.pages > 80
    assert findings.problems == [], "\n".join(findings.problems)
