"""Bodies of the native password and remote console requests, as the real API names them."""

from pydantic import BaseModel, Field

from apis.ecs.schemas import ServerRef


class ResetPassword(BaseModel):
    new_password: str
    is_check_password: bool = True


class ResetPasswordRequest(BaseModel):
    reset_password: ResetPassword = Field(alias="reset-password")


class BatchResetPasswordRequest(BaseModel):
    new_password: str | None = None
    dry_run: bool = False
    servers: list[ServerRef] = Field(min_length=1, max_length=1000)


class RemoteConsole(BaseModel):
    protocol: str
    type: str


class RemoteConsoleRequest(BaseModel):
    remote_console: RemoteConsole
