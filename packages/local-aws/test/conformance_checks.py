"""What the boto3 conformance scripts share: a check decorator that runs a check at once, prints
`ok <name>` or `FAIL <name>: …`, and counts the failures, so one failed check does not hide the others."""

failures = 0


def check(name):
    def run(test):
        global failures
        try:
            test()
            print(f"ok {name}", flush=True)
        except Exception as error:  # a failed check is reported, the others still run
            failures += 1
            print(f"FAIL {name}: {type(error).__name__}: {error}", flush=True)
        return test

    return run
