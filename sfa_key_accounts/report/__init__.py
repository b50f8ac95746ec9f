from . import sfa_sales_target_analysis
