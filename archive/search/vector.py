"""The one declaration of what a question's full-text search vector holds.

Weights rank a match in the heading above one in the question, above one in the answer,
above one in the names of the asker, answerer and department. The vector is a stored
generated column, so PostgreSQL keeps it current whichever code path writes the row.
"""

from django.contrib.postgres.search import SearchVector
from django.db.models import Value
from django.db.models.functions import Concat

from archive.search.query import SEARCH_CONFIG

WEIGHTS = {"heading": "A", "question_text": "B", "answer_text": "C", "names": "D"}


def question_search_vector() -> SearchVector:
    names = Concat("asker_name", Value(" "), "answerer_name", Value(" "), "department_name")
    return (
        SearchVector("heading", config=SEARCH_CONFIG, weight=WEIGHTS["heading"])
        + SearchVector("question_text", config=SEARCH_CONFIG, weight=WEIGHTS["question_text"])
        + SearchVector("answer_text", config=SEARCH_CONFIG, weight=WEIGHTS["answer_text"])
        + SearchVector(names, config=SEARCH_CONFIG, weight=WEIGHTS["names"])
    )
