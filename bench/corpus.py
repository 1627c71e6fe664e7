"""A deterministic synthetic corpus of written questions, written as files ``ingest`` reads.

Everything derives from one seed: the cast from ``Random(f"{seed}:cast")``, the split into
files from ``Random(f"{seed}:plan")`` and each file's questions from
``Random(f"{seed}:file:{number}")``. A file therefore depends on nothing but the seed and its
number, which lets generation run in parallel and still give the same bytes every time.

The statistics the engine's costs depend on are set here, not left to chance:
- question 40-90 words, answer 100-400 words in 1-5 paragraphs, Zipf vocabulary;
- ``PLANTED`` terms appear in exactly the rows drawn for them (their other spellings are kept
  out of the vocabulary), so each query shape's match count is known in advance;
- ``government`` in ~71% of rows: every Lords question says "His Majesty's Government", and
  Commons rows get it at the rate that makes up the rest;
- dates 2015-2025; a fifth of questions from the Lords; two thousand members, a few of them
  asking a large share; twenty departments of very unequal size.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import multiprocessing
import random
import re
import shutil
from bisect import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bench.cast import (
    HEADING_SUBTOPICS,
    HEADING_TOPICS,
    LORDS,
    Cast,
    Department,
    Member,
)
from bench.vocabulary import Vocabulary

# Bump when a change to the generator changes its output, so cached corpora are rebuilt.
GENERATOR_VERSION = 3
CORPUS_ROOT = Path(__file__).with_name("corpus")
# A dot-file: ``ingest`` skips hidden files, so the manifest is never read as a document.
MANIFEST = ".manifest.json"

LORDS_SHARE = 0.20
GOVERNMENT_RATE = 0.71
FIRST_DAY = dt.date(2015, 1, 1)
# Tabled by the end of November so that answers, a few weeks later, stay within 2025.
LAST_TABLED = dt.date(2025, 11, 30)
# The Crown changed on 8 September 2022, and with it the form of words.
HIS_MAJESTY_FROM = dt.date(2022, 9, 8)
QUESTION_WORDS = (40, 90)
ANSWER_WORDS = (100, 400)


@dataclass(frozen=True)
class Plant:
    """A term put into a known share of rows; some of them also get it as their heading."""

    term: str
    rate: float
    headings: tuple[str, ...] = ()


PLANTED = (
    Plant("modern slavery", 0.024, ("Modern Slavery", "Modern Slavery: Children")),
    # The rare word: ~700 rows in a million, ~14 in twenty thousand.
    Plant("hovercraft", 0.0007, ("Hovercraft",)),
    Plant("police", 0.08, ("Police: Finance", "Police: Recruitment", "Police: Standards")),
    Plant("funding", 0.12),
    Plant("pension", 0.015, ("State Pension",)),
    Plant("asylum", 0.012, ("Asylum: Housing", "Asylum: Appeals")),
)
RARE_WORD = "hovercraft"

# Every spelling that PostgreSQL's English stemmer folds into a planted lexeme (government ->
# govern, funding -> fund, pensioner -> pension), kept out of the Zipf vocabulary.
BLOCKED_PREFIXES = ("govern", "pension", "asylum", "slaver")
BLOCKED_WORDS = frozenset(
    {
        *("police", "policed", "polices", "policing"),
        *("fund", "funds", "funded", "funding", "fundings"),
        *("modern", "hovercraft", "hovercrafts"),
    }
)

ANSWERED, UNANSWERED, HOLDING, WITHDRAWN, CORRECTED = (
    "answered",
    "unanswered",
    "holding",
    "withdrawn",
    "corrected",
)
# Only the API exports unanswered, held, withdrawn and corrected questions; the pages people
# save are of answered ones.
API_STATUSES = (
    (ANSWERED, 0.925),
    (UNANSWERED, 0.04),
    (HOLDING, 0.01),
    (WITHDRAWN, 0.005),
    (CORRECTED, 0.02),
)
HOLDING_ANSWER = "I will reply to the Member as soon as possible."


@dataclass(frozen=True)
class SynthQuestion:
    """One generated question with everything every layout may print about it."""

    index: int
    house: str
    uin: str
    heading: str
    asker: Member
    department: Department
    answerer: Member | None
    answerer_role: str
    question_text: str
    answer_paragraphs: tuple[str, ...]
    date_tabled: dt.date
    date_answered: dt.date | None
    status: str

    @property
    def api_id(self) -> int:
        return 1_000_000 + self.index

    @property
    def answer_text(self) -> str:
        return "\n\n".join(self.answer_paragraphs)

    def searchable_text(self) -> str:
        """What the stored search vector indexes: heading, texts and the three names."""
        names = [self.asker.name, self.answerer.name if self.answerer else "", self.department.name]
        return "\n".join([self.heading, self.question_text, self.answer_text, *names])


@dataclass(frozen=True)
class FileSpec:
    number: int
    layout: str
    first_index: int
    count: int

    def relative_path(self, extension: str) -> str:
        return f"{self.layout}/{self.number:06d}.{extension}"


@dataclass(frozen=True)
class LayoutMix:
    name: str
    share: float
    questions_per_file: tuple[int, int]


# Shares of questions, not of files: a question page holds one question, the others hundreds.
LAYOUT_MIX = (
    LayoutMix("api-json", 0.45, (250, 1000)),
    LayoutMix("search-results", 0.20, (100, 400)),
    LayoutMix("search-results-html", 0.15, (100, 400)),
    LayoutMix("plain-list", 0.15, (100, 500)),
    LayoutMix("question-page", 0.02, (1, 1)),
    LayoutMix("question-page-html", 0.03, (1, 1)),
)


# Layouts that print no asker (the question page names only the answerer).
NO_ASKER_LAYOUTS = frozenset({"question-page", "question-page-html"})


@cache
def vocabulary() -> Vocabulary:
    return Vocabulary(BLOCKED_PREFIXES, BLOCKED_WORDS)


@cache
def cast(seed: int) -> Cast:
    return Cast.build(random.Random(f"{seed}:cast"))


def plan(seed: int, n: int) -> list[FileSpec]:
    """Split ``n`` questions into files by layout; every layout gets a file once n allows."""
    rng = random.Random(f"{seed}:plan")
    counts = [max(1, round(n * mix.share)) if n >= len(LAYOUT_MIX) else 0 for mix in LAYOUT_MIX]
    counts[0] += n - sum(counts)
    specs: list[FileSpec] = []
    index = 0
    for mix, remaining in zip(LAYOUT_MIX, counts, strict=True):
        low, high = mix.questions_per_file
        while remaining > 0:
            size = min(remaining, rng.randint(low, high))
            specs.append(FileSpec(len(specs), mix.name, index, size))
            index += size
            remaining -= size
    return specs


class QuestionMaker:
    """Draws questions from one random stream; one maker per file.

    Most files hold a single question, so everything that does not depend on the stream is
    worked out once per seed (``_Draws``), not once per maker.
    """

    def __init__(self, seed: int, rng: random.Random) -> None:
        self.rng = rng
        self.draws = _draws(seed)
        self.words = vocabulary()

    def make(self, index: int, layout: str) -> SynthQuestion:
        rng = self.rng
        random = rng.random
        draws = self.draws
        house = LORDS if random() < LORDS_SHARE else "Commons"
        department_weights = draws.department_weights
        department = draws.departments[
            bisect(department_weights, random() * department_weights[-1])
        ]
        if house == LORDS:
            asker = draws.peers[bisect(draws.peer_weights, random() * draws.peer_weights[-1])]
            answerer, role = rng.choice(department.lords_ministers)
        else:
            asker = draws.mps[bisect(draws.mp_weights, random() * draws.mp_weights[-1])]
            answerer, role = rng.choice(department.commons_ministers)
        tabled = draws.days[int(random() * len(draws.days))]
        answered = tabled + draws.delays[min(int(rng.expovariate(1 / 7)), 29)]
        status = _api_status(rng) if layout == "api-json" else ANSWERED
        has_answer = status in (ANSWERED, CORRECTED)

        plants = [p for p in PLANTED if random() < p.rate]
        heading = self._heading(plants)
        if house == LORDS:
            crown = "His" if tabled >= HIS_MAJESTY_FROM else "Her"
            opening = f"To ask {crown} Majesty's Government"
            uin = f"HL{index + 1}"
        else:
            opening = draws.openings[department.name]
            uin = str(index + 1)
        low, high = QUESTION_WORDS
        body_words = low + int(random() * (high - low + 1)) - len(opening.split(" "))
        # The body continues the opening, so it starts in lower case.
        question = self._sentences(body_words, capital=False)
        low, high = ANSWER_WORDS
        answer = [
            _not_a_label(self._sentences(n))
            for n in _split(rng, low + int(random() * (high - low + 1)))
        ]
        terms = [p.term for p in plants]
        if house != LORDS and random() < draws.commons_government:
            terms.append("Government")
        for term in terms:
            if has_answer and random() < 0.6:
                paragraph = int(random() * len(answer))
                answer[paragraph] = _insert(rng, answer[paragraph], term)
            else:
                question = _insert(rng, question, term)
        question_text = f"{opening} {question}"
        if status == HOLDING:
            answer = [HOLDING_ANSWER]
        elif not has_answer:
            answer = []
        return SynthQuestion(
            index=index,
            house=house,
            uin=uin,
            heading=heading,
            asker=asker,
            department=department,
            answerer=answerer if answer else None,
            answerer_role=role if answer else "",
            question_text=question_text,
            answer_paragraphs=tuple(answer),
            date_tabled=tabled,
            date_answered=answered if answer else None,
            status=status,
        )

    def _heading(self, plants: list[Plant]) -> str:
        rng = self.rng
        with_headings = [p for p in plants if p.headings]
        if with_headings and rng.random() < 0.35:
            return rng.choice(rng.choice(with_headings).headings)
        topic = rng.choice(HEADING_TOPICS)
        return topic if rng.random() < 0.3 else f"{topic}: {rng.choice(HEADING_SUBTOPICS)}"

    def _sentences(self, word_count: int, capital: bool = True) -> str:
        """Sentences of 8-24 words; some with a comma, some ending on a figure.

        The marks go onto the drawn words in place and the text is joined once: these lines
        run for every sentence of a million documents.
        """
        random = self.rng.random
        words = self.words.sample(self.rng, word_count)
        end = 0
        while end < word_count:
            start = end
            end = start + 8 + int(random() * 17)
            if end > word_count:
                end = word_count
            if capital or start:
                words[start] = words[start].capitalize()
            if end - start > 6 and random() < 0.4:
                words[start + 2 + int(random() * (end - start - 4))] += ","
            words[end - 1] += f" {_number(random)}." if random() < 0.2 else "."
        return " ".join(words)


@dataclass(frozen=True)
class _Draws:
    """What every maker of one seed draws from."""

    mps: tuple[Member, ...]
    mp_weights: list[float]
    peers: tuple[Member, ...]
    peer_weights: list[float]
    departments: tuple[Department, ...]
    department_weights: list[int]
    openings: dict[str, str]
    days: list[dt.date]
    delays: list[dt.timedelta]
    commons_government: float


@cache
def _draws(seed: int) -> _Draws:
    the_cast = cast(seed)
    days = (LAST_TABLED - FIRST_DAY).days
    return _Draws(
        mps=the_cast.mps,
        # A few members ask a large share: Zipf over members in a fixed shuffled order.
        mp_weights=_zipf_cum_weights(len(the_cast.mps), 0.8),
        peers=the_cast.peers,
        peer_weights=_zipf_cum_weights(len(the_cast.peers), 0.8),
        departments=the_cast.departments,
        department_weights=list(itertools.accumulate(d.weight for d in the_cast.departments)),
        openings={d.name: f"To ask {d.addressee}," for d in the_cast.departments},
        days=[FIRST_DAY + dt.timedelta(days=day) for day in range(days)],
        delays=[dt.timedelta(days=1 + day) for day in range(30)],
        commons_government=(GOVERNMENT_RATE - LORDS_SHARE) / (1 - LORDS_SHARE),
    )


# Lines the text layouts read as the start of a record; "to" and "ask" are common enough
# that a random paragraph would otherwise begin "To ask" every few thousand questions.
LABEL_START = re.compile(r"(?:to ask|asked by|answered by|question to)\b", re.IGNORECASE)


def _not_a_label(paragraph: str) -> str:
    return (
        f"In addition, {paragraph[0].lower()}{paragraph[1:]}"
        if LABEL_START.match(paragraph)
        else paragraph
    )


def _api_status(rng: random.Random) -> str:
    draw = rng.random()
    for status, share in API_STATUSES:
        if draw < share:
            return status
        draw -= share
    return ANSWERED


def _zipf_cum_weights(count: int, exponent: float) -> list[float]:
    total = 0.0
    cumulative = []
    for rank in range(count):
        total += 1 / (rank + 1) ** exponent
        cumulative.append(total)
    return cumulative


def _split(rng: random.Random, words: int) -> list[int]:
    """A word count cut into 1-5 paragraphs of at least 20 words each."""
    paragraphs = min(rng.randint(1, 5), max(1, words // 20))
    cuts = sorted(rng.sample(range(20, words - 19), paragraphs - 1)) if paragraphs > 1 else []
    bounds = [0, *cuts, words]
    return [b - a for a, b in itertools.pairwise(bounds) if b - a]


def _insert(rng: random.Random, text: str, term: str) -> str:
    words = text.split(" ")
    position = rng.randrange(len(words) + 1)
    words.insert(position, term)
    return " ".join(words)


def _number(random: Callable[[], float]) -> str:
    kind = random()
    if kind < 0.3:
        return f"£{1 + int(random() * 950)} million"
    if kind < 0.5:
        return f"{1 + int(random() * 99)} per cent"
    if kind < 0.8:
        return f"in {2010 + int(random() * 16)}"
    return f"{2 + int(random() * 89_999):,}"


def prepare(seed: int) -> None:
    """Build what every file of ``seed`` draws from, before worker processes are forked, so
    that they share it instead of each building its own."""
    vocabulary().table  # noqa: B018 (a cached property: reading it builds it)
    _draws(seed)


def questions_of(seed: int, spec: FileSpec) -> list[SynthQuestion]:
    maker = QuestionMaker(seed, random.Random(f"{seed}:file:{spec.number}"))
    return [maker.make(spec.first_index + i, spec.layout) for i in range(spec.count)]


def iter_questions(seed: int, n: int) -> Iterator[tuple[FileSpec, SynthQuestion]]:
    """Every question of a corpus in file order, without writing anything."""
    for spec in plan(seed, n):
        for question in questions_of(seed, spec):
            yield spec, question


# -- writing ---------------------------------------------------------------------------------


def render_file(seed: int, spec: FileSpec) -> tuple[str, bytes]:
    from bench.layouts import RENDERERS

    extension, render = RENDERERS[spec.layout]
    return spec.relative_path(extension), render(questions_of(seed, spec))


def _write_one(job: tuple[int, FileSpec, str]) -> int:
    seed, spec, folder = job
    relative, data = render_file(seed, spec)
    path = Path(folder) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return spec.count


def corpus_dir(n: int) -> Path:
    return CORPUS_ROOT / str(n)


def ensure_corpus(
    n: int,
    seed: int,
    folder: Path | None = None,
    processes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Path, bool]:
    """The corpus folder, generated unless a complete one from the same seed is there.

    Returns the folder and whether it was generated now. The manifest is written last, so an
    interrupted generation is never mistaken for a finished one.
    """
    folder = folder or corpus_dir(n)
    manifest_path = folder / MANIFEST
    wanted = {"n": n, "seed": seed, "generator_version": GENERATOR_VERSION}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if {key: manifest.get(key) for key in wanted} == wanted:
            return folder, False
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    specs = plan(seed, n)
    jobs = [(seed, spec, str(folder)) for spec in specs]
    done = 0
    if processes == 1 or len(jobs) < 4:
        results: Iterator[int] = map(_write_one, jobs)
        pool = None
    else:
        prepare(seed)
        pool = multiprocessing.get_context("fork").Pool(processes)
        results = pool.imap_unordered(_write_one, jobs, chunksize=4)
    try:
        for count in results:
            done += count
            if progress:
                progress(done, n)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    layouts: dict[str, dict[str, int]] = {}
    for spec in specs:
        entry = layouts.setdefault(spec.layout, {"files": 0, "questions": 0})
        entry["files"] += 1
        entry["questions"] += spec.count
    manifest = {**wanted, "files": len(specs), "layouts": layouts}
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return folder, True
