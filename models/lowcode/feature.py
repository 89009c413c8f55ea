"""Step 3, empower with low-code: what it adds to the plan as a whole."""
from models.core.feature import Feature
from models.lowcode.sheet import SHEETS
from models.lowcode.service import SECTION, demo_part, summary_part

FEATURE = Feature(
    key="lowcode",
    label="Low-code",
    section=SECTION,
    summary_parts=(("lowcode", summary_part),),
    summary_rank=40,
    sheets=SHEETS,
    demo=demo_part,
)
