"""Who may do what with a cluster's year. Chair powers follow the term of the year:
the staff of the year's chair province hold them for that year only."""

import rules

from . import selectors


@rules.predicate
def is_admin(user):
    return bool(user and user.is_authenticated and user.is_superuser)


@rules.predicate
def is_chair_of_year(user, emulation_year):
    if emulation_year is None or not user.is_authenticated or user.province_id is None:
        return False
    return selectors.chair_province_id(emulation_year) == user.province_id


@rules.predicate
def is_covenant_owner(user, emulation_year):
    """Staff of the province the covenant of this year belongs to: the chair of the year before,
    whose review signs it (this year's chair in a cluster's first year)."""
    if emulation_year is None or not user.is_authenticated or user.province_id is None:
        return False
    return selectors.covenant_owner_province_id(emulation_year) == user.province_id


@rules.predicate
def is_member_of_year(user, emulation_year):
    if emulation_year is None or not user.is_authenticated or user.province_id is None:
        return False
    return user.province_id in selectors.member_province_ids(emulation_year)


@rules.predicate
def is_cluster_member(user, emulation_year):
    """The user's province belongs (or belonged) to the cluster of this year."""
    if emulation_year is None or not user.is_authenticated or user.province_id is None:
        return False
    return user.province_id in selectors.cluster_province_ids(emulation_year)


@rules.predicate
def is_year_open(user, emulation_year):
    return emulation_year is not None and not emulation_year.is_closed


can_view_year = is_admin | is_cluster_member
rules.add_perm("cluster.view_year", can_view_year)
rules.add_perm("cluster.open_year", is_admin)
rules.add_perm("cluster.assign_term", is_admin & is_year_open)
rules.add_perm("cluster.change_membership", is_admin & is_year_open)


@rules.predicate
def is_rule_set_open(user, emulation_year):
    return emulation_year is not None and not selectors.rule_set_frozen(emulation_year)


rules.add_perm("cluster.change_rule_set", (is_admin | is_chair_of_year) & is_year_open & is_rule_set_open)
rules.add_perm("cluster.chair_year", is_chair_of_year & is_year_open)
rules.add_perm("provinces.view_province", rules.is_authenticated)


@rules.predicate
def is_staff_of_person_province(user, person):
    return bool(
        person is not None
        and person.province_id is not None
        and user.is_authenticated
        and user.province_id == person.province_id
    )


@rules.predicate
def is_chair_of_person_year(user, person):
    return person is not None and is_chair_of_year(user, person.emulation_year)


@rules.predicate
def is_person_year_open(user, person):
    return person is not None and not person.emulation_year.is_closed


# The people of a year: each province's staff keep their own, the chair and admins all of them.
rules.add_perm(
    "cluster.manage_person",
    (is_admin | is_chair_of_person_year | is_staff_of_person_province) & is_person_year_open,
)
