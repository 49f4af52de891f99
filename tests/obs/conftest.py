import pytest


@pytest.fixture
def s3(flexemu):
    return flexemu.boto3()


@pytest.fixture
def bucket(s3):
    s3.create_bucket(Bucket="photos")
    return "photos"
