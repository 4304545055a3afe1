"""The compute-exposure ledger (spec §6): what a company has committed to buy or sell by counterparty,
as of any date, and how concentrated it is.

What counts (docs/exposure.md says the same to users):
- announced and reported partnership events of the pair; in-talks reports never;
- their dollars (`amount_usd`), megawatts and GPUs; an expansion adds to the pair's total;
- an equity investment with no purchase in its sentence is not compute bought: left out;
- a deal of three or more parties is listed under each counterparty; its figures go to one pair only
  when the parties make that clear: the single cloud provider and the single party that is neither
  a cloud, a chip maker nor an investor (Anthropic buying Azure compute in a deal Nvidia joins).
  Otherwise they are not split among the parties (nothing is guessed);
- a relationship that ended counts 0 from the day it ended;
- only dollars: a figure the text gives in another currency has no `amount_usd` and is not converted.
The Herfindahl index (`hhi`) is the sum of the squared shares of committed dollars (1 = one
counterparty); `top_share` the largest share; both null when no dollars are committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from extractors.entities import OrganizationIndex
from extractors.relationship_terms import is_investment
from warehouse.relationship_states import Step, company_events, pair_histories, texts
from warehouse.timeline import whole_number

COUNTED = ("announced", "reported")
SUPPLY_SIDE = {"chip_maker", "investor"}  # in a joint deal, parties that neither buy nor sell compute


def figure_pair(parties: list[str], orgs: OrganizationIndex) -> frozenset[str] | None:
    """The pair a deal's figures belong to: both parties of a two-party deal; in a larger deal the
    single cloud provider and the single buyer (a party that is no cloud, chip maker or investor)."""
    if len(parties) == 2:
        return frozenset(parties)
    clouds = [p for p in parties if orgs.is_cloud_provider(p)]
    buyers = [
        p
        for p in parties
        if not orgs.is_cloud_provider(p) and not SUPPLY_SIDE & set(getattr(orgs.resolve(p), "categories", ()))
    ]
    return frozenset((clouds[0], buyers[0])) if len(clouds) == 1 and len(buyers) == 1 else None


@dataclass
class Commitment:
    """A pair's committed compute as of a date."""

    amount_usd: float | None = None
    capacity_mw: float | None = None
    gpus: int | None = None
    events: list[str] = field(default_factory=list)

    def add(self, step: Step, pair: frozenset[str], orgs: OrganizationIndex) -> None:
        event = step.event
        if step.after == "ended":
            self.amount_usd = self.capacity_mw = self.gpus = 0
        elif figure_pair(event["parties"], orgs) == pair and not is_investment(texts(event)):
            self.amount_usd = _plus(self.amount_usd, event["amount_usd"])
            self.capacity_mw = _plus(self.capacity_mw, event["capacity_mw"])
            self.gpus = _plus(self.gpus, event["gpus"])
        self.events.append(event["id"])


def ledger(
    company: str, histories: dict[str, list[Step]], as_of: str, orgs: OrganizationIndex
) -> dict[str, tuple[Commitment, str]]:
    """Each counterparty's commitment and relationship state as of `as_of` (inclusive)."""
    result: dict[str, tuple[Commitment, str]] = {}
    for other, steps in histories.items():
        upto = [s for s in steps if s.event["date"] <= as_of]
        if not upto:
            continue
        commitment = Commitment()
        for step in upto:
            if step.event["status"] in COUNTED:
                commitment.add(step, frozenset((company, other)), orgs)
        result[other] = (commitment, upto[-1].after)
    return result


def concentration(amounts: list[float]) -> tuple[float | None, float | None]:
    """(Herfindahl index, largest share) of these dollar amounts; (None, None) when they sum to 0."""
    total = sum(amounts)
    if total <= 0:
        return None, None
    shares = [a / total for a in amounts]
    return round(sum(s * s for s in shares), 4), round(max(shares), 4)


def exposure_json(session: Session, company: str, as_of: str, orgs: OrganizationIndex) -> dict[str, Any]:
    """`cloudintel exposure COMPANY --as-of DATE --format json` (spec §6)."""
    histories = pair_histories(company_events(session, company, as_of), company)
    rows: list[dict[str, Any]] = [
        {
            "name": other,
            "cloud": orgs.is_cloud_provider(other),
            "amount_usd": whole_number(commitment.amount_usd),
            "capacity_mw": whole_number(commitment.capacity_mw),
            "gpus": commitment.gpus,
            "events": commitment.events,
            "state": state,
        }
        for other, (commitment, state) in ledger(company, histories, as_of, orgs).items()
        if commitment.events  # a pair only in talks has committed nothing
    ]
    rows.sort(key=lambda r: (-(r["amount_usd"] or 0), r["name"]))
    hhi, top = concentration([r["amount_usd"] or 0 for r in rows])
    return {"company": company, "as_of": as_of, "counterparties": rows, "hhi": hhi, "top_share": top}


def exposure_history(session: Session, company: str, orgs: OrganizationIndex) -> list[dict[str, Any]]:
    """The ledger at each date a counted event changed it: dollars by counterparty, `hhi`, `top_share`
    (for the company page's stacked chart and the exposure-shift alert)."""
    histories = pair_histories(company_events(session, company), company)
    dates = sorted(
        {s.event["date"] for steps in histories.values() for s in steps if s.event["status"] in COUNTED}
    )
    points = []
    for day in dates:
        amounts = {
            other: commitment.amount_usd or 0.0
            for other, (commitment, _) in ledger(company, histories, day, orgs).items()
        }
        hhi, top = concentration(list(amounts.values()))
        points.append({"date": day, "amounts_usd": amounts, "hhi": hhi, "top_share": top})
    return points


def _plus(total: Any, value: Any) -> Any:
    if value is None:
        return total
    return value if total is None else total + value


def top_share_shifts(session: Session, event: dict[str, Any], orgs: OrganizationIndex) -> dict[str, float]:
    """For each party of a partnership `event`, how many points its largest counterparty share moved
    between the day before the event and its day (parties with no dollars before are left out)."""
    if event["type"] != "partnership":
        return {}
    day_before = (date.fromisoformat(event["date"]) - timedelta(days=1)).isoformat()
    shifts = {}
    for company in event["parties"]:
        histories = pair_histories(company_events(session, company, event["date"]), company)
        _, before = concentration(
            [c.amount_usd or 0 for c, _ in ledger(company, histories, day_before, orgs).values()]
        )
        _, after = concentration(
            [c.amount_usd or 0 for c, _ in ledger(company, histories, event["date"], orgs).values()]
        )
        if before is not None and after is not None:
            shifts[company] = round((after - before) * 100, 2)
    return shifts
