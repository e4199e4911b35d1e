from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from scoring import selectors, services
from scoring.enums import ScorecardStatus
from scoring.models import Criterion, Evidence, Score, Scoreboard, Scorecard, Section

PDF = b"%PDF-1.4\n%%EOF\n"


def card(year, code):
    return Scorecard.objects.select_related("emulation_year").get(emulation_year__year=year, province__code=code)


def leaves(year):
    return {
        c.code: c
        for c in selectors.criteria_table(
            Scorecard.objects.filter(emulation_year__year=year).first().emulation_year
        ).leaves
    }


def stored(scorecard):
    return sorted(
        Score.objects.filter(scorecard=scorecard).values_list("criterion__code", "self_score", "note", "agreed_score")
    )


def fill_all(scorecard, user, **overrides):
    crit = leaves(scorecard.emulation_year.year)
    entries = {c.pk: (overrides.get(code, "1"), "") for code, c in crit.items()}
    for code in ("E1", "E2"):
        entries[crit[code].pk] = (overrides.get(code, "0"), "")
    files = {c.pk: [SimpleUploadedFile(f"{code}.pdf", PDF)] for code, c in crit.items() if c.evidence_required}
    return services.scorecard_save_self(
        scorecard=scorecard, user=user, version=scorecard.version, entries=entries, files=files
    )


def test_demo_2014_ranks_thai_nguyen_first_and_phu_tho_second(scoring_demo):
    ranks = dict(Scorecard.objects.filter(emulation_year__year=2014).values_list("province__name", "rank"))
    assert ranks["Thái Nguyên"] == 1 and ranks["Phú Thọ"] == 2
    assert sorted(ranks.values()) == [1, 2, 3, 4, 5, 6, 7]
    assert Scoreboard.objects.get(emulation_year__year=2014).is_locked
    assert card(2015, "06").status == ScorecardStatus.DRAFT
    assert (
        Criterion.objects.filter(section__emulation_year__year=2015).count()
        == Criterion.objects.filter(section__emulation_year__year=2014).count()
    )


def test_demo_b4_is_the_seed_article_s_target_criterion_every_member_above_40_percent(scoring_demo):
    from scoring.models import Score

    for year in (2014, 2015):  # 2015 copies the criteria of 2014
        b4 = Criterion.objects.get(section__emulation_year__year=year, code="B4")
        assert (b4.kind, b4.unit, b4.target_value, b4.floor_value) == ("target", "%", D("60"), D("20"))
    scores = Score.objects.filter(scorecard__emulation_year__year=2014, criterion__code="B4")
    assert scores.count() == 7
    for score in scores:
        assert score.reported_value > D("40")  # "tỷ lệ khen thưởng cho người lao động trực tiếp đạt trên 40%"
        assert score.self_score == (D("10") * score.reported_value / D("60")).quantize(D("0.01"))


def test_demo_2014_maximum_is_100_points(scoring_demo):
    table = selectors.criteria_table(card(2014, "19").emulation_year)
    assert table.maxima.total == D("100")
    assert [b.section.code for b in table.sections] == ["A", "B", "C", "D", "Đ", "E"]


def test_save_refuses_every_bad_value_and_saves_nothing(scoring_demo, demo_user):
    scorecard = card(2015, "06")
    before = stored(scorecard)
    crit = leaves(2015)
    with pytest.raises(ValidationError) as error:
        services.scorecard_save_self(
            scorecard=scorecard,
            user=demo_user("backan"),
            version=scorecard.version,
            entries={
                crit["A1"].pk: ("12", ""),
                crit["A2"].pk: ("abc", ""),
                crit["A3"].pk: ("7,5", "ok"),
                crit["E1"].pk: ("-6", ""),
                crit["E2"].pk: ("2", ""),
            },
        )
    errors = error.value.message_dict
    assert errors[f"score_{crit['A1'].pk}"] == ["Điểm không được vượt quá điểm tối đa 10,00."]
    assert errors[f"score_{crit['A2'].pk}"] == ["Hãy nhập một số, ví dụ 8,5."]
    assert errors[f"score_{crit['E1'].pk}"] == ["Điểm trừ không được thấp hơn -5,00."]
    assert errors[f"score_{crit['E2'].pk}"] == ["Điểm trừ phải bằng 0 hoặc là số âm."]
    assert f"score_{crit['A3'].pk}" not in errors
    assert stored(card(2015, "06")) == before


def test_concurrent_save_is_refused(scoring_demo, demo_user):
    scorecard = card(2015, "06")
    crit = leaves(2015)
    opened_version = scorecard.version
    services.scorecard_save_self(
        scorecard=scorecard, user=demo_user("backan"), version=opened_version, entries={crit["A1"].pk: ("9,5", "first")}
    )
    with pytest.raises(services.ConcurrentEditError):
        services.scorecard_save_self(
            scorecard=scorecard,
            user=demo_user("backan"),
            version=opened_version,
            entries={crit["A1"].pk: ("3", "second")},
        )
    assert Score.objects.get(scorecard=scorecard, criterion=crit["A1"]).self_score == D("9.5")


def test_submit_needs_every_criterion_and_required_evidence(scoring_demo, demo_user):
    scorecard = card(2015, "06")
    with pytest.raises(ValidationError) as error:
        services.scorecard_submit(scorecard=scorecard, user=demo_user("backan"))
    assert "Bảng điểm chưa đầy đủ:" in error.value.messages
    assert "A4.1: chưa tự chấm điểm." in error.value.messages
    assert card(2015, "06").status == ScorecardStatus.DRAFT
    fill_all(scorecard, demo_user("backan"))
    services.scorecard_submit(scorecard=card(2015, "06"), user=demo_user("backan"))
    assert card(2015, "06").status == ScorecardStatus.SUBMITTED
    with pytest.raises(ValidationError, match="tỉnh không thể sửa được nữa"):
        fill_all(card(2015, "06"), demo_user("backan"))


def test_missing_evidence_blocks_submit(scoring_demo, demo_user):
    scorecard = card(2015, "06")
    fill_all(scorecard, demo_user("backan"))
    Evidence.objects.filter(score__scorecard=scorecard, score__criterion__code="B4").delete()
    with pytest.raises(ValidationError) as error:
        services.scorecard_submit(scorecard=card(2015, "06"), user=demo_user("backan"))
    assert "B4: bắt buộc có minh chứng." in error.value.messages


def test_return_needs_a_reason_and_reopens_the_scorecard(scoring_demo, demo_user):
    scorecard = card(2015, "06")
    fill_all(scorecard, demo_user("backan"))
    services.scorecard_submit(scorecard=card(2015, "06"), user=demo_user("backan"))
    with pytest.raises(ValidationError):
        services.scorecard_return(scorecard=card(2015, "06"), user=demo_user("bacgiang"), reason="  ")
    services.scorecard_return(scorecard=card(2015, "06"), user=demo_user("bacgiang"), reason="Thiếu minh chứng B2")
    returned = card(2015, "06")
    assert returned.status == ScorecardStatus.RETURNED and returned.return_reason == "Thiếu minh chứng B2"
    fill_all(returned, demo_user("backan"), A1="9")  # editable again


def test_agreed_score_needs_a_reason_when_it_differs(scoring_demo, demo_user):
    scorecard = card(2015, "06")
    fill_all(scorecard, demo_user("backan"))
    services.scorecard_submit(scorecard=card(2015, "06"), user=demo_user("backan"))
    crit = leaves(2015)
    scorecard = card(2015, "06")
    entries = {c.pk: ("0" if code in ("E1", "E2") else "1", "") for code, c in crit.items()}
    entries[crit["B4"].pk] = ("0", "")  # a target criterion: the typed 1 % is under its floor, 0 points
    entries[crit["A1"].pk] = ("0,5", "")
    with pytest.raises(ValidationError) as error:
        services.scorecard_save_agreed(
            scorecard=scorecard, user=demo_user("bacgiang"), version=scorecard.version, entries=entries
        )
    assert error.value.message_dict == {f"reason_{crit['A1'].pk}": ["Hãy nêu lý do điều chỉnh điểm tự chấm."]}
    assert not Score.objects.filter(scorecard=scorecard, agreed_score__isnull=False).exists()
    entries[crit["A1"].pk] = ("0,5", "Số liệu chưa được thống kê xác nhận")
    services.scorecard_save_agreed(
        scorecard=scorecard, user=demo_user("bacgiang"), version=scorecard.version, entries=entries
    )
    assert card(2015, "06").status == ScorecardStatus.AGREED
    score = Score.objects.get(scorecard=scorecard, criterion=crit["A1"])
    assert (score.self_score, score.agreed_score, score.agreed_reason) == (
        D("1"),
        D("0.5"),
        "Số liệu chưa được thống kê xác nhận",
    )


def test_ranking_twice_changes_nothing(scoring_demo):
    year = card(2014, "19").emulation_year
    first = list(
        Scorecard.objects.filter(emulation_year=year)
        .order_by("pk")
        .values("agreed_total", "rank", "section_totals", "self_total")
    )
    services.scoreboard_rank(emulation_year=year)
    services.scoreboard_rank(emulation_year=year)
    assert (
        list(
            Scorecard.objects.filter(emulation_year=year)
            .order_by("pk")
            .values("agreed_total", "rank", "section_totals", "self_total")
        )
        == first
    )


def test_lock_refused_until_every_member_is_agreed(scoring_demo, demo_user):
    year = card(2015, "06").emulation_year
    with pytest.raises(ValidationError) as error:
        services.scoreboard_lock(emulation_year=year, user=demo_user("bacgiang"))
    assert "Bắc Kạn: chưa nộp bảng điểm." in error.value.messages
    assert not Scoreboard.objects.filter(emulation_year=year, locked_at__isnull=False).exists()


def test_nothing_changes_after_the_lock(scoring_demo, demo_user):
    scorecard = card(2014, "19")
    with pytest.raises(ValidationError, match="đã khóa"):
        services.scorecard_return(scorecard=scorecard, user=demo_user("phutho"), reason="x")
    crit = Criterion.objects.filter(section__emulation_year__year=2014).first()
    crit.title = "Sửa sau khi khóa"
    with pytest.raises(ValidationError, match="đã khóa"):
        services.criterion_save(criterion=crit)


def test_evidence_type_is_checked_from_the_content(scoring_demo, demo_user):
    scorecard = card(2015, "06")
    crit = leaves(2015)
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 this is an executable")
    with pytest.raises(ValidationError) as error:
        services.scorecard_save_self(
            scorecard=scorecard,
            user=demo_user("backan"),
            version=scorecard.version,
            entries={crit["A1"].pk: ("5", "")},
            files={crit["B1"].pk: [fake]},
        )
    assert "không phải là tệp PDF" in " ".join(error.value.messages)
    assert not Evidence.objects.filter(score__scorecard=scorecard).exists()
    assert Score.objects.get(scorecard=scorecard, criterion=crit["A1"]).self_score == D("9")  # unchanged


def test_evidence_size_limit(scoring_demo, demo_user, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    scorecard = card(2015, "06")
    crit = leaves(2015)
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * 200)
    with pytest.raises(ValidationError, match="vượt giới hạn"):
        services.scorecard_save_self(
            scorecard=scorecard,
            user=demo_user("backan"),
            version=scorecard.version,
            entries={},
            files={crit["B1"].pk: [big]},
        )


def test_evidence_is_stored_with_a_generated_name(scoring_demo, demo_user):
    scorecard = card(2015, "06")
    crit = leaves(2015)
    services.scorecard_save_self(
        scorecard=scorecard,
        user=demo_user("backan"),
        version=scorecard.version,
        entries={},
        files={crit["B1"].pk: [SimpleUploadedFile("../../Kế hoạch;2015.pdf", PDF)]},
    )
    evidence = Evidence.objects.get(score__scorecard=scorecard)
    assert evidence.original_name == "Kế hoạch_2015.pdf"
    assert evidence.file.name.startswith("evidence/2015/") and "Kế" not in evidence.file.name
    assert evidence.content_type == "application/pdf"


def test_copy_criteria_refused_when_the_year_has_some(scoring_demo):
    with pytest.raises(ValidationError, match="đã có tiêu chí"):
        services.criteria_copy_from_previous(emulation_year=card(2015, "06").emulation_year)


def test_group_criterion_has_no_maximum_of_its_own(scoring_demo):
    section = Section.objects.get(emulation_year__year=2015, code="A")
    group = Criterion.objects.get(section=section, code="A4")
    assert group.max_points is None
    table = selectors.criteria_table(section.emulation_year)
    assert table.maxima.by_criterion[group.pk] == D("10")


def chain(section, length, max_points=D("1")):
    """Criteria E1 > E1.1 > … nested `length` deep in `section`; returns them top first."""
    made, parent = [], None
    for level in range(length):
        code = "E1" + ".1" * level
        criterion = Criterion(
            section=section, parent=parent, code=code, title=f"Tiêu chí {code}", max_points=max_points
        )
        made.append(services.criterion_save(criterion=criterion))
        parent = criterion
    return made


@pytest.fixture
def section_e(scoring_demo):
    year = card(2015, "06").emulation_year
    return services.section_save(section=Section(emulation_year=year, code="X", title="Mục thử", order=9))


def test_criteria_nest_at_most_four_levels(section_e):
    deepest = chain(section_e, 4)[-1]
    with pytest.raises(ValidationError, match="tối đa 4 cấp"):
        services.criterion_save(
            criterion=Criterion(section=section_e, parent=deepest, code="E9", title="Quá sâu", max_points=D("1"))
        )
    assert not Criterion.objects.filter(section=section_e, code="E9").exists()


def test_a_criterion_cannot_move_under_its_own_sub_criterion(section_e):
    top, middle, bottom = chain(section_e, 3)
    top.parent = bottom
    with pytest.raises(ValidationError, match="không thể nằm dưới chính nó"):
        services.criterion_save(criterion=top)
    top.refresh_from_db()
    assert top.parent_id is None


def test_moving_a_subtree_counts_the_levels_below_it(section_e):
    top = chain(section_e, 3)[0]  # E1 > E1.1 > E1.1.1
    other = services.criterion_save(
        criterion=Criterion(section=section_e, code="E2", title="Nhóm khác", max_points=D("1"))
    )
    below_other = services.criterion_save(
        criterion=Criterion(section=section_e, parent=other, code="E2.1", title="Con", max_points=D("1"))
    )
    top.parent = below_other  # would make E1.1.1 the fifth level
    with pytest.raises(ValidationError, match="tối đa 4 cấp"):
        services.criterion_save(criterion=top)


def test_a_criterion_with_scores_or_evidence_below_it_cannot_be_deleted(scoring_demo, demo_user):
    scorecard = card(2015, "06")
    nested = next(c for c in selectors.criteria_table(scorecard.emulation_year).leaves if c.parent_id)
    services.scorecard_save_self(
        scorecard=scorecard,
        user=demo_user("backan"),
        version=scorecard.version,
        entries={nested.pk: ("", "")},
        files={nested.pk: [SimpleUploadedFile("bien-ban.pdf", PDF)]},
    )
    assert not Score.objects.filter(criterion=nested).exclude(self_score__isnull=True).exists()
    with pytest.raises(ValidationError, match="Đã có tệp minh chứng đính kèm tiêu chí này: không thể xóa."):
        services.criterion_delete(criterion=Criterion.objects.get(pk=nested.pk))
    with pytest.raises(ValidationError, match="Đã có tệp minh chứng"):  # its group, from above
        services.criterion_delete(criterion=Criterion.objects.get(pk=nested.parent_id))
    assert Criterion.objects.filter(pk__in=[nested.pk, nested.parent_id]).count() == 2
    assert Evidence.objects.filter(score__criterion=nested).count() == 1


def test_a_note_too_long_is_refused_by_the_service_itself(scoring_demo, demo_user):
    scorecard = card(2015, "06")
    a1 = leaves(2015)["A1"]
    before = stored(scorecard)
    with pytest.raises(ValidationError) as refused:
        services.scorecard_save_self(
            scorecard=scorecard, user=demo_user("backan"), version=scorecard.version, entries={a1.pk: ("5", "x" * 2001)}
        )
    assert refused.value.message_dict == {
        f"note_{a1.pk}": ["Ghi chú chỉ được dài tối đa 2000 ký tự (ghi chú này có 2001)."]
    }
    assert stored(scorecard) == before
