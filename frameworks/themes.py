"""The starter codebook of themes a partnership can adopt for coding what people say.

The codebook itself belongs to each partnership (``conversations.models.Theme``); this module
only reads the product's starter set from ``data/starter_themes.json``, checked like every
other data file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from frameworks.loader import DATA_DIR, LoaderError, _Checker

STARTER_FILE = "starter_themes.json"
CODE_MAX_LENGTH = 40
LABEL_MAX_LENGTH = 120


@dataclass(frozen=True)
class StarterTheme:
    code: str
    label: str
    description: str


def starter_themes(*, data_dir: Path = DATA_DIR) -> list[StarterTheme]:
    """The starter themes in file order; ``LoaderError`` lists every problem with the file."""
    checker = _Checker()
    path = Path(data_dir) / STARTER_FILE
    data = checker.read(path)
    themes: list[StarterTheme] = []
    for index, item in enumerate(checker.items(path.name, data, "themes"), start=1):
        where = f"{path.name} themes[{index}]"
        theme = StarterTheme(
            code=checker.code(where, item),
            label=checker.text(where, item, "label"),
            description=checker.text(where, item, "description"),
        )
        if len(theme.code) > CODE_MAX_LENGTH or len(theme.label) > LABEL_MAX_LENGTH:
            checker.problems.append(f"{where}: code or label too long.")
        themes.append(theme)
    checker.unique(path.name, [theme.code for theme in themes], "theme")
    if checker.problems:
        raise LoaderError(checker.problems)
    return themes
