import shutil
from pathlib import Path

import pytest

from frameworks.loader import DATA_DIR


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A writable copy of the shipped data files."""
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy
