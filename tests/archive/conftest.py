import pytest

from archive.search import engine


@pytest.fixture(autouse=True)
def words_are_never_common(monkeypatch):
    """Word searches take the indexed strategy unless a test asks for another.

    Whether the engine treats words as common depends on the planner's row estimates,
    which for these tiny tables change whenever autovacuum happens to analyse them: a test
    about capped counts would then pass or fail by timing. Tests of the date-walk strategy
    set COMMON_SHARE themselves (the ``common`` fixture of test_engine.py).
    """
    monkeypatch.setattr(engine, "COMMON_SHARE", 2.0)
