from tongban.core.services import calendar_seed_from_package


def load() -> str:
    added = calendar_seed_from_package()
    return f"calendar years added: {len(added)}"
