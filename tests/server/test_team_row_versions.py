"""No lost update beyond milestones, squad rows and RACI cells (migration 0006): the plan and
its phases, low-code requests, ownership capabilities... carry a version too, on a real
PostgreSQL (tests/server/conftest.py). No mocks of the database."""
from __future__ import annotations

import pytest

from models.audit import schema as audit_schema
from models.core.versioning import StaleEdit, Versioned
from models.lowcode import service as lowcode
from models.lowcode import schema as lowcode_schema
from models.ownership import schema as own_schema
from models.ownership import service as own
from models.plan import schema as plan_schema
from models.plan import service as plan_svc
from models.plan.schema import Plan
from models.squad import schema as squad_schema
from tests.common.two_clients import told


def test_every_table_people_edit_carries_a_version():
    edited = (
        plan_schema.Plan, plan_schema.Phase, plan_schema.Milestone,
        squad_schema.Squad, squad_schema.SquadAutonomy, squad_schema.SquadMember,
        squad_schema.SquadCheckIn, squad_schema.SquadChange,
        own_schema.OwnershipDepartment, own_schema.OwnershipCapability, own_schema.OwnershipAssignment,
        audit_schema.AuditStage, audit_schema.AuditStall, audit_schema.AuditChoice,
        audit_schema.AuditCostOfDelay, audit_schema.AuditTypeCost, audit_schema.AuditScenario,
        lowcode_schema.LowcodeSettings, lowcode_schema.LowcodeRequest, lowcode_schema.LowcodeTool,
    )
    for cls in edited:
        assert issubclass(cls, Versioned), cls.__name__
        assert cls.__mapper__.version_id_col is cls.__table__.c.version, cls.__name__


# --------------------------------------------------------------------------- the plan's details

def test_plan_details_same_row_one_wins_the_other_is_told(clients):
    a, b = clients
    plan = plan_svc.find_plan(a)
    plan_svc.get_plan(b, plan.id)  # both have the details on screen
    plan_svc.update_plan(a, plan.id, {"sponsor": "Priya's sponsor"})
    with pytest.raises(StaleEdit) as refused:
        plan_svc.update_plan(b, plan.id, {"organisation": "Sam's org"})
    told(refused, "Priya Shah")
    after = plan_svc.get_plan(b, plan.id)  # nothing overwritten; b reloads...
    assert after.sponsor == "Priya's sponsor" and after.organisation == plan.organisation
    plan_svc.update_plan(b, plan.id, {"organisation": "Sam's org"})  # ...and its edit now lands
    assert plan_svc.get_plan(a, plan.id).organisation == "Sam's org"


def test_a_phase_edited_by_two_is_refused_to_the_second(clients):
    a, b = clients
    plan = plan_svc.find_plan(a)
    phase = plan_svc.list_phases(a, plan.id)[0]
    plan_svc.list_phases(b, plan.id)
    plan_svc.update_plan_details(a, plan.id, {}, {phase.id: {"goal": "A's goal"}})
    with pytest.raises(StaleEdit) as refused:
        plan_svc.update_plan_details(b, plan.id, {}, {phase.id: {"goal": "B's goal"}})
    told(refused, "Priya Shah")
    assert plan_svc.list_phases(b, plan.id)[0].goal == "A's goal"


def test_plan_and_phase_rows_edited_by_different_people_both_land(clients):
    a, b = clients
    plan = plan_svc.find_plan(a)
    first, second = plan_svc.list_phases(a, plan.id)[:2]
    plan_svc.find_plan(b), plan_svc.list_phases(b, plan.id)
    plan_svc.update_plan_details(a, plan.id, {}, {first.id: {"goal": "A's goal"}})
    plan_svc.update_plan_details(b, plan.id, {}, {second.id: {"goal": "B's goal"}})
    plan_svc.update_plan(b, plan.id, {"sponsor": "B's sponsor"})  # the plan row: untouched by A
    goals = {p.id: p.goal for p in plan_svc.list_phases(a, plan.id)}
    assert goals[first.id] == "A's goal" and goals[second.id] == "B's goal"
    assert plan_svc.get_plan(a, plan.id).sponsor == "B's sponsor"


def test_a_race_on_the_plan_inside_two_transactions_is_caught_by_the_version(clients):
    a, b = clients
    plan_id = plan_svc.find_plan(a).id
    with pytest.raises(StaleEdit) as refused:
        with a.write() as s:
            row = s.get(Plan, plan_id)  # a reads version 1 inside its transaction...
            plan_svc.update_plan(b, plan_id, {"sponsor": "B's sponsor"})  # ...b commits first
            row.sponsor = "A's sponsor"
    assert refused.value.who == "Sam Lee"
    assert plan_svc.get_plan(a, plan_id).sponsor == "B's sponsor"


def test_undo_of_plan_details_someone_else_changed_since_is_refused(clients):
    a, b = clients
    plan = plan_svc.find_plan(a)
    before = plan_svc.update_plan(a, plan.id, {"sponsor": "Priya's sponsor"})
    plan_svc.get_plan(b, plan.id)
    plan_svc.update_plan(b, plan.id, {"sponsor": "Sam's sponsor"})
    plan_svc.get_plan(a, plan.id)  # a's page reloads and shows Sam's change...
    with pytest.raises(StaleEdit) as refused, a.versions.undoing():
        plan_svc.update_plan(a, plan.id, before)  # ...but undo must not overwrite it
    assert refused.value.who == "Sam Lee"
    assert plan_svc.get_plan(a, plan.id).sponsor == "Sam's sponsor"


# --------------------------------------------------------------------------- low-code requests

def test_low_code_request_same_row_one_wins_the_other_is_told(clients):
    a, b = clients
    plan = plan_svc.find_plan(a)
    request = lowcode.list_requests(a, plan.id)[0]
    lowcode.list_requests(b, plan.id)
    lowcode.update_request(a, request.id, {"team": "Priya's team"})
    with pytest.raises(StaleEdit) as refused:
        lowcode.update_request(b, request.id, {"team": "Sam's team"})
    told(refused, "Priya Shah")
    assert lowcode.get_request(b, request.id).team == "Priya's team"
    lowcode.update_request(b, request.id, {"team": "Sam's team"})
    assert lowcode.get_request(a, request.id).team == "Sam's team"


def test_low_code_requests_different_rows_both_land(clients):
    a, b = clients
    plan = plan_svc.find_plan(a)
    first, second = lowcode.list_requests(a, plan.id)[:2]
    lowcode.list_requests(b, plan.id)
    lowcode.update_request(a, first.id, {"team": "Priya's team"})
    lowcode.update_request(b, second.id, {"team": "Sam's team"})
    teams = {r.id: r.team for r in lowcode.list_requests(a, plan.id)}
    assert teams[first.id] == "Priya's team" and teams[second.id] == "Sam's team"


def test_a_low_code_request_deleted_after_someone_changed_it_is_refused(clients):
    a, b = clients
    plan = plan_svc.find_plan(a)
    request = lowcode.list_requests(a, plan.id)[0]
    lowcode.list_requests(b, plan.id)
    lowcode.update_request(a, request.id, {"team": "Priya's team"})
    with pytest.raises(StaleEdit):
        lowcode.delete_request(b, request.id)
    assert lowcode.get_request(a, request.id).team == "Priya's team"


# --------------------------------------------------------------------------- ownership capabilities

def test_ownership_capability_same_row_one_wins_the_other_is_told(clients):
    a, b = clients
    plan = plan_svc.find_plan(a)
    capability = own.get_map(a, plan.id).capabilities[0]
    own.get_map(b, plan.id)
    own.update_capability(a, capability.id, {"systems": ("CRM", "Billing")})
    with pytest.raises(StaleEdit) as refused:
        own.update_capability(b, capability.id, {"systems": ("ERP",)})
    told(refused, "Priya Shah")
    assert own.get_capability(b, capability.id).systems == ("CRM", "Billing")
    own.update_capability(b, capability.id, {"systems": ("ERP",)})
    assert own.get_capability(a, capability.id).systems == ("ERP",)


def test_ownership_capabilities_different_rows_both_land(clients):
    a, b = clients
    plan = plan_svc.find_plan(a)
    first, second = own.get_map(a, plan.id).capabilities[:2]
    own.get_map(b, plan.id)
    own.update_capability(a, first.id, {"systems": ("CRM",)})
    own.update_capability(b, second.id, {"systems": ("ERP",)})
    assert own.get_capability(a, first.id).systems == ("CRM",)
    assert own.get_capability(a, second.id).systems == ("ERP",)


def test_a_department_renamed_by_two_is_refused_to_the_second(clients):
    a, b = clients
    plan = plan_svc.find_plan(a)
    department = own.get_map(a, plan.id).departments[0]
    own.get_map(b, plan.id)
    own.rename_department(a, department.id, "Priya's dept")
    with pytest.raises(StaleEdit):
        own.rename_department(b, department.id, "Sam's dept")
    assert own.get_map(b, plan.id).departments[0].name == "Priya's dept"
