"""Request bodies of either dialect -> the operations' specs (ports and rules look alike)."""

from typing import Any

from apis.vpc import ports, security
from apis.vpc import schemas as s
from apis.vpc.errors import HTTP_BAD_REQUEST
from emulator.errors import BadRequest


def check_owner(fields: s.NeutronModel | s.SecurityGroupRuleFields, project_id: str) -> None:
    """A Neutron body may name its project, the caller's own: only the cloud's administrators
    create resources for another project (neutron-lib `populate_project_info`)."""
    if fields.tenant_id and fields.project_id and fields.tenant_id != fields.project_id:
        raise BadRequest("'project_id' and 'tenant_id' do not match", codes=HTTP_BAD_REQUEST)
    named = fields.project_id or fields.tenant_id
    if named and named != project_id:
        raise BadRequest(
            "Specifying 'project_id' other than the authenticated project in request is not "
            "allowed for the current user.",
            codes=HTTP_BAD_REQUEST,
        )


def port_spec(fields: s.PortFields | s.NativePortFields) -> ports.PortSpec:
    if not fields.network_id:
        raise BadRequest(
            "Invalid input for operation: 'network_id' is a required property.",
            codes={"vpc": "VPC.2500"},
        )
    return ports.PortSpec(
        network_id=fields.network_id,
        fixed_ips=(
            [ip.model_dump(exclude_none=True) for ip in fields.fixed_ips]
            if fields.fixed_ips is not None
            else None
        ),
        security_group_ids=fields.security_groups,
        name=fields.name or "",
        description=getattr(fields, "description", None) or "",
        admin_state_up=fields.admin_state_up is not False,
        device_id=getattr(fields, "device_id", None) or "",
        device_owner=fields.device_owner or "",
        mac_address=getattr(fields, "mac_address", None),
        port_security_enabled=getattr(fields, "port_security_enabled", None) is not False,
        allowed_address_pairs=[
            p.model_dump(exclude_none=True) for p in fields.allowed_address_pairs or []
        ],
    )


def port_changes(fields: s.PortFields | s.NativePortFields) -> dict[str, Any]:
    changes = fields.model_dump(exclude_unset=True)
    if "allowed_address_pairs" in changes:
        changes["allowed_address_pairs"] = [
            p.model_dump(exclude_none=True) for p in fields.allowed_address_pairs or []
        ]
    return changes


def rule_spec(fields: s.SecurityGroupRuleFields | s.NativeRule) -> security.RuleSpec:
    return security.RuleSpec(**fields.model_dump(exclude={"tenant_id", "project_id"}))
