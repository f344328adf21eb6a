"""boto3 against the local stack: what a Python client sees must be what AWS would answer.

Run by boto3.test.ts with Debian's python3 and python3-boto3; endpoints come from the
AWS_ENDPOINT_URL_* variables the stack prints. One line per check ("ok <name>" or
"FAIL <name>: <why>"); the exit code is the number of failed checks.
"""

import gzip
import json
import os
import sys
import time
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

config = Config(region_name="us-east-1", s3={"addressing_style": "path"}, retries={"max_attempts": 1})
session = boto3.session.Session(aws_access_key_id="local", aws_secret_access_key="local")
s3 = session.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL_S3"], config=config)
sqs = session.client("sqs", endpoint_url=os.environ["AWS_ENDPOINT_URL_SQS"], config=config)
data = session.client("redshift-data", endpoint_url=os.environ["AWS_ENDPOINT_URL_REDSHIFT_DATA"], config=config)
iam = session.client("iam", endpoint_url=os.environ["AWS_ENDPOINT_URL_IAM"], config=config)
sts = session.client("sts", endpoint_url=os.environ["AWS_ENDPOINT_URL_STS"], config=config)
TARGET = {"WorkgroupName": "etl-dev", "Database": "analytics"}
ACCOUNT = "000000000000"
# IAM names the workgroup by its id; boto3.test.ts passes the stack's (localWorkgroupId("etl-dev"))
WORKGROUP_ARN = f"arn:aws:redshift-serverless:us-east-1:{ACCOUNT}:workgroup/{os.environ['LOCAL_WORKGROUP_ID']}"
# role names of their own per boto3 version, should two versions ever share a stack
VERSION = boto3.__version__

from conformance_checks import check  # noqa: E402 (beside this script)
import conformance_checks  # noqa: E402


def error_code(call):
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError("the call succeeded")


def expect(actual, expected):
    if actual != expected:
        raise AssertionError(f"expected {expected!r}, got {actual!r}")


s3.create_bucket(Bucket="py-a")
s3.create_bucket(Bucket="py-b")


@check("s3: modeled errors match (except s3.exceptions.NoSuchKey / NoSuchBucket)")
def _():
    try:
        s3.get_object(Bucket="py-a", Key="missing.txt")
        raise AssertionError("no error")
    except s3.exceptions.NoSuchKey as error:
        expect(error.response["Error"]["Code"], "NoSuchKey")
    try:
        s3.list_objects_v2(Bucket="py-no-such-bucket")
        raise AssertionError("no error")
    except s3.exceptions.NoSuchBucket:
        pass
    expect(error_code(lambda: s3.head_object(Bucket="py-a", Key="missing.txt")), ("404", 404))


@check("s3: keys are stored exactly as sent, never resolved as paths")
def _():
    s3.put_object(Bucket="py-b", Key="data.csv", Body=b"b's own data")
    s3.put_object(Bucket="py-a", Key="../py-b/data.csv", Body=b"not b's")
    s3.put_object(Bucket="py-a", Key="x/../y", Body=b"dots")
    expect(s3.get_object(Bucket="py-b", Key="data.csv")["Body"].read(), b"b's own data")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="py-a")["Contents"]]
    expect(sorted(keys), ["../py-b/data.csv", "x/../y"])
    expect(s3.get_object(Bucket="py-a", Key="x/../y")["Body"].read(), b"dots")


@check("s3: CopyObject with metadata, tagging, and presigned GET/PUT")
def _():
    s3.put_object(Bucket="py-a", Key="src.txt", Body=b"hello", Metadata={"origin": "py"}, Tagging="team=data")
    s3.copy_object(Bucket="py-b", Key="dst.txt", CopySource={"Bucket": "py-a", "Key": "src.txt"})
    copied = s3.get_object(Bucket="py-b", Key="dst.txt")
    expect((copied["Body"].read(), copied["Metadata"]), (b"hello", {"origin": "py"}))
    expect(s3.get_object_tagging(Bucket="py-b", Key="dst.txt")["TagSet"], [{"Key": "team", "Value": "data"}])
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": "py-a", "Key": "signed.txt"}, ExpiresIn=60)
    urllib.request.urlopen(urllib.request.Request(put_url, data=b"signed body", method="PUT")).read()
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": "py-a", "Key": "signed.txt"}, ExpiresIn=60)
    expect(urllib.request.urlopen(get_url).read(), b"signed body")


@check("s3: a managed copy over the threshold is a multipart copy (UploadPartCopy), byte for byte")
def _():
    from boto3.s3.transfer import TransferConfig

    body = os.urandom(12 * 1024 * 1024 + 7)
    s3.put_object(Bucket="py-a", Key="big.bin", Body=body)
    threshold = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)
    s3.copy({"Bucket": "py-a", "Key": "big.bin"}, "py-b", "big copy.bin", Config=threshold)
    expect(s3.get_object(Bucket="py-b", Key="big copy.bin")["Body"].read() == body, True)
    expect(s3.head_object(Bucket="py-b", Key="big copy.bin")["ETag"].endswith('-3"'), True)
    upload = s3.create_multipart_upload(Bucket="py-b", Key="bad.bin")["UploadId"]
    bad_range = lambda: s3.upload_part_copy(
        Bucket="py-b", Key="bad.bin", UploadId=upload, PartNumber=1,
        CopySource={"Bucket": "py-a", "Key": "big.bin"}, CopySourceRange=f"bytes=0-{len(body)}",
    )
    expect(error_code(bad_range), ("InvalidArgument", 400))


@check("s3: limits S3 enforces answer 400 with S3's codes (never 500)")
def _():
    expect(error_code(lambda: s3.put_object(Bucket="py-a", Key="k" * 1025, Body=b"")), ("KeyTooLongError", 400))
    expect(
        error_code(lambda: s3.put_object(Bucket="py-a", Key="meta", Body=b"", Metadata={"big": "v" * 2100})),
        ("MetadataTooLarge", 400),
    )


@check("s3: a bucket notification reaches an SQS queue (test event, then ObjectCreated)")
def _():
    queue_url = sqs.create_queue(QueueName="py-landing")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.create_bucket(Bucket="py-notify")
    s3.put_bucket_notification_configuration(
        Bucket="py-notify",
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "landing/"}]}},
                }
            ]
        },
    )
    s3.put_object(Bucket="py-notify", Key="elsewhere/skip.csv", Body=b"x")
    s3.put_object(Bucket="py-notify", Key="landing/a file.csv.gz", Body=gzip.compress(b"id\n1\n"))
    bodies = []
    deadline = time.time() + 10
    while len(bodies) < 2 and time.time() < deadline:
        for message in sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1, MaxNumberOfMessages=10).get("Messages", []):
            bodies.append(json.loads(message["Body"]))
    expect(bodies[0]["Event"], "s3:TestEvent")
    record = bodies[1]["Records"][0]
    expect((record["eventName"], record["s3"]["object"]["key"]), ("ObjectCreated:Put", "landing/a+file.csv.gz"))


@check("s3: CopyObject onto itself changing nothing is InvalidRequest (400); with MetadataDirective REPLACE it is a copy")
def _():
    s3.put_object(Bucket="py-a", Key="inplace.txt", Body=b"kept", Metadata={"v": "1"})
    same = {"Bucket": "py-a", "Key": "inplace.txt", "CopySource": {"Bucket": "py-a", "Key": "inplace.txt"}}
    expect(error_code(lambda: s3.copy_object(**same)), ("InvalidRequest", 400))
    s3.copy_object(**same, MetadataDirective="REPLACE", Metadata={"v": "2"})
    copied = s3.get_object(Bucket="py-a", Key="inplace.txt")
    expect((copied["Body"].read(), copied["Metadata"]), (b"kept", {"v": "2"}))


@check("s3: response-* parameters set the response headers, in a call and in a presigned URL")
def _():
    s3.put_object(Bucket="py-a", Key="report.csv", Body=b"a,b", ContentType="text/csv")
    got = s3.get_object(
        Bucket="py-a", Key="report.csv", ResponseContentType="application/octet-stream",
        ResponseContentDisposition='attachment; filename="r.csv"', ResponseCacheControl="no-cache",
    )
    expect((got["ContentType"], got["ContentDisposition"], got["CacheControl"]),
           ("application/octet-stream", 'attachment; filename="r.csv"', "no-cache"))
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "py-a", "Key": "report.csv", "ResponseContentDisposition": "inline"}, ExpiresIn=60
    )
    download = urllib.request.urlopen(url)
    expect((download.headers["Content-Disposition"], download.headers["Content-Type"], download.read()), ("inline", "text/csv", b"a,b"))


@check("s3: ListParts and ListMultipartUploads, paged by botocore's paginators")
def _():
    s3.create_bucket(Bucket="py-uploads")
    ids = [s3.create_multipart_upload(Bucket="py-uploads", Key=key)["UploadId"] for key in ("dir/b", "a", "a")]
    for number in (1, 2, 3):
        s3.upload_part(Bucket="py-uploads", Key="dir/b", UploadId=ids[0], PartNumber=number, Body=b"part")
    first = s3.list_parts(Bucket="py-uploads", Key="dir/b", UploadId=ids[0], MaxParts=2)
    expect((first["IsTruncated"], first["NextPartNumberMarker"], [p["PartNumber"] for p in first["Parts"]]), (True, 2, [1, 2]))
    pages = s3.get_paginator("list_parts").paginate(
        Bucket="py-uploads", Key="dir/b", UploadId=ids[0], PaginationConfig={"PageSize": 2}
    )
    expect([[p["PartNumber"] for p in page.get("Parts", [])] for page in pages], [[1, 2], [3]])
    uploads = s3.get_paginator("list_multipart_uploads").paginate(Bucket="py-uploads", PaginationConfig={"PageSize": 1})
    expect([u["UploadId"] for page in uploads for u in page.get("Uploads", [])], [ids[1], ids[2], ids[0]])
    folders = s3.list_multipart_uploads(Bucket="py-uploads", Delimiter="/")
    expect(([u["Key"] for u in folders["Uploads"]], folders["CommonPrefixes"]), (["a", "a"], [{"Prefix": "dir/"}]))


@check("s3: a checksum header of the wrong length is InvalidRequest (400), not BadDigest")
def _():
    expect(error_code(lambda: s3.put_object(Bucket="py-a", Key="short.bin", Body=b"x", ChecksumCRC32="abc")), ("InvalidRequest", 400))
    expect(error_code(lambda: s3.head_object(Bucket="py-a", Key="short.bin")), ("404", 404))


@check("s3: bucket names S3 refuses (an IP address, xn--, -s3alias, --ol-s3, adjacent periods, uppercase) are InvalidBucketName")
def _():
    for name in ("192.168.5.4", "xn--py", "py-s3alias", "py--ol-s3", "py..b", "Py-Upper"):
        expect((name, error_code(lambda: s3.create_bucket(Bucket=name))), (name, ("InvalidBucketName", 400)))


@check("s3: CreateBucket of an owned bucket is 200 in us-east-1; a LocationConstraint of us-east-1 is InvalidLocationConstraint")
def _():
    expect(s3.create_bucket(Bucket="py-a")["ResponseMetadata"]["HTTPStatusCode"], 200)
    east = {"LocationConstraint": "us-east-1"}
    expect(error_code(lambda: s3.create_bucket(Bucket="py-east", CreateBucketConfiguration=east)), ("InvalidLocationConstraint", 400))
    west = {"LocationConstraint": "us-west-2"}
    expect(error_code(lambda: s3.create_bucket(Bucket="py-a", CreateBucketConfiguration=west)), ("BucketAlreadyOwnedByYou", 409))


@check("s3: a header section over 8 KB is 400 RequestHeaderSectionTooLarge")
def _():
    big = "d" * 9000
    expect(error_code(lambda: s3.put_object(Bucket="py-a", Key="big-header.txt", Body=b"x", ContentDisposition=big)),
           ("RequestHeaderSectionTooLarge", 400))
    expect(s3.get_object(Bucket="py-a", Key="inplace.txt")["Body"].read(), b"kept")


@check("sqs: a second PurgeQueue within 60 seconds is PurgeQueueInProgress (403)")
def _():
    url = sqs.create_queue(QueueName="py-purged")["QueueUrl"]
    sqs.purge_queue(QueueUrl=url)
    expect(error_code(lambda: sqs.purge_queue(QueueUrl=url)), ("AWS.SimpleQueueService.PurgeQueueInProgress", 403))


@check("sqs: a queue of a name deleted within 60 seconds is QueueDeletedRecently")
def _():
    sqs.delete_queue(QueueUrl=sqs.create_queue(QueueName="py-deleted")["QueueUrl"])
    expect(error_code(lambda: sqs.create_queue(QueueName="py-deleted")), ("AWS.SimpleQueueService.QueueDeletedRecently", 400))


@check("sqs: MessageAttributeNames prefix filters: cu.* is every attribute whose name starts with cu")
def _():
    url = sqs.create_queue(QueueName="py-attributes", Attributes={"VisibilityTimeout": "0"})["QueueUrl"]
    value = {"DataType": "String", "StringValue": "v"}
    sqs.send_message(QueueUrl=url, MessageBody="m", MessageAttributes={"custom": value, "cu.id": value, "other": value})
    for names, expected in ((["cu.*"], ["cu.id", "custom"]), ([".*"], ["cu.id", "custom", "other"]), (["no.*"], [])):
        message = sqs.receive_message(QueueUrl=url, MessageAttributeNames=names, WaitTimeSeconds=1)["Messages"][0]
        expect((names, sorted(message.get("MessageAttributes", {}))), (names, expected))


@check("sqs: message attributes are checked as SQS checks them (names, count, types, empty and invalid values)")
def _():
    url = sqs.create_queue(QueueName="py-attribute-rules")["QueueUrl"]
    send = lambda attributes: sqs.send_message(QueueUrl=url, MessageBody="m", MessageAttributes=attributes)
    string = lambda text: {"DataType": "String", "StringValue": text}
    refused = [
        {f"a{i}": string("v") for i in range(11)},
        {"AWS.trace": string("v")},
        {"amazon.trace": string("v")},
        {".trace": string("v")},
        {"trace..id": string("v")},
        {"trace id": string("v")},
        {"a" * 256: string("v")},
        {"empty": string("")},
        {"bad": string("nul \u0000 here")},
        {"type": {"DataType": "string", "StringValue": "v"}},
        {"age": {"DataType": "Number", "StringValue": "Hello"}},
    ]
    for attributes in refused:
        name = next(iter(attributes))[:20]
        expect((name, error_code(lambda: send(attributes))), (name, ("InvalidParameterValue", 400)))
    send({f"a{i}": string("v") for i in range(9)} | {"aws-ok.id": {"DataType": "Number.int", "StringValue": "-1.5e3"}})
    expect(int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"]), 1)


@check("sqs: a FIFO receive retried with its ReceiveRequestAttemptId gets the same messages and receipt handles")
def _():
    url = sqs.create_queue(QueueName="py-attempts.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    for body in ("a1", "a2"):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g")
    receive = lambda attempt: sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30, ReceiveRequestAttemptId=attempt
    ).get("Messages", [])
    first = [(m["Body"], m["ReceiptHandle"]) for m in receive("try-1")]
    expect([body for body, _ in first], ["a1", "a2"])
    expect([(m["Body"], m["ReceiptHandle"]) for m in receive("try-1")], first)
    expect(receive("try-2"), [])


@check("sqs: a RedrivePolicy whose dead-letter queue does not exist is refused")
def _():
    policy = json.dumps({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:py-nowhere", "maxReceiveCount": "2"})
    code, status = error_code(lambda: sqs.create_queue(QueueName="py-orphan", Attributes={"RedrivePolicy": policy}))
    expect(status, 400)
    if "InvalidAttributeValue" not in code and "InvalidParameterValue" not in code:
        raise AssertionError(f"unexpected code {code}")


@check("sqs: FIFO ordering and a DLQ after maxReceiveCount")
def _():
    dlq = sqs.create_queue(QueueName="py-dead.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue = sqs.create_queue(
        QueueName="py-work.fifo",
        Attributes={
            "FifoQueue": "true",
            "ContentBasedDeduplication": "true",
            "VisibilityTimeout": "1",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "1"}),
        },
    )["QueueUrl"]
    for body in ["first", "second"]:
        sqs.send_message(QueueUrl=queue, MessageBody=body, MessageGroupId="g")
    got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
    expect([m["Body"] for m in got], ["first", "second"])
    time.sleep(1.5)  # not deleted: after one receive, both go to the DLQ
    expect(sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []), [])
    dead = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
    expect([m["Body"] for m in dead], ["first", "second"])


def settle(statement_id, client=data):
    for _ in range(200):
        described = client.describe_statement(Id=statement_id)
        if described["Status"] in ("FINISHED", "FAILED", "ABORTED"):
            return described
        time.sleep(0.05)
    raise AssertionError("statement did not finish")


def query(sql, client=data, **extra):
    described = settle(client.execute_statement(Sql=sql, **{**TARGET, **extra})["Id"], client)
    if described["Status"] != "FINISHED":
        raise AssertionError(f"{sql}: {described['Status']}: {described.get('Error')}")
    return client.get_statement_result(Id=described["Id"])["Records"] if described.get("HasResultSet") else []


@check("data api: parameters, typed fields, and a BIGINT beyond 2^53 exact")
def _():
    records = query("SELECT :big::bigint AS big, :name AS name, 1.5::float8 AS f, NULL AS n", Parameters=[
        {"name": "big", "value": "9007199254740993"},
        {"name": "name", "value": "Zoë"},
    ])
    expect(records[0], [{"longValue": 9007199254740993}, {"stringValue": "Zoë"}, {"doubleValue": 1.5}, {"isNull": True}])


@check("data api: each call is its own session; another database fails as Redshift fails it; ListDatabases")
def _():
    query("CREATE TEMP TABLE py_scratch (id int)")
    failed = settle(data.execute_statement(Sql="SELECT * FROM py_scratch", **TARGET)["Id"])
    expect(failed["Status"], "FAILED")
    other = settle(data.execute_statement(Sql="SELECT 1", WorkgroupName="etl-dev", Database="nowhere")["Id"])
    expect((other["Status"], other["Error"]), ("FAILED", 'FATAL: database "nowhere" does not exist'))
    expect(data.list_databases(**TARGET)["Databases"], ["analytics"])


@check("data api: Redshift SQL translated (DATEADD, DATEDIFF on timestamptz, ADD_MONTHS, LISTAGG, DECODE, TOP); Spectrum and a PartiQL path named as unsupported")
def _():
    records = query(
        "SELECT TOP 1 DATEADD(day, 1, '2026-01-31')::text, DATEDIFF(month, '2026-01-31', '2026-02-01'),"
        " DECODE(2, 1, 'one', 2, 'two'), (SELECT LISTAGG(x, '-') WITHIN GROUP (ORDER BY x) FROM (SELECT 1 AS x UNION SELECT 2) s)"
    )
    expect(
        records[0],
        [{"stringValue": "2026-02-01 00:00:00"}, {"longValue": 1}, {"stringValue": "two"}, {"stringValue": "1-2"}],
    )
    tz = query("SELECT DATEDIFF(hour, '2026-01-01'::date, '2026-01-01 10:00+02'::timestamptz), ADD_MONTHS('2026-02-28', 1)::text")
    expect(tz[0], [{"longValue": 8}, {"stringValue": "2026-03-31 00:00:00"}])
    query("CREATE TABLE py_super (payload SUPER)")
    for sql in ("CREATE EXTERNAL SCHEMA s FROM DATA CATALOG DATABASE 'd'", "SELECT payload.customer.id FROM py_super"):
        refused = settle(data.execute_statement(Sql=sql, **TARGET)["Id"])
        if "is not supported by the local warehouse" not in refused.get("Error", ""):
            raise AssertionError(f"{sql}: {refused.get('Error')}")


@check("data api: a statement is SUBMITTED or STARTED before it is FINISHED")
def _():
    statement_id = data.execute_statement(Sql="SELECT pg_sleep(0.5)", **TARGET)["Id"]
    early = data.describe_statement(Id=statement_id)["Status"]
    if early not in ("SUBMITTED", "PICKED", "STARTED"):
        raise AssertionError(f"first status {early}")
    expect(settle(statement_id)["Status"], "FINISHED")


@check("data api: COPY from S3 keeps '' in VARCHAR and NULL elsewhere (EMPTYASNULL makes both NULL); UNLOAD writes to S3")
def _():
    s3.create_bucket(Bucket="py-warehouse")
    s3.put_object(Bucket="py-warehouse", Key="in/rows.csv.gz", Body=gzip.compress(b'1,,\n2,"",5\n'))
    query("CREATE TABLE py_copied (id INT, name VARCHAR(10), qty INT)")
    shown = "SELECT id, coalesce('[' || name || ']', 'NULL'), coalesce(qty::text, 'NULL') FROM py_copied ORDER BY id"
    for options, rows in (
        ("", [["1", "[]", "NULL"], ["2", "[]", "5"]]),
        ("EMPTYASNULL", [["1", "NULL", "NULL"], ["2", "[]", "5"]]),
    ):
        query("TRUNCATE py_copied")
        query(f"COPY py_copied FROM 's3://py-warehouse/in/' IAM_ROLE default CSV GZIP {options}")
        expect([[str(next(iter(field.values()))) for field in record] for record in query(shown)], rows)
    query("UNLOAD ('SELECT id, qty FROM py_copied ORDER BY id') TO 's3://py-warehouse/out/rows_' IAM_ROLE default CSV PARALLEL OFF")
    expect(s3.get_object(Bucket="py-warehouse", Key="out/rows_000")["Body"].read(), b"1,\n2,5\n")


@check("data api: malformed requests are ValidationException, an unknown Id ResourceNotFoundException")
def _():
    try:
        data.execute_statement(Sql="SELECT 1; SELECT 2", **TARGET)
        raise AssertionError("no error")
    except data.exceptions.ValidationException:
        pass
    try:
        data.describe_statement(Id="00000000-0000-0000-0000-000000000000")
        raise AssertionError("no error")
    except data.exceptions.ResourceNotFoundException:
        pass


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource):
    return {"Effect": "Allow", "Action": action, "Resource": resource}


TRUST_ACCOUNT = policy(
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}
)
roles = {}


def assumed(role, document):
    """The temporary credentials of a role trusting the account, with one inline policy (created and assumed once)."""
    if role not in roles:
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST_ACCOUNT)
        iam.put_role_policy(RoleName=role, PolicyName="only", PolicyDocument=document)
        arn = f"arn:aws:iam::{ACCOUNT}:role/{role}"
        roles[role] = sts.assume_role(RoleArn=arn, RoleSessionName="conformance")["Credentials"]
    return roles[role]


def client_as(credentials, service, secret=None):
    """A client signing with `credentials` (with `secret` in place of theirs, to sign wrongly)."""
    signer = boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=secret or credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    variable = "AWS_ENDPOINT_URL_" + service.upper().replace("-", "_")
    return signer.client(service, endpoint_url=os.environ[variable], config=config)


READER = f"py-reader-{VERSION}"


def reader():
    """A role that may only s3:GetObject in py-a."""
    return assumed(READER, policy(allow("s3:GetObject", "arn:aws:s3:::py-a/*")))


@check("iam/sts: a role trusting the account root is created and assumed; GetCallerIdentity is the assumed role")
def _():
    credentials = reader()
    if not credentials["AccessKeyId"].startswith("ASIA"):
        raise AssertionError(f"access key id {credentials['AccessKeyId']}")
    role = iam.get_role(RoleName=READER)["Role"]
    expect((role["Arn"], role["AssumeRolePolicyDocument"]), (f"arn:aws:iam::{ACCOUNT}:role/{READER}", json.loads(TRUST_ACCOUNT)))
    inline = iam.get_role_policy(RoleName=READER, PolicyName="only")["PolicyDocument"]
    expect(inline["Statement"][0]["Action"], "s3:GetObject")
    identity = client_as(credentials, "sts").get_caller_identity()
    expect(
        (identity["Account"], identity["Arn"]),
        (ACCOUNT, f"arn:aws:sts::{ACCOUNT}:assumed-role/{READER}/conformance"),
    )
    expect(identity["UserId"], f"{role['RoleId']}:conformance")


@check("s3 as an assumed role: GetObject of a missing key is 403 AccessDenied without s3:ListBucket, NoSuchKey (404) with it")
def _():
    s3.put_object(Bucket="py-a", Key="iam/readable.txt", Body=b"readable")
    role_s3 = client_as(reader(), "s3")
    expect(role_s3.get_object(Bucket="py-a", Key="iam/readable.txt")["Body"].read(), b"readable")
    expect(error_code(lambda: role_s3.get_object(Bucket="py-a", Key="iam/missing.txt")), ("AccessDenied", 403))
    expect(error_code(lambda: role_s3.put_object(Bucket="py-a", Key="iam/new.txt", Body=b"x")), ("AccessDenied", 403))
    expect(error_code(lambda: role_s3.get_object(Bucket="py-b", Key="data.csv")), ("AccessDenied", 403))
    iam.put_role_policy(RoleName=READER, PolicyName="list", PolicyDocument=policy(allow("s3:ListBucket", "arn:aws:s3:::py-a")))
    try:
        role_s3.get_object(Bucket="py-a", Key="iam/missing.txt")
        raise AssertionError("no error")
    except role_s3.exceptions.NoSuchKey as error:
        expect(error.response["ResponseMetadata"]["HTTPStatusCode"], 404)


@check("sqs as an assumed role: SendMessage to a queue its policy does not cover is AccessDenied (403), in either protocol")
def _():
    queue_url = sqs.create_queue(QueueName="py-guarded")["QueueUrl"]
    role_sqs = client_as(reader(), "sqs")
    denied = error_code(lambda: role_sqs.send_message(QueueUrl=queue_url, MessageBody="not allowed"))
    if denied != ("AccessDenied", 403):  # botocore reads the query protocol's <Code>, or JSON's x-amzn-query-error
        raise AssertionError(f"over {role_sqs.meta.service_model.protocol}: {denied}")
    expect(sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=0).get("Messages", []), [])


@check("data api as assumed roles: each runs as IAMR:<role>; another role's table is denied until it GRANTs SELECT")
def _():
    data_policy = policy(
        allow(["redshift-data:ExecuteStatement", "redshift-serverless:GetCredentials"], WORKGROUP_ARN),
        allow(["redshift-data:DescribeStatement", "redshift-data:GetStatementResult"], "*"),
    )
    owner_role, analyst_role = f"py-owner-{VERSION}", f"py-analyst-{VERSION}"
    owner = client_as(assumed(owner_role, data_policy), "redshift-data")
    analyst = client_as(assumed(analyst_role, data_policy), "redshift-data")
    expect(query("SELECT current_user", client=owner), [[{"stringValue": f"IAMR:{owner_role}"}]])
    expect(query("SELECT current_user", client=analyst), [[{"stringValue": f"IAMR:{analyst_role}"}]])
    query("CREATE TABLE py_owned (id int)", client=owner)
    query("INSERT INTO py_owned VALUES (1)", client=owner)
    denied = settle(analyst.execute_statement(Sql="SELECT id FROM py_owned", **TARGET)["Id"], analyst)
    if denied["Status"] != "FAILED" or "permission denied for relation" not in denied.get("Error", ""):
        raise AssertionError(f"{denied['Status']}: {denied.get('Error')}")
    query(f'GRANT SELECT ON py_owned TO "IAMR:{analyst_role}"', client=owner)
    expect(query("SELECT id FROM py_owned", client=analyst), [[{"longValue": 1}]])


@check("signatures: an assumed key id and token with a wrong secret are SignatureDoesNotMatch (403) from S3 and STS")
def _():
    credentials = reader()
    wrong = credentials["SecretAccessKey"][:-1] + ("A" if credentials["SecretAccessKey"][-1] != "A" else "B")
    role_s3 = client_as(credentials, "s3", secret=wrong)
    expect(error_code(lambda: role_s3.get_object(Bucket="py-a", Key="iam/readable.txt")), ("SignatureDoesNotMatch", 403))
    expect(error_code(lambda: client_as(credentials, "sts", secret=wrong).get_caller_identity()), ("SignatureDoesNotMatch", 403))


print(f"boto3 {boto3.__version__}: {conformance_checks.failures} failed", flush=True)
sys.exit(conformance_checks.failures)
