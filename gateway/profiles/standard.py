"""The profile of capable hosted models: the schema's tool as it is, the text as it is, instructor's re-ask."""

from gateway.profiles import ModelProfile

STANDARD = ModelProfile(name="standard", max_tokens=1024, stream_usage=True)
