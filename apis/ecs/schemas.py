"""Request bodies of Nova and the native ECS API, as the real APIs name them."""

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """Nova's JSON schemas refuse properties they do not know."""

    model_config = ConfigDict(extra="forbid")


class NovaKeypairCreate(Strict):
    name: str
    public_key: str | None = None
    type: str | None = None  # microversion 2.2
    user_id: str | None = None  # microversion 2.10, administrators only


class NovaKeypairCreateRequest(BaseModel):
    keypair: NovaKeypairCreate


class ServerGroupCreate(Strict):
    name: str
    policies: list[str] = Field(min_length=1, max_length=1)


class ServerGroupCreateRequest(BaseModel):
    server_group: ServerGroupCreate
