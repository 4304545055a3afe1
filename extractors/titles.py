"""An event's title: one line that states the news from its facts, roles and terms ("OpenAI signs
$38B, 7-year compute deal with Amazon Web Services"; "Microsoft gives up exclusivity over OpenAI's
cloud"; "Oracle cuts prices by 45%")."""

from __future__ import annotations

from collections.abc import Sequence

from extractors.clustering import EventFacts
from extractors.relationship_terms import relationship_term


def headline(facts: EventFacts, evidence: Sequence[str] = ()) -> str:
    """The title of an event with these facts, stated by these sentences."""
    if facts.type == "pricing":
        text = _pricing(facts)
    elif facts.type == "capacity":
        text = _capacity(facts)
    else:
        text = _partnership(facts, relationship_term(evidence))
    return text + {"reported": " (reported)"}.get(facts.status, "")


def money(usd: float) -> str:
    """$38B, $17.4B, $500M."""
    if usd >= 1e9:
        return f"${usd / 1e9:,.1f}".removesuffix(".0") + "B"
    return f"${usd / 1e6:,.0f}M"


def _sizes(facts: EventFacts) -> list[str]:
    """Capacity figures stated: 1.2 GW, 300 MW, 100,000 GPUs."""
    power, out = facts.capacity_mw, []
    if power:
        out.append(f"{power / 1000:,.1f}".removesuffix(".0") + " GW" if power >= 1000 else f"{power:,.0f} MW")
    if facts.gpus:
        out.append(f"{facts.gpus:,} GPUs")
    return out


def _joined(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _pricing(facts: EventFacts) -> str:
    who = _joined(facts.parties)
    pct = facts.price_change_pct
    if not pct:
        return f"{who} changes prices"
    return f"{who} {'cuts' if pct < 0 else 'raises'} prices by {abs(pct):g}%"


def _capacity(facts: EventFacts) -> str:
    sizes = _sizes(facts)
    what = f"{' and '.join(sizes)} of capacity" if sizes else "new capacity"
    money_part = f" ({money(facts.amount_usd)})" if facts.amount_usd else ""
    return f"{_joined(facts.parties)} adds {what}{money_part}"


def _partnership(facts: EventFacts, term: str | None) -> str:
    roles = dict(facts.roles)
    by_role = {
        r: [p for p in facts.parties if roles.get(p) == r] for r in ("customer", "provider", "investor")
    }
    customer, provider, investor = (by_role[r][0] if len(by_role[r]) == 1 else None for r in by_role)
    others = [p for p in facts.parties if p not in (customer, provider, investor)]
    size = ", ".join(
        ([money(facts.amount_usd)] if facts.amount_usd else [])
        + ([f"{facts.duration_years:g}-year"] if facts.duration_years else [])
    )
    extra = ", ".join(_sizes(facts))
    tail = f" ({extra})" if extra else ""
    if customer and provider and term:
        terms = f" ({', '.join(s for s in [size, extra] if s)})" if size or extra else ""
        return {
            "non_exclusive": f"{provider} gives up exclusivity over {customer}'s cloud",
            "right_of_first_refusal": f"{provider} keeps a right of first refusal on {customer}'s cloud",
            "exclusive": f"{customer} makes {provider} its exclusive provider",
            "ended": f"{customer} ends its deal with {provider}",
        }[term] + terms
    if term == "ended":
        return f"{_joined(facts.parties)} end their deal"
    if investor and not (customer or provider):
        rest = [p for p in facts.parties if p != investor]
        amount = f" {money(facts.amount_usd)}" if facts.amount_usd else ""
        return f"{investor} invests{amount} in {_joined(rest)}"
    deal = f"{size} compute deal" if size else "compute deal"
    if customer and provider:
        sellers = _joined([provider, *others])
        if facts.status == "in_talks":
            return f"{customer} in talks with {sellers} on {deal}{tail}"
        return f"{customer} signs {deal} with {sellers}{tail}"
    deal = f"{size} deal" if size else "deal"
    if facts.status == "in_talks":
        return f"{_joined(facts.parties)} in talks on {deal}{tail}"
    return f"{_joined(facts.parties)} sign {deal}{tail}"
