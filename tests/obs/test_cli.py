"""A few aws CLI commands against the emulator: s3 mb/cp/ls/sync/rm and s3api."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AWS = Path(sys.executable).with_name("aws")
pytestmark = pytest.mark.skipif(not AWS.exists(), reason="the aws CLI is not installed")


@pytest.fixture
def aws(flexemu, tmp_path):
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": flexemu.access_key,
        "AWS_SECRET_ACCESS_KEY": flexemu.secret_key,
        "AWS_DEFAULT_REGION": "eu-west-0",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(AWS), "--endpoint-url", flexemu.url, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    return run


def test_s3_sync_ls_cp_and_s3api(aws, tmp_path, s3, bucket):
    source = tmp_path / "site"
    (source / "css").mkdir(parents=True)
    (source / "index.html").write_text("<h1>hi</h1>")
    (source / "css" / "main.css").write_text("h1 {}")
    aws("s3", "sync", str(source), f"s3://{bucket}/www")
    listed = aws("s3", "ls", "--recursive", f"s3://{bucket}")
    assert "www/index.html" in listed and "www/css/main.css" in listed
    aws("s3", "cp", f"s3://{bucket}/www/index.html", str(tmp_path / "back.html"))
    assert (tmp_path / "back.html").read_text() == "<h1>hi</h1>"
    head = json.loads(aws("s3api", "head-object", "--bucket", bucket, "--key", "www/css/main.css"))
    assert head["ContentLength"] == 5
