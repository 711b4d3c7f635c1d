"""JSON with raw control characters inside its strings (a raw newline or tab, which small models write), made
valid before it is parsed, instead of being re-asked."""

import json


def json_string_state(text: str, in_string: bool, escaped: bool) -> tuple[bool, bool]:
    """Whether JSON text that continues with ``text`` ends inside a string, and right after a backslash there."""
    for character in text:
        if escaped:
            escaped = False
        elif in_string and character == "\\":
            escaped = True
        elif character == '"':
            in_string = not in_string
    return in_string, escaped


def repair_control_characters(answer: str) -> str:
    """JSON with raw control characters inside its strings (a raw newline or tab, which small models write),
    re-encoded as valid JSON; anything else is returned unchanged for the parser to judge."""
    if not any(character < " " for character in answer):
        return answer
    try:
        json.loads(answer)
        return answer
    except ValueError:
        pass
    try:
        return json.dumps(json.loads(answer, strict=False), ensure_ascii=False)
    except ValueError:
        return answer
