"""The base class of every generated model."""

from pydantic import BaseModel, ConfigDict


class SchemaModel(BaseModel):
    """Validators and serializers are built on first use, not when the class is created: start-up with a
    thousand schemas then costs class creation only, and a schema nobody calls costs nothing more."""

    model_config = ConfigDict(defer_build=True)
