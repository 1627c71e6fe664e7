"""The benchmark's real-data corpus: the sample files of ``shared/real`` copied with fresh ids.

``make bench CORPUS=real N=…`` writes ``bench/corpus/real-<N>/`` with as many copies of every
sample file as it takes to reach ``N`` questions (the last copy is whole, so a few more). Copy
``k`` (from 0, the files as they are) gets identities of its own, so that the ingest creates
new records instead of merging them into copy 0:

- every date moves ``k`` days later (API ``date…`` fields, QnA ``…Date`` elements, every ISO
  date of a parlparse file: its gids, holding-answer codes and file name);
- every question number gains ``k`` million (API ``uin``, ``groupedQuestions`` and ``id``,
  QnA ``Uin``, parlparse ``qnum`` and Scottish ``S3W-…`` numbers);
- every question text ends in `` [rc<k>]``: the loader also matches records by their words
  (``ingest.identity.fingerprint``), and a question with a thousand identical copies would
  make each new copy look at all the earlier ones.

Deterministic: the same sample files and ``N`` give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REAL_DIR = REPO.parent / "shared" / "real"
CORPUS_ROOT = Path(__file__).with_name("corpus")
MANIFEST = ".manifest.json"
# Bump when a change here changes the output, so cached corpora are rebuilt.
REPLICATOR_VERSION = 1
UIN_STEP = 1_000_000
API_ID_STEP = 10_000_000

_ISO_DATE = re.compile(rb"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_TRAILING_NUMBER = re.compile(r"(\d+)$")


class RealDataMissing(RuntimeError):
    pass


def sample_files(real_dir: Path = REAL_DIR) -> list[Path]:
    if not real_dir.is_dir():
        raise RealDataMissing(
            f"the real sample files are not there: {real_dir} (expected beside the repository, "
            "as <repo>/../shared/real)"
        )
    files = sorted(
        path
        for path in real_dir.rglob("*")
        if path.is_file() and path.suffix in (".json", ".xml") and not path.name.startswith(".")
    )
    if not files:
        raise RealDataMissing(f"no .json or .xml sample files under {real_dir}")
    return files


def corpus_dir(n: int) -> Path:
    return CORPUS_ROOT / f"real-{n}"


# -- one copy of one file ---------------------------------------------------------------------


def suffix(copy: int) -> str:
    return f" [rc{copy}]"


def shift_uin(uin: str, copy: int) -> str:
    """``3283`` -> ``2003283``, ``HL5813`` -> ``HL2005813``, ``S3W-28117`` -> ``S3W-2028117``."""
    return _TRAILING_NUMBER.sub(lambda m: str(int(m.group(1)) + copy * UIN_STEP), uin)


def _shift_iso(text: str | None, days: int) -> str | None:
    if not text or days == 0:
        return text
    day = dt.date.fromisoformat(text[:10]) + dt.timedelta(days=days)
    return day.isoformat() + text[10:]


def _shift_dates_bytes(data: bytes, days: int) -> bytes:
    def shift(match: re.Match[bytes]) -> bytes:
        try:
            day = dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            return match.group(0)
        return (day + dt.timedelta(days=days)).isoformat().encode()

    return _ISO_DATE.sub(shift, data) if days else data


def _shift_file_name(name: str, days: int) -> str:
    return _shift_dates_bytes(name.encode(), days).decode()


# The API list export cuts question texts at 255 characters or ends them in "..."; the parser
# notices both, so the marker keeps a cut text at 255 characters and goes before the "...".
API_CUT_LENGTH = 255
CLIPPED_MARKER = "..."


def _mark_api_question(text: str, copy: int) -> str:
    mark = suffix(copy)
    if len(text) == API_CUT_LENGTH:
        return text[: API_CUT_LENGTH - len(mark)] + mark
    stripped = text.rstrip()
    if stripped.endswith(CLIPPED_MARKER):
        return stripped[: -len(CLIPPED_MARKER)] + mark + CLIPPED_MARKER
    marked = text + mark
    # A whole text that the marker brings to exactly 255 characters would look cut.
    return marked + " " if len(marked) == API_CUT_LENGTH else marked


def replicate_api_json(data: bytes, copy: int) -> bytes:
    records = json.loads(data)
    if copy == 0:
        return data
    for record in records:
        value = record.get("value", record)
        if value.get("id") is not None:
            value["id"] = int(value["id"]) + copy * API_ID_STEP
        if value.get("uin"):
            value["uin"] = shift_uin(str(value["uin"]), copy)
        if value.get("questionText"):
            value["questionText"] = _mark_api_question(value["questionText"], copy)
        for key in list(value):
            if key.startswith("date") and isinstance(value[key], str):
                value[key] = _shift_iso(value[key], copy)
        value["groupedQuestions"] = [
            shift_uin(str(u), copy) for u in value.get("groupedQuestions") or []
        ]
        value["groupedQuestionsDates"] = [
            _shift_iso(d, copy) if isinstance(d, str) else d
            for d in value.get("groupedQuestionsDates") or []
        ]
        for link in record.get("links") or []:
            if "href" in link:
                link["href"] = re.sub(r"/\d+$", f"/{value.get('id')}", link["href"])
    return json.dumps(records, ensure_ascii=False, indent=1).encode()


_QNA_UIN = re.compile(rb"(<Uin>)([^<]*)(</Uin>)")
_QNA_DATE = re.compile(rb"(<(\w*Date)>)([^<]+)(</\2>)")
_QNA_TEXT_END = re.compile(rb"</Text>")


def replicate_qna_xml(data: bytes, copy: int) -> bytes:
    if copy == 0:
        return data
    data = _QNA_UIN.sub(
        lambda m: m.group(1) + shift_uin(m.group(2).decode(), copy).encode() + m.group(3), data
    )
    data = _QNA_DATE.sub(
        lambda m: m.group(1) + _shift_iso(m.group(3).decode(), copy).encode() + m.group(4), data
    )
    return _QNA_TEXT_END.sub(suffix(copy).encode() + b"</Text>", data)


_TWFY_QNUM = re.compile(rb'(\bqnum=")([^"]*)(")')
_TWFY_SPID = re.compile(rb"\b(S\dW-)(\d+)")
_TWFY_QUES = re.compile(rb"(<ques\b.*?</ques>)", re.DOTALL)


def replicate_twfy_xml(data: bytes, copy: int) -> bytes:
    if copy == 0:
        return data
    data = _shift_dates_bytes(data, copy)
    data = _TWFY_QNUM.sub(
        lambda m: m.group(1) + shift_uin(m.group(2).decode(), copy).encode() + m.group(3), data
    )
    data = _TWFY_SPID.sub(
        lambda m: m.group(1) + str(int(m.group(2)) + copy * UIN_STEP).encode(), data
    )
    # The marker is ASCII, so it is the same bytes in ISO-8859-1 and UTF-8 files.
    marker = suffix(copy).encode()
    return _TWFY_QUES.sub(lambda m: m.group(1).replace(b"</p>", marker + b"</p>"), data)


def kind_of(path: Path) -> str:
    if path.suffix == ".json":
        return "api-json"
    head = path.read_bytes()[:4096]
    return "qna-xml" if b"QnA/2013/02" in head else "twfy-xml"


def replicate(path: Path, copy: int) -> tuple[str, bytes]:
    """The relative path and bytes of copy ``copy`` of the sample file ``path``."""
    data = path.read_bytes()
    kind = kind_of(path)
    if kind == "api-json":
        return f"{kind}/{copy:04d}/{path.name}", replicate_api_json(data, copy)
    if kind == "qna-xml":
        return f"{kind}/{copy:04d}/{path.name}", replicate_qna_xml(data, copy)
    # parlparse takes the house from the name's prefix and the date from the name and gids.
    name = _shift_file_name(path.name, copy)
    return f"{kind}/{copy:04d}/{name}", replicate_twfy_xml(data, copy)


# -- the corpus --------------------------------------------------------------------------------


def questions_per_copy(files: list[Path]) -> int:
    from ingest.detect import parse_document

    return sum(len(parse_document(path.read_bytes(), path.name).questions) for path in files)


def ensure_corpus(
    n: int, folder: Path | None = None, real_dir: Path = REAL_DIR
) -> tuple[Path, bool, int]:
    """The folder, whether it was written now, and how many questions it holds."""
    files = sample_files(real_dir)
    folder = folder or corpus_dir(n)
    manifest_path = folder / MANIFEST
    sources = {str(p.relative_to(real_dir)): p.stat().st_size for p in files}
    wanted = {"n": n, "replicator_version": REPLICATOR_VERSION, "sources": sources}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if {key: manifest.get(key) for key in wanted} == wanted:
            return folder, False, manifest["questions"]
    per_copy = questions_per_copy(files)
    copies = max(1, math.ceil(n / per_copy))
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for copy in range(copies):
        for path in files:
            relative, data = replicate(path, copy)
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    manifest = {
        **wanted,
        "copies": copies,
        "questions_per_copy": per_copy,
        "questions": copies * per_copy,
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return folder, True, copies * per_copy


# -- the query mix's terms ------------------------------------------------------------------------


def top_asker(real_dir: Path = REAL_DIR) -> str:
    """The named asker with the most questions in one copy of the samples (ties by name)."""
    from collections import Counter

    from ingest.detect import parse_document

    askers: Counter[str] = Counter()
    for path in sample_files(real_dir):
        for question in parse_document(path.read_bytes(), path.name).questions:
            if question.asker and question.asker.name:
                askers[question.asker.name] += 1
    return min(askers, key=lambda name: (-askers[name], name))
