"""boto3 against the local Redshift Data API: what botocore parses must be what AWS answers.

Run by boto3DataApi.test.ts with each boto3 the machine has; the endpoint comes from
AWS_ENDPOINT_URL_REDSHIFT_DATA. One line per check ("ok <name>" or "FAIL <name>: <why>"); the
exit code is the number of failed checks. What each check expects, and where AWS says so:
- ColumnMetadata: the Management Guide's get-statement-result examples (int4 of precision 10,
  a table's schema and name, NOT NULL as nullable 0, length 0) and Redshift's type names;
- a batch's DescribeStatement: the Guide's describe-statement example after batch-execute-statement
  (HasResultSet true, ResultRows and ResultSize summed, RedshiftPid the backend's);
- DescribeStatement of `<id>:<n>`: the API reference (a suffix names a batch's sub-statement);
- a malformed Id: "id must satisfy regex pattern: …" (ValidationException), an unknown one
  "Query does not exist." (ResourceNotFoundException with its ResourceId);
- a body that is not a JSON object: 400 SerializationException, as JSON 1.1 services answer.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["AWS_ENDPOINT_URL_REDSHIFT_DATA"]
config = Config(region_name="us-east-1", retries={"max_attempts": 1})
session = boto3.session.Session(aws_access_key_id="local", aws_secret_access_key="local")
data = session.client("redshift-data", endpoint_url=ENDPOINT, config=config)
TARGET = {"WorkgroupName": "etl-dev", "Database": "analytics"}
ID_PATTERN = "id must satisfy regex pattern: ^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\\d+)?$"
# tables of their own per boto3 version, should two versions ever share a stack
SUFFIX = boto3.__version__.replace(".", "_")

from conformance_checks import check  # noqa: E402 (beside this script)
import conformance_checks  # noqa: E402


def expect(actual, expected):
    if actual != expected:
        raise AssertionError(f"expected {expected!r}, got {actual!r}")


def client_error(call):
    try:
        call()
    except ClientError as error:
        return error.response
    raise AssertionError("the call succeeded")


def settle(statement_id):
    for _ in range(600):
        described = data.describe_statement(Id=statement_id)
        if described["Status"] in ("FINISHED", "FAILED", "ABORTED"):
            return described
        time.sleep(0.05)
    raise AssertionError(f"{statement_id} did not finish")


def run(sql):
    described = settle(data.execute_statement(Sql=sql, **TARGET)["Id"])
    if described["Status"] != "FINISHED":
        raise AssertionError(f"{sql} -> {described['Status']}: {described.get('Error')}")
    return described


def batch(sqls):
    return settle(data.batch_execute_statement(Sqls=sqls, **TARGET)["Id"])


def raw(operation, body):
    """A Data API call as bytes on the wire: its HTTP status and parsed JSON body."""
    request = urllib.request.Request(
        ENDPOINT,
        data=body.encode(),
        method="POST",
        headers={"content-type": "application/x-amz-json-1.1", "x-amz-target": f"RedshiftData.{operation}"},
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


TABLE = f"py_meta_{SUFFIX}"


@check("data api: ColumnMetadata names and measures columns as Redshift does, with the table and schema they were read from")
def _():
    run(f"CREATE TABLE {TABLE} (id INT4 NOT NULL, code VARCHAR(20), amount NUMERIC(12,2), doc SUPER)")
    run(f"INSERT INTO {TABLE} VALUES (1, 'a', 1.25, JSON_PARSE('[1]'))")
    described = run(f"SELECT id, code, amount, doc, 'abc'::TEXT AS txt, now()::TIMESTAMP AS ts FROM {TABLE}")
    columns = data.get_statement_result(Id=described["Id"])["ColumnMetadata"]
    measured = [
        (c["name"], c["typeName"], c["precision"], c["scale"], c["length"], c["nullable"], c["schemaName"], c["tableName"])
        for c in columns
    ]
    expect(
        measured,
        [
            ("id", "int4", 10, 0, 0, 0, "public", TABLE),
            ("code", "varchar", 20, 0, 0, 1, "public", TABLE),
            ("amount", "numeric", 12, 2, 0, 1, "public", TABLE),
            ("doc", "super", 2147483647, 0, 0, 1, "public", TABLE),
            ("txt", "varchar", 65535, 0, 0, 1, "", ""),
            ("ts", "timestamp", 29, 6, 0, 1, "", ""),
        ],
    )
    expect([(c["isSigned"], c["isCaseSensitive"], c["isCurrency"]) for c in columns[:2]], [(True, False, False), (False, True, False)])


@check("data api: DescribeTable gives super, VARCHAR(20) as length and precision 20, NUMERIC(12,2), int4 of precision 10")
def _():
    listed = data.describe_table(Schema="public", Table=TABLE, **TARGET)["ColumnList"]
    expect(
        [(c["name"], c["typeName"], c["precision"], c["scale"], c["length"], c["nullable"]) for c in listed],
        [
            ("id", "int4", 10, 0, 0, 0),
            ("code", "varchar", 20, 0, 20, 1),
            ("amount", "numeric", 12, 2, 0, 1),
            ("doc", "super", 2147483647, 0, 0, 1),
        ],
    )


@check("data api: RedshiftPid is the backend's process id, the one the statement ran on")
def _():
    described = run("SELECT pg_backend_pid()")
    [[pid]] = data.get_statement_result(Id=described["Id"])["Records"]
    if described["RedshiftPid"] <= 0:
        raise AssertionError(f"RedshiftPid {described['RedshiftPid']}")
    expect(described["RedshiftPid"], pid["longValue"])


@check("data api: a batch has a result set if a sub-statement has one, and their rows and sizes summed")
def _():
    described = batch([f"CREATE TABLE py_batch_{SUFFIX} (v INT)", f"INSERT INTO py_batch_{SUFFIX} VALUES (1), (2)", "SELECT 1 AS one"])
    subs = described["SubStatements"]
    expect((described["Status"], described["HasResultSet"], described["ResultRows"]), ("FINISHED", True, 0 + 2 + 1))
    expect(described["ResultSize"], sum(s["ResultSize"] for s in subs))
    expect("QueryString" in described, False)
    quiet = batch([f"CREATE TABLE py_quiet_{SUFFIX} (v INT)"])
    expect(quiet["HasResultSet"], False)


@check("data api: DescribeStatement of a sub-statement <id>:<n> describes that statement")
def _():
    described = batch(["SELECT 1 AS one", "SELECT g FROM generate_series(1, 3) g"])
    second = data.describe_statement(Id=f"{described['Id']}:2")
    expect(
        (second["Id"], second["Status"], second["QueryString"], second["HasResultSet"], second["ResultRows"]),
        (f"{described['Id']}:2", "FINISHED", "SELECT g FROM generate_series(1, 3) g", True, 3),
    )
    expect("SubStatements" in second, False)
    try:
        data.describe_statement(Id=f"{described['Id']}:3")
        raise AssertionError("no error")
    except data.exceptions.ResourceNotFoundException as error:
        expect(error.response["Error"]["Message"], "Query does not exist.")


@check("data api: a malformed Id is ValidationException (AWS's regex message), an unknown one ResourceNotFoundException")
def _():
    for call in (data.describe_statement, data.get_statement_result, data.cancel_statement):
        for statement_id in ("not-a-statement", "D9B6C0C9-0747-4BF4-B142-E8883122F766"):
            try:
                call(Id=statement_id)
                raise AssertionError("no error")
            except data.exceptions.ValidationException as error:
                expect((error.response["Error"]["Message"], error.response["ResponseMetadata"]["HTTPStatusCode"]), (ID_PATTERN, 400))
    unknown = "d9b6c0c9-0747-4bf4-b142-e8883122f766"
    response = client_error(lambda: data.describe_statement(Id=unknown))
    expect((response["Error"]["Code"], response["Error"]["Message"]), ("ResourceNotFoundException", "Query does not exist."))
    expect(raw("DescribeStatement", json.dumps({"Id": unknown}))[1].get("ResourceId"), unknown)


@check("data api: a body of null, an array or a number is 400 SerializationException, not a 500 SDKs would retry")
def _():
    for body in ("null", "[]", "42", "{"):
        status, answer = raw("DescribeStatement", body)
        expect((body, status, answer.get("__type")), (body, 400, "SerializationException"))


@check("data api: GetStatementResult of a statement without a result set, and of a batch's own Id, as AWS refuses them")
def _():
    created = run(f"CREATE TABLE py_no_result_{SUFFIX} (v INT)")
    response = client_error(lambda: data.get_statement_result(Id=created["Id"]))
    expect(
        (response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]),
        ("ResourceNotFoundException", "Query does not have result. Please check query status with DescribeStatement.", 400),
    )
    described = batch(["SELECT 1", "SELECT 2"])
    response = client_error(lambda: data.get_statement_result(Id=described["Id"]))
    expect(
        (response["Error"]["Code"], response["Error"]["Message"]),
        ("ValidationException", "BatchExecuteStatement result can only be retrieved with sub-statement id."),
    )
    expect(data.get_statement_result(Id=f"{described['Id']}:2")["Records"], [[{"longValue": 2}]])


def failed(sql):
    """The error of a statement that must fail."""
    described = settle(data.execute_statement(Sql=sql, **TARGET)["Id"])
    if described["Status"] != "FAILED":
        raise AssertionError(f"{sql} -> {described['Status']}, expected FAILED")
    return described["Error"]


def values(sql):
    return [[list(field.values())[0] for field in row] for row in data.get_statement_result(Id=run(sql)["Id"])["Records"]]


@check("redshift semantics: keys are informational, a duplicate primary key is stored")
def _():
    run(f"CREATE TABLE py_keys_{SUFFIX} (id INT PRIMARY KEY, code VARCHAR(8) UNIQUE)")
    run(f"INSERT INTO py_keys_{SUFFIX} VALUES (1, 'a'), (1, 'a')")
    expect(values(f"SELECT COUNT(*) FROM py_keys_{SUFFIX}"), [[2]])


@check("redshift semantics: MERGE from a subquery is refused, from a table it runs; several matches named as Redshift names them")
def _():
    run(f"CREATE TABLE py_target_{SUFFIX} (id INT, v INT)")
    run(f"CREATE TABLE py_source_{SUFFIX} (id INT, v INT)")
    run(f"INSERT INTO py_source_{SUFFIX} VALUES (1, 1), (1, 2)")
    whens = "WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v)"
    on = f"ON py_target_{SUFFIX}.id = s.id"
    assert "MERGE's source must be a table" in failed(f"MERGE INTO py_target_{SUFFIX} USING (SELECT 1 AS id, 1 AS v) s {on} {whens}")
    run(f"INSERT INTO py_target_{SUFFIX} VALUES (1, 0)")
    expect(failed(f"MERGE INTO py_target_{SUFFIX} USING py_source_{SUFFIX} s {on} {whens}"), "ERROR: Found multiple matches to update the same tuple.")


@check("redshift semantics: IDENTITY refuses an explicit value; DATE_TRUNC of a date is a timestamp; UNLOAD refuses an outer LIMIT")
def _():
    run(f"CREATE TABLE py_ids_{SUFFIX} (id BIGINT IDENTITY(1, 1), v INT)")
    expect(failed(f"INSERT INTO py_ids_{SUFFIX} (id, v) VALUES (5, 1)"), "ERROR: cannot set an identity column to a value")
    expect(values("SELECT DATE_TRUNC('month', DATE '2026-12-06')::VARCHAR"), [["2026-12-01 00:00:00"]])
    assert "LIMIT in the outermost SELECT" in failed("UNLOAD ('SELECT 1 LIMIT 1') TO 's3://nowhere/x/'")


@check("data api: a query string over 100 KB is a ValidationException")
def _():
    error = client_error(lambda: data.execute_statement(Sql="SELECT '" + "x" * (100 * 1024) + "'", **TARGET))
    expect((error["Error"]["Code"], error["Error"]["Message"]), ("ValidationException", "Cannot process query string larger than 100kB"))


print(f"boto3 {boto3.__version__}: {conformance_checks.failures} failed", flush=True)
sys.exit(conformance_checks.failures)
