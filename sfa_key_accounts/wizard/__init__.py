from . import sfa_key_account_selection
from . import sfa_key_account_selection_line
from . import sfa_stage_gate_override
from . import sfa_sales_target_wizard
from . import sfa_sales_target_split
from . import sfa_sales_target_split_line
from . import sfa_sales_target_adjust
from . import sfa_performance_review_start
