"""The equivalent-mutant lists shared by scripts/mutate_engine.py and mutate_addon.py."""


def read_equivalents(path):
    """``id | why`` per line; '#' starts a comment. Returns {id: why}."""
    found = {}
    if not path.exists():
        return found
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        ident, sep, why = (part.strip() for part in line.partition("|"))
        if not sep or not why:
            raise SystemExit(f"{path}:{number}: want 'id | why', got: {raw}")
        found[ident] = why
    return found
