"""A closed year changes for nobody: every service that writes, tried on the closed 2014, is
refused, and afterwards every row of every project model is exactly as before."""

import datetime
import inspect

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from awards import checkin as awards_checkin
from awards import electronic as awards_electronic
from awards import services as awards
from awards.models import AwardType, BallotCode, ElectronicBallot, Nomination
from cluster import presets
from cluster import services as cluster
from cluster.models import EmulationYear
from covenants import services as covenants
from covenants.models import Signatory
from provinces.models import Province
from reports import services as reports
from scoring import services as scoring
from scoring import services_peer
from scoring.models import Criterion, Evidence, PeerReview, Scorecard, Section
from tests.archive.test_backup import every_row

PDF = b"%PDF-1.4\n%%EOF\n"

#: Public functions of the services that do not change a year, or that a closed year allows by design.
NOT_YEAR_WRITES = {
    # reads and checks
    "year_ensure_open",
    "score_error_message",
    "parse_and_check",
    "parse_figure_and_score",
    "figure_error_message",
    "scorecard_missing",
    "scorecard_missing_items",
    "scoreboard_lock_blockers",
    "nominations_default",
    "ballot_blockers",
    "count_error_message",
    "parse_people",
    "normalise_code",
    "new_code",
    "code_display",
    "open_ballot",
    "ballot_state",
    "tally",
    "ballot_for_code",
    "award_type_by_code",
    "code_digest",
    "meeting_for_screen",
    "attendance_of",
    "screen_state",
    "broker_available",
    "stale_after",
    "report_is_stale",
    "document_resource_path",
    "document_fetcher",
    "document_fonts",
    "document_rules",
    "document_ua_css",
    "render_pdf",
    "render_html",
    "render_pdf_document",
    "latest_issued",
    "peer_scores_visible_to",
    # another year, or the whole site
    "emulation_year_open",
    "emulation_year_open_with_term",
    "rule_set_copy_for",
    "people_copy_for",
    "calendar_copy_for",
    "award_types_ensure",
    "reports_requeue_waiting",
    "reports_fail_stale",
    "document_number_issue",
    "cluster_export",
    "cluster_import",
    "cluster_settings_update",
    # recomputations called only inside the services above
    "scorecard_recalculate",
    "scoreboard_rank",
    "covenant_refresh_status",
    # allowed on a closed year on purpose: admins re-open it, decisions come months later, and a
    # closed year's documents can still be made (they change nothing of the year)
    "emulation_year_reopen",
    "nomination_record_progress",
    "report_request",
    "report_retry",
    "report_render",
    "report_issue",
    "document_texts_save",
    "render_docx",
    "print_copy",
}


def public_functions(module):
    return {
        name
        for name, obj in inspect.getmembers(module, inspect.isfunction)
        if obj.__module__ == module.__name__ and not name.startswith("_")
    }


@pytest.fixture
def closed_2014(demo_2014, demo_user):
    """2014 closed, with a covenant of its own (re-opened, drawn up, signed by Yên Bái, closed again)."""
    admin = demo_user("admin")
    year = EmulationYear.objects.get(year=2014)
    awards.emulation_year_reopen(emulation_year=year, reason="Bổ sung giao ước", user=admin)
    year.refresh_from_db()
    covenant = covenants.covenant_create(emulation_year=year, user=demo_user("phutho"))
    covenants.covenant_update(covenant=covenant, commitments=[("Cam kết", None)], user=demo_user("phutho"))
    signatory = covenant.signatories.get(province__code="15")
    covenants.signatory_update(
        signatory=signatory,
        user=demo_user("yenbai"),
        representative="Vũ Thị Giang",
        post="Phó Chủ tịch",
        signed=True,
        signed_on=datetime.date(2014, 3, 1),
    )
    covenants.signatory_update(
        signatory=covenant.signatories.get(province__code="19"),
        user=demo_user("thainguyen"),
        representative="",
        post="",
        signed=False,
        signed_on=None,
    )
    year.refresh_from_db()
    year.closed_at = datetime.datetime(2015, 3, 5, tzinfo=datetime.UTC)
    year.save(update_fields=["closed_at"])
    return EmulationYear.objects.select_related("rule_set", "cluster").get(pk=year.pk)


def test_every_writing_service_refuses_a_closed_year_and_nothing_changes(closed_2014, demo_user):
    year = closed_2014
    admin, chair = demo_user("admin"), demo_user("phutho")
    card = Scorecard.objects.get(emulation_year=year, province__code="19")
    own_card = Scorecard.objects.get(emulation_year=year, province__code="25")
    section = Section.objects.filter(emulation_year=year).first()
    criterion = Criterion.objects.filter(section=section).first()
    leaf = next(c for c in Criterion.objects.filter(section__emulation_year=year) if not c.children.exists())
    evidence = Evidence.objects.filter(score__scorecard=card).first()
    meeting = year.review_meeting
    flag = AwardType.objects.get(code="flag")
    nomination = Nomination.objects.filter(emulation_year=year).first()
    covenant = year.covenant
    signed = covenant.signatories.get(province__code="15")
    unsigned = covenant.signatories.get(province__code="19")
    tn, bg = Province.objects.get(code="19"), Province.objects.get(code="24")
    members = [(m.province, m.rotation_order) for m in year.memberships.select_related("province")]
    person, other = year.people.order_by("pk")[:2]
    closed_code = "ABCD-EFGH-IJKL-MNOP"  # a delegation's code of the closed year (its digest stored)
    meeting.delegations.filter(pk=meeting.delegations.first().pk).update(
        checkin_digest=awards_checkin.code_digest(closed_code)
    )
    closed_ballot = ElectronicBallot.objects.create(
        meeting=meeting, award_type=flag, number=9, seats=1, opened_at=meeting.starts_at, codes_issued=1
    )
    closed_ballot_code = "ABCDEFGHJKLMNPQR"
    BallotCode.objects.create(ballot=closed_ballot, digest=awards_electronic.code_digest(closed_ballot_code))
    attempts = {
        "membership_replace": lambda: cluster.membership_replace(emulation_year=year, members=members[:-1]),
        "term_assign": lambda: cluster.term_assign(
            emulation_year=year, chair=tn, vice_chair=bg, user=admin, reason="x"
        ),
        "rule_set_update": lambda: cluster.rule_set_update(rule_set=year.rule_set, data={"flag_quota": 2}),
        "deadline_save": lambda: cluster.deadline_save(
            emulation_year=year, key="appraisal", closes_on=datetime.date(2100, 1, 1)
        ),
        "rule_set_apply_preset": lambda: cluster.rule_set_apply_preset(
            rule_set=year.rule_set, preset_key=next(iter(presets.BY_KEY)), user=admin
        ),
        "scorecard_get_or_create": lambda: scoring.scorecard_get_or_create(emulation_year=year, province=tn),
        "scorecard_save_self": lambda: scoring.scorecard_save_self(
            scorecard=card, user=demo_user("thainguyen"), version=card.version, entries={leaf.pk: ("1", "")}
        ),
        "evidence_remove": lambda: scoring.evidence_remove(evidence=evidence, user=demo_user("thainguyen")),
        "evidence_upload": lambda: scoring.evidence_upload(
            scorecard=card, criterion_id=leaf.pk, upload=SimpleUploadedFile("a.pdf", PDF), user=demo_user("thainguyen")
        ),
        "scorecard_submit": lambda: scoring.scorecard_submit(scorecard=card, user=demo_user("thainguyen")),
        "scorecard_return": lambda: scoring.scorecard_return(scorecard=card, user=chair, reason="Thiếu"),
        "scorecard_save_agreed": lambda: scoring.scorecard_save_agreed(
            scorecard=card, user=chair, version=card.version, entries={leaf.pk: ("0", "Sai")}
        ),
        "scorecard_agree_unchanged": lambda: scoring.scorecard_agree_unchanged(
            scorecard=own_card, user=demo_user("bacgiang"), version=own_card.version
        ),
        "scoreboard_lock": lambda: scoring.scoreboard_lock(emulation_year=year, user=chair),
        "score_explain": lambda: scoring.score_explain(
            score=card.scores.first(), user=demo_user("thainguyen"), text="Giải trình"
        ),
        "explanation_mark_read": lambda: scoring.explanation_mark_read(score=card.scores.first(), user=chair),
        "section_save": lambda: scoring.section_save(section=Section(emulation_year=year, code="Z", title="Z")),
        "section_delete": lambda: scoring.section_delete(section=section),
        "criterion_save": lambda: scoring.criterion_save(
            criterion=Criterion(section=section, code="Z1", title="Z", max_points=1)
        ),
        "criterion_delete": lambda: scoring.criterion_delete(criterion=criterion),
        "criteria_copy_from_previous": lambda: scoring.criteria_copy_from_previous(emulation_year=year),
        "covenant_create": lambda: covenants.covenant_create(emulation_year=year, user=chair),
        "covenant_update": lambda: covenants.covenant_update(covenant=covenant, user=chair, title="Khác"),
        "signatory_update": lambda: covenants.signatory_update(
            signatory=unsigned,
            user=demo_user("thainguyen"),
            representative="A",
            post="B",
            signed=True,
            signed_on=datetime.date(2014, 3, 1),
            scan=SimpleUploadedFile("a.pdf", PDF),
        ),
        "signatory_correct": lambda: covenants.signatory_correct(
            signatory=signed, user=admin, reason="Sai", representative="C", post="D", signed=False, signed_on=None
        ),
        "meeting_save": lambda: awards.meeting_save(emulation_year=year, user=chair, place="Nơi khác"),
        "attendance_confirm": lambda: awards.attendance_confirm(
            meeting=meeting, present=set(), delegates={}, guests=[]
        ),
        "ranking_adopt": lambda: awards.ranking_adopt(meeting=meeting, user=chair),
        "nominations_propose_defaults": lambda: awards.nominations_propose_defaults(meeting=meeting, user=chair),
        "nomination_save": lambda: awards.nomination_save(
            meeting=meeting, award_type=flag, province=tn, rationale="x", departure_reason="y", user=chair
        ),
        "nomination_remove": lambda: awards.nomination_remove(meeting=meeting, nomination=nomination, user=chair),
        "nominations_confirm": lambda: awards.nominations_confirm(meeting=meeting, user=chair),
        "ballot_round_record": lambda: awards.ballot_round_record(
            meeting=meeting,
            award_type=flag,
            issued=7,
            returned=7,
            valid=7,
            invalid=0,
            votes={},
            user=chair,
            correction_reason="Đếm lại",
        ),
        "counting_committee_elect": lambda: awards.counting_committee_elect(
            meeting=meeting, head=person, members=[other], user=chair
        ),
        "person_save": lambda: cluster.person_save(emulation_year=year, province=tn, full_name="Người mới"),
        "person_remove": lambda: cluster.person_remove(person=other),
        "next_term_record": lambda: awards.next_term_record(meeting=meeting, chair=tn, vice_chair=bg, user=chair),
        "emulation_year_close": lambda: awards.emulation_year_close(emulation_year=year, user=chair),
        "screen_link_renew": lambda: awards_checkin.screen_link_renew(meeting=meeting, user=chair),
        "checkin_codes_issue": lambda: awards_checkin.checkin_codes_issue(meeting=meeting, user=chair),
        "checkin": lambda: awards_checkin.checkin(code=closed_code),
        "electronic_ballot_open": lambda: awards_electronic.electronic_ballot_open(
            meeting=meeting, award_type=flag, user=chair
        ),
        "ballot_codes_issue": lambda: awards_electronic.ballot_codes_issue(ballot=closed_ballot, count=7, user=chair),
        "vote_cast": lambda: awards_electronic.vote_cast(code=closed_ballot_code, choices=[], blank=True),
        "electronic_ballot_close": lambda: awards_electronic.electronic_ballot_close(ballot=closed_ballot, user=chair),
        "electronic_ballot_cancel": lambda: awards_electronic.electronic_ballot_cancel(
            ballot=closed_ballot, reason="x", user=chair
        ),
        "peer_pairs_assign": lambda: services_peer.peer_pairs_assign(
            emulation_year=year, user=chair, pairs=[(own_card.province_id, card)]
        ),
        "peer_review_get_or_create": lambda: services_peer.peer_review_get_or_create(scorecard=card, user=chair),
        "peer_review_save": lambda: services_peer.peer_review_save(
            review=PeerReview(scorecard=card, scorer_id=own_card.province_id), user=chair, version=0, entries={}
        ),
        "peer_review_submit": lambda: services_peer.peer_review_submit(
            review=PeerReview(scorecard=card, scorer_id=own_card.province_id), user=chair
        ),
        "peer_aggregate": lambda: services_peer.peer_aggregate(scorecard=card, user=chair),
    }
    writers = (
        set().union(
            *(
                public_functions(m)
                for m in (
                    cluster,
                    scoring,
                    services_peer,
                    covenants,
                    awards,
                    awards_checkin,
                    awards_electronic,
                    reports,
                )
            )
        )
        - NOT_YEAR_WRITES
    )
    assert writers == set(attempts), "every service that writes is tried here (or listed in NOT_YEAR_WRITES)"

    before = every_row()
    for name, attempt in attempts.items():
        with pytest.raises(ValidationError):
            attempt()
        assert every_row() == before, f"{name} changed something of the closed year"
    assert Signatory.objects.get(pk=signed.pk).representative == "Vũ Thị Giang"
