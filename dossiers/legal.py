"""The laws a submission cites, by the day it is made (facts of law, not a cluster's choice; a
rule set's own source document is cited as well). Pure."""

import datetime
import re

#: "98/2023/NĐ-CP", "2745/HD-BTĐKT": the number and symbol of a document.
DOCUMENT_NUMBER = re.compile(r"\d+/(?:\d{4}/)?[A-ZĐ]+(?:-[A-ZĐ]+)*")

LAW_2022 = "Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022"
LAW_2003 = (
    "Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số điều của Luật Thi đua, "
    "khen thưởng ngày 14 tháng 6 năm 2005 và ngày 16 tháng 11 năm 2013"
)
DECREES = [
    # (in force from, citation)
    (
        datetime.date(2025, 7, 1),
        "Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định chi tiết "
        "thi hành một số điều của Luật Thi đua, khen thưởng",
    ),
    (
        datetime.date(2024, 1, 1),
        "Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết "
        "thi hành một số điều của Luật Thi đua, khen thưởng",
    ),
    (
        datetime.date(2017, 7, 31),
        "Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định chi tiết "
        "thi hành một số điều của Luật Thi đua, khen thưởng",
    ),
    (
        datetime.date(2014, 8, 15),
        "Nghị định số 65/2014/NĐ-CP ngày 01 tháng 7 năm 2014 của Chính phủ quy định chi tiết "
        "thi hành Luật sửa đổi, bổ sung một số điều của Luật Thi đua, khen thưởng năm 2013",
    ),
]


def legal_bases(day: datetime.date) -> list[str]:
    """The law and the decree in force on `day`, as a submission's "Căn cứ …" lines."""
    law = LAW_2022 if day >= datetime.date(2024, 1, 1) else LAW_2003
    decree = next((text for start, text in DECREES if day >= start), None)
    return [law, decree] if decree else [law]


def source_basis(source_document: str, bases: list[str]) -> str:
    """The rule set's own source as one more "Căn cứ" line, unless it names a document the
    bases cite already ("Nghị định 98/2023/NĐ-CP, Điều 30" beside decree 98/2023): "" then."""
    source = (source_document or "").strip().rstrip(" .;,")
    if not source:
        return ""
    numbers = DOCUMENT_NUMBER.findall(source)
    if numbers and all(any(number in basis for basis in bases) for number in numbers):
        return ""
    return source
