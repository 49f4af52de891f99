"""Status transitions of the network on the virtual clock (VPC CREATING -> OK, subnet
UNKNOWN -> ACTIVE, EIP PENDING_CREATE -> DOWN or ACTIVE). Imported with the package, so that
transitions due before the first request find their handler."""

from datetime import datetime

from sqlalchemy.orm import Session

from apis.vpc.models import PublicIp, Router, Subnet
from emulator import lifecycle
from state.models import Transition

VPC_KIND = "vpc.vpc"
SUBNET_KIND = "vpc.subnet"
PUBLICIP_KIND = "vpc.publicip"


@lifecycle.handles(VPC_KIND)
def vpc_ready(tx: Session, transition: Transition, _now: datetime) -> None:
    router = tx.get(Router, transition.resource_id)
    if router is not None:
        router.status = transition.target


@lifecycle.handles(SUBNET_KIND)
def subnet_ready(tx: Session, transition: Transition, _now: datetime) -> None:
    subnet = tx.get(Subnet, transition.resource_id)
    if subnet is not None:
        subnet.status = transition.target


@lifecycle.handles(PUBLICIP_KIND)
def publicip_ready(tx: Session, transition: Transition, _now: datetime) -> None:
    publicip = tx.get(PublicIp, transition.resource_id)
    if publicip is not None:
        publicip.status = "ACTIVE" if publicip.port_id else "DOWN"
