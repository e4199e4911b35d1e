"""The cluster's search: one query finds the provinces, scorecards, criteria, documents,
nominations and people of every year of a cluster, only what the user may read.

Each group is searched by one query whatever the number of years: on PostgreSQL a full-text
match (`to_tsvector('simple', …)` of the folded text, a `SearchQuery` of the words, the last
as a prefix, the group's count by a window over the same rows); elsewhere (SQLite) the group's rows of the cluster are
read once and folded in Python (`search.text`), which for one cluster's bounded rows is fast
enough. Both give the same rows in the same order (tests/search).

Permissions are the apps' own rules (`cluster.view_year`, `reports.view_document`,
`dossiers.view_dossier`, `scoring.view_scorecard`), asked of year objects whose membership
caches are filled here from one query, so asking costs no query per year or row.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Case, Count, F, Func, TextField, Value, When, Window
from django.db.models.functions import Cast, Concat, Lower
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards.models import Nomination
from cluster.enums import Role
from cluster.models import EmulationYear, Membership, Person
from provinces.models import Province
from reports.enums import DocumentKind
from reports.models import Report
from scoring.models import Criterion, Scorecard

from . import text

#: Hits shown per group on the results page (the group's count says how many there are).
PER_GROUP = 10
#: Hits shown when one group is opened in full.
GROUP_ALL = 200

YEAR = object()  # in a group's fields: the year's number


@dataclass(frozen=True)
class Labels:
    """A choice field searched by its label (in the user's language and in Vietnamese)."""

    path: str
    choices: type

    def mapping(self):
        labels = {value: str(label) for value, label in self.choices.choices}
        with translation.override("vi"):
            vietnamese = {value: str(label) for value, label in self.choices.choices}
        return {value: f"{labels[value]} {vietnamese[value]}" for value in labels}


@dataclass
class Hit:
    title: str
    detail: str
    url: str


@dataclass
class Group:
    key: str
    label: str
    hits: list
    count: int

    @property
    def more(self):
        return self.count - len(self.hits)


@dataclass
class Results:
    query: str
    terms: list
    groups: list = field(default_factory=list)
    truncated: bool = False
    #: Set when one group is shown in full (`search(group=...)`).
    group: str | None = None

    @property
    def count(self):
        return sum(group.count for group in self.groups)


def _attr(obj, path):
    for name in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, name)
    return obj


def _year_label(year):
    return _("Year %(year)s") % {"year": year}


class _Source:
    """One group of results: its rows, the fields searched, the rule that lets a user read a row."""

    key = ""
    label = ""
    #: Path from the row to its emulation year (None: not a row of one year).
    year_path = "emulation_year"
    fields = ()
    #: A django-rules permission asked for each row (after the text match): only where it
    #: depends on the row, not on its year (the count is then made in Python).
    row_permission = None

    def year_allowed(self, user, emulation_year):
        return user.has_perm("cluster.view_year", emulation_year)

    def rows(self, cluster, year_ids, province_ids):
        """The candidate rows, ordered as shown, with what `hit` reads."""
        raise NotImplementedError

    def hit(self, row, year):
        raise NotImplementedError

    def year_id(self, row):
        return _attr(row, f"{self.year_path}_id")


class _Provinces(_Source):
    key = "provinces"
    label = gettext_lazy("Provinces")
    year_path = None
    fields = ("name", "code")

    def rows(self, cluster, year_ids, province_ids):
        return Province.objects.filter(pk__in=province_ids).select_related("successor").order_by("name", "code", "pk")

    def hit(self, row, year):
        detail = _("Code %(code)s") % {"code": row.code}
        if row.successor_id:
            since = row.merged_on.strftime("%d/%m/%Y")
            detail += " · " + _("Since %(since)s part of %(successor)s") % {"since": since, "successor": row.successor}
        return Hit(row.name, detail, reverse("provinces:detail", args=[row.code]))


class _Scorecards(_Source):
    key = "scorecards"
    label = gettext_lazy("Scorecards")
    fields = ("province__name", YEAR)
    row_permission = "scoring.view_scorecard"

    def rows(self, cluster, year_ids, province_ids):
        return (
            Scorecard.objects.filter(emulation_year_id__in=year_ids)
            .select_related("province")
            .order_by("-emulation_year__year", "province__name", "pk")
        )

    def hit(self, row, year):
        detail = [_year_label(year.year), row.get_status_display()]
        if row.rank:
            detail.append(_("Rank %(rank)s") % {"rank": row.rank})
        return Hit(
            f"{row.province.name} – {year.year}", " · ".join(detail), reverse("scoring:scorecard", args=[row.pk])
        )


class _Criteria(_Source):
    key = "criteria"
    label = gettext_lazy("Criteria")
    year_path = "section__emulation_year"
    fields = ("code", "title", YEAR)

    def rows(self, cluster, year_ids, province_ids):
        return (
            Criterion.objects.filter(section__emulation_year_id__in=year_ids)
            .select_related("section")
            .order_by("-section__emulation_year__year", "section__order", "section__code", "order", "code", "pk")
        )

    def hit(self, row, year):
        return Hit(
            f"{row.code}. {row.title}",
            f"{_year_label(year.year)} · {row.section.code}. {row.section.title}",
            reverse("scoring:criteria", args=[year.cluster_id, year.year]),
        )


class _Documents(_Source):
    key = "documents"
    label = gettext_lazy("Documents")
    fields = (Labels("kind", DocumentKind), "number_text", YEAR)

    def year_allowed(self, user, emulation_year):
        return user.has_perm("reports.view_document", emulation_year)

    def rows(self, cluster, year_ids, province_ids):
        return Report.objects.filter(emulation_year_id__in=year_ids).order_by(
            "-emulation_year__year", "kind", "number", "-requested_at", "pk"
        )

    def hit(self, row, year):
        state = _("Issued on %(date)s") % {"date": row.issued_at.strftime("%d/%m/%Y")} if row.issued_at else None
        state = state or row.get_status_display()
        return Hit(
            f"{row.get_kind_display()} {row.number_text}",
            f"{_year_label(year.year)} · {state}",
            reverse("reports:report", args=[row.pk]),
        )


class _Nominations(_Source):
    key = "nominations"
    label = gettext_lazy("Nominations")
    fields = ("province__name", "award_type__name", "decision_number", YEAR)

    def year_allowed(self, user, emulation_year):
        return user.has_perm("dossiers.view_dossier", Nomination(emulation_year=emulation_year))

    def rows(self, cluster, year_ids, province_ids):
        return (
            Nomination.objects.filter(emulation_year_id__in=year_ids)
            .select_related("province", "award_type")
            .order_by("-emulation_year__year", "award_type__order", "rank", "province__name", "pk")
        )

    def hit(self, row, year):
        detail = [_year_label(year.year), row.get_status_display()]
        if row.decision_number:
            detail.append(_("Decision %(number)s") % {"number": row.decision_number})
        return Hit(
            f"{row.award_type.name}: {row.province.name}",
            " · ".join(detail),
            reverse("dossiers:dossier", args=[row.pk]),
        )


class _People(_Source):
    key = "people"
    label = gettext_lazy("People")
    fields = ("full_name", "post", "province__name", YEAR)

    def rows(self, cluster, year_ids, province_ids):
        return (
            Person.objects.filter(emulation_year_id__in=year_ids)
            .select_related("province")
            .order_by("-emulation_year__year", F("province__name").asc(nulls_first=True), "order", "full_name", "pk")
        )

    def hit(self, row, year):
        where = row.province.name if row.province_id else _("Central delegate or guest")
        detail = [row.post, where, _year_label(year.year)] if row.post else [where, _year_label(year.year)]
        return Hit(row.full_name, " · ".join(detail), reverse("cluster:people", args=[year.cluster_id, year.year]))


SOURCES = [_Provinces(), _Scorecards(), _Criteria(), _Documents(), _Nominations(), _People()]
GROUP_KEYS = [source.key for source in SOURCES]


def _cluster_years(cluster):
    """The cluster's years, newest first, carrying the caches the cluster rules read
    (`cluster.selectors.member_province_ids`, `cluster_province_ids`, `chair_province_id`),
    and the ids of every province that has been a member: two queries."""
    years = list(EmulationYear.objects.filter(cluster=cluster).order_by("-year"))
    members, chairs, everyone = defaultdict(set), {}, set()
    rows = Membership.objects.filter(emulation_year__cluster=cluster).values_list(
        "emulation_year_id", "province_id", "role"
    )
    for year_id, province_id, role in rows:
        members[year_id].add(province_id)
        everyone.add(province_id)
        if role == Role.CHAIR:
            chairs[year_id] = province_id
    everyone = frozenset(everyone)
    for year in years:
        year.cluster = cluster
        year._member_province_ids = frozenset(members[year.pk])
        year._cluster_province_ids = everyone
        year._chair_province_id = chairs.get(year.pk) if year.term_confirmed_at else None
    return years, everyone


def _search_text(source, labels):
    """The folded text of a row in SQL: the same words as `text.fold` gives in Python."""
    parts = []
    for item in source.fields:
        if item is YEAR:
            expression = Cast(F(f"{source.year_path}__year"), TextField())
        elif isinstance(item, Labels):
            whens = [When(**{item.path: value}, then=Value(text.fold(label))) for value, label in labels[item].items()]
            expression = Case(*whens, default=Value(""), output_field=TextField())
        else:
            expression = F(item)
        parts += [expression, Value(" ")]
    joined = Concat(*parts[:-1], output_field=TextField())
    bare = Lower(Func(joined, function="unaccent", output_field=TextField()))
    return Func(bare, Value("[^a-z0-9]+"), Value(" "), Value("g"), function="regexp_replace", output_field=TextField())


def _python_text(source, row, year, labels):
    values = []
    for item in source.fields:
        if item is YEAR:
            values.append(year.year)
        elif isinstance(item, Labels):
            values.append(labels[item].get(_attr(row, item.path), ""))
        else:
            values.append(_attr(row, item))
    return text.fold(" ".join(str(value) for value in values if value is not None))


def _search_source(source, *, user, terms, rows, years_by_id, limit, engine):
    labels = {item: item.mapping() for item in source.fields if isinstance(item, Labels)}
    count = None
    if engine == "postgresql":
        vector = SearchVector(_search_text(source, labels), config="simple")
        rows = rows.alias(search=vector).filter(
            search=SearchQuery(text.tsquery(terms), search_type="raw", config="simple")
        )
        if source.row_permission is None:
            rows = list(rows.annotate(search_count=Window(Count("pk")))[:limit])
            count = rows[0].search_count if rows else 0
    found = []
    for row in rows:
        year = years_by_id.get(source.year_id(row)) if source.year_path else None
        if source.year_path:
            _set_year(source, row, year)
        if engine != "postgresql" and not text.matches(terms, _python_text(source, row, year, labels)):
            continue
        if source.row_permission and not user.has_perm(source.row_permission, row):
            continue
        found.append((row, year))
    if count is None:
        count = len(found)
    return Group(source.key, str(source.label), [source.hit(row, year) for row, year in found[:limit]], count)


def _set_year(source, row, year):
    """Give the row the shared year object (with its filled caches) the rules will read."""
    *path, last = source.year_path.split("__")
    setattr(_attr(row, "__".join(path)) if path else row, last, year)


def search(user, cluster, query, *, group=None, engine=None):
    """What `user` may read of `cluster` that matches `query`, in groups.

    Every word of the query (without diacritics or with them, any case) must be a word of the
    row's text, the last one may be the beginning of one ("thai ng" finds Thái Nguyên). Shows
    PER_GROUP hits per group, or GROUP_ALL of one group (`group`, a key of GROUP_KEYS).
    `engine` ("postgresql" or "python") defaults to the database's own."""
    cut = str(query or "").strip()
    results = Results(query=cut[: text.MAX_QUERY_LENGTH], terms=text.query_terms(cut), group=group)
    results.truncated = len(cut) > text.MAX_QUERY_LENGTH
    if cluster is None or not results.terms:
        return results
    engine = engine or ("postgresql" if connection.vendor == "postgresql" else "python")
    years, province_ids = _cluster_years(cluster)
    years_by_id = {year.pk: year for year in years}
    sources = [source for source in SOURCES if group in (None, source.key)]
    limit = GROUP_ALL if group else PER_GROUP
    for source in sources:
        allowed = [year for year in years if source.year_allowed(user, year)]
        if not allowed:
            continue
        rows = source.rows(cluster, [year.pk for year in allowed], province_ids)
        found = _search_source(
            source, user=user, terms=results.terms, rows=rows, years_by_id=years_by_id, limit=limit, engine=engine
        )
        if found.count:
            results.groups.append(found)
    return results
