"""Step 1, audit bottlenecks: what the audit adds to the plan as a whole."""
from models.audit.demo import add_demo_audit
from models.audit.summary import audit_summary
from models.audit.transfer import SECTION
from models.core.feature import Feature
from models.audit.sheet import SHEETS

FEATURE = Feature(
    key="audit",
    label="Audit",
    section=SECTION,
    summary_parts=(("audit", audit_summary),),
    summary_rank=10,
    sheets=SHEETS,
    demo=add_demo_audit,
)
