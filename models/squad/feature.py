"""Step 2, pilot one squad: what the squad adds to the plan as a whole."""
from models.core.feature import Feature
from models.squad.sheet import SHEETS
from models.squad.service import SECTION, populate_demo_squad, summary_squad, summary_squads

FEATURE = Feature(
    key="squad",
    label="Squad",
    section=SECTION,
    # "squads" only when the plan has several
    summary_parts=(("squad", summary_squad), ("squads", summary_squads)),
    summary_rank=30,
    sheets=SHEETS,
    demo=populate_demo_squad,
)
