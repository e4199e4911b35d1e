"""Reads of the scoring app."""

from dataclasses import dataclass

from django.core.cache import cache
from django.http import Http404

from cluster import selectors as cluster_selectors
from common import memo
from common.queries import by_key

from . import calculations
from .enums import ScorecardStatus
from .models import Criterion, Evidence, Score, Scoreboard, Scorecard, Section

VISIBLE_TO_MEMBERS = (ScorecardStatus.SUBMITTED, ScorecardStatus.AGREED)


def sections_of_year(emulation_year):
    return list(Section.objects.filter(emulation_year=emulation_year).order_by("order", "code"))


def criteria_of_year(emulation_year):
    return list(
        Criterion.objects.filter(section__emulation_year=emulation_year)
        .select_related("section")
        .order_by("section__order", "section__code", "order", "code")
    )


def criterion_nodes(criteria):
    return [
        calculations.CriterionNode(
            id=c.pk, section_code=c.section.code, parent_id=c.parent_id, kind=c.kind, max_points=c.max_points
        )
        for c in criteria
    ]


@dataclass
class CriterionRow:
    criterion: Criterion
    depth: int
    is_leaf: bool
    max_points: object


@dataclass
class SectionBlock:
    section: Section
    rows: list
    max_points: object


@dataclass
class CriteriaTable:
    sections: list
    leaves: list
    maxima: calculations.MaxTotals
    first_section_code: str | None
    #: The cache key it was built under (it names the criteria's version): what is built from
    #: the table alone (the rows' criterion cells) may be kept under it.
    key: str = ""


def _section_bound(code, rows, maxima):
    """A section's maximum; for a section of deductions only, its (negative) bound."""
    if maxima.sections.get(code):
        return maxima.sections[code]
    leaves = [row.max_points for row in rows if row.is_leaf and row.max_points is not None]
    return sum(leaves, calculations.ZERO)


def criteria_table(emulation_year):
    """The year's criteria in display order (tree order inside each section) with their maximums.

    Built once per request (`common.memo`) and kept in the cache (Redis in production, local
    memory in the embedded default) under the year's `criteria_key`, which the scoring services
    renew whenever they may change the criteria; so a request reads one short row instead of
    building the table from every criterion. The tables read last stay in the process as well
    (`common.memo.Versioned`): under an unchanged key a table is the same."""
    return memo.memoized(("criteria_table", emulation_year.pk), lambda: _cached_criteria_table(emulation_year))


def _criteria_version_key(year_id):
    """The request memo's key of a year's criteria version: under the table's prefix, so the
    services that change criteria forget it with the table."""
    return ("criteria_table", year_id, "version")


#: How long a criteria table stays in the cache unread (its key changes when the criteria do).
CRITERIA_CACHE_SECONDS = 24 * 3600


def _cached_criteria_table(emulation_year):
    from cluster.models import EmulationYear

    def read_version():  # one short row (`order_by()`: without the Meta ordering's join of the cluster)
        rows = EmulationYear.objects.filter(pk=emulation_year.pk).order_by().values_list("criteria_key", flat=True)
        return next(iter(rows), None)

    # Read in this request with the scorecard (`scorecard_get_for_user`), or now.
    version = memo.memoized(_criteria_version_key(emulation_year.pk), read_version)
    key = f"criteria-table:{emulation_year.pk}:{version}"

    def shared():
        table = cache.get(key)
        if table is None or getattr(table, "key", "") != key:  # missing, or kept before tables knew their key
            table = _build_criteria_table(emulation_year, key)
            cache.set(key, table, CRITERIA_CACHE_SECONDS)
        return table

    return _local_tables.get(key, shared)


#: The criteria tables this process read last (a table is read, never changed, by its users).
_local_tables = memo.Versioned(size=64)


def _build_criteria_table(emulation_year, key=""):
    sections = sections_of_year(emulation_year)
    criteria = criteria_of_year(emulation_year)
    maxima = calculations.max_totals(criterion_nodes(criteria))
    leaf_ids = calculations.leaf_ids(criterion_nodes(criteria))
    children = {}
    for c in criteria:
        children.setdefault((c.section_id, c.parent_id), []).append(c)
    blocks, leaves = [], []

    def walk(section_id, parent_id, depth, rows):
        for c in children.get((section_id, parent_id), []):
            row = CriterionRow(c, depth, c.pk in leaf_ids, maxima.by_criterion.get(c.pk))
            rows.append(row)
            if row.is_leaf:
                leaves.append(c)
            walk(section_id, c.pk, depth + 1, rows)

    for section in sections:
        rows = []
        walk(section.pk, None, 0, rows)
        blocks.append(SectionBlock(section, rows, _section_bound(section.code, rows, maxima)))
    return CriteriaTable(blocks, leaves, maxima, sections[0].code if sections else None, key)


def scoreboard_of(emulation_year):
    board, _created = Scoreboard.objects.get_or_create(emulation_year=emulation_year)
    return board


def scores_by_criterion(scorecard):
    """{criterion id: Score}, each with `evidence_files`: its evidence, oldest first.

    Two queries; the evidence is grouped here rather than prefetched, because a related
    manager's `.all()` per score costs a queryset each (a scorecard has 100+ criteria).
    """
    scores = {s.criterion_id: s for s in Score.objects.filter(scorecard=scorecard)}
    by_score = {}
    for evidence in Evidence.objects.filter(score__scorecard=scorecard).order_by("uploaded_at"):
        by_score.setdefault(evidence.score_id, []).append(evidence)
    for score in scores.values():
        score.evidence_files = by_score.get(score.pk, [])
    return scores


def scorecard_get_for_user(user, scorecard_id):
    """The scorecard if the user may read it; 404 alike for missing and forbidden."""
    scorecard = by_key(
        Scorecard.objects.select_related(
            "province", "emulation_year__cluster", "emulation_year__scoreboard", "emulation_year__rule_set"
        ).filter(pk=scorecard_id)
    )
    if scorecard is None or not user.has_perm("scoring.view_scorecard", scorecard):
        raise Http404
    # The year's criteria version came with it: the page's criteria table needs no read of its own.
    memo.remember(_criteria_version_key(scorecard.emulation_year_id), scorecard.emulation_year.criteria_key)
    return scorecard


def scorecards_of_year(emulation_year):
    """{province id: scorecard}; each shares `emulation_year`, so that permission checks row
    by row reuse one year's cached term and members instead of querying per row."""
    cards = {
        s.province_id: s for s in Scorecard.objects.filter(emulation_year=emulation_year).select_related("province")
    }
    for card in cards.values():
        card.emulation_year = emulation_year
    return cards


@dataclass
class BoardRow:
    membership: object
    scorecard: Scorecard | None
    sections: dict
    self_total: object
    agreed_total: object
    difference: object
    rank: int | None
    tied: bool
    #: The points of each section in the order of the year's sections (None where none): the
    #: cells of the scoreboard, the score summary, the minutes' ranking and the Excel export.
    section_points: list


def lock_summary_lines(emulation_year):
    """ "Thái Nguyên – 95,50 điểm thống nhất": each member's agreed total, for the confirmation
    before the lock."""
    from django.utils.formats import number_format
    from django.utils.translation import gettext as _

    _table, rows = scoreboard_rows(emulation_year)
    return [
        _("%(province)s – %(total)s agreed points")
        % {"province": r.membership.province.name, "total": number_format(r.agreed_total, 2)}
        for r in rows
    ]


def scoreboard_rows(emulation_year, *, user=None):
    """Every member's totals and rank for the year.

    After the lock the stored ranking is shown; before it, a provisional ranking is
    computed from the agreed scores entered so far (or self-scores where none is agreed),
    counting only scorecards that members may read (submitted or agreed).
    Constant number of queries whatever the size of the cluster.
    """
    table = criteria_table(emulation_year)
    results = compute_year_results(emulation_year, table=table, visible_only=True)
    members = cluster_selectors.members_of(emulation_year)
    codes = [block.section.code for block in table.sections]
    rows = []
    for membership in members:
        result = results.get(membership.province_id)
        if result is None:
            rows.append(BoardRow(membership, None, {}, None, None, None, None, False, [None] * len(codes)))
            continue
        rows.append(
            BoardRow(
                membership,
                result["scorecard"],
                result["sections"],
                result["self_total"],
                result["agreed_total"],
                (result["agreed_total"] - result["self_total"]) if result["agreed_total"] is not None else None,
                result["rank"],
                result["tied"],
                [result["sections"].get(code) for code in codes],
            )
        )
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.membership.province.code))
    return table, rows


def province_results_across_years(province, *, user):
    """The province's scorecards, newest year first, that `user` may read — in one query, with
    the same rule as `scoring.rules.can_view_scorecard`: admins all; its own staff all; members
    (or the chair) of that year's cluster the submitted and agreed ones."""
    from django.db.models import Exists, OuterRef, Q

    from cluster.models import Membership

    scorecards = Scorecard.objects.filter(province=province)
    if not user.is_superuser:
        member_that_year = Membership.objects.filter(
            emulation_year=OuterRef("emulation_year"), province_id=user.province_id
        )
        scorecards = scorecards.filter(
            Q(province_id=user.province_id) | (Q(status__in=VISIBLE_TO_MEMBERS) & Exists(member_that_year))
        )
    return scorecards.select_related("emulation_year__cluster", "emulation_year__scoreboard").order_by(
        "-emulation_year__year"
    )


def compute_year_results(emulation_year, *, table=None, visible_only=False, stored_when_locked=True):
    """{province id: totals and rank} for the year's scorecards.

    Locked year: the stored results (set by `scoring.services.scoreboard_rank`). Open
    year: computed now from the agreed scores, a criterion not agreed yet counting its
    self-score (a provisional ranking). Two queries whatever the size.
    """
    from cluster.enums import RankingTieRule

    table = table or criteria_table(emulation_year)
    scorecards = list(Scorecard.objects.filter(emulation_year=emulation_year).select_related("province"))
    if visible_only:
        scorecards = [s for s in scorecards if s.status in VISIBLE_TO_MEMBERS]
    board = getattr(emulation_year, "scoreboard", None) if hasattr(emulation_year, "scoreboard") else None
    if stored_when_locked and board is not None and board.is_locked:
        return {
            s.province_id: {
                "scorecard": s,
                "sections": {k: calculations.Decimal(v) for k, v in s.section_totals.items()},
                "self_total": s.self_total,
                "agreed_total": s.agreed_total,
                "rank": s.rank,
                "tied": sum(1 for o in scorecards if o.rank == s.rank) > 1,
            }
            for s in scorecards
        }
    # The totals each save keeps on its scorecard (`services._save_next_version`), where they are of
    # the scorecard's current version; the others (none, through the services) from the scores.
    stale = [s.pk for s in scorecards if s.live_version != s.version or s.live_total is None]
    computed = {}
    if stale:
        nodes = criterion_nodes([row.criterion for block in table.sections for row in block.rows])
        self_scores, agreed_scores = {}, {}
        for scorecard_id, criterion_id, self_score, agreed_score in Score.objects.filter(
            scorecard_id__in=stale
        ).values_list("scorecard_id", "criterion_id", "self_score", "agreed_score"):
            self_scores.setdefault(scorecard_id, {})[criterion_id] = self_score
            agreed_scores.setdefault(scorecard_id, {})[criterion_id] = (
                agreed_score if agreed_score is not None else self_score
            )
        for pk in stale:
            own = calculations.scorecard_totals(nodes, self_scores.get(pk, {}))
            agreed = calculations.scorecard_totals(nodes, agreed_scores.get(pk, {}))
            computed[pk] = (own.total, own.sections, agreed.total, agreed.sections)
    results, entries = {}, []
    for s in scorecards:
        if s.pk in computed:
            self_total, self_sections, live_total, live_sections = computed[s.pk]
        else:
            self_total, live_total = s.self_total, s.live_total
            self_sections = {k: calculations.Decimal(v) for k, v in (s.self_section_totals or {}).items()}
            live_sections = {k: calculations.Decimal(v) for k, v in (s.live_section_totals or {}).items()}
        results[s.province_id] = {
            "scorecard": s,
            "sections": live_sections,
            "self_sections": self_sections,
            "self_total": self_total,
            "agreed_total": live_total,
            "rank": None,
            "tied": False,
        }
        entries.append(
            calculations.RankEntry(
                key=s.province_id,
                code=s.province.code,
                total=live_total,
                section_a=live_sections.get(table.first_section_code, calculations.ZERO),
            )
        )
    rule_set = getattr(emulation_year, "rule_set", None)
    tie_rule = rule_set.ranking_tie_rule if rule_set else RankingTieRule.SECTION_A_THEN_SAME
    for ranked in calculations.rank_members(entries, tie_rule):
        results[ranked.key]["rank"] = ranked.rank
        results[ranked.key]["tied"] = ranked.tied
    return results


# --- The detailed score table (bảng tổng hợp chi tiết) ----------------------------------------


@dataclass
class DetailMember:
    """One column pair of the detailed table: a member in the ranking's order."""

    membership: object
    scorecard: Scorecard | None
    rank: int | None
    tied: bool
    self_total: object
    agreed_total: object

    @property
    def province(self):
        return self.membership.province


@dataclass
class DetailLine:
    """A criterion's row: `cells` holds (self, agreed) per member, in the members' order; a
    group of criteria carries the sums of its children (None where nothing is scored)."""

    criterion: Criterion
    depth: int
    is_leaf: bool
    max_points: object
    cells: list


@dataclass
class DetailSection:
    section: Section
    max_points: object
    lines: list
    subtotals: list  # (self, agreed) per member


@dataclass
class ScoreDetailTable:
    emulation_year: object
    members: list
    sections: list
    max_total: object
    totals: list  # (self, agreed) per member: the scoreboard's totals
    is_locked: bool
    agreed_by: object = None  # `selectors_peer.AgreedBy`: which mode produced the agreed scores

    def column_groups(self, size=10):
        """The members split into balanced groups of at most `size` (20 → 10 + 10, 12 → 6 + 6),
        each with the matching slice of every row: a printed page holds one group."""
        count = len(self.members)
        if count == 0:
            return []
        groups = -(-count // size)
        width = -(-count // groups)
        result = []
        for start in range(0, count, width):
            stop = start + width
            result.append(
                DetailColumnGroup(
                    first=start + 1,
                    last=min(stop, count),
                    members=self.members[start:stop],
                    sections=[
                        DetailSection(
                            block.section,
                            block.max_points,
                            [
                                DetailLine(
                                    line.criterion, line.depth, line.is_leaf, line.max_points, line.cells[start:stop]
                                )
                                for line in block.lines
                            ],
                            block.subtotals[start:stop],
                        )
                        for block in self.sections
                    ],
                    totals=self.totals[start:stop],
                )
            )
        return result


@dataclass
class DetailColumnGroup:
    first: int
    last: int
    members: list
    sections: list
    totals: list

    @property
    def score_columns(self):
        return 2 * len(self.members)

    @property
    def is_dense(self):
        """More than seven members: smaller type and narrower columns to fit A4 landscape."""
        return len(self.members) > 7


def _sum_or_none(values):
    present = [v for v in values if v is not None]
    return calculations.round_points(sum(present, calculations.ZERO)) if present else None


def score_detail_table(emulation_year):
    """Every criterion's self and agreed score for every member, with section subtotals,
    totals and ranks: the table printed for the preparatory meeting.

    Members come in the scoreboard's order and carry its totals and ranks
    (`scoreboard_rows`); a member whose scorecard members may not read yet (a draft) has
    empty columns. Bonus and deduction sections are sections like the others (their
    subtotals are the bonus and the deduction). A constant number of queries whatever the size.
    """
    from django.db.models import prefetch_related_objects

    from . import selectors_peer

    prefetch_related_objects([emulation_year], "memberships__province")
    table, rows = scoreboard_rows(emulation_year)
    members = [DetailMember(r.membership, r.scorecard, r.rank, r.tied, r.self_total, r.agreed_total) for r in rows]
    card_ids = [m.scorecard.pk if m.scorecard else None for m in members]
    scores = {}
    for scorecard_id, criterion_id, self_score, agreed_score in Score.objects.filter(
        scorecard_id__in=[pk for pk in card_ids if pk is not None]
    ).values_list("scorecard_id", "criterion_id", "self_score", "agreed_score"):
        scores[scorecard_id, criterion_id] = (self_score, agreed_score)
    leaves_under = {}  # criterion id -> ids of the leaves below it (itself for a leaf)
    for block in reversed(table.sections):
        for row in reversed(block.rows):
            c = row.criterion
            if row.is_leaf:
                leaves_under[c.pk] = [c.pk]
            leaves_under.setdefault(c.pk, [])
            if c.parent_id is not None:
                leaves_under.setdefault(c.parent_id, []).extend(leaves_under[c.pk])
    sections = []
    for block in table.sections:
        lines = []
        for row in block.rows:
            cells = []
            for card_id in card_ids:
                if card_id is None:
                    cells.append((None, None))
                elif row.is_leaf:
                    cells.append(scores.get((card_id, row.criterion.pk), (None, None)))
                else:
                    under = [scores.get((card_id, leaf), (None, None)) for leaf in leaves_under[row.criterion.pk]]
                    cells.append((_sum_or_none(s for s, _a in under), _sum_or_none(a for _s, a in under)))
            lines.append(DetailLine(row.criterion, row.depth, row.is_leaf, row.max_points, cells))
        subtotals = []
        for index, (row, card_id) in enumerate(zip(rows, card_ids, strict=True)):
            if card_id is None:
                subtotals.append((None, None))
                continue
            own = sum((line.cells[index][0] or calculations.ZERO for line in lines if line.is_leaf), calculations.ZERO)
            subtotals.append((calculations.round_points(own), row.sections.get(block.section.code)))
        sections.append(DetailSection(block.section, block.max_points, lines, subtotals))
    board = getattr(emulation_year, "scoreboard", None)
    return ScoreDetailTable(
        emulation_year=emulation_year,
        members=members,
        sections=sections,
        max_total=table.maxima.total,
        totals=[(m.self_total, m.agreed_total) for m in members],
        is_locked=bool(board and board.is_locked),
        agreed_by=selectors_peer.agreed_by(emulation_year),
    )
