import socket

import pytest


@pytest.fixture
def s3(flexemu):
    return flexemu.boto3()


@pytest.fixture
def bucket(s3):
    s3.create_bucket(Bucket="photos")
    return "photos"


@pytest.fixture
def anonymous(flexemu):
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=flexemu.url,
        region_name="eu-west-0",
        config=Config(signature_version=UNSIGNED),
    )


@pytest.fixture
def bob(flexemu):
    """A second account: its S3 client, with its account id as `bob.account`."""
    import boto3

    response = flexemu.admin(
        "POST",
        "/accounts",
        json={
            "domain": "OCB0000002",
            "user": "bob",
            "password": "Bob-pass1",
            "access_key": "BOBACCESSKEY00000002",
            "secret_key": "bobsecret000000000000000000002",
        },
    )
    response.raise_for_status()
    client = boto3.client(
        "s3",
        endpoint_url=flexemu.url,
        region_name="eu-west-0",
        aws_access_key_id="BOBACCESSKEY00000002",
        aws_secret_access_key="bobsecret000000000000000000002",
    )
    client.account = response.json()["domain"]["id"]
    return client


@pytest.fixture
def owner_id(s3):
    return s3.list_buckets()["Owner"]["ID"]


@pytest.fixture
def localhost_names(monkeypatch):
    """Resolve <bucket>.localhost to 127.0.0.1, as systemd-resolved or an /etc/hosts entry do."""
    resolve = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
