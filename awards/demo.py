"""Meeting demo: the 2014 review held on 04/3/2015 at the Phú Thọ People's Committee, its
ballot (Thái Nguyên for the Government emulation flag, Phú Thọ for the Prime Minister's
certificate of merit), Bắc Giang and Bắc Kạn recorded for 2015, the 2015 covenant signed
by all seven members, and 2014 closed. Names other than those of the seed article are
fictional demo data."""

import datetime
import zoneinfo

from django.contrib.auth import get_user_model
from django.db import transaction

from cluster import selectors as cluster_selectors
from cluster.models import EmulationYear
from covenants import services as covenant_services
from covenants.models import Covenant
from provinces.models import Province

from . import services
from .models import FLAG, AwardType, BallotRound, Nomination

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MEETING_START = datetime.datetime(2015, 3, 4, 8, 0, tzinfo=HANOI)
MEETING_END = datetime.datetime(2015, 3, 4, 11, 30, tzinfo=HANOI)
SIGNING_DAY = datetime.date(2015, 3, 4)

#: province code -> the head of its delegation, among the people of the year (cluster/demo.py).
DELEGATES = {
    "24": "Nguyễn Văn An",
    "06": "Trần Thị Bình",
    "17": "Lê Văn Cường",
    "25": "Chu Ngọc Anh",
    "19": "Phạm Thị Dung",
    "08": "Hoàng Văn Đức",
    "15": "Vũ Thị Giang",
}
GUEST = "Trần Thị Hà"
#: The vote-counting committee the 2014 review elected: its head, then its members.
COMMITTEE = ["Nguyễn Đức Mạnh", "Dương Văn Hùng", "Ma Văn Khánh"]
COMMITMENTS = [
    (
        "Tổ chức các phong trào thi đua thiết thực, hiệu quả, phù hợp với thực tế từng tỉnh "
        "nhằm thực hiện tốt nhiệm vụ chính trị.",
        "A",
    ),
    (
        "Tổ chức các phong trào thi đua chào mừng Đại hội Đảng các cấp, tiến tới Đại hội Đảng toàn quốc lần thứ XII.",
        None,
    ),
    ("Tổ chức Đại hội thi đua yêu nước cấp tỉnh, tiến tới Đại hội Thi đua yêu nước toàn quốc lần thứ IX.", "B"),
    (
        "Đổi mới và nâng cao chất lượng công tác khen thưởng, bảo đảm đúng quy trình, công khai, dân chủ, "
        "khách quan, chính xác, kịp thời; chú trọng khen thưởng người lao động trực tiếp.",
        "B",
    ),
    ("Tham gia đầy đủ các hoạt động của Cụm, gửi báo cáo đúng thời hạn theo quy chế.", "D"),
]


@transaction.atomic
def load_awards_demo(cluster):
    year_2014 = EmulationYear.objects.select_related("rule_set").get(cluster=cluster, year=2014)
    if year_2014.is_closed:
        return
    services.award_types_ensure()
    User = get_user_model()
    chair = User.objects.get(username="phutho")
    by_code = {p.code: p for p in Province.objects.filter(code__in=DELEGATES)}
    people = {p.full_name: p for p in cluster_selectors.people_of(year_2014)}
    presiding, secretary = people["Chu Ngọc Anh"], people["Lê Thị Minh Thu"]
    meeting = services.meeting_save(
        emulation_year=year_2014,
        user=chair,
        starts_at=MEETING_START,
        ends_at=MEETING_END,
        place="Trụ sở UBND tỉnh Phú Thọ",
        host_province=by_code["25"],
        presiding_person=presiding,
        presiding_name=presiding.full_name,
        presiding_post=presiding.post,
        secretary_person=secretary,
        secretary_name=secretary.full_name,
        secretary_post=secretary.post,
    )
    if not meeting.attendance_confirmed_at:
        services.attendance_confirm(
            meeting=meeting,
            present={p.pk for p in by_code.values()},
            delegates={by_code[code].pk: [people[name]] for code, name in DELEGATES.items()},
            guests=[people[GUEST]],
            user=chair,
        )
    meeting.refresh_from_db()
    if not meeting.committee_members.exists():
        head, *members = (people[name] for name in COMMITTEE)
        services.counting_committee_elect(meeting=meeting, head=head, members=members, user=chair)
    if not meeting.ranking_adopted_at:
        services.ranking_adopt(meeting=meeting, user=chair)
    if not Nomination.objects.filter(emulation_year=year_2014).exists():
        services.nominations_propose_defaults(meeting=meeting, user=chair)
    meeting.refresh_from_db()
    if not meeting.nominations_confirmed_at:
        services.nominations_confirm(meeting=meeting, user=chair)
    meeting.refresh_from_db()
    if not BallotRound.objects.filter(meeting=meeting).exists():
        for award_type in AwardType.objects.filter(nominations__emulation_year=year_2014).distinct().order_by("order"):
            nominations = Nomination.objects.filter(emulation_year=year_2014, award_type=award_type)
            votes = {n.pk: (6 if award_type.code == FLAG else 7) for n in nominations}
            services.ballot_round_record(
                meeting=meeting,
                award_type=award_type,
                issued=7,
                returned=7,
                valid=7,
                invalid=0,
                votes=votes,
                user=chair,
            )
    if not meeting.term_recorded_at:
        services.next_term_record(meeting=meeting, chair=by_code["24"], vice_chair=by_code["06"], user=chair)
    year_2015 = EmulationYear.objects.get(cluster=cluster, year=2015)
    covenant = Covenant.objects.filter(emulation_year=year_2015).first()
    if covenant is None:
        from scoring.models import Section

        covenant = covenant_services.covenant_create(
            emulation_year=year_2015,
            user=chair,
            title="Giao ước thi đua năm 2015 của Cụm thi đua 7 tỉnh trung du và miền núi phía Bắc",
            place="Phú Thọ",
            signing_date=SIGNING_DAY,
            host_province=by_code["25"],
        )
        sections = {s.code: s for s in Section.objects.filter(emulation_year=year_2015)}
        covenant_services.covenant_update(
            covenant=covenant, user=chair, commitments=[(text, sections.get(code)) for text, code in COMMITMENTS]
        )
    people_2015 = {(p.province_id, p.full_name): p for p in cluster_selectors.people_of(year_2015)}
    for signatory in covenant.signatories.select_related("province"):
        if not signatory.signed:  # each member signs its own row, picking its leader among its people
            person = people_2015[signatory.province_id, DELEGATES[signatory.province.code]]
            staff = User.objects.filter(province=signatory.province).order_by("pk").first()
            covenant_services.signatory_update(
                signatory=signatory, user=staff, person=person, signed=True, signed_on=SIGNING_DAY
            )
    services.emulation_year_close(emulation_year=year_2014, user=chair)
