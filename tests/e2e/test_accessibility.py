"""Accessibility (WCAG 2.1 AA): axe-core, injected into every kind of page as the role that
sees it, finds no serious or critical violation; each page has its own title; a skip link
is the first thing the keyboard reaches and moves to the main content; focus is visible;
the login form works with the keyboard alone; the dashboard at a phone's width too."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from awards.models import Nomination
from cluster.demo import ADMIN_PASSWORD, ADMIN_USERNAME, DEMO_PASSWORD
from reports.enums import DocumentKind, ReportStatus
from reports.models import Report
from scoring.enums import ScorecardStatus
from scoring.models import Criterion, Scorecard

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SKIP_LINK = "Bỏ qua, đến nội dung chính"

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                  targets: v.nodes.slice(0, 8).map((n) =>
                    n.target.join(" ") + (n.any[0] ? " (" + n.any[0].message + ")" : ""))}));
}"""


@pytest.fixture
def page(browser, live_server):
    """The journeys' page, allowed to run axe: the app's CSP refuses injected scripts."""
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


class Audit:
    """Visits pages in one browser context, runs axe on each and collects what fails."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        self.titles = {}

    def visit(self, url, *, status=200):
        if not AXE.exists():
            pytest.fail(f"{AXE} is missing: `scripts/install.sh test` installs the npm development packages.")
        response = self.page.goto(url)
        if response is None or response.status != status:
            self.problems.append(f"{url}: HTTP {response and response.status}, expected {status}")
            return
        self.check()

    def check(self, label=None):
        page = self.page
        label = label or page.url.removeprefix(self._base())
        page.add_script_tag(path=str(AXE))
        for violation in page.evaluate(RUN_AXE, WCAG_AA):
            self.problems.append(
                f"{label}: {violation['id']} ({violation['impact']}: {violation['help']}) on {violation['targets']}"
            )
        title = page.title()
        if title in self.titles and self.titles[title] != label:
            self.problems.append(f"{label}: the title {title!r} is also the title of {self.titles[title]}")
        self.titles.setdefault(title, label)
        if page.locator("main#main").count() != 1:
            self.problems.append(f"{label}: no <main id='main'>")

    def _base(self):
        return re.match(r"https?://[^/]+", self.page.url).group(0)

    def assert_clean(self):
        assert not self.problems, "Accessibility problems:\n" + "\n".join(self.problems)


def url(name, **kwargs):
    return reverse(name, kwargs=kwargs)


def optional_url(name, **kwargs):
    """A page another part of the work may not have added yet."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def year_urls(cluster, year, *names):
    return [u for name in names if (u := optional_url(name, cluster_id=cluster.pk, year=year))]


def assert_skip_link_first_and_focus_visible(page, screenshot):
    """On a page freshly loaded, Tab reaches the skip link first, visibly; Enter moves to <main>."""
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text(SKIP_LINK)
    expect(focused).to_have_attribute("href", "#main")
    expect(focused).to_be_in_viewport()
    screenshot("a11y-skip-link")
    style = focused.evaluate("e => [getComputedStyle(e).outlineStyle, parseFloat(getComputedStyle(e).outlineWidth)]")
    assert style[0] != "none" and style[1] >= 2, f"no visible focus outline on the skip link: {style}"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab goes on from the main content, not back to the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')"), "Tab after the skip link left <main>"
    style = page.locator(":focus").evaluate("e => getComputedStyle(e).outlineStyle")
    assert style != "none", "the first control of the main content shows no focus"


def test_login_page_and_signing_in_with_the_keyboard_only(page, demo):
    audit = Audit(page)
    if reset := optional_url("accounts:password_reset"):
        audit.visit(reset)
    audit.visit("/login/")
    page.get_by_label("Tên đăng nhập").fill("backan")
    page.get_by_label("Mật khẩu").fill("wrong")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator(".alert-danger, .invalid-feedback, .errorlist").first).to_be_visible()
    audit.check()  # the refused sign-in

    # Keyboard only: tab to the username, type, tab to the password, type, Enter signs in.
    page.goto("/login/")
    for _ in range(6):  # the username may have the focus already (autofocus)
        if page.evaluate("document.activeElement.name") == "username":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "username", "the keyboard never reaches the username"
    page.keyboard.type("backan")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(DEMO_PASSWORD)
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    expect(page.locator(":focus")).to_have_text("Đăng nhập")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("Bắc Kạn")
    audit.assert_clean()


def test_a_province_users_pages(page, login, full_demo, screenshot):
    cluster = full_demo
    card = Scorecard.objects.get(emulation_year__cluster=cluster, emulation_year__year=2015, province__code="06")
    login("backan", DEMO_PASSWORD)
    audit = Audit(page)
    for address in [
        *year_urls(cluster, 2015, "cluster:dashboard", "scoring:scorecards", "scoring:criteria"),
        *year_urls(cluster, 2015, "covenants:covenant", "cluster:people", "cluster:rule_set"),
        *year_urls(cluster, 2014, "scoring:scoreboard", "reports:documents", "cluster:calendar"),
        url("scoring:scorecard", pk=card.pk),
        url("scoring:scorecard_history", pk=card.pk),
        url("cluster:history", cluster_id=cluster.pk),
        url("provinces:list"),
        url("provinces:detail", code="06"),
        url("scoring:province_results", code="06"),
        url("scoring:scorecard_import", pk=card.pk),
        *[
            u
            for name in ("accounts:password_change", "notifications:inbox", "notifications:preferences")
            if (u := optional_url(name))
        ],
        *[f"{u}?q=thai+nguyen" for u in [optional_url("search:results")] if u],
    ]:
        audit.visit(address)
    page.goto(url("cluster:dashboard", cluster_id=cluster.pk, year=2015))
    assert_skip_link_first_and_focus_visible(page, screenshot)

    page.set_viewport_size({"width": 390, "height": 844})
    audit.visit(url("cluster:dashboard", cluster_id=cluster.pk, year=2015))  # axe again, at a phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the dashboard scrolls sideways at 390 px"
    screenshot("a11y-dashboard-390")
    audit.assert_clean()


def test_the_chairs_pages(page, login, meeting_2015):
    year = meeting_2015.emulation_year
    cluster = year.cluster
    report = Report.objects.create(
        kind=DocumentKind.MINUTES,
        emulation_year=year,
        number=1,
        number_text="01/BB-CTĐ",
        status=ReportStatus.FAILED,
        error="test",
    )
    nomination = Nomination.objects.filter(emulation_year__cluster=cluster).first()
    login("bacgiang", DEMO_PASSWORD)
    audit = Audit(page)
    for address in [
        *year_urls(cluster, 2015, "awards:console", "awards:meeting_edit", "awards:attendance", "awards:committee"),
        *year_urls(cluster, 2015, "awards:nominations", "awards:next_term", "cluster:rule_set"),
        *year_urls(cluster, 2015, "scoring:scoreboard", "reports:documents", "cluster:calendar"),
        url("awards:ballot", cluster_id=cluster.pk, year=2015, award="flag"),
        url("reports:report", pk=report.pk),
        url("reports:texts", cluster_id=cluster.pk, year=2015, kind="minutes"),
        url("dossiers:dossier", pk=nomination.pk),
    ]:
        audit.visit(address)
    audit.visit(url("cluster:term", cluster_id=cluster.pk, year=2015), status=403)  # admins only
    audit.assert_clean()


def test_the_chairs_scoring_pages(page, login, full_demo):
    cluster = full_demo
    year = cluster.years.get(year=2015)
    card = Scorecard.objects.get(emulation_year=year, province__code="06")
    Scorecard.objects.filter(pk=card.pk).update(status=ScorecardStatus.SUBMITTED)  # Bắc Kạn's draft, sent in
    criterion = Criterion.objects.filter(section__emulation_year=year).first()
    login("bacgiang", DEMO_PASSWORD)
    audit = Audit(page)
    for address in [
        url("scoring:cross_check", pk=card.pk),
        url("scoring:criterion_edit", cluster_id=cluster.pk, year=2015, pk=criterion.pk),
        url("scoring:section_new", cluster_id=cluster.pk, year=2015),
    ]:
        audit.visit(address)
    audit.assert_clean()


def test_the_admins_pages_and_the_404_page(page, login, demo, screenshot):
    cluster = demo
    login(ADMIN_USERNAME, ADMIN_PASSWORD)
    audit = Audit(page)
    for address in [
        *year_urls(cluster, 2015, "cluster:dashboard", "cluster:members", "cluster:term"),
        url("cluster:settings", cluster_id=cluster.pk),
        url("signatures:certificates", cluster_id=cluster.pk),
        *[u for name in ("accounts:staff", "accounts:staff_new") if (u := optional_url(name))],
    ]:
        audit.visit(address)
    screenshot("a11y-admin-navbar")
    # A refused form: its errors are announced next to labelled fields.
    audit.visit(url("cluster:rotation", cluster_id=cluster.pk))
    page.get_by_label("Cụm phó").select_option(label="Bắc Kạn")
    page.get_by_role("button", name="Mở năm 2016 và xác nhận nhiệm kỳ").click()
    expect(page.get_by_text("Cụm trưởng và Cụm phó phải là hai tỉnh khác nhau.")).to_be_visible()
    audit.check()
    audit.visit("/no-such-page/", status=404)
    audit.assert_clean()


def test_the_decision_and_signatory_forms(page, login, full_demo):
    """The two forms the other roles' tests cannot reach at their demo levels: the government's
    decision on a 2014 nomination (an admin) and a member's own row of the 2016 covenant."""
    from tests.covenants.test_services import draft_covenant_2016

    cluster = full_demo
    covenant = draft_covenant_2016(cluster)
    row = covenant.signatories.get(province__code="15")  # Yên Bái's own row
    nomination = Nomination.objects.get(
        emulation_year__cluster=cluster, emulation_year__year=2014, award_type__code="flag"
    )
    audit = Audit(page)
    login(ADMIN_USERNAME, ADMIN_PASSWORD)
    audit.visit(url("awards:decision", pk=nomination.pk))
    page.context.clear_cookies()
    login("yenbai", DEMO_PASSWORD)
    audit.visit(url("covenants:signatory_edit", pk=row.pk))
    audit.assert_clean()
