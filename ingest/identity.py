"""How the archive tells whether two records are the same question (pure, no database).

A UIN is only unique within a house and a session, so with a UIN we also need the day
the question was tabled. Without one (text layouts print none) the question's own words
are the identity: normalised so that typography and the change of monarch do not make
two copies of a question look different.
"""

import hashlib
import re
import unicodedata

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "`": "'"})
# "Her Majesty's Government" became "His Majesty's Government" in September 2022;
# sources re-publishing older questions use either.
_MAJESTY = re.compile(r"\b(?:his|her) majesty'?s\b")
_NON_WORD = re.compile(r"[^\w']+")


def normalise_question_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    text = _MAJESTY.sub("majestys", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def fingerprint(question_text: str) -> str:
    return hashlib.sha256(normalise_question_text(question_text).encode()).hexdigest()
