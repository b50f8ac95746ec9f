"""Load the addon's pure-Python engine as the package ``sfa_engine``.

The engine lives inside the addon (``sfa_key_accounts/engine``) but must not need Odoo:
importing it through the addon package would run the addon's ``__init__`` (which imports
odoo), so it is loaded on its own here. Tests then fail if the engine ever imports odoo.
"""

import importlib.util
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "sfa_key_accounts" / "engine"

spec = importlib.util.spec_from_file_location(
    "sfa_engine", ENGINE / "__init__.py", submodule_search_locations=[str(ENGINE)]
)
sfa_engine = importlib.util.module_from_spec(spec)
sys.modules["sfa_engine"] = sfa_engine
spec.loader.exec_module(sfa_engine)
