"""Headers and signature blocks of the documents, built from their parts (decree 30/2020/NĐ-CP,
annex I; domain §10), never from upper-cased free text. Pure: no database.

A signature block is the authority lines ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), the post
("PHÓ CHỦ TỊCH"), optionally a line under the post, the blank space and the signer's name.
"""

import re
from dataclasses import dataclass, replace

from cluster.enums import Authority

PEOPLE_COMMITTEE = "ỦY BAN NHÂN DÂN"
CHAIRMAN = "CHỦ TỊCH"
VICE_CHAIRMAN = "PHÓ CHỦ TỊCH"


@dataclass(frozen=True)
class SignatureBlock:
    authority: tuple[str, ...] = ()
    post: str = ""
    name: str = ""
    below: str = ""
    #: The anchor ids of the blank space and the name, for a signature stamped on the PDF later.
    anchor: bool = False
    #: Empty lines after the post, so that the names of one row of signatures stand level.
    pad: int = 0
    #: The unit the signer stands for, over the block (the covenant's "TỈNH BẮC GIANG").
    unit: str = ""

    @property
    def lines(self):
        return len(self.authority) + 1 + (1 if self.below else 0) + (1 if self.unit else 0)

    @property
    def padding(self):
        return range(self.pad)


def rows(blocks, per_row=2):
    """The blocks in rows of `per_row`, each padded so that the names of a row stand level."""
    grouped = [list(blocks[i : i + per_row]) for i in range(0, len(blocks), per_row)]
    for row in grouped:
        most = max(block.lines for block in row)
        row[:] = [replace(block, pad=most - block.lines) for block in row]
    return grouped


@dataclass(frozen=True)
class Header:
    """The left column of the header: the lines of the body above (regular weight, may be none)
    and the issuing body (bold, ruled)."""

    parent: tuple[str, ...]
    issuer: str


def upper(text):
    return (text or "").strip().upper()


def people_committee_name(province_name):
    return f"{PEOPLE_COMMITTEE} TỈNH {upper(province_name)}"


def cluster_issuer(cluster):
    return upper(cluster.short_name or cluster.name)


def document_header(cluster, chair_province_name):
    """The cluster issues; where the cluster wants it, the chair's People's Committee stands above
    it, written out."""
    parent = ()
    if cluster.header_people_committee and chair_province_name:
        parent = (PEOPLE_COMMITTEE, f"TỈNH {upper(chair_province_name)}")
    return Header(parent=parent, issuer=cluster_issuer(cluster))


_VICE = re.compile(r"^\s*phó\s+chủ\s+tịch", re.IGNORECASE)
_CHAIR = re.compile(r"^\s*chủ\s+tịch", re.IGNORECASE)
_ACTING = re.compile(r"^\s*(q\.|quyền)\s*chủ\s+tịch", re.IGNORECASE)


def authority_from_post(post):
    """The authority a post written in words implies ("Phó Chủ tịch UBND tỉnh" → vice-chairman):
    for rows entered before the authority was recorded."""
    if _ACTING.match(post or ""):
        return Authority.ACTING_CHAIRMAN
    if _VICE.match(post or ""):
        return Authority.VICE_CHAIRMAN
    if _CHAIR.match(post or ""):
        return Authority.CHAIRMAN
    return Authority.OWN_POST


def _bare_post(post):
    """The post without the body it belongs to: "Phó Chủ tịch UBND tỉnh Bắc Giang" → "PHÓ CHỦ TỊCH"."""
    text = re.split(r"\s+(ubnd|ủy ban nhân dân|uỷ ban nhân dân)\b", post or "", maxsplit=1, flags=re.IGNORECASE)[0]
    return upper(text)


def province_block(*, name, post="", authority=None, unit=""):
    """A People's Committee signing (the covenant's rows): TM. ỦY BAN NHÂN DÂN, then KT./Q./TUQ.
    CHỦ TỊCH as the signer's authority asks, then the post."""
    authority = authority or authority_from_post(post)
    if authority == Authority.CHAIRMAN:
        return SignatureBlock((f"TM. {PEOPLE_COMMITTEE}",), CHAIRMAN, name, unit=unit)
    if authority == Authority.VICE_CHAIRMAN:
        return SignatureBlock((f"TM. {PEOPLE_COMMITTEE}", f"KT. {CHAIRMAN}"), VICE_CHAIRMAN, name, unit=unit)
    if authority == Authority.ACTING_CHAIRMAN:
        return SignatureBlock((f"TM. {PEOPLE_COMMITTEE}",), f"Q. {CHAIRMAN}", name, unit=unit)
    if authority == Authority.AUTHORISED:
        return SignatureBlock((f"TM. {PEOPLE_COMMITTEE}", f"TUQ. {CHAIRMAN}"), _bare_post(post), name, unit=unit)
    return SignatureBlock((), _bare_post(post), name, unit=unit)


def cluster_chair_block(*, cluster, name, chair_province_name="", chair_post="", anchor=True):
    """The cluster's own documents: "TM. CỤM THI ĐUA … / CỤM TRƯỞNG", with the chair's post in
    the province on the line below when the cluster wants it."""
    below = ""
    if cluster.signature_people_committee and chair_province_name:
        post = _bare_post(chair_post) if chair_post else CHAIRMAN
        below = f"{post} UBND TỈNH {upper(chair_province_name)}"
    return SignatureBlock((f"TM. {cluster_issuer(cluster)}",), "CỤM TRƯỞNG", name, below, anchor)


def meeting_blocks(*, secretary, presiding):
    """A meeting's records: THƯ KÝ on the left, CHỦ TRÌ HỘI NGHỊ on the right."""
    return [
        SignatureBlock((), "THƯ KÝ", secretary),
        SignatureBlock((), "CHỦ TRÌ HỘI NGHỊ", presiding, anchor=True),
    ]


def committee_blocks(members):
    """The vote-counting committee's signatures (under the heading "BAN KIỂM PHIẾU"): its head,
    then its members; `members` are (role, full name) pairs in that order."""
    blocks = []
    for role, name in members:
        post = "TRƯỞNG BAN" if role == "head" else "THÀNH VIÊN"
        blocks.append(SignatureBlock((), post, name, anchor=role == "head"))
    return blocks
