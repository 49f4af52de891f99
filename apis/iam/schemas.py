"""Request bodies of Keystone v3 and the IAM v3.0 extensions, as the real APIs name them."""

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


class Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


# Keystone accepts null for a description (and an email); it is kept as an empty one.
Nullable = Annotated[str, BeforeValidator(lambda value: "" if value is None else value)]


class DomainRef(Loose):
    id: str | None = None
    name: str | None = None


class UserRef(Loose):
    id: str | None = None
    name: str | None = None
    domain: DomainRef | None = None
    password: str


class PasswordMethod(Loose):
    user: UserRef


class TokenMethod(Loose):
    id: str | None = None
    duration_seconds: int | None = None


class Identity(Loose):
    methods: list[str] = Field(min_length=1)
    password: PasswordMethod | None = None
    token: TokenMethod | None = None


class ProjectScope(Loose):
    id: str | None = None
    name: str | None = None
    domain: DomainRef | None = None


class Scope(Loose):
    project: ProjectScope | None = None
    domain: DomainRef | None = None


class Auth(Loose):
    identity: Identity
    scope: Scope | Literal["unscoped"] | None = None


class AuthRequest(Loose):
    auth: Auth


class ProjectCreate(Loose):
    name: str = Field(min_length=1, max_length=64)
    parent_id: str | None = None
    domain_id: str | None = None
    description: Nullable = ""
    enabled: bool = True


class ProjectCreateRequest(Loose):
    project: ProjectCreate


class ProjectUpdate(Loose):
    name: str | None = Field(default=None, min_length=1, max_length=64)
    description: str | None = None
    enabled: bool | None = None


class ProjectUpdateRequest(Loose):
    project: ProjectUpdate


class UserCreate(Loose):
    name: str = Field(min_length=1, max_length=64)
    domain_id: str | None = None
    password: str | None = None
    enabled: bool = True
    description: Nullable = ""
    email: Nullable = ""
    default_project_id: str | None = None


class UserCreateRequest(Loose):
    user: UserCreate


class UserUpdate(Loose):
    name: str | None = Field(default=None, min_length=1, max_length=64)
    password: str | None = None
    enabled: bool | None = None
    description: str | None = None
    email: str | None = None
    default_project_id: str | None = None


class UserUpdateRequest(Loose):
    user: UserUpdate


class PasswordChange(Loose):
    password: str
    original_password: str


class PasswordChangeRequest(Loose):
    user: PasswordChange


class GroupCreate(Loose):
    name: str = Field(min_length=1, max_length=64)
    domain_id: str | None = None
    description: Nullable = ""


class GroupCreateRequest(Loose):
    group: GroupCreate


class GroupUpdate(Loose):
    name: str | None = Field(default=None, min_length=1, max_length=64)
    description: str | None = None


class GroupUpdateRequest(Loose):
    group: GroupUpdate


class CredentialCreate(Loose):
    user_id: str
    description: str = Field(default="", max_length=255)


class CredentialCreateRequest(Loose):
    credential: CredentialCreate


class CredentialUpdate(Loose):
    status: Literal["active", "inactive"] | None = None
    description: str | None = Field(default=None, max_length=255)


class CredentialUpdateRequest(Loose):
    credential: CredentialUpdate


class SecurityTokenIdentity(Loose):
    methods: list[Literal["token"]] = Field(min_length=1)
    token: TokenMethod | None = None


class SecurityTokenAuth(Loose):
    identity: SecurityTokenIdentity


class SecurityTokenRequest(Loose):
    auth: SecurityTokenAuth


class KeystoneCredentialCreate(Loose):
    user_id: str = Field(min_length=1, max_length=64)
    type: str = Field(min_length=1, max_length=255)
    blob: str
    project_id: str | None = Field(default=None, max_length=64)


class KeystoneCredentialCreateRequest(Loose):
    credential: KeystoneCredentialCreate


class KeystoneCredentialUpdate(Loose):
    user_id: str | None = Field(default=None, min_length=1, max_length=64)
    type: str | None = Field(default=None, min_length=1, max_length=255)
    blob: str | None = None
    project_id: str | None = Field(default=None, max_length=64)


class KeystoneCredentialUpdateRequest(Loose):
    credential: KeystoneCredentialUpdate
