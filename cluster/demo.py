"""Demo data: the cluster of the seed article (domain.md §2). Loading it twice changes nothing."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from provinces.models import Province

from . import services
from .models import Cluster, EmulationYear

CLUSTER_NAME = "Cụm thi đua 7 tỉnh trung du và miền núi phía Bắc"
MERGER_DAY = datetime.date(2025, 7, 1)
LAST_DAY_BEFORE_MERGER = MERGER_DAY - datetime.timedelta(days=1)

#: (code, name, successor code or None, demo username); successors first.
PROVINCES = [
    ("27", "Bắc Ninh", None, None),
    ("10", "Lào Cai", None, None),
    ("19", "Thái Nguyên", None, "thainguyen"),
    ("25", "Phú Thọ", None, "phutho"),
    ("08", "Tuyên Quang", None, "tuyenquang"),
    ("20", "Lạng Sơn", None, None),
    ("24", "Bắc Giang", "27", "bacgiang"),
    ("06", "Bắc Kạn", "19", "backan"),
    ("17", "Hòa Bình", "25", "hoabinh"),
    ("15", "Yên Bái", "10", "yenbai"),
    ("02", "Hà Giang", "08", None),
    ("26", "Vĩnh Phúc", "25", None),
]
#: The seven members, in their rotation order.
MEMBERS = ["24", "06", "17", "25", "19", "08", "15"]
TERMS = {2014: ("25", "24"), 2015: ("24", "06")}

#: The people of each member (province code, or None for the central delegates): full name, post,
#: authority. Entered once for 2014; 2015 starts with a copy. Names other than those of the seed
#: article are fictional demo data.
PEOPLE = {
    "24": [
        ("Nguyễn Văn An", "Phó Chủ tịch UBND tỉnh Bắc Giang", "vice_chairman"),
        ("Trần Văn Bảo", "Chuyên viên Ban Thi đua - Khen thưởng tỉnh Bắc Giang", "own_post"),
        ("Đỗ Thị Hạnh", "Trưởng Ban Thi đua - Khen thưởng tỉnh Bắc Giang", "own_post"),
    ],
    "06": [
        ("Trần Thị Bình", "Phó Chủ tịch UBND tỉnh Bắc Kạn", "vice_chairman"),
        ("Ma Văn Khánh", "Trưởng Ban Thi đua - Khen thưởng tỉnh Bắc Kạn", "own_post"),
    ],
    "17": [
        ("Lê Văn Cường", "Phó Chủ tịch UBND tỉnh Hòa Bình", "vice_chairman"),
        ("Bùi Thị Lan", "Trưởng Ban Thi đua - Khen thưởng tỉnh Hòa Bình", "own_post"),
    ],
    "25": [
        ("Chu Ngọc Anh", "Chủ tịch UBND tỉnh Phú Thọ", "chairman"),
        ("Lê Thị Minh Thu", "Chuyên viên Ban Thi đua - Khen thưởng tỉnh Phú Thọ", "own_post"),
        ("Nguyễn Đức Mạnh", "Trưởng Ban Thi đua - Khen thưởng tỉnh Phú Thọ", "own_post"),
    ],
    "19": [
        ("Phạm Thị Dung", "Phó Chủ tịch UBND tỉnh Thái Nguyên", "vice_chairman"),
        ("Dương Văn Hùng", "Trưởng Ban Thi đua - Khen thưởng tỉnh Thái Nguyên", "own_post"),
    ],
    "08": [
        ("Hoàng Văn Đức", "Phó Chủ tịch UBND tỉnh Tuyên Quang", "vice_chairman"),
        ("Nông Thị Mai", "Trưởng Ban Thi đua - Khen thưởng tỉnh Tuyên Quang", "own_post"),
    ],
    "15": [
        ("Vũ Thị Giang", "Phó Chủ tịch UBND tỉnh Yên Bái", "vice_chairman"),
        ("Hà Văn Nam", "Trưởng Ban Thi đua - Khen thưởng tỉnh Yên Bái", "own_post"),
    ],
    None: [
        (
            "Trần Thị Hà",
            "Phó Chủ tịch Hội đồng Thi đua - Khen thưởng Trung ương, Thứ trưởng Bộ Nội vụ, "
            "Trưởng Ban Thi đua - Khen thưởng Trung ương",
            "own_post",
        ),
    ],
}

DEMO_PASSWORD = "thidua2015"  # noqa: S105 (documented demo password)
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "quantri2015"  # noqa: S105 (documented demo password)


def _provinces():
    by_code = {}
    for code, name, successor_code, _username in PROVINCES:
        successor = by_code.get(successor_code)
        province, _created = Province.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "successor": successor,
                "valid_to": LAST_DAY_BEFORE_MERGER if successor else None,
            },
        )
        by_code[code] = province
    return by_code


def _users(by_code):
    User = get_user_model()
    accounts = []
    admin, created = User.objects.get_or_create(
        username=ADMIN_USERNAME,
        defaults={"is_superuser": True, "is_staff": True, "full_name": "Quản trị viên"},
    )
    if created:
        admin.set_password(ADMIN_PASSWORD)
        admin.save()
    accounts.append((ADMIN_USERNAME, ADMIN_PASSWORD, "admin"))
    for code, name, _successor, username in PROVINCES:
        if not username:
            continue
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"province": by_code[code], "full_name": f"Cán bộ thi đua {name}"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        accounts.append((username, DEMO_PASSWORD, name))
    return admin, accounts


@transaction.atomic
def load_demo():
    """Load the demo cluster; returns the demo accounts as (username, password, who)."""
    by_code = _provinces()
    admin, accounts = _users(by_code)
    cluster, _created = Cluster.objects.get_or_create(
        name=CLUSTER_NAME, defaults={"short_name": "Cụm thi đua 7 tỉnh trung du và miền núi phía Bắc"}
    )
    members = [(by_code[code], order) for order, code in enumerate(MEMBERS, start=1)]
    for year, (chair, vice) in TERMS.items():
        if not EmulationYear.objects.filter(cluster=cluster, year=year).exists():
            services.emulation_year_open_with_term(
                cluster=cluster,
                year=year,
                members=members,
                chair=by_code[chair],
                vice_chair=by_code[vice],
                user=admin,
            )
        emulation_year = EmulationYear.objects.get(cluster=cluster, year=year)
        if not emulation_year.people.exists():  # a later year starts with a copy of the year before
            _people(emulation_year, by_code)
    return cluster, accounts


def _people(emulation_year, by_code):
    for code, people in PEOPLE.items():
        for order, (full_name, post, authority) in enumerate(people, start=1):
            services.person_save(
                emulation_year=emulation_year,
                province=by_code[code] if code else None,
                full_name=full_name,
                post=post,
                authority=authority,
                order=order,
            )
