from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
# CI clones the repository beside a copy of shared/; developers have it there too.
SHARED = REPO.parent / "shared"


@pytest.fixture
def samples_dir() -> Path:
    return SAMPLES
