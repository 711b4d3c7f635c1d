"""The small profile's last read of an answer: a value the text states once fills one field."""

import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

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


class Place(BaseModel):
    city: str
    street: str | None = None


class Line(BaseModel):
    name: str


class Notice(BaseModel):
    order: str
    to: Place | None = None
    items: list[Line] | None = None


def test_a_value_an_optional_objects_required_field_shares_goes_with_that_object() -> None:
    # The required city of an optional address loses "SNK-90210" to the order, and a list item keeps its name.
    text = "order SNK-90210, GLS. Shipped: 1 x Bamboo board."
    answer = Notice(order="SNK-90210", to=Place(city="SNK-90210"), items=[Line(name="Bamboo board")])
    assert settle(answer, text).model_dump(exclude_none=True) == {
        "order": "SNK-90210",
        "items": [{"name": "Bamboo board"}],
    }
    answer = Notice(order="SNK-90210", to=Place(city="GLS", street="Bamboo board"), items=[Line(name="Bamboo board")])
    assert settle(answer, text).model_dump(exclude_none=True)["to"] == {"city": "GLS"}


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


class Item(BaseModel):
    amount: float | None = None
    unit: str | None = None
    name: str


def test_one_stretch_of_text_is_one_value() -> None:
    # The name began with the amount and the unit the model also wrote.
    settled = settle(Item(amount=200, unit="g", name="200 g plain flour"), "200 g plain flour")
    assert settled.model_dump(exclude_none=True) == {"amount": 200.0, "unit": "g", "name": "plain flour"}
    assert settle(Item(amount=2, name="2 xylophones"), "2 xylophones").model_dump()["name"] == "xylophones"
    assert settle(Item(amount=2, name="2x Kaffeebohnen"), "2x Kaffeebohnen").model_dump()["name"] == "Kaffeebohnen"
    glued = settle(Item(amount=225, unit="g", name="225g butter"), "225g butter")
    assert glued.model_dump()["name"] == "butter"
    # Trimmed to "eggs", the name then holds the unit's only word: the optional unit goes.
    eggs = settle(Item(amount=2, unit="eggs", name="2 eggs"), "2 eggs")
    assert eggs.model_dump(exclude_none=True) == {"amount": 2.0, "name": "eggs"}

    class Contact(BaseModel):
        name: str
        company: str | None = None

    text = "Hi, Fatima Al-Sayed from Desert Bloom Logistics here."
    joined = settle(Contact(name="Fatima Al-Sayed from Desert Bloom Logistics", company="Desert Bloom Logistics"), text)
    assert joined.model_dump() == {"name": "Fatima Al-Sayed", "company": "Desert Bloom Logistics"}
    # A value of a format or pattern is not trimmed: a time "20:00:00" does not begin with a deposit of 20.

    class Booking(BaseModel):
        time: datetime.time
        deposit: float | None = None

    booking = Booking(time=datetime.time(20, 0), deposit=20)
    assert settle(booking, "Dinner at 20:00, deposit 20.00 paid.") == booking
    # A value that is the whole of another stays as it is; nothing is trimmed to nothing.
    assert settle(Item(amount=3, name="3"), "3").model_dump()["name"] == "3"


class Speaker(BaseModel):
    name: str
    affiliation: str | None = None


class Session(BaseModel):
    title: str
    room: str | None = None
    speaker: Speaker | None = None


def test_a_string_the_text_states_only_inside_another_value_is_left_out() -> None:
    # "Doors" is only ever part of "Doors open": the required name goes with the optional speaker holding it.
    doors = settle(Session(title="Doors open", speaker=Speaker(name="Doors")), "18:30 Doors open")
    assert doors.model_dump(exclude_none=True) == {"title": "Doors open"}
    text = "Workshop - Fine-tuning on a laptop - Olu Martins, Room 3"
    speaker = Speaker(name="Olu Martins")
    room = settle(Session(title="Fine-tuning on a laptop", room="Martins", speaker=speaker), text)
    assert room.model_dump(exclude_none=True) == {
        "title": "Fine-tuning on a laptop",
        "speaker": speaker.model_dump(exclude_none=True),
    }
    # Inside another value as the text writes it: "16" of the date "2025-01-16", written "16 January 2025".

    class Evening(BaseModel):
        date: str
        room: str | None = None

    evening = settle(Evening(date="2025-01-16", room="16"), "Climate night on 16 January 2025 at BLOXHUB.")
    assert evening.model_dump(exclude_none=True) == {"date": "2025-01-16"}
    # Stated on its own elsewhere too, a value inside another stays.
    text = "Lena Vogel (Berlin) talks at Betahaus Berlin"
    kept = Session(title="talks", room="Betahaus Berlin", speaker=Speaker(name="Lena Vogel", affiliation="Berlin"))
    assert settle(kept, text) == kept


class Leg(BaseModel):
    number: str = Field(pattern=r"^[A-Z]{2}\d+$")
    start: str = Field(pattern=r"^[A-Z]{3}$")
    end: str = Field(pattern=r"^[A-Z]{3}$")
    leaves: str | None = Field(default=None, pattern=r"^\d\d:\d\d$")
    lands: str | None = Field(default=None, pattern=r"^\d\d:\d\d$")


class Trip(BaseModel):
    travellers: list[str] = []
    legs: list[Leg]


def test_neighbouring_fields_of_one_kind_follow_the_texts_order() -> None:
    swapped = Leg(number="KQ101", start="ADD", end="NBO", leaves="12:40", lands="09:15")
    settled = settle(swapped, "KQ101 NBO -> ADD, dep 09:15 arr 12:40")
    assert settled.model_dump() == {
        "number": "KQ101",
        "start": "NBO",
        "end": "ADD",
        "leaves": "09:15",
        "lands": "12:40",
    }
    # Fields of different kinds are never swapped; neither are values the text does not state.
    assert settle(swapped, "KQ101 ADD -> NBO, dep 12:40 arr 09:15") is swapped
    # Nor values whose order is not plain: 09:15 is written both before and after 12:40.
    assert settle(swapped, "Boarding 09:15. KQ101 ADD -> NBO, dep 12:40 arr 09:15") is swapped


class Loan(BaseModel):
    loan_date: str | None = Field(default=None, pattern=r"^\d{4}-\d\d-\d\d$")
    due_date: str = Field(pattern=r"^\d{4}-\d\d-\d\d$")


def test_dates_a_header_writes_too_are_not_put_in_order_by_the_header() -> None:
    text = "Date: 9 Nov 2026\n\nBorrowed: 12/10/2026\nPrevious due date: 09/11/2026\nNew due date: 30/11/2026"
    answer = Loan(loan_date="2026-10-12", due_date="2026-11-09")
    assert settle(answer, text) is answer
    assert settle(Loan(loan_date="2026-11-30", due_date="2026-10-12"), text).model_dump() == {
        "loan_date": "2026-10-12",
        "due_date": "2026-11-30",
    }


def test_a_list_of_names_holds_no_code_time_or_date_of_another_field() -> None:
    text = "Travellers: Ana Ruiz, Li Wei\nKQ101 NBO -> ADD 3 May 2025, dep 09:15\nKQ102 ADD -> NBO, dep 18:00"
    legs = [
        Leg(number="KQ101", start="NBO", end="ADD", leaves="09:15"),
        Leg(number="KQ102", start="ADD", end="NBO", leaves="18:00"),
    ]
    answer = Trip(travellers=["Ana Ruiz", "Li Wei", "NBO", "dep 09:15", "KQ102 ADD", "May"], legs=legs)
    settled = settle(answer, text)
    # "NBO" is stated twice and used twice by the legs; "May" is no other field's value, but one word beside
    # whole names is a word of the line, not a name.
    assert settled.model_dump()["travellers"] == ["Ana Ruiz", "Li Wei"]


class Person(BaseModel):
    name: str = Field(pattern=r"^[^a-z0-9]")
    city: str | None = None


def name_of(name: str, text: str) -> Any:
    return settle(Person(name=name), text).model_dump()["name"]


def test_a_name_cut_to_its_last_word_or_title_is_taken_whole() -> None:
    text = "user_id=88213, name=Marek Kowalczyk, age=57, city=Nowa Huta"
    assert settle(Person(name="Kowalczyk"), text).model_dump() == {"name": "Marek Kowalczyk", "city": None}
    # Not into another field's value, nor across a sentence's start, nor from a word written more than once.
    assert settle(Person(name="Huta", city="Nowa"), text).model_dump() == {"name": "Huta", "city": "Nowa"}
    assert name_of("Carlos", "Yesterday Carlos came.") == "Carlos"
    assert name_of("Lee", "Ann Lee met Bo Lee.") == "Lee"
    assert name_of("Prof", "Met Prof. Tomás Herrera today.") == "Tomás Herrera"
    assert name_of("Vantage", "He is locked out of Vantage Portal again.") == "Vantage Portal"


def test_a_value_from_a_fixed_set_is_never_widened() -> None:
    class Carried(BaseModel):
        carrier: Literal["DHL", "UPS", "other"]
        name: str

    answer = settle(Carried(carrier="DHL", name="Weber"), "Sent with DHL Express to Jonas Weber.")
    assert answer.model_dump() == {"carrier": "DHL", "name": "Jonas Weber"}


def test_a_string_running_on_into_another_fields_value_is_cut_before_it() -> None:
    class Aged(BaseModel):
        name: str = Field(pattern=r"^[^a-z0-9]")
        age: int

    text = "Nguyễn Văn An is twenty-three and lives in Hanoi."
    answer = settle(Aged(name="Nguyễn Văn An is twenty-three", age=23), text)
    assert answer.model_dump() == {"name": "Nguyễn Văn An", "age": 23}


def test_a_pattern_python_cannot_read_leaves_the_value_as_it_is() -> None:
    class Coded(BaseModel):
        code: str = Field(pattern=r"^\p{Lu}+-\d+ from X$")
        origin: str | None = None

    answer = Coded(code="AB-1 from X", origin="X")
    assert settle(answer, "AB-1 from X").model_dump(exclude_none=True)["code"] == "AB-1 from X"


def test_a_name_is_taken_in_the_one_longer_form_the_text_writes_it_in() -> None:
    assert name_of("Mekonnen", "Results\n1. Tsegaye Mekonnen (ETH) 2:04:51\nMekonnen, who is just 22, won.") == (
        "Tsegaye Mekonnen"
    )
    assert name_of("Amara's", "Amara's turning SIX! Join us for Amara Nwachukwu's party.") == "Amara Nwachukwu"
    # A sentence's first word is a name's where the text also writes it inside a sentence.
    text = "HALVORSEN, Ingeborg. Ingeborg Marie Halvorsen died on 2 February, aged 88."
    assert name_of("Marie Halvorsen", text) == "Ingeborg Marie Halvorsen"
    # Two longer forms, or one that may only open a sentence: the name as read.
    assert name_of("Lee", "Ann Lee met Bo Lee. Lee is 30.") == "Lee"
    assert name_of("Carlos", "Yesterday Carlos came. Carlos is 30.") == "Carlos"
    # Before a name of two words, a word written nowhere else may be a title.
    assert name_of("Marc Tremblay", "TORONTO - Firefighter Marc Tremblay, 44, pulled Jasmine Singh out.") == (
        "Marc Tremblay"
    )
    # ... but after a form's label it is the name's own; and a first word someone is called by in quoted speech is
    # a name ("Kieran, you are not in trouble").
    assert name_of("Montes de Oca", "ED NOTE\nPt: Graciela Montes de Oca   MRN 0048\n54F, cough.") == (
        "Graciela Montes de Oca"
    )
    text = 'Missing. Kieran McAllister-Shaw, 15, was last seen at 3pm. His mother said: "Kieran, come home."'
    assert name_of("McAllister-Shaw", text) == "Kieran McAllister-Shaw"


def test_an_optional_empty_list_is_left_out() -> None:
    class Booking(BaseModel):
        code: str
        passengers: list[str] | None = None

    assert settle(Booking(code="QW2P8R", passengers=[]), "ref QW2P8R").model_dump() == {
        "code": "QW2P8R",
        "passengers": None,
    }


def test_a_list_of_peoples_names_holds_each_name_once_whole_and_without_titles() -> None:
    # A name written in the title too stays; "Gen" without its full stop may be a name.
    class Talk(BaseModel):
        title: str
        speakers: list[str] | None = None

    class Programme(BaseModel):
        talks: list[Talk]

    text = "09:30 Keynote - Dr. Ana Ruiz: Why Dashboards Lie\n10:15 Tomás Pereira\n11:00 Coffee break\n"
    text += "12:05 In conversation with Priya Shah and Gen Li"
    answer = Programme(
        talks=[
            Talk(title="Why Dashboards Lie", speakers=["Dr. Ana Ruiz", "Ana Ruiz", "Dashboards", "Prof"]),
            Talk(title="Scoring", speakers=["Tomás Pereira", "Pereira"]),
            Talk(title="Coffee break", speakers=["Coffee"]),
            Talk(title="In conversation with Priya Shah", speakers=["Priya Shah", "Gen Li"]),
        ]
    )
    assert settle(answer, text).model_dump(exclude_none=True) == {
        "talks": [
            {"title": "Why Dashboards Lie", "speakers": ["Ana Ruiz"]},
            {"title": "Scoring", "speakers": ["Tomás Pereira"]},
            {"title": "Coffee break"},
            {"title": "In conversation with Priya Shah", "speakers": ["Priya Shah", "Gen Li"]},
        ]
    }


def test_a_list_of_peoples_names_splits_two_names_and_drops_affiliations_and_other_fields_values() -> None:
    class Talk(BaseModel):
        title: str
        room: str | None = None
        speakers: list[str] | None = None

    text = "10:00 | Tsavo Hall | Scaling telemedicine - Brian Otieno (Afya Link), Lerato Dlamini and Yusuf Patel"
    speakers = ["Brian Otieno (Afya Link", "Lerato Dlamini and Yusuf Patel", "Tsavo Hall", "Scaling"]
    answer = Talk(title="Scaling telemedicine", room="Tsavo Hall", speakers=speakers)
    assert settle(answer, text).model_dump()["speakers"] == ["Brian Otieno", "Lerato Dlamini", "Yusuf Patel"]


def test_a_list_of_peoples_names_keeps_a_one_word_name_listed_and_a_name_another_person_field_holds() -> None:
    class Party(BaseModel):
        organiser_name: str
        guests: list[str]

    text = "Ana Ruiz booked for six: with Cher, Tom Berg and Ana Ruiz herself."
    answer = Party(organiser_name="Ana Ruiz", guests=["Cher", "Tom Berg", "Ana Ruiz"])
    assert settle(answer, text).model_dump()["guests"] == ["Cher", "Tom Berg", "Ana Ruiz"]


def test_a_name_takes_words_after_it_only_where_the_text_also_writes_it_without_them() -> None:
    assert name_of("Maria Lopez", "Please call Maria Lopez Monday to Friday.") == "Maria Lopez"
    assert name_of("Ana Ruiz", "Seen by Ana Ruiz MD today.") == "Ana Ruiz"


def test_a_list_not_named_for_people_is_left_as_read() -> None:
    class Order(BaseModel):
        product_names: list[str]

    text = "I ordered Monstera plants and Pothos cuttings."
    answer = Order(product_names=["Monstera", "Pothos"])
    assert settle(answer, text).model_dump() == {"product_names": ["Monstera", "Pothos"]}


class Booking(BaseModel):
    organiser_name: str | None = None
    organiser_email: str | None = None
    venue_name: str | None = None
    venue_email: str | None = None


def test_a_name_beside_its_roles_email_is_the_name_the_address_spells() -> None:
    text = (
        "Dear Ms Hollis,\nThank you for choosing The Old Granary for Hannah & Tom's reception.\n"
        "Questions: events@oldgranary.co.uk\n\nBest wishes,\nCharlotte Hollis <charlotte.hollis@outlook.com>\n"
        "Cc: Dr. Pieter van den Berg (p.vandenberg@openwater.nl), Mette Kjær <mkjaer@example.dk>"
    )

    def organiser(name: str, email: str) -> str | None:
        return settle(Booking(organiser_name=name, organiser_email=email), text).organiser_name  # type: ignore[attr-defined,no-any-return]

    assert organiser("Hannah", "charlotte.hollis@outlook.com") == "Charlotte Hollis"
    assert organiser("Hollis", "charlotte.hollis@outlook.com") == "Charlotte Hollis"
    assert organiser("Hannah", "p.vandenberg@openwater.nl") == "Pieter van den Berg"  # no title
    assert organiser("Hannah", "mkjaer@example.dk") == "Mette Kjær"
    # An address that spells no name written, or another role's address, leaves the name as read.
    assert organiser("Hannah", "events@oldgranary.co.uk") == "Hannah"
    other = settle(Booking(organiser_name="Hannah", venue_email="charlotte.hollis@outlook.com"), text)
    assert other.organiser_name == "Hannah"  # type: ignore[attr-defined]


def test_a_name_is_not_widened_by_a_title_or_a_subject_after_a_label() -> None:
    text = "Responder: Firefighter Marc Tremblay, 44, pulled her out."
    assert name_of("Marc Tremblay", text) == "Marc Tremblay"
    assert name_of("Maria Lopez", "Subject: Overdue Invoice Maria Lopez\nMaria, please pay.") == "Maria Lopez"


class Stop(BaseModel):
    location: str | None = None
    date: datetime.date


class Journey(BaseModel):
    origin: str | None = None
    destination: str | None = None
    pickup: Stop | None = None
    dropoff: Stop | None = None


def test_a_journey_starts_where_the_text_writes_first() -> None:
    text = "Manchester Piccadilly 07:35 -> London Euston 09:46. Car: Sixt Euston, 13 Nov, back at Heathrow T5 16 Nov."
    day, later = datetime.date(2026, 11, 13), datetime.date(2026, 11, 16)
    answer = Journey(
        origin="London Euston",
        destination="Manchester Piccadilly",
        pickup=Stop(location="Heathrow T5", date=day),
        dropoff=Stop(location="Sixt Euston", date=later),
    )
    settled = settle(answer, text).model_dump(exclude_none=True)
    assert (settled["origin"], settled["destination"]) == ("Manchester Piccadilly", "London Euston")
    assert settled["pickup"] == {"location": "Sixt Euston", "date": day}  # (the dates stay as read)
    assert settled["dropoff"] == {"location": "Heathrow T5", "date": later}
    # Ends the text writes in their order, or one of them not at all, stay as read.
    assert settle(Journey(origin="Leeds", destination="York"), "From Leeds to York") == Journey(
        origin="Leeds", destination="York"
    )
    assert settle(Journey(origin="Leeds", destination="Hull"), "York to Leeds").origin == "Leeds"  # type: ignore[attr-defined]


class Stay(BaseModel):
    check_in: datetime.date | None = None
    check_out: datetime.date | None = None
    pickup: Stop | None = None
    dropoff: Stop | None = None


def test_a_journey_s_start_day_is_not_after_its_end_day() -> None:
    early, late = datetime.date(2027, 7, 30), datetime.date(2027, 8, 3)
    text = "Return on 3 August; collect 30 July. Stay: out 3 Aug, in 30 Jul 2027."
    answer = Stay(check_in=late, check_out=early, pickup=Stop(date=late), dropoff=Stop(date=early))
    settled = settle(answer, text)
    assert (settled.check_in, settled.check_out) == (early, late)  # type: ignore[attr-defined]
    assert (settled.pickup.date, settled.dropoff.date) == (early, late)  # type: ignore[attr-defined]
