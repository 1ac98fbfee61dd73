#!/usr/bin/env bash
# Run the whole test suite on any machine: creates .venv when missing, installs the package with its test
# extras, installs Debian's chromium for the browser tests when it is missing, then runs pytest.
# Extra arguments go to pytest (e.g. scripts/test.sh -k dashboard).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test,dask]"
if [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian's chromium for the browser tests" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
# unbuffered, so a log read while the suite runs (or after CI stops it) shows the last test reached
PYTHONUNBUFFERED=1 exec .venv/bin/python -m pytest "$@"
