from __future__ import annotations

import pytest

from models.ownership.checks import (
    DEFAULT_CAPABILITIES,
    DEFAULT_DEPARTMENTS,
    Capability,
    Finding,
    cell_findings,
    check_ownership,
    every_capability_has_one_a,
    letter,
)

# ------------------------------------------------------------------ fixtures

ORDER = Capability("Order orchestration", "middle", ("OMS",))
RETURNS = Capability("Returns", "middle", ("OMS", "Returns portal"))
SERVICE = Capability("Customer service", "middle", ("CRM",))
CAPS = (ORDER, RETURNS, SERVICE)
DEPTS = ("eCommerce", "IT", "Supply Chain", "Customer Service")


def clean_small() -> dict[tuple[str, str], str]:
    """Three middle-layer capabilities, one A each in different departments."""
    return {
        ("Order orchestration", "eCommerce"): "A",
        ("Order orchestration", "IT"): "R",
        ("Order orchestration", "Customer Service"): "I",
        ("Returns", "Supply Chain"): "A",
        ("Returns", "Customer Service"): "R",
        ("Returns", "eCommerce"): "C",
        ("Customer service", "Customer Service"): "A",
        ("Customer service", "IT"): "R",
    }


def rules(findings: list[Finding]) -> list[tuple[str | None, str | None, str]]:
    return [(f.capability, f.department, f.rule) for f in findings]


# ------------------------------------------------------------------ defaults


def test_defaults():
    assert len(DEFAULT_CAPABILITIES) == 11
    layers = [c.layer for c in DEFAULT_CAPABILITIES]
    assert (layers.count("front"), layers.count("middle"), layers.count("back")) == (3, 5, 3)
    by_name = {c.name: c for c in DEFAULT_CAPABILITIES}
    assert "OMS" in by_name["Order orchestration"].systems
    assert "ERP" in by_name["Financials and ERP"].systems
    assert all(c.systems for c in DEFAULT_CAPABILITIES)
    assert DEFAULT_DEPARTMENTS == (
        "eCommerce",
        "Marketing",
        "IT",
        "Supply Chain",
        "Store Operations",
        "Customer Service",
        "Finance",
    )


def test_clean_default_map_has_no_finding():
    a = {
        # front: A spread over eCommerce, Marketing, IT (1 of 3 each)
        ("Storefront and content", "eCommerce"): "A",
        ("Storefront and content", "Marketing"): "R",
        ("Storefront and content", "IT"): "R",
        ("Promotions and pricing", "Marketing"): "A",
        ("Promotions and pricing", "eCommerce"): "R",
        ("Promotions and pricing", "Finance"): "c",  # lower case accepted
        ("Search and merchandising", "IT"): "A",
        ("Search and merchandising", "eCommerce"): "R",
        # middle: Supply Chain 2, eCommerce 2, Customer Service 1 of 5
        ("Inventory availability", "Supply Chain"): "A",
        ("Inventory availability", "IT"): "R",
        ("Order orchestration", "eCommerce"): "A",
        ("Order orchestration", "IT"): "R",
        ("Order orchestration", "Supply Chain"): "R",
        ("Order orchestration", "Store Operations"): "I",
        ("Fulfilment and delivery promise", "Supply Chain"): "A",
        ("Fulfilment and delivery promise", "Store Operations"): "R",
        ("Returns", "Customer Service"): "A",
        ("Returns", "Store Operations"): "R",
        ("Customer service", "eCommerce"): "A",
        ("Customer service", "Customer Service"): " R ",  # blanks stripped
        # back: Finance, Supply Chain, eCommerce 1 of 3 each
        ("Financials and ERP", "Finance"): "A",
        ("Financials and ERP", "IT"): "R",
        ("Inventory ownership", "Supply Chain"): "A",
        ("Inventory ownership", "Store Operations"): "R",
        ("Supplier management", "eCommerce"): "A",
        ("Supplier management", "Supply Chain"): "R",
        ("Supplier management", "Finance"): "",  # blank
    }
    assert check_ownership(DEFAULT_CAPABILITIES, DEFAULT_DEPARTMENTS, a) == []
    assert every_capability_has_one_a(DEFAULT_CAPABILITIES, DEFAULT_DEPARTMENTS, a) is True
    assert cell_findings(DEFAULT_CAPABILITIES, DEFAULT_DEPARTMENTS, a) == {}


def test_clean_small_map_has_no_finding():
    assert check_ownership(CAPS, DEPTS, clean_small()) == []


# ------------------------------------------------------------------ each rule alone


def test_no_accountable_alone():
    a = clean_small()
    del a[("Order orchestration", "eCommerce")]
    found = check_ownership(CAPS, DEPTS, a)
    assert rules(found) == [("Order orchestration", None, "no_accountable")]
    assert "Commerce Operations" in found[0].advice
    assert found[0].severity == "error"
    assert every_capability_has_one_a(CAPS, DEPTS, a) is False


def test_multiple_accountable_alone():
    a = clean_small()
    a[("Order orchestration", "IT")] = "A"
    a[("Order orchestration", "Supply Chain")] = "R"
    found = check_ownership(CAPS, DEPTS, a)
    assert rules(found) == [("Order orchestration", None, "multiple_accountable")]
    assert "eCommerce and IT" in found[0].problem
    assert found[0].advice == "Keep one A for Order orchestration; the others become C or R."
    assert every_capability_has_one_a(CAPS, DEPTS, a) is False


def test_no_responsible_alone():
    a = clean_small()
    a[("Order orchestration", "IT")] = "C"
    found = check_ownership(CAPS, DEPTS, a)
    assert rules(found) == [("Order orchestration", None, "no_responsible")]
    assert every_capability_has_one_a(CAPS, DEPTS, a) is True


def test_diffuse_alone_at_three_responsible():
    a = clean_small()
    a[("Order orchestration", "Supply Chain")] = "R"
    a[("Order orchestration", "Customer Service")] = "R"  # IT, Supply Chain, Customer Service
    found = check_ownership(CAPS, DEPTS, a)
    assert rules(found) == [("Order orchestration", None, "diffuse")]
    assert "everybody and nobody owns it" in found[0].problem
    assert "eCommerce holds the A" in found[0].problem
    assert found[0].severity == "warning"


def test_two_responsible_is_not_diffuse():
    a = clean_small()
    a[("Order orchestration", "Supply Chain")] = "R"  # IT and Supply Chain only
    assert check_ownership(CAPS, DEPTS, a) == []


def test_bottleneck_alone():
    a = clean_small()
    a[("Returns", "Supply Chain")] = "C"
    a[("Returns", "eCommerce")] = "A"  # eCommerce: 2 of the 3 middle capabilities
    found = check_ownership(CAPS, DEPTS, a)
    assert rules(found) == [(None, "eCommerce", "accountability_bottleneck")]
    assert "2 of the 3 middle-layer" in found[0].problem
    assert found[0].severity == "warning"


# ------------------------------------------------------------------ threshold


FOUR = (
    Capability("Inventory availability", "middle"),
    Capability("Order orchestration", "middle"),
    Capability("Returns", "middle"),
    Capability("Customer service", "middle"),
    Capability("Storefront and content", "front"),  # other layer, not counted
)


def four_map(ecommerce_a: int) -> dict[tuple[str, str], str]:
    """eCommerce holds A on the first ``ecommerce_a`` middle capabilities,
    IT on the rest; Supply Chain is R everywhere."""
    a: dict[tuple[str, str], str] = {}
    for i, cap in enumerate(FOUR[:4]):
        a[(cap.name, "eCommerce" if i < ecommerce_a else "IT")] = "A"
        a[(cap.name, "Supply Chain")] = "R"
    a[("Storefront and content", "eCommerce")] = "A"
    a[("Storefront and content", "Supply Chain")] = "R"
    return a


def test_bottleneck_exactly_half_is_not_a_finding():
    # eCommerce 2 of 4 and IT 2 of 4: 2*2 = 4 is not > 4.
    # (front: eCommerce 1 of 1 -> see test_single_capability_layer)
    found = check_ownership(FOUR[:4], DEPTS, four_map(2))
    assert found == []


def test_bottleneck_more_than_half_is_a_finding():
    # eCommerce 3 of 4: 2*3 = 6 > 4 ; IT 1 of 4
    found = check_ownership(FOUR[:4], DEPTS, four_map(3))
    assert rules(found) == [(None, "eCommerce", "accountability_bottleneck")]
    assert "3 of the 4 middle-layer" in found[0].problem


def test_bottleneck_counts_per_layer():
    # eCommerce holds A on 2 of 4 middle (fine) and 1 of 1 front (more than half)
    found = check_ownership(FOUR, DEPTS, four_map(2))
    assert rules(found) == [(None, "eCommerce", "accountability_bottleneck")]
    assert "front-layer" in found[0].problem


# ------------------------------------------------------------------ combinations and order


def test_no_accountable_and_diffuse_together():
    a = {
        ("Order orchestration", "eCommerce"): "R",
        ("Order orchestration", "IT"): "R",
        ("Order orchestration", "Supply Chain"): "R",
    }
    found = check_ownership([ORDER], DEPTS, a)
    assert rules(found) == [
        ("Order orchestration", None, "no_accountable"),
        ("Order orchestration", None, "diffuse"),
    ]
    assert "no single A" in found[1].problem


def test_stable_order_capabilities_then_rules_then_layer_bottlenecks():
    caps = (
        Capability("Storefront and content", "front"),
        Capability("Promotions and pricing", "front"),
        Capability("Order orchestration", "middle"),
        Capability("Returns", "middle"),
        Capability("Financials and ERP", "back"),
    )
    depts = ("eCommerce", "Marketing", "IT", "Finance")
    a = {
        # storefront: nobody at all -> no_accountable, no_responsible
        # promotions: two A, no R
        ("Promotions and pricing", "Marketing"): "A",
        ("Promotions and pricing", "eCommerce"): "A",
        # order orchestration: A eCommerce, three R -> diffuse
        ("Order orchestration", "eCommerce"): "A",
        ("Order orchestration", "Marketing"): "R",
        ("Order orchestration", "IT"): "R",
        ("Order orchestration", "Finance"): "R",
        # returns: A eCommerce, R IT -> clean row, but eCommerce 2 of 2 middle
        ("Returns", "eCommerce"): "A",
        ("Returns", "IT"): "R",
        # financials: A Finance, R IT -> clean row, Finance 1 of 1 back
        ("Financials and ERP", "Finance"): "A",
        ("Financials and ERP", "IT"): "R",
    }
    found = check_ownership(caps, depts, a)
    # front: eCommerce 1 of 2 and Marketing 1 of 2 -> exactly half, no bottleneck
    assert rules(found) == [
        ("Storefront and content", None, "no_accountable"),
        ("Storefront and content", None, "no_responsible"),
        ("Promotions and pricing", None, "multiple_accountable"),
        ("Promotions and pricing", None, "no_responsible"),
        ("Order orchestration", None, "diffuse"),
        (None, "eCommerce", "accountability_bottleneck"),  # middle
        (None, "Finance", "accountability_bottleneck"),  # back
    ]
    # multiple_accountable names the departments in column order
    assert "eCommerce and Marketing" in found[2].problem
    # same input, same output
    assert check_ownership(caps, depts, a) == found

    cells = cell_findings(caps, depts, a)
    assert cells == {
        "Storefront and content": "error",
        "Promotions and pricing": "error",
        ("Promotions and pricing", "eCommerce"): "error",
        ("Promotions and pricing", "Marketing"): "error",
        "Order orchestration": "warning",
        ("Order orchestration", "Marketing"): "warning",
        ("Order orchestration", "IT"): "warning",
        ("Order orchestration", "Finance"): "warning",
        # bottleneck marks the A cells of that department in that layer
        ("Order orchestration", "eCommerce"): "warning",
        ("Returns", "eCommerce"): "warning",
        ("Financials and ERP", "Finance"): "warning",
    }


def test_cell_findings_keeps_the_worst_severity():
    # no A (error) and diffuse (warning) on the same row -> row is "error"
    a = {
        ("Order orchestration", "eCommerce"): "R",
        ("Order orchestration", "IT"): "R",
        ("Order orchestration", "Supply Chain"): "R",
    }
    cells = cell_findings([ORDER], DEPTS, a)
    assert cells["Order orchestration"] == "error"
    assert cells[("Order orchestration", "IT")] == "warning"


# ------------------------------------------------------------------ input handling


def test_letters_normalised_and_validated():
    assert letter(None) == ""
    assert letter("") == ""
    assert letter(" a ") == "A"
    with pytest.raises(ValueError):
        letter("X")
    with pytest.raises(ValueError):
        check_ownership([ORDER], DEPTS, {("Order orchestration", "IT"): "RA"})


def test_unknown_departments_and_capabilities_ignored():
    a = clean_small()
    a[("Order orchestration", "Legal")] = "A"  # not a column
    a[("Loyalty", "IT")] = "A"  # not a row
    assert check_ownership(CAPS, DEPTS, a) == []


def test_duplicates_and_bad_layer_rejected():
    with pytest.raises(ValueError):
        check_ownership([ORDER, ORDER], DEPTS, {})
    with pytest.raises(ValueError):
        check_ownership([ORDER], ("IT", "IT"), {})
    with pytest.raises(ValueError):
        Capability("Storefront", "top")


def test_empty_map():
    assert check_ownership([], DEPTS, {}) == []
    assert every_capability_has_one_a([], DEPTS, {}) is True
    assert cell_findings([], DEPTS, {}) == {}
