from . import test_security
from . import test_key_account_selection
from . import test_account_plan
from . import test_performance
from . import test_tours
from . import test_translations
from . import test_political_map
from . import test_value_worksheet
