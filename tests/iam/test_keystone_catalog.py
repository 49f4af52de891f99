"""Keystone's catalog administration as IAM offers it: services and endpoints, read only
(KeystoneListServices/ShowService, KeystoneListEndpoints/ShowEndpoint)."""

import pytest
from openstack import exceptions


def test_services_filter_by_type_and_name_and_show_by_id(flexemu):
    identity = flexemu.openstack().identity
    [compute] = identity.services(type="compute")
    assert (compute.name, compute.is_enabled) == ("nova", True)
    assert [s.type for s in identity.services(name="keystone")] == ["identity"]
    assert list(identity.services(type="no-such-type")) == []
    shown = identity.get_service(compute.id)
    assert (shown.id, shown.type, shown.name) == (compute.id, "compute", "nova")
    assert shown.links["self"].endswith(f"/v3/services/{compute.id}")
    assert identity.find_service("nova").id == compute.id
    with pytest.raises(exceptions.NotFoundException):
        identity.get_service("0" * 32)


def test_endpoints_filter_by_service_region_and_interface_and_show_by_id(flexemu):
    identity = flexemu.openstack().identity
    compute = next(identity.services(type="compute"))
    endpoints = list(identity.endpoints(service_id=compute.id))
    assert {e.region_id for e in endpoints} == {"eu-west-0", "eu-west-1"}
    assert {e.service_id for e in endpoints} == {compute.id}
    [paris] = identity.endpoints(service_id=compute.id, region_id="eu-west-0")
    assert paris.url.endswith("/ecs/v2.1/$(tenant_id)s")
    assert list(identity.endpoints(interface="internal")) == []
    assert len(list(identity.endpoints(interface="public"))) == len(list(identity.endpoints()))
    shown = identity.get_endpoint(paris.id)
    assert (shown.url, shown.interface, shown.service_id) == (paris.url, "public", compute.id)
    with pytest.raises(exceptions.NotFoundException):
        identity.get_endpoint("0" * 32)
