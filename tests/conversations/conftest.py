import pytest

from frameworks.models import ClientGroup, Measure

CLIENT_GROUPS = [("older_people", "Older people"), ("mental_health", "Mental health")]
MEASURES = [
    ("NM1", "users"),
    ("NM2", "users and carers"),
    ("NM3", "users"),
    ("NM4", "carers"),
]


@pytest.fixture(autouse=True)
def reference_data(db) -> None:
    """Client groups and measures, whether or not the frameworks data migration has run."""
    for order, (code, label) in enumerate(CLIENT_GROUPS):
        ClientGroup.objects.get_or_create(code=code, defaults={"label": label, "order": order})
    for order, (code, population) in enumerate(MEASURES):
        Measure.objects.get_or_create(
            code=code,
            defaults={
                "title": code,
                "population": population,
                "question": f"Question for {code}",
                "order": order,
            },
        )
