"""The scorecard's history tab: who changed what, when, old → new, and why."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cluster.models import EmulationYear
from scoring import selectors, services
from scoring.demo import PDF_BYTES
from scoring.enums import CriterionKind
from scoring.history import scorecard_history
from scoring.models import Criterion, Scorecard

DATE_TIME = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$")
REASON = "Tiêu chí A2 cần bổ sung số liệu quyết toán."


def card(cluster, year, code):
    return Scorecard.objects.get(emulation_year__cluster=cluster, emulation_year__year=year, province__code=code)


def history_rows(response):
    """The history table as rows of five cell texts (time, who, what, old → new, reason)."""
    assert response.status_code == 200
    page = response.content.decode()
    table = re.search(r'<table[^>]*data-testid="history".*?</table>', page, re.S)
    if table is None:
        return []
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", table.group(0).split("<tbody>")[1], re.S):
        cells = [
            re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", td))).strip()
            for td in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
        ]
        rows.append(cells)
    return rows


def rows_for(rows, what):
    return [row for row in rows if row[2] == what]


def get_history(client, user, scorecard):
    client.force_login(user)
    return client.get(reverse("scoring:scorecard_history", args=[scorecard.pk]))


def complete_entries(scorecard, changes):
    """Self-scores for every leaf (the draft's values, `changes` applied) and evidence files."""
    leaves = selectors.criteria_table(scorecard.emulation_year).leaves
    current = dict(selectors.scores_by_criterion(scorecard).items())
    entries, files = {}, {}
    for c in leaves:
        if c.code in changes:
            typed = changes[c.code]
        elif c.pk in current and current[c.pk].self_score is not None:
            typed = str(current[c.pk].self_score).replace(".", ",")
        else:
            typed = "0" if c.kind == CriterionKind.DEDUCTION else "1"
        entries[c.pk] = (typed, "")
        if c.evidence_required:
            files[c.pk] = [SimpleUploadedFile(f"minh-{c.code}.pdf", PDF_BYTES, content_type="application/pdf")]
    return entries, files


def test_self_score_submit_and_return_appear_with_who_and_why(scoring_demo, client, demo_user):
    backan, bacgiang = demo_user("backan"), demo_user("bacgiang")
    scorecard = card(scoring_demo, 2015, "06")
    entries, files = complete_entries(scorecard, {"A2": "9,25"})
    services.scorecard_save_self(
        scorecard=scorecard, user=backan, version=scorecard.version, entries=entries, files=files
    )

    client.force_login(backan)
    client.post(reverse("scoring:scorecard_submit", args=[scorecard.pk]), {"confirmed": "1"})
    client.force_login(bacgiang)
    client.post(reverse("scoring:scorecard_return", args=[scorecard.pk]), {"reason": REASON})

    rows = history_rows(get_history(client, backan, scorecard))

    assert all(DATE_TIME.match(row[0]) for row in rows)
    a2 = rows_for(rows, "A2 – Điểm tự chấm")
    assert a2[0][3:] == ["8,5 → 9,25", "Lưu điểm tự chấm"]
    # The creation of the draft's A2 score, older, comes after the change.
    assert a2[1][3] == "— → 8,5"
    status = rows_for(rows, "Trạng thái")
    assert status[0][1:] == [
        "Cán bộ thi đua Bắc Giang",
        "Trạng thái",
        "Đã nộp → Trả lại để sửa",
        REASON,
    ]
    assert status[1][1:4] == ["Cán bộ thi đua Bắc Kạn", "Trạng thái", "Bản nháp → Đã nộp"]
    assert status[-1][3] == "— → Bản nháp"
    assert rows_for(rows, "Lý do trả lại")[0][3] == "— → " + REASON
    # Newest first.
    assert rows[0][2] in ("Trạng thái", "Lý do trả lại")
    assert rows.index(status[0]) < rows.index(status[1]) < rows.index(a2[0])


def test_agreed_change_of_bac_giang_2014_shows_with_its_reason(scoring_demo, client, demo_user):
    rows = history_rows(get_history(client, demo_user("backan"), card(scoring_demo, 2014, "24")))

    agreed = rows_for(rows, "B4 – Điểm thống nhất")
    assert len(agreed) == 1
    assert agreed[0][3] == "— → 8"
    assert agreed[0][4].startswith("Tỷ lệ khen thưởng người lao động trực tiếp báo cáo 54%")
    assert rows_for(rows, "B4 – Lý do điều chỉnh điểm")[0][3] == (
        "— → Tỷ lệ khen thưởng người lao động trực tiếp báo cáo 54%, minh chứng chỉ xác nhận 48%."
    )
    assert rows_for(rows, "B4 – Điểm tự chấm")[0][3] == "— → 9"
    assert [row[3] for row in rows_for(rows, "Trạng thái")] == [
        "Đã nộp → Đã thống nhất",
        "Bản nháp → Đã nộp",
        "— → Bản nháp",
    ]


def test_history_tab_is_in_the_scorecard_header(scoring_demo, client, demo_user):
    scorecard = card(scoring_demo, 2014, "24")
    url = reverse("scoring:scorecard_history", args=[scorecard.pk])
    client.force_login(demo_user("backan"))
    scores_page = client.get(reverse("scoring:scorecard", args=[scorecard.pk])).content.decode()
    assert f'<a class="nav-link" href="{url}">Lịch sử</a>' in scores_page
    history_page = client.get(url).content.decode()
    assert f'<a class="nav-link active" href="{url}">Lịch sử</a>' in history_page


def test_criterion_changes_of_the_year_appear(scoring_demo, client, demo_user):
    scorecard = card(scoring_demo, 2015, "06")
    criterion = Criterion.objects.get(section__emulation_year=scorecard.emulation_year, code="C1")
    criterion.max_points = criterion.max_points + 2
    services.criterion_save(criterion=criterion, reason="Tăng trọng số cải cách hành chính")

    rows = history_rows(get_history(client, demo_user("backan"), scorecard))

    change = rows_for(rows, "C1 – Điểm tối đa")[0]
    assert change[3:] == ["5 → 7", "Tăng trọng số cải cách hành chính"]


@pytest.mark.parametrize("username", ["thainguyen", "bacgiang"])
def test_others_cannot_read_the_history_of_a_draft(scoring_demo, client, demo_user, username):
    response = get_history(client, demo_user(username), card(scoring_demo, 2015, "06"))
    assert response.status_code == 404


def test_empty_history_says_so(scoring_demo, client, demo_user):
    year = EmulationYear.objects.get(cluster=scoring_demo, year=2015)
    thainguyen = demo_user("thainguyen")
    scorecard = services.scorecard_get_or_create(emulation_year=year, province=thainguyen.province)
    Scorecard.history.filter(id=scorecard.pk).delete()
    Criterion.history.filter(section__emulation_year=year).delete()

    response = get_history(client, thainguyen, scorecard)

    assert history_rows(response) == []
    assert "Chưa có thay đổi nào của bảng điểm này được ghi lại." in response.content.decode()


def test_history_page_query_count_does_not_grow_with_the_changes(scoring_demo, client, demo_user):
    backan = demo_user("backan")
    scorecard = card(scoring_demo, 2015, "06")
    url = reverse("scoring:scorecard_history", args=[scorecard.pk])
    client.force_login(backan)
    few = len(scorecard_history(scorecard))
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200

    leaves = {c.code: c for c in selectors.criteria_table(scorecard.emulation_year).leaves}
    for step in range(1, 9):
        scorecard.refresh_from_db()
        services.scorecard_save_self(
            scorecard=scorecard,
            user=backan,
            version=scorecard.version,
            entries={leaves[code].pk: (f"{step},5", f"Lần sửa {step}") for code in ("A1", "A2", "A3", "A5")},
        )
    assert len(scorecard_history(scorecard)) > few + 50

    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large]


def test_a_saves_history_row_holds_the_total_it_saved(scoring_demo, demo_user):
    """The new version and its totals are written together: the scorecard's history row of a
    save shows the total after the save, not the one before it."""
    scorecard = card(scoring_demo, 2015, "06")
    entries, files = complete_entries(scorecard, {"A2": "9,25"})
    before = Scorecard.objects.get(pk=scorecard.pk).self_total
    with CaptureQueriesContext(connection) as ctx:
        saved = services.scorecard_save_self(
            scorecard=scorecard, user=demo_user("backan"), version=scorecard.version, entries=entries, files=files
        )
    stored = Scorecard.objects.get(pk=scorecard.pk)
    assert stored.self_total == saved.self_total != before
    assert stored.live_version == stored.version
    assert Scorecard.history.filter(id=scorecard.pk).latest("history_id").self_total == stored.self_total
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('UPDATE "scoring_scorecard"')]
    assert len(writes) == 1
