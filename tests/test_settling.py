"""The small profile's last read of an answer: a value the text states once fills one field."""

from pydantic import BaseModel

from gateway.profiles.small.settling import settle


class Address(BaseModel):
    recipient: str | None = None
    city: str | None = None
    country: str | None = None


class Shipment(BaseModel):
    order: str
    tags: list[str] | None = None
    tracking: str | None = None
    shipped: str | None = None
    arrives: str | None = None
    weight: float | None = None
    parcels: int | None = None
    to: Address | None = None


def test_a_string_stated_once_fills_the_first_field_only_and_an_emptied_object_goes() -> None:
    answer = Shipment(
        order="AB-123", tracking="AB-123", to=Address(recipient="Leicester", city="Leicester", country="Leicester")
    )
    settled = settle(answer, "Order AB-123 dispatched today from our Leicester warehouse.")
    assert settled.model_dump(exclude_none=True) == {"order": "AB-123", "to": {"recipient": "Leicester"}}
    alone = Shipment(order="AB-123", to=Address(city="AB-123"))
    assert settle(alone, "Order AB-123.").model_dump(exclude_none=True) == {"order": "AB-123"}


def test_dates_and_numbers_count_in_any_written_form() -> None:
    same_day = Shipment(order="A-1", shipped="2024-06-03", arrives="2024-06-03", weight=2, parcels=2)
    once = settle(same_day, "Order A-1 shipped on 3 June 2024 in 2 parcels.")
    assert once.model_dump(exclude_none=True) == {"order": "A-1", "shipped": "2024-06-03", "weight": 2.0}
    twice = settle(same_day, "Order A-1 shipped 03/06/2024, arrives 3 June 2024: two parcels, 2 kg.")
    assert twice == same_day  # each value is stated twice: both fields keep it


def test_a_required_field_keeps_its_value_and_nothing_else_changes() -> None:
    answer = Shipment(order="Leicester", to=Address(city="Leicester"))
    assert settle(answer, "From Leicester.").model_dump(exclude_none=True) == {"order": "Leicester"}
    plain = Shipment(order="A-1", tracking="JX1", to=Address(city="Leeds"))
    assert settle(plain, "A-1 to Leeds, JX1") is plain


def test_a_list_of_values_holds_each_as_often_as_the_text_states_it() -> None:
    answer = Shipment(order="A-1", tags=["latte art", "art", "latte art", "Mere", "latte art"])
    settled = settle(answer, "Order A-1. Experience with latte art preferred; ask for Mere.")
    assert settled.model_dump()["tags"] == ["latte art", "art", "Mere"]
    assert settle(Shipment(order="A-1", tags=["x", "x"]), "A-1: x and x").model_dump()["tags"] == ["x", "x"]


def test_the_field_the_text_labels_keeps_a_shared_value() -> None:
    class Notice(BaseModel):
        order: str
        shipped_date: str | None = None
        estimated_delivery: str | None = None

    text = "Order A-1.\nShipped on: 3 June 2024\nEstimated delivery: 6 June 2024"
    later = settle(Notice(order="A-1", shipped_date="2024-06-06", estimated_delivery="2024-06-06"), text)
    assert later.model_dump(exclude_none=True) == {"order": "A-1", "estimated_delivery": "2024-06-06"}
    earlier = settle(Notice(order="A-1", shipped_date="2024-06-03", estimated_delivery="2024-06-03"), text)
    assert earlier.model_dump(exclude_none=True) == {"order": "A-1", "shipped_date": "2024-06-03"}
