"""Detect partnership, capacity and pricing events in one article (../shared/spec/events.md §1–2).

An article is a source only of the events that are its subject, so only its lede (the first two
real paragraphs) is read, and an event must involve an organization its headline names. Per
sentence: clauses that recall earlier events ("after it changed ...", "since 2019") are set aside;
organizations used as product names ("Nvidia GPUs", "Nvidia-backed") are not parties; then
trigger patterns decide the type: a price change, a deal between two or more organizations, or
capacity of one organization's own. Facts come from the sentence that states the event (its
evidence), so figures of other deals in the same article are not taken. Genres that are never
events by the guide (opinion, earnings, lawsuits) are recognised from the headline and first
sentence.

A learned sentence judge (models/detection.py, passed in as `judge`) widens and checks the trigger
patterns: a sentence it calls an event of a type with confidence `ACCEPT` counts as that type even
when no pattern matches, one it calls no event with confidence `VETO` is dropped even when one
does, and its status replaces the default `announced` when the patterns see no cue and it is
`STATUS_CONFIDENCE` sure. Without a judge the patterns decide alone.

Parties: with an `OrgRecognizer` (extractors/org_recognizer.py: the list plus spaCy's NER and company
cues), a sentence's parties include organizations the list lacks, named by their normalised
surface. Such an event stays in the market's scope (spec §1) only when a party is known to the list,
is described as a market company (a GPU cloud, a data-center operator, an AI lab, a chip maker), or
the sentence or headline speaks of compute (`MARKET`): an airline buying aircraft is no event.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import NamedTuple, Protocol

from core.vocabulary import STATUS_RANK
from extractors.entities import OrganizationIndex, OrgMention
from extractors.org_recognizer import FoundOrg, OrgRecognizer, is_name_tail, normalise_name, site_company
from extractors.quantities import find_chips, find_durations, find_money, find_percents, find_power
from extractors.roles import party_roles
from extractors.sentences import Sentence, lede, numbered_items

MIN_DEAL_USD = 1_000_000
NO_EVENT = "none"
ACCEPT = 0.6  # the judge's confidence that makes a sentence an event of its type without a pattern
HEADLINE_ACCEPT = 0.75  # ... that makes a headline no lede sentence supports an event (patterns aside)
VETO = 0.9  # ... that it states no event, which drops it even when a pattern matches
STATUS_CONFIDENCE = 0.7  # ... in a status other than `announced`, when the patterns see no cue


class Verdict(NamedTuple):
    """What the learned judge says of one sentence."""

    type: str  # none | partnership | capacity | pricing
    confidence: float
    status: str
    status_confidence: float


MARKET_CATEGORIES = {"hyperscale_cloud", "gpu_cloud", "ai_lab", "chip_maker", "data_center_operator"}
MARKET = re.compile(
    r"\b(?:GPUs?|TPUs?|accelerators?|(?:AI )?chips?|semiconductors?|[Dd]ata[- ]?[Cc]ent(?:er|re)s?|cloud|compute|computing|"
    r"AI|artificial intelligence|inference|training|servers?|supercomputers?|"
    r"clusters?|hyperscal\w*|models?|LLMs?|neoclouds?|colocation|on-demand (?:rates?|prices?|pricing|instances?)|"
    r"reserved? (?:capacity|instances?)|IT (?:capacity|load)|data halls?)\b"
)


DATELINE = re.compile(
    r"\s*[A-Z][^a-z\n]{0,60}?(?:,[^\n-]{1,40}?)?--\s*\(?[^()\n]{0,40}\)?\s*--[^\n-]{0,40}?--\s*"
    # a wire's "FRANKFURT AM MAIN, Feb 11 (Wire) -", "MONTREAL, Quebec -", "SEOUL -", "LIMA/MADRID -"
    r"|\s*[A-ZÀ-Ý][A-ZÀ-Ý .'’/-]{1,40}(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,3})?"
    r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?)(?:,?\s*\d{4})?)?"  # "Jan 22", "22 January"
    r"(?:\s*\([^()\n]{1,30}\)|\s*/[^/\n]{1,30}/)?\s*[-–—]{1,2}\s+"  # "(AIN)", "/Releasely/"
)
ENDING = re.compile(r"\b(?:terminat\w*|end(?:s|ed|ing)?|exit\w*|cancel\w*|scrap\w*|walk\w* away)\b", re.I)
DESTINATION = re.compile(
    r"\b(?:shift|mov|migrat|switch|transfer|port)\w*\b[^.;]{0,60}?\b(?:to|onto|towards?)\s+(?:the\s+)?$", re.I
)
REPORTER_AFTER = re.compile(
    r"\s*,?\s*(?:first |has |had |also )?(?:reported|reports|wrote|writes|said, citing|cited)\b"
)
REPORTER_BEFORE = re.compile(
    r"\baccording to (?:the )?$|\b(?:told|informed|briefed) (?:the )?$|\b(?:said|spoke|talked|confirmed) to (?:the )?$",
    re.I,
)


class SentenceJudge(Protocol):
    """Judges an article's sentences (models.detection.SentenceDetector)."""

    def __call__(self, sentences: Sequence[str], headline: str) -> list[Verdict]: ...


@dataclass(frozen=True)
class Candidate:
    """One event as one article states it (a mention); clustering merges mentions into events."""

    type: str
    parties: tuple[str, ...]
    status: str
    date: date
    evidence: str
    amount_usd: float | None = None
    capacity_mw: float | None = None
    gpus: int | None = None
    duration_years: float | None = None
    price_change_pct: float | None = None
    roles: tuple[tuple[str, str], ...] = ()  # (party, role) in parties' order: see extractors/roles.py


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_C = r"(?:[^.;]|(?<=\d)\.(?=\d))"  # any character within a sentence clause
_GAP = _C + "{0,80}?"
_DEAL = (
    r"(?:deals?|agreements?|contracts?|pacts?|partnerships?|alliances?|memorand(?:um|a) of understanding|"
    r"letters? of intent|joint ventures?|tie-ups?|collaborations?|arrangements?|commitments?)"
)
_COMPUTE = (
    r"(?:infrastructure|capacity|compute|computing|gpus?|tpus?|chips?|accelerators?|data ?cent(?:er|re)s?|"
    r"servers?|cloud|power|electricity|systems|clusters?|supercomputers?|\d+(?:\.\d+)?\s?[gm]w\b|gigawatts?|"
    r"megawatts?)"
)
PARTNERSHIP = _rx(
    rf"\b(?:sign(?:s|ed|ing)?|strik(?:e|es|ing)|struck|ink(?:s|ed)?|seal(?:s|ed)?|clinch(?:es|ed)?|reach(?:es|ed)?|"
    rf"enter(?:s|ed)? into|finali[sz](?:e|es|ed)|announc(?:e|es|ed)|agree(?:s|d)? on){_GAP}\b{_DEAL}",
    rf"\b(?:expand(?:s|ed|ing)?|extend(?:s|ed|ing)?|deepen(?:s|ed|ing)?|broaden(?:s|ed)?|renew(?:s|ed)?|"
    rf"restructur(?:e|es|ed|ing)|rework(?:s|ed)?|revis(?:e|es|ed)|amend(?:s|ed)?|terminat(?:e|es|ed)|"
    rf"scrap(?:s|ped)?|end(?:s|ed)?)\b{_GAP}\b{_DEAL}",
    rf"\b(?:expansion|extension|renewal|restructuring|termination|revision)\s+of\b{_GAP}\b{_DEAL}",
    r"\b(?:deal|agreement|contract|pact)s?\s+with\b",
    r"\bagree(?:s|d)?\s+(?:to|with)\b",
    # the deal as the frame of the sentence: "have agreed a multi-year deal under which", "in a deal worth"
    rf"\b(?:agree(?:s|d)?|under|in|through|as part of)\s+(?:a|an|the|this|its|their)\s+(?:[\w$.,-]+\s+){{0,4}}?{_DEAL}\b",
    r"\b(?:partner(?:s|ed|ing)?|team(?:s|ed)? up|join(?:s|ed)? forces|collaborat(?:e|es|ed|ing))\s+with\b",
    r"\b(?:work(?:s|ed|ing)?|team(?:s|ed|ing)?) (?:together|jointly)\b",
    r"\b(?:in (?:advanced |early |exclusive |preliminary )?(?:talks|discussions|negotiations)|negotiat\w+)\s+with\b",
    rf"\binvest(?:s|ed|ing|ment)?\b{_C}{{0,60}}?\bin\b(?!\s+\d{{4}})",
    # an acquisition or a stake bought ("will acquire 35% stake in X", "buys 35% of X", "to acquire X"; not
    # the noun, "its acquisition of X", which recalls a past deal more often than not)
    rf"\b(?:acquir(?:e|es|ed|ing)|buy(?:s|ing)?|bought|tak(?:e|es|ing)|took)\b{_C}{{0,40}}?"
    r"\b(?:stake|shares|\d+(?:\.\d+)?\s?%|control|majority|minority)\s+(?:in|of)\b",
    r"\b(?:to acquire|will acquire|agreed to acquire|agrees to acquire|to merge with|will merge with)\s+[A-Z]",
    rf"\b(?:put|puts|putting|pour(?:s|ed)?|inject(?:s|ed)?|plough(?:s|ed)?|plow(?:s|ed)?)\b{_C}{{0,40}}?\binto\b",
    r"\b(?:choos(?:e|es|ing)|chose|chosen|pick(?:s|ed)?|select(?:s|ed)?|name(?:s|d)?|tap(?:s|ped)?|appoint(?:s|ed)?|"
    rf"add(?:s|ed|ing)?)\b{_C}{{0,60}}?\bas\b{_C}{{0,40}}?\b(?:partner|provider|supplier|vendor|customer)s?\b",
    rf"\b(?:buy(?:s|ing)?|bought|purchas(?:e|es|ed|ing)|rent(?:s|ed|ing)?|leas(?:e|es|ed|ing)|procur(?:e|es|ed)|"
    rf"source(?:s|d)?|secur(?:e|es|ed))\b{_C}{{0,60}}?\b{_COMPUTE}{_C}{{0,40}}?\bfrom\b",
    # the seller's side of an order ("Wins Order for 3,000 Accelerators From", "order placed with X"); a
    # buyer's "placed an order for 64,000 accelerators" names makers as brands: capacity (guide §1)
    r"\b(?:book(?:s|ed)?|wins?|won|land(?:s|ed)?|secur(?:e|es|ed))\s+(?:an?\s+|its\s+|their\s+)?"
    r"(?:[\w$,.-]+\s+){0,2}?orders?\b",
    r"\borders?\s+(?:placed\s+)?with\s+[A-Z]",
    rf"\b(?:suppl(?:y|ies|ied)|provid(?:e|es|ed)|deliver(?:s|ed)?|deploy(?:s|ed)?|build(?:s)?|host(?:s|ed)?|sell(?:s)?|sold|"
    rf"develop(?:s|ed)?|offer(?:s|ed)?|run(?:s)?)\b{_C}{{0,80}}?\b{_COMPUTE}{_C}{{0,60}}?\b(?:for|to)\b",
    rf"\b(?:jointly|together)\b{_C}{{0,30}}?\b(?:deploy|build|develop|invest|launch|fund)",
    r"\b(?:launch(?:es|ed)?|unveil(?:s|ed)?|form(?:s|ed)?|creat(?:e|es|ed)|establish(?:es|ed)?|set(?:s)? up)\b"
    rf"{_C}{{0,40}}?\b(?:joint venture|venture|consortium|partnership|alliance)\b",
    rf"\bno longer\b{_C}{{0,40}}?\bexclusive\b",
    rf"\bexclusiv(?:e|ity)\b{_C}{{0,60}}?\b(?:ends?|ended|ending|replac\w+|loosen\w*|drop\w*|scrap\w*|lapse\w*)\b",
    r"\b(?:ends?|ended|ending|replac\w+|loosen\w*|drop\w*|scrap\w*|gives? up|gave up|giving up)\b"
    rf"{_C}{{0,40}}?\bexclusiv",
    r"\bright of first refusal\b",
    r"\b(?:revised|new|amended|updated) terms\b",
    rf"\b(?:win|wins|won|land(?:s|ed)?)\b{_C}{{0,40}}?\b(?:business|contract|deal|order|customer)s?\b",
)
# What a longer form of a name adds to it: capitalised words ("Brisk Harbor" -> "Brisk Harbor Holdings").
LONGER_FORM = re.compile(r"(?: [A-Z][\w&.-]{0,30}){1,3}")
# A sentence whose subject refers back to the article's company ("The Austin-based company said ...").
ANAPHOR = re.compile(
    r"^\s*(?:the\s+(?:[\w-]+\s+){0,3}?(?:company|firm|start-?up|lab|provider|operator|developer|group|"
    r"cloud|miner|chipmaker|utility)|it)\s+(?:said|says|will|has|had|is|was|would|plans|agreed|signed)\b",
    re.IGNORECASE,
)
# What a pricing event names: a price, rate, fee or discount, or how compute is bought.
PRICE_WORD = _rx(
    r"\b(?:pric\w*|rates?|costs?|fees?|tariffs?|discount\w*|cheap\w*|charg\w*|tiers?|plans?|reserv\w*|"
    r"commit\w*|spot|on-demand|billing|free|pays?|paid|paying)\b",
    r"[$€£¥₹]\s?\d|\bper[- ](?:[\w,.]+[- ]){0,2}(?:hours?|tokens?|gpus?|months?|seconds?)\b",
)
# What a company does as a sentence's subject, right after its name: it speaks or signs.
SPEAKS = re.compile(r"(?:said|says|told|announced|confirmed|signed|agreed)\b")
# The company's own voice in its post ("Today we opened our second region"), outside quotations.
FIRST_PERSON = re.compile(r"\b(?:[Ww]e|[Oo]ur|us)\b")
QUOTATION = re.compile(r"“[^”]{0,3000}”|\"[^\"]{0,3000}\"")
# A seller named after the capacity it sells ("2,048 GPUs from Lagos-based Sahel Compute", "48MW at a
# building owned by landlord Northpoint 9"): the preposition, then at most three descriptor words.
SOURCE_BEFORE = re.compile(
    r"\b(?:from|with|at|owned by|operated by|run by)\s+(?:[\w-]+\s+){0,3}$", re.IGNORECASE
)
COMPUTE_OBJECT = _rx(
    r"\b(?:gpus|accelerators|chips|servers|capacity|compute|computing|megawatts?|\d+(?:\.\d+)?\s?[gm]w)\b"
)
CAPACITY = _rx(
    r"\b(?:build(?:s|ing)?|built|construct(?:s|ing|ed)?|develop(?:s|ing|ed)?|open(?:s|ed|ing)?|launch(?:es|ed|ing)?|"
    r"plan(?:s|ned|ning)?|unveil(?:s|ed)?|announc(?:e|es|ed)|break(?:s)? ground|broke ground|expand(?:s|ed|ing)?|"
    r"add(?:s|ed|ing)?|bring(?:s|ing)?|brought|switch(?:es|ed)? on|turn(?:s|ed)? on|complet(?:e|es|ed)|"
    rf"finish(?:es|ed)?|order(?:s|ed)?|deploy(?:s|ed|ing)?|invest(?:s|ed|ing)?|spend(?:s|ing)?|spent)\b{_C}{{0,100}}?"
    r"\b(?:data ?cent(?:er|re)s?|campus(?:es)?|clusters?|supercomputers?|regions?|facilit(?:y|ies)|"
    r"gigawatts?|megawatts?|\d+(?:\.\d+)?\s?[gm]w|capacity|gpus|accelerators|tpus|chips|(?:cloud|ai|compute) infrastructure)\b",
    r"\b(?:come|comes|came|coming|go|goes|went|brought|bring\w*|be|is|are)\s+online\b",
    r"\b(?:clusters?|supercomputers?|data ?cent(?:er|re)s?|campus(?:es)?)\b[^.;]{0,60}?\b(?:now )?(?:runs?|running|"
    r"has|have|hosts?|houses?|holds?|operates?|contains?)\b",
)
_PRICE = r"(?:price|prices|pricing|rates?|fees?|charges?)"
PRICING = _rx(
    rf"\b(?:cut(?:s|ting)?|lower(?:s|ed|ing)?|reduc(?:e|es|ed|ing)|slash(?:es|ed|ing)?|trim(?:s|med|ming)?|"
    rf"drop(?:s|ped|ping)?|halv(?:e|es|ed|ing)|rais(?:e|es|ed|ing)|increas(?:e|es|ed|ing)|hik(?:e|es|ed|ing)|"
    rf"discount(?:s|ed|ing)?)\b{_C}{{0,60}}?\b{_PRICE}\b",
    rf"\b{_PRICE}\b{_C}{{0,40}}?\b(?:cuts?|reductions?|drops?|increases?|rises?|hikes?|falls?|fell|decreases?)\b",
    r"\bnew (?:pricing )?tiers?\b",
)
PRICE_RISE = _rx(r"\b(?:rais(?:e|es|ed|ing)|increas(?:e|es|ed|ing)|hik(?:e|es|ed|ing)|rises?)\b")
UNCHANGED = _rx(
    r"\bunchanged\b",
    r"\bremain(?:s|ed)? the same\b",
    r"\b(?:did|does|will) not change\b",
    r"\bno change\b",
    r"\bkeeps? (?:the )?prices?\b",
    r"\bheld (?:prices )?steady\b",
)
IN_TALKS = _rx(
    r"\bin (?:advanced |early |exclusive |preliminary )?(?:talks|discussions|negotiations)\b",
    r"\bnegotiating\b",
    r"\bnearing (?:a |an )?(?:deal|agreement)\b",
    r"\bclose to (?:a |an )?(?:deal|agreement)\b",
    r"\b(?:exploring|discussing|considering|weighing|negotiating|mulling) (?:a |an |the )?(?:possible |potential )?"
    r"(?:deal|agreement|partnership|investment|contract|tie-up|arrangement)s?\b",
    r"\b(?:held|holding|hold|opened|started|begun|began) (?:early |advanced |preliminary )?(?:talks|discussions|negotiations)\b",
)
REPORTED = _rx(
    r"\baccording to (?:a |an |one |two |three |four |five |several |multiple )?"
    r"(?:people|persons?|sources?|insiders?|officials?)\b",
    r"\b(?:people|persons?|sources?|insiders?) (?:familiar|with knowledge|briefed|close to)\b",
    r"\bsources? (?:said|say|says|told)\b",
    r"\bciting (?:\w+ )?(?:unnamed |anonymous )?(?:people|sources|persons?|insiders)\b",
    r"\breportedly\b",
    r"\b(?:Reuters|Bloomberg|The Information|The Wall Street Journal|the Financial Times|CNBC|The New York Times|"
    r"Semafor|Axios|Nikkei)(?: News)? (?:has |had )?(?:first )?reported\b",
    r"\bsources say\b",
    r"\bperson familiar\b",
)
NOT_EVENT_GENRE = _rx(
    r"^\s*(?:opinion|analysis|commentary|column|editorial|op-ed|tribune|perspective|viewpoint|letters?|review|"
    r"explainer|explained|q&a|faq)\s*[:|–—-]",
    r"\b(?:files?|filed|filing) (?:confidentially )?for (?:an? )?(?:IPO|initial public offering|listing)\b",
    r"\b(?:quarterly|(?:first|second|third|fourth)[- ]quarter|q[1-4]|full-year|annual) (?:results|earnings|revenue)\b",
    r"\b(?:reports?|reported|posts?|posted) (?:\w+ ){0,3}(?:results|earnings)\b",
    r"\b(?:beats?|tops?|topped|misses|missed) (?:wall street |analysts'? )?(?:estimates|forecasts|expectations)\b",
    r"\b(?:sues?|sued|lawsuit|files? suit|filed suit|class action)\b",
    # investor-relations notices: "to Present at Upcoming Investor Conferences", "to Host Earnings Call"
    r"\bto (?:present|participate|speak) (?:at|in)\b[^.]{0,60}\b(?:conferences?|summits?|forums?|webcasts?)\b",
    r"\bto (?:host|hold) (?:\w+ ){0,4}(?:earnings|conference|investor) (?:calls?|webcasts?|days?)\b",
)
# Clauses that recall an earlier state of affairs ("after it changed ...", "when it first invested in
# 2019", "since 2019"): not the event the sentence announces. They run to the next comma or the end.
BACKGROUND = re.compile(
    r"\b(?:(?:days?|weeks?|months?|years?|shortly|soon|just|only|less than [\w ]{1,20}?)\s+)?"
    r"(?:after|since|following|until|when|which until)\b[^,;]*",
    re.IGNORECASE,
)
# A news sentence is anchored: attributed to someone, or dated; an anchor carries to later lede
# sentences. A commitment in the present perfect or future anchors its own sentence only. Sentences
# with no anchor recall history ("Microsoft poured funding into OpenAI ...").
ANCHOR = _rx(
    r"\b(?:said|says|say|announced|announces|announce|unveiled|unveils|confirmed|confirms|disclosed|discloses|"
    r"reported|reports|told|stated|wrote|posted|revealed|reveals|according to)\b",
    r"\b(?:on )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:'s|\b)",
    r"\b(?:today|yesterday|this week|the same day|on the same day)\b",
)
OWN_ANCHOR = _rx(
    r"\b(?:will|plans? to|intends? to|is set to|are set to|is to|are to)\b",
    r"\b(?:has|have)\s+(?:now\s+|also\s+|already\s+|just\s+)?(?:\w+ed|cut|struck|won|built|made|taken|chosen|"
    r"signed|agreed|begun|set|put|spent|sold|bought|brought|led|picked)\b",
)
CONFIRMED = re.compile(r"(?<!not )(?<!n't )(?<!never )\b(?:has |have )?(?:since )?confirmed\b", re.IGNORECASE)
# A sentence that refers back to the deal just stated, as its subject.
CONTINUES = _rx(
    rf"^\s*(?:the|this|that|its|their)\s+(?:new\s+|latest\s+|expanded\s+|multi-?year\s+)?(?:{_DEAL}|expansion|"
    r"extension|capacity|companies|two companies|two|firms|partners|plant|reactor|project|facility|campus)\b",
    rf"^\s*(?:[A-Z][\w.&-]*\s+){{1,3}}(?:said|says|expects|estimated|put|puts|valued)\s+(?:that\s+)?the\s+"
    rf"(?:new\s+|expanded\s+)?(?:{_DEAL})\b",
    rf"^\s*(?:under|as part of|through)\s+the\s+(?:{_DEAL})\b",
    rf"^\s*(?:first\s+|initial\s+)?(?:{_DEAL}|leases?)\s+(?:for|covers?|cover|worth|valued|represents?|includes?)\b",
    r"^\s*(?:it|they)\s+(?:is|are|will|would|includes?|covers?|calls?|runs?|spans?|brings?)\b",
)
PART_OF = re.compile(
    r"\b(?:starting with|beginning with|including|of which|initially|first|initial|an initial)\s+(?:phase\s+of\s+)?"
    r"(?:about |around |roughly |up to |some )?\Z",
    re.IGNORECASE,
)
CONTEXT_CHARS = 20_000  # of an article's text, searched for the context words of gated names
CEILING = re.compile(r"[^;()]{0,50}?\b(?:up to|as much as|as high as|rising to)\s*\Z", re.IGNORECASE)
# A party denying a deal or a report of one: no event ("denied reports about a cloud contract").
DENIAL = _rx(
    r"\b(?:den(?:y|ies|ied|ying)|dismiss(?:es|ed)?|refut(?:e|es|ed)|rebuff(?:s|ed)?)\s+(?:\w+\s+){0,3}?"
    r"(?:reports?|claims?|speculation|rumou?rs?|suggestions?|that)\b",
    r"\b(?:not|never)\s+(?:been\s+)?(?:in|holding|held)\s+(?:any\s+)?(?:talks|discussions|negotiations)\b",
)
# A sentence that turns to another story.
ASIDE = _rx(r"\bseparately\b", r"^\s*(?:meanwhile|elsewhere|in other news|also on \w+day)\b")
# Capacity without a figure is an event only when a new site or region is opened or planned.
NEW_SITE = _rx(
    rf"\b(?:new|first|second|third|another|largest|additional)\b{_C}{{0,40}}?\b(?:data ?cent(?:er|re)s?|campus(?:es)?|clusters?|"
    r"supercomputers?|regions?|facilit(?:y|ies))\b",
)
# An organization name directly followed by one of these names a product or a backer, not a party.
MODIFIER_AFTER = re.compile(
    r"^(?:-(?:backed|based|owned|made|designed|powered|built|funded)\b|'s? (?:newer |latest |new )?"
    r"(?:h\d+|gb?\d+|b\d+|mi\d+|tpus?|gpus?|chips?|blackwell|hopper|trainium\d?|inferentia|parts)\b|"
    r"\s+(?:h\d+|gb?\d+|b\d+|mi\d+\w*|gpus?|tpus?|chips?|accelerators?|blackwell|hopper|grace|trainium\d?|"
    r"inferentia|shares|stock|stake|fleet|hardware|servers|systems|silicon))",
    re.IGNORECASE,
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_RX = "|".join(m.capitalize() + ("" if len(m) <= 4 else f"(?:{m[3:]})?") for m in _MONTHS).replace(
    "Sep(?:tember)?", "Sept?(?:ember)?"
)
WHEN = re.compile(
    rf"\b(?:on\s+)?(?:(?P<weekday>{'|'.join(d.capitalize() for d in _WEEKDAYS)})(?:'s)?\b(?:,?\s+)?)?"
    rf"(?:(?P<month>{_MONTH_RX})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?)?"
)
PAST_TIME = re.compile(
    rf"\b(?:(?P<month>{_MONTH_RX})\b|(?:[Ii]n|[Ss]ince|of) (?P<year>(?:19|20)\d\d)\b|"
    r"(?P<relative>last (?:year|month|week)|earlier this (?:year|month)|a year ago|months ago))"
)
EARLIER_YEAR = re.compile(
    r"\s*(?:[Ii]n|[Bb]ack in|[Ss]ince) (?:(?:early|late|mid-?)\s*)?(?P<year>(?:19|20)\d\d)\b"
)
# What a figure after it is the running total of: "bringing the site's planned total to", "taking it to".
RUNNING_TOTAL = re.compile(
    r"\b(?:bring(?:s|ing)?|tak(?:es|ing)|lift(?:s|ing)|rais(?:es|ing)|total(?:ling)?)\b[^.;]{0,40}?\bto\s+(?:about\s+|some\s+)?$"
)
DEAL_NOUN = _rx(r"\b(?:deals?|contracts?|agreements?|arrangements?|pacts?|partnerships?|leases?|tie-ups?)\b")
LOOKBACK_DAYS = 14
LEDE_PARAGRAPHS = 2  # paragraphs (after headings) that state an article's subject


def detect_events(
    title: str,
    text: str,
    published: datetime | None,
    orgs: OrganizationIndex,
    judge: SentenceJudge | None = None,
    recognizer: OrgRecognizer | None = None,
    site: str | None = None,
    context: str | None = None,
) -> list[Candidate]:
    """The events an article announces or reports, one candidate per event, in lede order; with a
    `recognizer`, parties the list lacks too. `site` is the page's site name: on a company's own site
    ("The Pellucid Blog") that company is the "we" of its sentences. `context` is the text names are
    read in (default: the article's; a digest's item is read in the whole digest's)."""
    opening = lede(text, paragraphs=3, limit=9)
    if not opening or NOT_EVENT_GENRE.search(title) or NOT_EVENT_GENRE.search(opening[0].text):
        return []
    whole = context or f"{title}\n{text[:CONTEXT_CHARS]}"
    items = numbered_items(text)
    if items:  # a digest: each item is read as a story of its own
        return [  # the item's first sentence is its headline and the first sentence of its story
            event
            for heading, body in items
            for event in detect_events(
                heading, f"{heading} {body}".strip(), published, orgs, judge, recognizer, site, whole
            )
        ]
    verdicts = judge([title, *(s.text for s in opening)], title) if judge else [None] * (len(opening) + 1)
    document = whole
    in_title = orgs.find(title, document)
    headline_orgs = {m.name for m in in_title}
    publisher = site_company(site, orgs, text) if site else None
    article = _Article(title, document, orgs, recognizer, _subject(in_title, title), publisher)
    published_day = (published or datetime.now()).date()
    day = published_day
    found: list[Candidate] = []
    anchored = denied = False
    for position, sentence in enumerate(opening):
        verdict = verdicts[position + 1]
        own_lede = publisher is not None and sentence.paragraph < LEDE_PARAGRAPHS  # a company's own post
        anchored = anchored or own_lede or bool(ANCHOR.search(sentence.text))
        day = _stated_date(sentence.text, published_day) or day  # later sentences inherit a stated date
        learned = _says(verdict) is not None
        if not (anchored or learned or OWN_ANCHOR.search(sentence.text)) or ASIDE.search(sentence.text):
            continue
        if DENIAL.search(sentence.text):
            denied = True  # nor is the headline of a denial an event ("X: no contract with Y")
            continue
        candidate = _candidate(sentence, article, day, opening[position + 1 : position + 3], verdict)
        if candidate is None or not article.headlines(candidate.parties, headline_orgs):
            continue
        past_lede = sentence.paragraph >= LEDE_PARAGRAPHS  # (a release's headline and summary lines)
        if _earlier_year(sentence.text, published_day) or (
            past_lede and _recalls_past(sentence.text, published_day)
        ):
            continue  # "In 2025 it ordered 30,000 GPUs", in a 2026 launch release
        if past_lede and _restates(candidate, found):
            found = _add(found, candidate, fill_only=True)  # figures of the event found, never its status
        elif not past_lede or not found or _uncovered(candidate, headline_orgs, found):
            found = _add(found, candidate)  # past the lede: the first event, or a new one the headline names
    if not found and not denied:  # a headline that states the event the lede only describes ("the chipmaker")
        headline = verdicts[0] if verdicts[0] is None or verdicts[0].confidence >= HEADLINE_ACCEPT else None
        candidate = _candidate(Sentence(title, -1, -1), article, day, opening[:2], headline)
        found = [candidate] if candidate is not None else []
    return _without_deal_capacity(found)


def _earlier_year(text: str, published: date) -> bool:
    """Whether a sentence opens by dating itself in an earlier year ("In 2025 it ordered ...")."""
    match = EARLIER_YEAR.match(text)
    return match is not None and int(match["year"]) < published.year


def _recalls_past(text: str, published: date) -> bool:
    """Whether a sentence refers to an earlier month or year ("the January change", "in 2019")."""
    for match in PAST_TIME.finditer(text):
        month, year = match.group("month"), match.group("year")
        if year and int(year) < published.year:
            return True
        if month and not month.lower().startswith(_MONTHS[published.month - 1][:3]):
            return True
        if match.group("relative"):
            return True
    return False


def _uncovered(candidate: Candidate, headline_orgs: set[str], found: list[Candidate]) -> bool:
    covered = {party for c in found for party in c.parties}
    return bool((set(candidate.parties) & headline_orgs) - covered)


def _restates(candidate: Candidate, found: list[Candidate]) -> bool:
    """Whether a candidate is an event already found (same type and parties), which it can only fill in
    (a press release's dateline lede after its headline and summary lines)."""
    return any(c.type == candidate.type and set(c.parties) == set(candidate.parties) for c in found)


def _without_deal_capacity(found: list[Candidate]) -> list[Candidate]:
    """Capacity of an organization that the article reports a deal of is that deal's capacity (its
    figures are not taken: such sentences often give programme totals, not the deal's own)."""
    dealers = {party for c in found if c.type == "partnership" for party in c.parties}
    return [c for c in found if not (c.type == "capacity" and set(c.parties) <= dealers)]


@dataclass(frozen=True)
class _Article:
    """What every sentence of one article is read with."""

    title: str
    document: str  # title and text (cut): the context of the list's context-gated names
    orgs: OrganizationIndex
    recognizer: OrgRecognizer | None
    fallback: str | None  # the headline's first organization: a one-party event's party if none else
    publisher: FoundOrg | None = None  # the company whose own site the page is on: its "we"

    def headlines(self, parties: Sequence[str], listed: set[str]) -> bool:
        """Whether the headline names one of `parties` (the site's own company counts: it is the post's
        subject), or names no organization the list knows (its `listed` names); with a recognizer, the
        headline's unknown organizations count too, and any party whose name it writes."""
        if not listed or (listed | self._recognized_in_title) & set(parties):
            return True
        if self.publisher is not None and self.publisher.name in parties:
            return True
        firsts = [party.split()[0] for party in parties]
        return any(len(word) >= 3 and re.search(rf"\b{re.escape(word)}\b", self.title) for word in firsts)

    @cached_property
    def _title_mentions(self) -> list[FoundOrg]:
        """The headline's organizations as the recognizer reads them (once per article, when asked)."""
        return self.recognizer.find(_blank_dateline(self.title), self.document) if self.recognizer else []

    @cached_property
    def _recognized_in_title(self) -> set[str]:
        return {m.name for m in self._title_mentions}

    @cached_property
    def subject(self) -> str | None:
        """The headline's first organization: the list's, else (with a recognizer) the first that acts,
        else the company whose own site the page is on."""
        own = self.publisher.name if self.publisher is not None else None
        if self.fallback is not None or self.recognizer is None:
            return self.fallback or own
        acting = _parties(_acting(self._title_mentions, self.title), self.title)
        return self.full_name(acting[0]) if acting else own

    def consistent(self, mentions: list[FoundOrg], clause: str) -> list[FoundOrg]:
        """A sentence's mentions read with the article's: an unknown name in its longer form (spanning
        it where the sentence writes it: "Nusantara" in "Nusantara GPU customers"; "Chanakya" for the
        article's "Chanakya Labs"), and the headline's unknown names where NER missed them in the
        sentence ("Helix Neural" read as a person, "Garnet Bay's CEO" for "Garnet Bay Holdings")."""
        out: list[FoundOrg] = []
        for m in mentions:
            if not m.known:
                name = self.full_name(m.name)
                end = m.end + len(name) - len(m.name)
                if name != m.name and clause[m.start : end] == name:
                    m = replace(m, end=end, surface=name)
                m = replace(m, name=name)
            out.append(m)
        taken = [(m.start, m.end) for m in out]
        for title_org in self._title_mentions:
            if title_org.known or " " not in title_org.name:
                continue
            short, tail = title_org.name.rsplit(" ", 1)
            forms = [re.escape(title_org.name)] + ([re.escape(short)] if is_name_tail(tail) else [])
            for match in re.finditer(rf"\b(?:{'|'.join(forms)})\b", clause):  # "Garnet Bay's CEO" too
                if not any(s < match.end() and match.start() < e for s, e in taken):
                    out.append(
                        replace(title_org, start=match.start(), end=match.end(), surface=match.group(0))
                    )
        return sorted(out, key=lambda m: m.start)

    @cached_property
    def _full_names(self) -> dict[str, str]:
        return {}  # full_name's answers, once per name and article

    def full_name(self, name: str) -> str:
        """A name's longer form ending in a company word: the headline's ("Brisk Harbor" -> "Brisk Harbor
        Holdings", not "Vistula Compute Commissions") or, for one word, the text's ("Chanakya" ->
        "Chanakya Labs")."""
        if name not in self._full_names:
            self._full_names[name] = self._longer_form(name)
        return self._full_names[name]

    def _longer_form(self, name: str) -> str:
        longer = [
            m.name
            for m in self._title_mentions
            if m.name.startswith(name + " ")
            and LONGER_FORM.fullmatch(m.name[len(name) :])
            and is_name_tail(m.name.rsplit(" ", 1)[1])
        ]
        if longer or " " in name:
            return longer[0] if longer else name
        for match in re.finditer(rf"\b{re.escape(name)} ([A-Z][\w-]{{1,30}})\b", self.document):
            if is_name_tail(match.group(1)) and match.group(1) not in ("GPU", "AI"):  # "Kenyan GPU cloud"
                return f"{name} {match.group(1)}"
        speaks = re.search(rf"\b{re.escape(name)} ([A-Z][a-z][\w-]{{1,29}}) {SPEAKS.pattern}", self.document)
        if speaks is None or normalise_name(f"{name} {speaks.group(1)}") == name:
            return name  # "PT ZNT Tbk said": a legal form, not a longer name
        return f"{name} {speaks.group(1)}"  # "Halcyon Reasoning said on Tuesday"


def _candidate(
    sentence: Sentence, article: _Article, when: date, following: list[Sentence], verdict: Verdict | None
) -> Candidate | None:
    if verdict is not None and verdict.type == NO_EVENT and verdict.confidence >= VETO:
        return None
    title, orgs, recognizer = article.title, article.orgs, article.recognizer
    fallback = article.subject
    clause = BACKGROUND.sub(" ", sentence.text)
    if _kind(clause, 0, _says(verdict)) is None and _kind(clause, 2, _says(verdict)) is None:
        return None  # no event type whatever its parties: the recognizer (spaCy) need not run
    mentions: Sequence[OrgMention | FoundOrg] = (
        article.consistent(
            _acting(recognizer.find(_blank_dateline(clause), article.document), clause), clause
        )
        if recognizer
        else orgs.find(clause, article.document)
    )
    parties = _parties(mentions, clause)
    own = article.publisher
    if own is not None:  # "Pellucid Commit" on Pellucid's own blog: its product, so Pellucid
        parties = list(dict.fromkeys(own.name if _product_of(p, own.name) else p for p in parties))
    if own is not None and own.name not in parties and FIRST_PERSON.search(QUOTATION.sub(" ", clause)):
        parties.insert(0, own.name)  # "Today we opened our second region", on Baobab Cloud's blog
        mentions = [own, *mentions]
    if (
        recognizer is not None
        and len(parties) == 1
        and fallback not in (None, parties[0])
        and ANAPHOR.match(_blank_dateline(clause))
    ):
        parties.insert(0, fallback)  # "The company will rent 16,000 GPUs from Sahyadri Cloud": the headline's
    context = article.document if own is not None and own.name in parties else title  # a company's post
    if not _in_market(mentions, parties, clause + " " + context):
        return None
    status = _status(sentence.text + " " + title, verdict)
    says = _says(verdict)
    if says == "capacity" and _sourced(mentions, parties, clause):
        says = "partnership"  # "contracted 2,048 GPUs from Lagos-based Sahel Compute": a named seller
    kind = _kind(clause, len(parties), says)
    if kind == "pricing":
        party = next(iter(parties), fallback)  # a one-party event's party: the first named
        if party is None:
            return None
        percent = next((p.value for p in find_percents(clause) if 0 < p.value <= 100), None)
        if percent is not None and not PRICE_RISE.search(clause):
            percent = -percent
        return Candidate(
            "pricing",
            (party,),
            status,
            when,
            sentence.text,
            price_change_pct=percent,
            roles=((party, "provider"),),
        )
    if kind == "partnership" and len(parties) >= 4 and len(DEAL_NOUN.findall(clause)) >= 2:
        return None  # "OpenAI's $300 billion arrangement with Oracle, CoreWeave's contract with Meta ...": a tally
    if kind == "partnership":
        more = _continuation(following[:1], when)
        ordered = tuple(sorted(parties))
        return Candidate(
            "partnership",
            ordered,
            status,
            when,
            sentence.text,
            roles=party_roles(kind, ordered, mentions, clause, _categories(mentions, orgs)),
            amount_usd=_amount(clause)
            or _amount(title if _same_subject(title, parties, orgs, article.document) else "")
            or _amount(more),
            capacity_mw=_capacity(clause) or _capacity(more),
            gpus=_gpus(clause) or _gpus(more),
            duration_years=_duration(clause) or _duration(more),
        )
    if kind == "capacity":
        party = next(iter(parties), fallback)  # a one-party event's party: the first named
        if party is None:
            return None
        gpus = _gpus(clause)
        capacity = _site_capacity(clause, " ".join(BACKGROUND.sub(" ", s.text) for s in following))
        # "to invest ¥2.26 trillion in cloud infrastructure": money alone, when the judge says capacity
        invested = _says(verdict) == "capacity" and bool(find_money(clause))
        if capacity is None and gpus is None and not NEW_SITE.search(clause) and not invested:
            return None
        return Candidate(
            "capacity",
            (party,),
            status,
            when,
            sentence.text,
            amount_usd=_amount(clause),
            capacity_mw=capacity,
            gpus=gpus,  # no duration: it is a contract's length (spec §2), not a build's "over six years"
            roles=((party, "builder"),),
        )
    return None


def _sourced(mentions: Sequence[OrgMention | FoundOrg], parties: list[str], clause: str) -> bool:
    """Whether capacity comes from a named party: a party other than the first right after "from",
    "with", "at" or "owned by" (a few descriptor words between), after the compute it sells."""
    for mention in mentions:
        if mention.name not in parties[1:]:
            continue
        before = clause[max(0, mention.start - 120) : mention.start]
        source = SOURCE_BEFORE.search(before)
        if source is not None and COMPUTE_OBJECT.search(before[: source.start()]):
            return True
    return False


def _categories(mentions: Sequence[OrgMention | FoundOrg], orgs: OrganizationIndex) -> dict[str, str | None]:
    """What each mentioned organization is: the recognizer's category, else the list's first."""
    out: dict[str, str | None] = {}
    for m in mentions:
        org = orgs.get(m.name)
        out[m.name] = m.category if isinstance(m, FoundOrg) else (org.categories[0] if org else None)
    return out


def _continuation(following: Sequence[Sentence], day: date) -> str:
    """The next sentence when it goes on about the same deal ("The expansion is expected to bring well
    over a gigawatt online", "The companies put the value at..."), without background or an earlier
    time; else "". Its figures fill those the event's own sentence lacks."""
    if not following or not CONTINUES.match(following[0].text) or _recalls_past(following[0].text, day):
        return ""
    return BACKGROUND.sub(" ", following[0].text)


def _blank_dateline(text: str) -> str:
    """The text with a wire dateline ("LISBON, Portugal--(GLOBE NEWSWIRE)--July 8, 2025--") blanked
    (same length, so offsets hold): its place and wire names are no parties."""
    match = DATELINE.match(text)
    return text if match is None else " " * match.end() + text[match.end() :]


def _acting(mentions: Sequence[FoundOrg], text: str) -> list[FoundOrg]:
    """The organizations that can be parties: with two the list knows, those and the unknown ones the
    text describes as companies ("Ardent Models, a Seattle start-up") or that open it as its subject
    ("Haybarn is terminating ..."; other names in such a sentence are products, places or publications
    far more often than a third party); else the known and the
    unknown ones that are no publication quoted ("The Information reported")."""
    known = [m for m in mentions if m.known]
    if len({m.name for m in known if not _product_maker(m, text)}) >= 2:
        return [m for m in mentions if m.known or m.category is not None or _subject_of(m, text)]
    return [
        m
        for m in mentions
        if m.known
        or (
            sum(c.isalpha() for c in m.name) >= 2
            and not REPORTER_AFTER.match(text, m.end)
            and not REPORTER_BEFORE.search(text, max(0, m.start - 20), m.start)
        )
    ]


_SUBJECT_VERB = re.compile(r"\s+(?:is|are|has|have|had|was|were|will|would|\w+(?:s|ed))\b")


def _subject_of(mention: FoundOrg, text: str) -> bool:
    """Whether the organization opens the sentence as its subject ("Haybarn is terminating ...")."""
    return not text[: mention.start].strip() and bool(_SUBJECT_VERB.match(text, mention.end))


def _in_market(mentions: Sequence[OrgMention | FoundOrg], parties: list[str], text: str) -> bool:
    """Whether a sentence's parties or words place it in the AI and cloud-compute market: a party
    the list knows, one described as a market company, or compute named in the text."""
    acting = [m for m in mentions if m.name in parties]
    unknown = [m for m in acting if isinstance(m, FoundOrg) and not m.known]
    if len(unknown) < len(acting) or not acting:
        return True
    return any(m.category in MARKET_CATEGORIES for m in unknown) or bool(MARKET.search(text))


def _product_of(name: str, company: str) -> bool:
    """Whether a name is the company's name and one more word that ends no company name ("Pellucid
    Commit" of Pellucid; not "Pellucid Labs")."""
    rest = name[len(company) + 1 :] if name.startswith(company + " ") else ""
    return bool(rest) and " " not in rest and not is_name_tail(rest)


def _parties(mentions: Sequence[OrgMention | FoundOrg], text: str) -> list[str]:
    """Canonical names of the organizations acting in `text`, in order of first mention: not a maker
    named only for its product ("Nvidia GPUs", "AMD's chips"), though a cloud named for the chips it
    rents out is a party; not where the work goes when a contract ends (the guide's parties are the
    contract's)."""
    names: list[str] = []
    ending = bool(ENDING.search(text))
    for mention in mentions:
        if _product_maker(mention, text):
            continue
        if ending and DESTINATION.search(text, max(0, mention.start - 80), mention.start):
            continue  # "terminating its contract with Lambda ... shifts its work onto Google's chips"
        if mention.name not in names:
            names.append(mention.name)
    unknown = {m.name for m in mentions if isinstance(m, FoundOrg) and not m.known}
    # "Kestrel Compute ..., Kestrel confirmed": a short form of a longer name is the same organization
    return [n for n in names if not (n in unknown and any(o.startswith(n + " ") for o in names))]


def _product_maker(mention: OrgMention | FoundOrg, text: str) -> bool:
    """Whether a mention names a maker for its product ("Nvidia GPUs", "AMD's chips"), not a party; a
    cloud named for the chips it rents out ("use of Google Cloud's TPUs") is a party."""
    renter = isinstance(mention, FoundOrg) and mention.cloud_provider
    return bool(MODIFIER_AFTER.match(text[mention.end : mention.end + 40])) and not renter


def _subject(mentions: list[OrgMention], text: str) -> str | None:
    names = _parties(mentions, text)
    return names[0] if names else None


def _same_subject(title: str, parties: list[str], orgs: OrganizationIndex, document: str) -> bool:
    return set(parties) <= {m.name for m in orgs.find(title, document)}


def _kind(clause: str, parties: int, says: str | None) -> str | None:
    """The event type a clause states: the trigger patterns' in their order, else the judge's (a
    partnership needs two parties either way)."""
    if UNCHANGED.search(clause) or (says == "pricing" and not PRICE_WORD.search(clause)):
        says = None if says == "pricing" else says  # no price named: "61 percent of revenue"
    elif PRICING.search(clause):
        return "pricing"
    if parties >= 2 and (PARTNERSHIP.search(clause) or says == "partnership"):
        return "partnership"  # a deal between organizations, even about capacity (guide §1)
    if CAPACITY.search(clause):
        return "capacity"
    if says == "partnership" and parties < 2:
        return None
    return says


def _says(verdict: Verdict | None) -> str | None:
    """The event type the judge is sure enough of, if any."""
    if verdict is None or verdict.type == NO_EVENT or verdict.confidence < ACCEPT:
        return None
    return verdict.type


def _status(text: str, verdict: Verdict | None = None) -> str:
    """`in_talks` when the patterns or the judge hear talks (a report of talks is still talks), then
    `reported` on an unnamed source, then the judge's status when it is sure, else `announced`."""
    judged = (
        verdict.status if verdict is not None and verdict.status_confidence >= STATUS_CONFIDENCE else None
    )
    if IN_TALKS.search(text) or judged == "in_talks":
        return "in_talks"
    if REPORTED.search(text) and not CONFIRMED.search(text):
        return "reported"
    return judged or "announced"


def _amount(text: str) -> float | None:
    """The first US-dollar sum of at least $1M that is not a unit price, or the ceiling stated right after
    it for the same contract ("$17.4 billion through 2031, and up to $19.4 billion": guide §2 counts
    "up to $X" as X)."""
    sums = [
        money
        for money in find_money(text)
        if money.currency == "USD"
        and money.value >= MIN_DEAL_USD
        and not re.match(r"\s*(?:per|an? |/)", text[money.end : money.end + 20].lower())
    ]
    if not sums:
        return None
    first = sums[0]
    ceiling = [m for m in sums[1:2] if m.value > first.value and CEILING.match(text[first.end : m.start])]
    return (ceiling or sums)[0].value


def _capacity(text: str) -> float | None:
    """Power the sentence adds: one figure, or the sum of several sites (a stated total wins); a part
    of a figure already given ("6 gigawatts ..., starting with 1 gigawatt") and a running total
    ("bringing the site's planned total to 800 megawatts") are not added."""
    values = list(
        dict.fromkeys(
            p.mw
            for p in find_power(text)
            if not PART_OF.search(text, max(0, p.start - 30), p.start)
            and not RUNNING_TOTAL.search(text, max(0, p.start - 60), p.start)
        )
    )
    if not values:
        return None
    for value in values:
        others = [v for v in values if v != value]
        if others and abs(sum(others) - value) < 1e-6:
            return value
    return sum(values)


def _site_capacity(evidence: str, context: str) -> float | None:
    """A capacity event's power: a total stated next to its parts wins, then the evidence's own
    figure, then the sum of the sites the next sentences give."""
    values = list(dict.fromkeys(p.mw for p in find_power(evidence + " " + context)))
    for value in values:
        others = [v for v in values if v != value]
        if len(others) >= 2 and abs(sum(others) - value) < 1e-6:
            return value
    return _capacity(evidence) or _capacity(context)


def _gpus(text: str) -> int | None:
    return next((c.count for c in find_chips(text) if c.count), None)


def _duration(text: str) -> float | None:
    return next((d.years for d in find_durations(text)), None)


def _stated_date(text: str, published: date) -> date | None:
    """The day the text dates the announcement ("on Monday", "on September 2"), if it does."""
    for match in WHEN.finditer(text):
        resolved = _resolve(match, published)
        if resolved is not None:
            return resolved
    return None


def _resolve(match: re.Match[str], reference: date) -> date | None:
    if match.group("month") and match.group("day"):
        month = next(i for i, m in enumerate(_MONTHS, 1) if match.group("month").lower().startswith(m[:3]))
        year = int(match.group("year") or reference.year)
        try:
            stated = date(year, month, int(match.group("day")))
        except ValueError:
            return None
        if stated > reference and not match.group("year"):
            stated = stated.replace(year=year - 1)
        return stated if timedelta(0) <= reference - stated <= timedelta(days=LOOKBACK_DAYS) else None
    if match.group("weekday"):
        weekday = _WEEKDAYS.index(match.group("weekday").lower())
        return reference - timedelta(days=(reference.weekday() - weekday) % 7)
    return None


def _add(found: list[Candidate], candidate: Candidate, fill_only: bool = False) -> list[Candidate]:
    """Add a candidate, or fill in the facts of an earlier one about the same event (its status too,
    unless `fill_only`)."""
    for i, earlier in enumerate(found):
        if earlier.type == candidate.type and set(earlier.parties) == set(candidate.parties):
            found[i] = replace(
                earlier,
                amount_usd=earlier.amount_usd or candidate.amount_usd,
                capacity_mw=earlier.capacity_mw or candidate.capacity_mw,
                gpus=earlier.gpus or candidate.gpus,
                duration_years=earlier.duration_years or candidate.duration_years,
                price_change_pct=earlier.price_change_pct or candidate.price_change_pct,
                status=earlier.status
                if fill_only
                else max(earlier.status, candidate.status, key=STATUS_RANK.__getitem__),
            )
            return found
    return [*found, candidate]
