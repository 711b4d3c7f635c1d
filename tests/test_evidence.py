"""Evidence: where each value of an answer is in the text, and how it matched - unit and over HTTP."""

import httpx

from gateway.extraction.evidence import evidence_for
from tests.fake_openai import FakeOpenAI
from tests.sse_client import read_stream

TEXT = "Invoice INV-7 from ACME  tools, dated 3 March 2024: total 1,250.00 EUR. Contact: Ann Lee."


def test_each_value_is_found_with_its_offsets_and_how_it_matched() -> None:
    answer = {
        "number": "INV-7",
        "vendor": {"name": "ACME Tools"},
        "date": "2024-03-03",
        "total": 1250,
        "contact": "Anne Lee",
        "paid": True,
        "tags": ["unrelated"],
    }
    found = {item.path: item for item in evidence_for(answer, TEXT)}
    assert set(found) == {"number", "vendor.name", "date", "total", "contact"}  # no evidence for the rest
    for item in found.values():
        assert item.start < item.end
    assert (found["number"].match, TEXT[found["number"].start : found["number"].end]) == ("exact", "INV-7")
    assert (found["vendor.name"].match, TEXT[found["vendor.name"].start : found["vendor.name"].end]) == (
        "normalised",
        "ACME  tools",
    )
    assert (found["date"].match, TEXT[found["date"].start : found["date"].end]) == ("normalised", "3 March 2024")
    assert (found["total"].match, TEXT[found["total"].start : found["total"].end]) == ("normalised", "1,250.00")
    assert (found["contact"].match, TEXT[found["contact"].start : found["contact"].end]) == ("fuzzy", "Ann Lee.")


def test_list_evidence_paths_name_each_item() -> None:
    found = evidence_for([{"name": "Ann"}, {"name": "Lee"}], "Ann and Lee")
    assert [(item.path, item.start) for item in found] == [("[0].name", 0), ("[1].name", 8)]


def test_routes_answer_with_evidence_only_when_asked(client: httpx.Client, upstream: FakeOpenAI) -> None:
    text = "Jason is 25 years old"
    upstream.script({"name": "Jason", "age": 25}, {"name": "Jason", "age": 25})
    assert client.post("/extract/user_detail", json={"text": text}).json() == {"name": "Jason", "age": 25}
    with_evidence = client.post("/extract/user_detail", json={"text": text, "include": ["evidence"]}).json()
    assert with_evidence == {
        "data": {"name": "Jason", "age": 25},
        "evidence": [
            {"path": "name", "value": "Jason", "start": 0, "end": 5, "match": "exact"},
            {"path": "age", "value": 25, "start": 9, "end": 11, "match": "exact"},
        ],
    }
    upstream.script({"items": [{"name": "Jason", "age": 25}]})
    listed = client.post("/extract/user_detail/list", json={"text": text, "include": ["evidence"]}).json()
    assert listed["data"] == [{"name": "Jason", "age": 25}] and listed["evidence"][0]["path"] == "[0].name"


def test_streams_send_an_evidence_event_after_final_and_after_each_item(
    client: httpx.Client, upstream: FakeOpenAI
) -> None:
    body = {"text": "Jason is 25. Sarah is 30.", "include": ["evidence"]}
    upstream.script({"name": "Jason", "age": 25})
    one = read_stream(client, "/extract/user_detail/stream", body)
    assert one.names[-4:] == ["final", "evidence", "usage", "done"]
    assert [item["path"] for item in one.data("evidence")[0]] == ["name", "age"]
    upstream.script({"tasks": [{"name": "Jason", "age": 25}, {"name": "Sarah", "age": 30}]})
    listed = read_stream(client, "/extract/user_detail/list/stream", body)
    assert listed.names == ["item", "evidence", "item", "evidence", "usage", "done"]
    assert listed.data("evidence")[1][0] == {
        "path": "[1].name",
        "value": "Sarah",
        "start": 13,
        "end": 18,
        "match": "exact",
    }
