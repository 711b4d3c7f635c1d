"""Extraction: the engine that turns a schema and a text into validated objects through a chat backend, as the
schema's model profile says."""
