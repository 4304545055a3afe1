"""The compute-exposure ledger (spec §6): what a company has committed to buy or sell by counterparty,
as of any date, and how concentrated it is.

What counts (docs/exposure.md says the same to users):
- announced and reported partnership events of the pair; in-talks reports never;
- their dollars (`amount_usd`), megawatts and GPUs; an expansion adds to the pair's total;
- an equity investment with no purchase in its sentence is not compute bought: left out;
- a deal of three or more parties is listed under each counterparty but its figures are not split
  among them (nothing is guessed);
- a relationship that ended counts 0 from the day it ended;
- only dollars: a figure the text gives in another currency has no `amount_usd` and is not converted.
The Herfindahl index (`hhi`) is the sum of the squared shares of committed dollars (1 = one
counterparty); `top_share` the largest share; both null when no dollars are committed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from extractors.relationship_terms import is_investment
from warehouse.relationship_states import Step, company_events, pair_histories, texts

COUNTED = ("announced", "reported")


@dataclass
class Commitment:
    """A pair's committed compute as of a date."""

    amount_usd: float | None = None
    capacity_mw: float | None = None
    gpus: int | None = None
    events: list[str] = field(default_factory=list)

    def add(self, step: Step) -> None:
        event = step.event
        if step.after == "ended":
            self.amount_usd = self.capacity_mw = self.gpus = None
        elif len(event["parties"]) == 2 and not is_investment(texts(event)):
            self.amount_usd = _plus(self.amount_usd, event["amount_usd"])
            self.capacity_mw = _plus(self.capacity_mw, event["capacity_mw"])
            self.gpus = _plus(self.gpus, event["gpus"])
        self.events.append(event["id"])


def ledger(histories: dict[str, list[Step]], as_of: str) -> dict[str, tuple[Commitment, str]]:
    """Each counterparty's commitment and relationship state as of `as_of` (inclusive)."""
    result = {}
    for other, steps in histories.items():
        upto = [s for s in steps if s.event["date"] <= as_of]
        if not upto:
            continue
        commitment = Commitment()
        for step in upto:
            if step.event["status"] in COUNTED:
                commitment.add(step)
        result[other] = (commitment, upto[-1].after)
    return result


def concentration(amounts: list[float]) -> tuple[float | None, float | None]:
    """(Herfindahl index, largest share) of these dollar amounts; (None, None) when they sum to 0."""
    total = sum(amounts)
    if total <= 0:
        return None, None
    shares = [a / total for a in amounts]
    return round(sum(s * s for s in shares), 4), round(max(shares), 4)


def exposure_json(
    session: Session, company: str, as_of: str, is_cloud: Callable[[str], bool]
) -> dict[str, Any]:
    """`cloudintel exposure COMPANY --as-of DATE --format json` (spec §6)."""
    histories = pair_histories(company_events(session, company, as_of), company)
    rows = [
        {
            "name": other,
            "cloud": is_cloud(other),
            "amount_usd": _number(commitment.amount_usd),
            "capacity_mw": _number(commitment.capacity_mw),
            "gpus": commitment.gpus,
            "events": commitment.events,
            "state": state,
        }
        for other, (commitment, state) in ledger(histories, as_of).items()
        if commitment.events  # a pair only in talks has committed nothing
    ]
    rows.sort(key=lambda r: (-(r["amount_usd"] or 0), r["name"]))
    hhi, top = concentration([r["amount_usd"] or 0 for r in rows])
    return {"company": company, "as_of": as_of, "counterparties": rows, "hhi": hhi, "top_share": top}


def exposure_history(session: Session, company: str) -> list[dict[str, Any]]:
    """The ledger at each date a counted event changed it: dollars by counterparty, `hhi`, `top_share`
    (for the company page's stacked chart and the exposure-shift alert)."""
    histories = pair_histories(company_events(session, company), company)
    dates = sorted(
        {s.event["date"] for steps in histories.values() for s in steps if s.event["status"] in COUNTED}
    )
    points = []
    for day in dates:
        amounts = {
            other: commitment.amount_usd or 0.0 for other, (commitment, _) in ledger(histories, day).items()
        }
        hhi, top = concentration(list(amounts.values()))
        points.append({"date": day, "amounts_usd": amounts, "hhi": hhi, "top_share": top})
    return points


def _plus(total: Any, value: Any) -> Any:
    if value is None:
        return total
    return value if total is None else total + value


def _number(value: float | None) -> int | float | None:
    return int(value) if value is not None and float(value).is_integer() else value


def top_share_shifts(session: Session, event: dict[str, Any]) -> dict[str, float]:
    """For each party of a partnership `event`, how many points its largest counterparty share moved
    between the day before the event and its day (parties with no dollars before are left out)."""
    if event["type"] != "partnership":
        return {}
    day_before = (date.fromisoformat(event["date"]) - timedelta(days=1)).isoformat()
    shifts = {}
    for company in event["parties"]:
        histories = pair_histories(company_events(session, company, event["date"]), company)
        _, before = concentration([c.amount_usd or 0 for c, _ in ledger(histories, day_before).values()])
        _, after = concentration([c.amount_usd or 0 for c, _ in ledger(histories, event["date"]).values()])
        if before is not None and after is not None:
            shifts[company] = round((after - before) * 100, 2)
    return shifts
