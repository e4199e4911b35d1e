"""The electronic secret ballot: codes, one vote per code, refusals, the tally, secrecy."""

import math

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from awards import electronic
from awards.enums import BallotMethod
from awards.models import BallotCode, ElectronicBallot, ElectronicVote
from tests.awards.test_services import flag, ready_for_ballot


@pytest.fixture
def opened(meeting_2015, demo_user):
    chair = demo_user("bacgiang")
    meeting = ready_for_ballot(meeting_2015)
    eb = electronic.electronic_ballot_open(meeting=meeting, award_type=flag(), user=chair)
    codes = electronic.ballot_codes_issue(ballot=eb, count=7, user=chair)
    return eb, codes, chair


def test_codes_carry_at_least_64_random_bits():
    assert len(set(electronic.ALPHABET)) == len(electronic.ALPHABET) == 32
    assert not set("IO01") & set(electronic.ALPHABET)
    assert electronic.CODE_LENGTH * math.log2(len(electronic.ALPHABET)) >= 64
    code = electronic.new_code()
    assert len(code) == electronic.CODE_LENGTH and set(code) <= set(electronic.ALPHABET)


def test_only_digests_are_stored_and_issued_counts(opened):
    eb, codes, _chair = opened
    eb.refresh_from_db()
    assert eb.codes_issued == 7
    digests = set(BallotCode.objects.filter(ballot=eb).values_list("digest", flat=True))
    assert digests == {electronic.code_digest(c) for c in codes}
    assert not any(c in d for c in codes for d in digests)


def test_a_code_votes_once_and_the_tally_equals_the_stored_votes(opened):
    eb, codes, chair = opened
    candidates = list(eb.candidates.order_by("rank"))
    first = candidates[0].pk
    for code in codes[:5]:
        electronic.vote_cast(code=code, choices=[first])
    electronic.vote_cast(code=codes[5], choices=[], blank=True)
    with pytest.raises(ValidationError, match="đã được dùng để bỏ phiếu"):
        electronic.vote_cast(code=codes[0], choices=[first])
    assert ElectronicVote.objects.filter(ballot=eb).count() == 6
    counted = electronic.tally(eb)
    assert (counted.valid, counted.blank, counted.votes[first]) == (6, 1, 5)
    ballot_round = electronic.electronic_ballot_close(ballot=eb, user=chair)
    assert ballot_round.method == BallotMethod.ELECTRONIC
    assert (ballot_round.issued, ballot_round.returned, ballot_round.valid, ballot_round.blank) == (7, 6, 6, 1)
    assert ballot_round.results.get(nomination_id=first).votes == 5
    # A code of a closed round is refused, and counts nothing.
    with pytest.raises(ValidationError):
        electronic.vote_cast(code=codes[6], choices=[first])
    assert ElectronicVote.objects.filter(ballot=eb).count() == 6


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda eb, codes: {"code": "AAAA-BBBB", "choices": []}, "code"),  # mistyped
        (lambda eb, codes: {"code": "A" * 16, "choices": [eb.candidates.first().pk]}, "code"),  # unknown
        (
            lambda eb, codes: {"code": codes[0], "choices": list(eb.candidates.values_list("pk", flat=True)) * 0 + [0]},
            "choice",
        ),
        (lambda eb, codes: {"code": codes[0], "choices": []}, "choice"),  # neither a choice nor blank
    ],
)
def test_bad_votes_are_refused_and_count_nothing(opened, make, field):
    eb, codes, _chair = opened
    with pytest.raises(ValidationError) as error:
        electronic.vote_cast(**make(eb, codes))
    assert field in error.value.message_dict
    assert ElectronicVote.objects.count() == 0
    assert not BallotCode.objects.filter(spent=True).exists()


def test_more_choices_than_seats_are_refused(opened):
    eb, codes, _chair = opened
    pks = list(eb.candidates.values_list("pk", flat=True))
    if len(pks) <= eb.seats:
        pytest.skip("the demo's flag ballot has no more candidates than seats")
    with pytest.raises(ValidationError):
        electronic.vote_cast(code=codes[0], choices=pks[: eb.seats + 1])


def test_a_code_of_another_round_is_refused(opened, client):
    eb, codes, chair = opened
    electronic.electronic_ballot_cancel(ballot=eb, reason="Lỗi in phiếu", user=chair)
    eb.refresh_from_db()
    assert (eb.cancelled, eb.cancel_reason) == (True, "Lỗi in phiếu")  # the reason is kept for the minutes
    eb2 = electronic.electronic_ballot_open(meeting=eb.meeting, award_type=flag(), user=chair)
    electronic.ballot_codes_issue(ballot=eb2, count=7, user=chair)
    with pytest.raises(ValidationError, match="closed|đã đóng|đã kết thúc"):
        electronic.vote_cast(code=codes[0], choices=[eb2.candidates.first().pk])
    assert ElectronicVote.objects.count() == 0


def test_no_paper_count_is_recorded_while_an_electronic_ballot_is_open(opened):
    from awards import services as award_services
    from awards.models import BallotRound

    eb, _codes, chair = opened
    votes = {n.pk: 0 for n in eb.candidates.all()}
    with pytest.raises(ValidationError, match="đang mở|is open"):
        award_services.ballot_round_record(
            meeting=eb.meeting,
            award_type=eb.award_type,
            issued=7,
            returned=7,
            valid=7,
            invalid=0,
            votes=votes,
            user=chair,
        )
    assert not BallotRound.objects.filter(meeting=eb.meeting, award_type=eb.award_type).exists()


def test_the_vote_page_writes_no_session_and_nothing_but_the_vote(opened, client):
    from django.contrib.sessions.models import Session

    eb, codes, _chair = opened
    before = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    url = reverse("awards:vote")
    page = client.post(url, {"code": electronic.code_display(codes[0])})
    assert eb.award_type.name in page.content.decode()
    page = client.post(url, {"code": codes[0], "step": "cast", "choice": [eb.candidates.first().pk]})
    assert 'data-testid="vote-cast"' in page.content.decode()
    assert set(page.cookies) <= {"csrftoken"}
    assert Session.objects.count() == before["sessions.Session"]
    after = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    changed = {label for label in before if before[label] != after[label]}
    assert changed == {"awards.ElectronicVote"}


def test_no_table_links_a_vote_to_anything(opened):
    eb, codes, chair = opened
    for code in codes[:3]:
        electronic.vote_cast(code=code, choices=[eb.candidates.first().pk])
    electronic.electronic_ballot_close(ballot=eb, user=chair)
    secret = {"awards_electronicvote", "awards_ballotcode"}
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        vote_columns = {c.name for c in connection.introspection.get_table_description(cursor, "awards_electronicvote")}
        assert vote_columns == {"id", "ballot_id", "choices"}
        code_columns = {c.name for c in connection.introspection.get_table_description(cursor, "awards_ballotcode")}
        assert code_columns == {"id", "ballot_id", "digest", "spent"}
        for table in tables:
            relations = connection.introspection.get_relations(cursor, table)
            targets = {target for _column, target in ((k, v[1]) for k, v in relations.items())}
            if table not in secret:
                assert not targets & secret, table
        assert not [t for t in tables if "historical" in t and ("vote" in t or "ballotcode" in t or "electronic" in t)]
    for model in apps.get_models():
        for related in model._meta.get_fields():
            if getattr(related, "related_model", None) in (ElectronicVote, BallotCode) and model not in (
                ElectronicBallot,
                ElectronicVote,
                BallotCode,
            ):
                pytest.fail(f"{model} refers to {related.related_model}")
    # The stored votes hold the choice only: no code, no digest.
    digests = set(BallotCode.objects.values_list("digest", flat=True))
    for choices in ElectronicVote.objects.values_list("choices", flat=True):
        assert all(isinstance(c, int) for c in choices) and not digests & {str(c) for c in choices}


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_submissions_of_one_code_count_once(meeting_2015, demo_user):
    import threading

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    chair = demo_user("bacgiang")
    meeting = ready_for_ballot(meeting_2015)
    eb = electronic.electronic_ballot_open(meeting=meeting, award_type=flag(), user=chair)
    code = electronic.ballot_codes_issue(ballot=eb, count=7, user=chair)[0]
    choice = eb.candidates.first().pk
    barrier, outcomes = threading.Barrier(20), []

    def submit():
        try:
            barrier.wait()
            electronic.vote_cast(code=code, choices=[choice])
            outcomes.append("counted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes).count("counted") == 1 and len(outcomes) == 20
    assert ElectronicVote.objects.filter(ballot=eb).count() == 1
    eb.refresh_from_db()
    assert eb.codes_used == 1


def test_the_chair_prints_the_slips_as_a_pdf(meeting_2015, demo_user, client):
    chair = demo_user("bacgiang")
    meeting = ready_for_ballot(meeting_2015)
    year = meeting.emulation_year
    client.force_login(chair)
    url = reverse("awards:electronic", args=[year.cluster_id, year.year, "flag"])
    client.post(url, {"action": "open"})
    eb = ElectronicBallot.objects.get(meeting=meeting, closed_at__isnull=True)
    response = client.post(url, {"action": "codes", "count": "7"})
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    eb.refresh_from_db()
    assert eb.codes_issued == 7 and BallotCode.objects.filter(ballot=eb).count() == 7
    page = client.get(url)
    assert "0/7" in page.content.decode() or "0 of 7" in page.content.decode()
