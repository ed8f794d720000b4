#!/bin/sh
# Runs the payment processor's tests (a local moto server, loopback only) from any directory.
# Exit status: the suite's. PYTHON picks the interpreter (default python3; it needs boto3, moto).
set -eu
root=$(CDPATH= cd -- "$(dirname -- "$0")/../.." && pwd)
cd "$root"
exec "${PYTHON:-python3}" -m unittest discover -s tests/lambda -v "$@"
