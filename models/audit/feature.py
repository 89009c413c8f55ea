"""Step 1, audit bottlenecks: what the audit adds to the plan as a whole."""
from models.audit.demo import add_demo_audit
from models.audit.forecast_parts import audit_summary_with_money, forecast_summary, with_forecast_settings
from models.audit.forecast_sheet import SHEETS as FORECAST_SHEETS
from models.audit.transfer import SECTION
from models.core.feature import Feature
from models.audit.sheet import SHEETS

FEATURE = Feature(
    key="audit",
    label="Audit",
    section=with_forecast_settings(SECTION),
    summary_parts=(("audit", audit_summary_with_money), ("forecast", forecast_summary)),
    summary_rank=10,
    sheets=SHEETS + FORECAST_SHEETS,
    demo=add_demo_audit,
)
