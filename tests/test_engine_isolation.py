import importlib
import pkgutil
import sys

import sfa_engine


def test_engine_modules_import_without_odoo():
    names = [m.name for m in pkgutil.iter_modules(sfa_engine.__path__)]
    assert "ranking" in names
    for name in names:
        importlib.import_module(f"sfa_engine.{name}")
    assert not any(m == "odoo" or m.startswith("odoo.") for m in sys.modules)
