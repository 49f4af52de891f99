"""Metering: stored bytes per class over time, requests by class and kind, bytes out."""

from sqlalchemy import select

from apis.obs.usage import REQUESTS, STORED, TRANSFER_OUT
from state.models import UsageInterval


def intervals(flexemu, meter):
    with flexemu.emulator.db.transaction() as tx:
        return list(
            tx.scalars(
                select(UsageInterval).where(UsageInterval.meter == meter).order_by(UsageInterval.id)
            )
        )


def test_stored_bytes_follow_each_change_by_class(flexemu, s3, bucket):
    s3.put_object(Bucket=bucket, Key="a", Body=b"x" * 100)
    s3.put_object(Bucket=bucket, Key="b", Body=b"x" * 50, StorageClass="GLACIER")
    flexemu.advance("PT1H")
    s3.delete_object(Bucket=bucket, Key="a")
    stored = [
        (i.unit_class, int(i.quantity), i.ended_at is None) for i in intervals(flexemu, STORED)
    ]
    assert stored == [("STANDARD", 100, False), ("COLD", 50, True), ("STANDARD", 0, True)]


def test_requests_and_transfer_out_are_counted(flexemu, s3, bucket):
    s3.put_object(Bucket=bucket, Key="a", Body=b"x" * 10)
    s3.get_object(Bucket=bucket, Key="a")["Body"].read()
    s3.get_object(Bucket=bucket, Key="a", Range="bytes=0-3")["Body"].read()
    s3.head_object(Bucket=bucket, Key="a")
    s3.list_objects_v2(Bucket=bucket)
    counts = {i.unit_class: int(i.quantity) for i in intervals(flexemu, REQUESTS)}
    assert counts == {"STANDARD:write": 2, "STANDARD:read": 3}
    assert sum(int(i.quantity) for i in intervals(flexemu, TRANSFER_OUT)) == 14


def test_a_copy_onto_itself_moves_the_stored_bytes_to_the_new_class(flexemu, s3, bucket):
    s3.put_object(Bucket=bucket, Key="a", Body=b"x" * 100)
    s3.copy_object(
        Bucket=bucket,
        Key="a",
        CopySource={"Bucket": bucket, "Key": "a"},
        StorageClass="STANDARD_IA",
    )
    assert s3.head_object(Bucket=bucket, Key="a")["StorageClass"] == "STANDARD_IA"
    assert s3.get_object(Bucket=bucket, Key="a")["Body"].read() == b"x" * 100
    still_open = {
        (i.unit_class, int(i.quantity)) for i in intervals(flexemu, STORED) if i.ended_at is None
    }
    assert still_open == {("STANDARD", 0), ("WARM", 100)}
