from django import template

from awards.enums import PROPOSED_BY_THE_CLUSTER

from .. import selectors

register = template.Library()


@register.inclusion_tag("dossiers/_nomination_cell.html", takes_context=True)
def dossier_state(context, nomination):
    """The dossier's state of a nomination the cluster proposed, linked to its page. The year's
    dossiers are read once per page (one query, whatever the number of nominations)."""
    if nomination.status not in PROPOSED_BY_THE_CLUSTER:
        return {"nomination": None}
    cache = context.render_context.setdefault("dossiers_by_year", {})
    year_id = nomination.emulation_year_id
    if year_id not in cache:
        cache[year_id] = selectors.dossiers_by_nomination(year_id)
    return {"nomination": nomination, "dossier": cache[year_id].get(nomination.pk)}
