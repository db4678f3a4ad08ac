"""The starter codebook shipped with the product: read and checked like every data file."""

import json

import pytest

from frameworks.loader import LoaderError
from frameworks.themes import STARTER_FILE, starter_themes


def test_the_starter_codebook_holds_the_leeds_themes_and_the_barrier_themes():
    codes = [theme.code for theme in starter_themes()]

    assert len(codes) == len(set(codes)) == 11
    # Seven themes people raised in the Leeds baseline, and the barrier codes' own themes.
    assert {"dignity", "not_joined_up", "prevention", "not_knowing"} <= set(codes)
    assert {"staffing", "resources", "transport", "time_limited"} <= set(codes)
    assert all(theme.label and theme.description for theme in starter_themes())


def test_a_broken_starter_file_lists_every_problem(tmp_path):
    (tmp_path / STARTER_FILE).write_text(
        json.dumps(
            {
                "themes": [
                    {"code": "Bad Code", "label": "x", "description": "y"},
                    {"code": "twice", "label": "", "description": "y"},
                    {"code": "twice", "label": "z", "description": "y"},
                ]
            }
        ),
        encoding="utf-8",
    )

    with pytest.raises(LoaderError) as raised:
        starter_themes(data_dir=tmp_path)

    problems = " ".join(raised.value.problems)
    assert "Bad Code" in problems
    assert "'label' must be non-empty text" in problems
    assert "theme code 'twice' appears more than once" in problems
