"""The ownership map's services, without Qt: storage, refusals, undo data,
summary JSON, dump/load, the Overview check and the demo map."""
from __future__ import annotations

import json
import subprocess
import sys
import shutil
from datetime import date

import pytest
from sqlalchemy import func, select

from models.ownership import service as own
from models.plan.service import PlanDraft, PlanError, create_plan, find_plan, list_plans
from models.ownership.schema import OwnershipAssignment, OwnershipCapability, OwnershipDepartment
from models.squad.schema import Squad
from models.plan.summary import plan_summary
from models.core.transfer import TransferError
from models.plan.transfer import dump_plan, load_plan
from models.plan.demo import write_demo
from models.core.workspace import create_workspace, open_workspace
from tests.conftest import FEATURES, TODAY


def _copy_workspace(template, target):
    """A fresh copy of a closed template workspace (much faster than building one)."""
    shutil.copyfile(template, target)
    return open_workspace(target)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    return write_demo(tmp_path_factory.mktemp("own") / "template.ninety", FEATURES, TODAY)


@pytest.fixture
def demo_ws(demo_template, tmp_path):
    """The demo workspace (overrides conftest's: copied from a template built once per module)."""
    ws = _copy_workspace(demo_template, tmp_path / "demo.ninety")
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def plan_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("own") / "plan.ninety"
    with create_workspace(path) as ws:
        create_plan(ws, PlanDraft(name="P", start=date(2026, 2, 2), revenue_architect="Ana Ruiz"))
    return path


@pytest.fixture
def ws(plan_template, tmp_path):
    """A workspace holding one plan "P" without a map (overrides conftest's)."""
    workspace = _copy_workspace(plan_template, tmp_path / "test.ninety")
    yield workspace
    workspace.close()


@pytest.fixture
def plan_id(ws):
    return find_plan(ws).id


@pytest.fixture
def mapped(ws, plan_id):
    """A plan with the default map; returns (ws, plan_id, capability ids by name, department ids by name)."""
    m = own.create_default_map(ws, plan_id)
    return ws, plan_id, {c.name: c.id for c in m.capabilities}, {d.name: d.id for d in m.departments}


def letters_by_name(ws, plan_id):
    m = own.get_map(ws, plan_id)
    caps = {c.id: c.name for c in m.capabilities}
    depts = {d.id: d.name for d in m.departments}
    return {(caps[c], depts[d]): v for (c, d), v in m.cells.items()}


def row_count(ws, table):
    with ws.read() as s:
        return s.scalar(select(func.count()).select_from(table))


# --------------------------------------------------------------------------- the whole map

def test_default_map_has_eleven_capabilities_by_layer_and_seven_departments(ws, plan_id):
    assert own.get_map(ws, plan_id).is_empty and not own.has_map(ws, plan_id)
    m = own.create_default_map(ws, plan_id)
    assert [d.name for d in m.departments] == ["eCommerce", "Marketing", "IT", "Supply Chain",
                                               "Store Operations", "Customer Service", "Finance"]
    assert [(c.layer, c.name) for c in m.capabilities][:4] == [
        ("front", "Storefront and content"), ("front", "Promotions and pricing"),
        ("front", "Search and merchandising"), ("middle", "Inventory availability")]
    assert [c.layer for c in m.capabilities].count("middle") == 5
    assert [c.name for c in m.capabilities if c.layer == "back"] == [
        "Financials and ERP", "Inventory ownership", "Supplier management"]
    assert m.capability(m.capabilities[5].id).systems == ("OMS", "WMS", "Carrier platform")
    assert m.cells == {} and own.has_map(ws, plan_id)
    assert own.get_map(ws, plan_id) == m


def test_a_second_default_map_is_refused(mapped):
    ws, plan_id, _caps, _depts = mapped
    with pytest.raises(PlanError, match="already has an ownership map"):
        own.create_default_map(ws, plan_id)
    assert row_count(ws, OwnershipDepartment) == 7


def test_clear_and_restore_map_keeps_ids_and_letters(mapped):
    ws, plan_id, caps, depts = mapped
    own.set_cells(ws, plan_id, {(caps["Returns"], depts["Finance"]): "A"})
    before = own.get_map(ws, plan_id)
    snapshot = own.clear_map(ws, plan_id)
    assert own.get_map(ws, plan_id).is_empty
    assert row_count(ws, OwnershipAssignment) == 0
    own.restore_map(ws, snapshot)
    assert own.get_map(ws, plan_id) == before


# --------------------------------------------------------------------------- cells

def test_set_cells_returns_previous_letters_and_blank_deletes_the_row(mapped):
    ws, plan_id, caps, depts = mapped
    returns, fin, it = caps["Returns"], depts["Finance"], depts["IT"]
    assert own.set_cells(ws, plan_id, {(returns, fin): "a", (returns, it): "R"}) == {
        (returns, fin): "", (returns, it): ""}
    assert letters_by_name(ws, plan_id) == {("Returns", "Finance"): "A", ("Returns", "IT"): "R"}
    # unchanged cells are not reported; a change reports the old letter
    assert own.set_cells(ws, plan_id, {(returns, fin): "A", (returns, it): "C"}) == {(returns, it): "R"}
    assert own.set_cell(ws, plan_id, returns, it, None) == "C"
    assert letters_by_name(ws, plan_id) == {("Returns", "Finance"): "A"}
    assert row_count(ws, OwnershipAssignment) == 1


def test_a_bad_letter_or_a_cell_of_another_plan_is_refused_and_nothing_changes(mapped):
    ws, plan_id, caps, depts = mapped
    with pytest.raises(PlanError, match="R, A, C, I or nothing"):
        own.set_cells(ws, plan_id, {(caps["Returns"], depts["IT"]): "R",
                                    (caps["Returns"], depts["Finance"]): "X"})
    other = create_plan(ws, PlanDraft(name="Other", start=date(2026, 2, 2)))
    with pytest.raises(PlanError, match="not in this plan"):
        own.set_cells(ws, other, {(caps["Returns"], depts["IT"]): "R"})
    assert row_count(ws, OwnershipAssignment) == 0


# --------------------------------------------------------------------------- departments

def test_add_rename_and_refuse_duplicate_or_empty_departments(mapped):
    ws, plan_id, _caps, depts = mapped
    added = own.add_department(ws, plan_id, "  Commerce Operations ")
    assert added.name == "Commerce Operations"
    assert [d.name for d in own.get_map(ws, plan_id).departments][-1] == "Commerce Operations"
    with pytest.raises(PlanError, match="'IT' is already in the map"):
        own.add_department(ws, plan_id, "IT")
    with pytest.raises(PlanError, match="department name is required"):
        own.add_department(ws, plan_id, "   ")
    with pytest.raises(PlanError, match="already in the map"):
        own.rename_department(ws, added.id, "Finance")
    assert own.rename_department(ws, depts["IT"], "Technology") == "IT"
    assert own.rename_department(ws, depts["IT"], "Technology") == "Technology"  # renaming to itself is fine
    assert "Technology" in [d.name for d in own.get_map(ws, plan_id).departments]


def test_remove_department_takes_its_column_and_restore_puts_it_back(mapped):
    ws, plan_id, caps, depts = mapped
    own.set_cells(ws, plan_id, {(caps["Returns"], depts["IT"]): "R", (caps["Order orchestration"], depts["IT"]): "A",
                                (caps["Returns"], depts["Finance"]): "A"})
    before = own.get_map(ws, plan_id)
    removed = own.remove_department(ws, depts["IT"])
    assert removed.department.name == "IT" and removed.department.position == 2
    assert sorted(removed.cells) == sorted([(caps["Returns"], "R"), (caps["Order orchestration"], "A")])
    assert letters_by_name(ws, plan_id) == {("Returns", "Finance"): "A"}
    own.restore_department(ws, removed)
    assert own.get_map(ws, plan_id) == before


def test_move_department_and_restore_positions(mapped):
    ws, plan_id, _caps, depts = mapped
    before = own.move_department(ws, depts["Finance"], -2)
    assert [d.name for d in own.get_map(ws, plan_id).departments] == [
        "eCommerce", "Marketing", "IT", "Supply Chain", "Finance", "Store Operations", "Customer Service"]
    with pytest.raises(PlanError, match="edge"):
        own.move_department(ws, depts["eCommerce"], -1)
    own.set_department_positions(ws, plan_id, before)
    assert [d.name for d in own.get_map(ws, plan_id).departments][-1] == "Finance"


# --------------------------------------------------------------------------- capabilities

def test_add_capability_goes_to_the_end_of_its_layer(mapped):
    ws, plan_id, _caps, _depts = mapped
    cap = own.add_capability(ws, plan_id, "Click and collect", "middle", "OMS, Store app")
    assert cap.systems == ("OMS", "Store app") and cap.escalation == ""
    names = [c.name for c in own.get_map(ws, plan_id).capabilities]
    assert names.index("Click and collect") == 8  # after the five middle-layer defaults, before the back
    with pytest.raises(PlanError, match="layer must be one of front, middle, back"):
        own.add_capability(ws, plan_id, "Loyalty", "side")
    with pytest.raises(PlanError, match="already in the map"):
        own.add_capability(ws, plan_id, "Returns", "back")


def test_update_capability_returns_previous_values_and_a_layer_change_moves_it(mapped):
    ws, plan_id, caps, _depts = mapped
    returns = caps["Returns"]
    old_position = own.get_map(ws, plan_id).capability(returns).position
    before = own.update_capability(ws, returns, {"name": "Returns and refunds", "layer": "back",
                                                 "systems": "Returns portal\nERP"})
    assert before == {"name": "Returns", "layer": "middle", "systems": ("OMS", "Returns portal"),
                      "position": old_position}
    m = own.get_map(ws, plan_id)
    assert [c.name for c in m.capabilities][-1] == "Returns and refunds"
    assert m.capability(returns).systems == ("Returns portal", "ERP")
    own.update_capability(ws, returns, before)
    assert [c.name for c in own.get_map(ws, plan_id).capabilities][6] == "Returns"
    with pytest.raises(PlanError, match="unknown capability field"):
        own.update_capability(ws, returns, {"colour": "red"})


def test_remove_and_restore_capability_with_its_letters(mapped):
    ws, plan_id, caps, depts = mapped
    own.set_cells(ws, plan_id, {(caps["Returns"], depts["Store Operations"]): "R",
                                (caps["Returns"], depts["Customer Service"]): "A"})
    before = own.get_map(ws, plan_id)
    removed = own.remove_capability(ws, caps["Returns"])
    assert len(removed.cells) == 2 and row_count(ws, OwnershipAssignment) == 0
    own.restore_capability(ws, removed)
    assert own.get_map(ws, plan_id) == before


def test_move_capability_stays_inside_its_layer(mapped):
    ws, plan_id, caps, _depts = mapped
    before = own.move_capability(ws, caps["Customer service"], -4)
    names = [c.name for c in own.get_map(ws, plan_id).capabilities]
    assert names[3:8] == ["Customer service", "Inventory availability", "Order orchestration",
                          "Fulfilment and delivery promise", "Returns"]
    with pytest.raises(PlanError, match="edge of the middle of house"):
        own.move_capability(ws, caps["Customer service"], -1)
    with pytest.raises(PlanError, match="edge of the back of house"):
        own.move_capability(ws, caps["Supplier management"], 1)
    own.set_capability_positions(ws, plan_id, before)
    assert [c.name for c in own.get_map(ws, plan_id).capabilities][7] == "Customer service"


# --------------------------------------------------------------------------- escalation

def add_squad(ws, plan_id, name):
    with ws.write() as s:
        squad = Squad(plan_id=plan_id, name=name)
        s.add(squad)
        s.flush()
        return squad.id


def test_escalation_choices_are_the_revenue_architect_and_the_plans_squads(mapped):
    ws, plan_id, caps, _depts = mapped
    assert [(c.value, c.label) for c in own.escalation_choices(ws, plan_id)] == [
        ("", "(nobody yet)"), ("revenue_architect", "Revenue Architect (Ana Ruiz)")]
    squad = add_squad(ws, plan_id, "Checkout squad")
    other_plan = create_plan(ws, PlanDraft(name="Other", start=date(2026, 2, 2)))
    foreign = add_squad(ws, other_plan, "Elsewhere")
    choices = own.escalation_choices(ws, plan_id)
    assert [c.label for c in choices][2:] == ["Squad: Checkout squad"]
    assert own.set_escalation(ws, caps["Returns"], f"squad:{squad}") == ""
    assert own.set_escalation(ws, caps["Returns"], "revenue_architect") == f"squad:{squad}"
    assert own.set_escalation(ws, caps["Returns"], " Priya Shah ") == "revenue_architect"
    cap = own.get_map(ws, plan_id).capability(caps["Returns"])
    assert own.escalation_label(cap.escalation, choices) == "Priya Shah"
    assert own.escalation_label("squad:999", choices) == "(a squad that was removed)"
    with pytest.raises(PlanError, match="squad of the same plan"):
        own.set_escalation(ws, caps["Returns"], f"squad:{foreign}")
    with pytest.raises(PlanError, match="squad of the same plan"):
        own.set_escalation(ws, caps["Returns"], "squad:abc")


# --------------------------------------------------------------------------- demo, summary, checklist

def test_demo_map_has_the_mess_in_the_middle_of_house(demo_ws):
    plan = find_plan(demo_ws)
    m = own.get_map(demo_ws, plan.id)
    assert (len(m.capabilities), len(m.departments)) == (11, 7)
    found = [(f.capability, f.department, f.rule) for f in m.findings()]
    assert found == [
        ("Inventory availability", None, "multiple_accountable"),
        ("Order orchestration", None, "diffuse"),
        ("Returns", None, "no_accountable"),
        (None, "Finance", "accountability_bottleneck"),
    ]
    cells = letters_by_name(demo_ws, plan.id)
    assert sorted(d for (c, d), v in cells.items() if c == "Order orchestration" and v == "R") == [
        "IT", "Supply Chain", "eCommerce"]
    assert sorted(d for (c, d), v in cells.items() if c == "Inventory availability" and v == "A") == [
        "Supply Chain", "eCommerce"]
    assert [v for (c, d), v in cells.items() if c == "Returns"].count("A") == 0
    assert cells[("Order orchestration", "Finance")] == "A"
    assert cells[("Customer service", "Customer Service")] == "A"
    assert own.get_map(demo_ws, plan.id).capability(
        next(c.id for c in m.capabilities if c.name == "Order orchestration")).escalation == "revenue_architect"


def test_summary_json_reports_counts_and_findings(demo_ws):
    plan = find_plan(demo_ws)
    data = plan_summary(demo_ws, plan, TODAY, FEATURES)["ownership"]
    assert (data["capabilities"], data["departments"], data["every_capability_has_one_a"]) == (11, 7, False)
    assert [(f["capability"], f["rule"]) for f in data["findings"]] == [
        ("Inventory availability", "multiple_accountable"), ("Order orchestration", "diffuse"),
        ("Returns", "no_accountable"), (None, "accountability_bottleneck")]
    assert data["findings"][2] == {
        "capability": "Returns", "department": None, "rule": "no_accountable", "severity": "error",
        "problem": "Nobody is accountable for Returns.",
        "advice": "Name one department accountable for Returns. Where no department runs it end to end, "
                  "consider a Commerce Operations team with a mandate over the channels."}
    assert data["filled_in"] is True
    assert data["findings"][3]["problem"] == "Finance is accountable for 2 of the 3 back-layer capabilities."
    json.dumps(data)  # JSON-ready


def test_summary_of_a_plan_without_a_map(ws, plan_id):
    data = plan_summary(ws, find_plan(ws), TODAY, FEATURES)["ownership"]
    assert data == {"capabilities": 0, "departments": 0, "every_capability_has_one_a": False,
                    "filled_in": False, "findings": []}


def test_cli_summary_json_carries_ownership(tmp_path, capsys, demo_template):
    from desktop.cli import main

    path = tmp_path / "d.ninety"
    shutil.copyfile(demo_template, path)
    assert main(["summary", str(path), "--as-of", "2026-03-16", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["ownership"]
    assert (data["capabilities"], data["departments"], len(data["findings"])) == (11, 7, 4)
    assert {"capability", "problem"} <= set(data["findings"][0])


def test_overview_check_every_capability_has_exactly_one_a(mapped):
    ws, plan_id, caps, depts = mapped
    [item] = own.overview_check(ws, plan_id)
    assert item.label == "Every capability has exactly one A" and not item.done
    # nothing typed in yet: the map is not filled in, not 11 problems
    assert item.hint == "The ownership map is not filled in yet: give each capability one A on the Ownership page."
    own.set_cells(ws, plan_id, {(caps["Returns"], depts["Finance"]): "C"})
    [item] = own.overview_check(ws, plan_id)
    assert item.hint == "11 of 11 capabilities lack a single A (see the Ownership page)."
    own.set_cells(ws, plan_id, {(c, depts["IT"]): "A" for c in caps.values()})
    own.set_cells(ws, plan_id, {(caps["Returns"], depts["Finance"]): "A"})
    [item] = own.overview_check(ws, plan_id)
    assert not item.done and item.hint.startswith("1 of 11 ")
    own.set_cells(ws, plan_id, {(caps["Returns"], depts["IT"]): "R"})
    [item] = own.overview_check(ws, plan_id)
    assert item.done and item.hint == ""


def test_overview_check_without_a_map_points_to_the_page(ws, plan_id):
    from models.plan.status import plan_checklist

    plan = find_plan(ws)
    items = plan_checklist(ws, plan, [], [], FEATURES)
    item = next(i for i in items if i.label == "Every capability has exactly one A")
    assert not item.done and "Ownership page" in item.hint


# --------------------------------------------------------------------------- dump / load

def test_dump_load_dump_is_identical(demo_ws):
    plan = find_plan(demo_ws)
    doc = dump_plan(demo_ws, plan.id, FEATURES)
    section = doc["ownership"]
    assert [d["name"] for d in section["departments"]][:3] == ["eCommerce", "Marketing", "IT"]
    order = next(c for c in section["capabilities"] if c["name"] == "Order orchestration")
    assert order == {"name": "Order orchestration", "layer": "middle", "systems": ["OMS"],
                     "escalation": {"role": "revenue_architect"},
                     "cells": {"eCommerce": "R", "IT": "R", "Supply Chain": "R", "Customer Service": "C",
                               "Finance": "A"}}
    fulfil = next(c for c in section["capabilities"] if c["name"] == "Fulfilment and delivery promise")
    assert fulfil["escalation"] == {"person": "Priya Shah"}
    new_id = load_plan(demo_ws, json.loads(json.dumps(doc)), FEATURES, rename="Copy")
    again = dump_plan(demo_ws, new_id, FEATURES)
    again["plan"]["name"] = doc["plan"]["name"]
    assert again == doc


def test_a_plan_without_a_map_has_no_ownership_key(ws, plan_id):
    assert "ownership" not in dump_plan(ws, plan_id, FEATURES)


def test_squad_escalation_is_dumped_by_name_and_found_again(mapped):
    ws, plan_id, caps, _depts = mapped
    squad = add_squad(ws, plan_id, "Checkout squad")
    own.set_escalation(ws, caps["Returns"], f"squad:{squad}")
    with ws.read() as s:
        section = own.dump_section(s, plan_id, False)
    returns = next(c for c in section["capabilities"] if c["name"] == "Returns")
    assert returns["escalation"] == {"squad": "Checkout squad"}
    # load into a second plan that has a squad of that name (the squads section loads first)
    other = create_plan(ws, PlanDraft(name="Other", start=date(2026, 2, 2)))
    other_squad = add_squad(ws, other, "Checkout squad")
    from models.core.transfer import DocReader

    with ws.write() as s:
        own.load_section(s, other, section, DocReader("plan.json"), False)
    cap = next(c for c in own.get_map(ws, other).capabilities if c.name == "Returns")
    assert cap.escalation == f"squad:{other_squad}"


@pytest.mark.parametrize("mutate, message", [
    (lambda o: o["capabilities"][4]["cells"].update(IT="X"),
     "plan.json: ownership.capabilities[4].cells.IT: 'X' is not one of R, A, C, I"),
    (lambda o: o["capabilities"][2]["cells"].update({"Legal": "C"}),
     "plan.json: ownership.capabilities[2].cells: 'Legal' is not one of the departments"),
    (lambda o: o["capabilities"][1].update(layer="side"),
     "plan.json: ownership.capabilities[1].layer: 'side' is not one of front, middle, back"),
    (lambda o: o["departments"].append({"name": "IT"}),
     "plan.json: ownership.departments[7].name: department 'IT' appears twice"),
    (lambda o: o["capabilities"][0].update(escalation={"squad": "Ghost squad"}),
     "plan.json: ownership.capabilities[0].escalation.squad: no squad named 'Ghost squad' in the plan"),
    (lambda o: o["capabilities"][0].update(escalation={"role": "ceo"}),
     "plan.json: ownership.capabilities[0].escalation.role: 'ceo' is not a role"),
    (lambda o: o["capabilities"][3].pop("name"),
     "plan.json: ownership.capabilities[3].name: is missing"),
])
def test_a_bad_ownership_section_names_the_field_and_stores_nothing(demo_ws, mutate, message):
    plan = find_plan(demo_ws)
    doc = dump_plan(demo_ws, plan.id, FEATURES)
    mutate(doc["ownership"])
    caps_before = row_count(demo_ws, OwnershipCapability)
    with pytest.raises(TransferError) as info:
        load_plan(demo_ws, doc, FEATURES, source="plan.json", rename="Broken")
    assert str(info.value).startswith(message)
    assert row_count(demo_ws, OwnershipCapability) == caps_before
    assert [p.name for p in list_plans(demo_ws)] == [plan.name]


def test_undo_snapshot_keeps_ids_and_positions(mapped):
    ws, plan_id, caps, depts = mapped
    own.move_capability(ws, caps["Returns"], -1)
    own.set_cells(ws, plan_id, {(caps["Returns"], depts["IT"]): "A"})
    before = own.get_map(ws, plan_id)
    snapshot = dump_plan(ws, plan_id, FEATURES, keep_ids=True)
    from models.plan.service import delete_plan

    delete_plan(ws, plan_id)
    assert row_count(ws, OwnershipCapability) == 0
    load_plan(ws, snapshot, FEATURES, keep_ids=True, source="undo")
    assert own.get_map(ws, plan_id) == before


def test_models_ownership_does_not_import_qt():
    code = ("import sys, models.ownership.feature, desktop.features; "
            "sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0
