"""The ownership (RACI) map: what it adds to the plan as a whole."""
from models.core.feature import Feature
from models.ownership.sheet import SHEETS
from models.ownership.service import SECTION, demo_part, overview_check, summary_part

FEATURE = Feature(
    key="ownership",
    label="Ownership",
    section=SECTION,  # after the squad's: escalations may name a squad of the plan
    summary_parts=(("ownership", summary_part),),
    summary_rank=20,
    overview_checks=(overview_check,),
    sheets=SHEETS,
    demo=demo_part,
)
