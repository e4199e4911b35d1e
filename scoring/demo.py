"""Scoring demo: the 2014 scorecard (100 points, sections A–D, bonus and deductions), the
seven 2014 scorecards submitted, agreed and locked (Thái Nguyên first, Phú Thọ second),
the 2015 criteria copied from 2014 and Bắc Kạn's 2015 scorecard in draft."""

from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from cluster.models import EmulationYear
from provinces.models import Province

from . import services
from .enums import CriterionKind, ScorecardStatus
from .models import Criterion, Scoreboard, Scorecard, Section

P, B, D, T = CriterionKind.POINTS, CriterionKind.BONUS, CriterionKind.DEDUCTION, CriterionKind.TARGET
#: The target criterion of the seed article: the share of awards given to direct workers (in
#: 2014 every member above 40 %, "đạt trên 40%"). Full points at 60 % or more, in proportion
#: below it, nothing under 20 %.
TARGET_2014 = {"B4": {"unit": "%", "target_value": Decimal("60"), "floor_value": Decimal("20")}}

#: (section code, title, [(code, title, kind, max or None for a group, evidence, [children])])
CRITERIA_2014 = [
    (
        "A",
        "Thực hiện các chỉ tiêu phát triển kinh tế - xã hội",
        [
            ("A1", "Tốc độ tăng trưởng kinh tế (GRDP) đạt hoặc vượt kế hoạch", P, "10", False, []),
            ("A2", "Thu ngân sách nhà nước trên địa bàn đạt hoặc vượt dự toán", P, "10", False, []),
            ("A3", "Giảm tỷ lệ hộ nghèo theo kế hoạch", P, "10", False, []),
            (
                "A4",
                "Xây dựng nông thôn mới",
                P,
                None,
                False,
                [
                    ("A4.1", "Số xã đạt chuẩn nông thôn mới tăng thêm trong năm", P, "5", False, []),
                    ("A4.2", "Bình quân tiêu chí nông thôn mới đạt được trên một xã", P, "5", False, []),
                ],
            ),
            ("A5", "Giải quyết việc làm, đào tạo nghề cho người lao động", P, "10", False, []),
        ],
    ),
    (
        "B",
        "Công tác thi đua, khen thưởng",
        [
            ("B1", "Ban hành kế hoạch, hướng dẫn và phát động các phong trào thi đua", P, "5", True, []),
            ("B2", "Phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến", P, "5", False, []),
            ("B3", "Khen thưởng đúng đối tượng, công khai, kịp thời", P, "5", False, []),
            ("B4", "Tỷ lệ khen thưởng cho người lao động trực tiếp đạt trên 40%", T, "10", True, []),
        ],
    ),
    (
        "C",
        "Cải cách hành chính, kỷ luật, kỷ cương; xây dựng Đảng và chính quyền",
        [
            ("C1", "Chỉ số cải cách hành chính (PAR Index)", P, "5", False, []),
            ("C2", "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)", P, "5", False, []),
            ("C3", "Xây dựng tổ chức Đảng, chính quyền trong sạch, vững mạnh", P, "5", False, []),
        ],
    ),
    (
        "D",
        "Tham gia các hoạt động của Cụm thi đua",
        [
            ("D1", "Tham dự đầy đủ các hội nghị, hoạt động của Cụm", P, "5", False, []),
            ("D2", "Gửi báo cáo, tự chấm điểm đúng thời hạn", P, "5", False, []),
        ],
    ),
    (
        "Đ",
        "Điểm thưởng",
        [
            ("Đ1", "Có mô hình mới, cách làm sáng tạo được Trung ương ghi nhận", B, "3", False, []),
            ("Đ2", "Dẫn đầu cả nước về một chỉ số tổng hợp (PCI, PAR Index, SIPAS…)", B, "2", False, []),
        ],
    ),
    (
        "E",
        "Điểm trừ",
        [
            ("E1", "Gửi báo cáo chậm hoặc không gửi báo cáo theo quy định", D, "-5", False, []),
            ("E2", "Có sai phạm trong công tác thi đua, khen thưởng bị phát hiện", D, "-10", False, []),
        ],
    ),
]

#: Share of each maximum that each province scored itself in 2014.
SHARE_2014 = {"19": "0.96", "25": "0.93", "24": "0.90", "17": "0.88", "08": "0.86", "06": "0.84", "15": "0.82"}
BONUS_2014 = {"19": {"Đ1": "3"}, "25": {"Đ1": "2"}}
DEDUCTION_2014 = {"15": {"E1": "-1"}}
#: Changes the cluster agreed at the cross-check: (province, criterion, agreed, reason).
CHANGES_2014 = [
    ("24", "B4", "8", "Tỷ lệ khen thưởng người lao động trực tiếp báo cáo 54%, minh chứng chỉ xác nhận 48%."),
    ("06", "D2", "3", "Báo cáo sơ kết 6 tháng gửi chậm 3 ngày."),
]
DRAFT_2015 = {"A1": "9", "A2": "8,5", "A3": "9"}

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _criteria(emulation_year):
    if Section.objects.filter(emulation_year=emulation_year).exists():
        return
    for order, (code, title, items) in enumerate(CRITERIA_2014, start=1):
        section = services.section_save(
            section=Section(emulation_year=emulation_year, code=code, title=title, order=order)
        )
        _add(section, None, items)


def _add(section, parent, items):
    for order, (code, title, kind, maximum, evidence, children) in enumerate(items, start=1):
        criterion = Criterion(
            section=section,
            parent=parent,
            code=code,
            title=title,
            kind=kind,
            order=order,
            max_points=Decimal(maximum) if maximum else Decimal("1"),
            evidence_required=evidence,
            **TARGET_2014.get(code, {}),
        )
        services.criterion_save(criterion=criterion)
        _add(section, criterion, children)


def _score_for(criterion, code):
    if criterion.kind == CriterionKind.BONUS:
        return BONUS_2014.get(code, {}).get(criterion.code, "0")
    if criterion.kind == CriterionKind.DEDUCTION:
        return DEDUCTION_2014.get(code, {}).get(criterion.code, "0")
    value = (criterion.max_points * Decimal(SHARE_2014[code]) * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2
    return str(value).replace(".", ",")


def _typed_for(criterion, code):
    """What the province types: the score, or for a target criterion the reported share that
    earns that score (48–57 %: every member above the 40 % of the seed article)."""
    if criterion.kind != CriterionKind.TARGET:
        return _score_for(criterion, code)
    score = Decimal(_score_for(criterion, code).replace(",", "."))
    return str((score * criterion.target_value / criterion.max_points).normalize()).replace(".", ",")


def _evidence(criterion, province):
    name = f"minh-chung-{criterion.code}-{province.name}.pdf"
    return [SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")]


def _scorecards_2014(emulation_year, chair_user, vice_chair_user):
    from . import selectors

    leaves = selectors.criteria_table(emulation_year).leaves
    User = get_user_model()
    for code in SHARE_2014:
        province = Province.objects.get(code=code)
        scorecard = services.scorecard_get_or_create(emulation_year=emulation_year, province=province)
        if scorecard.status != ScorecardStatus.DRAFT:
            continue
        staff = User.objects.filter(province=province).first()
        services.scorecard_save_self(
            scorecard=scorecard,
            user=staff,
            version=scorecard.version,
            entries={c.pk: (_typed_for(c, code), "") for c in leaves},
            files={c.pk: _evidence(c, province) for c in leaves if c.evidence_required},
        )
        services.scorecard_submit(scorecard=scorecard, user=staff)
        scorecard.refresh_from_db()
        changes = {crit: (agreed, reason) for prov, crit, agreed, reason in CHANGES_2014 if prov == code}
        entries = {}
        for c in leaves:
            agreed, reason = changes.get(c.code, (_score_for(c, code), ""))
            entries[c.pk] = (agreed, reason)
        # The chair's own scorecard is appraised by the vice-chair (nobody confirms their own).
        appraiser = vice_chair_user if province.pk == chair_user.province_id else chair_user
        services.scorecard_save_agreed(scorecard=scorecard, user=appraiser, version=scorecard.version, entries=entries)


@transaction.atomic
def load_scoring_demo(cluster):
    User = get_user_model()
    year_2014 = EmulationYear.objects.get(cluster=cluster, year=2014)
    year_2015 = EmulationYear.objects.get(cluster=cluster, year=2015)
    _criteria(year_2014)
    board = Scoreboard.objects.filter(emulation_year=year_2014).first()
    if board is None or not board.is_locked:
        chair_user = User.objects.get(username="phutho")
        _scorecards_2014(year_2014, chair_user, User.objects.get(username="bacgiang"))
        services.scoreboard_lock(emulation_year=year_2014, user=chair_user)
    if not Section.objects.filter(emulation_year=year_2015).exists():
        services.criteria_copy_from_previous(emulation_year=year_2015)
    bac_kan = Province.objects.get(code="06")
    if not Scorecard.objects.filter(emulation_year=year_2015, province=bac_kan).exists():
        from . import selectors

        scorecard = services.scorecard_get_or_create(emulation_year=year_2015, province=bac_kan)
        by_code = {c.code: c for c in selectors.criteria_table(year_2015).leaves}
        services.scorecard_save_self(
            scorecard=scorecard,
            user=User.objects.get(username="backan"),
            version=scorecard.version,
            entries={by_code[code].pk: (value, "") for code, value in DRAFT_2015.items()},
        )
