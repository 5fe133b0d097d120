#!/usr/bin/env bash
# Make sure a python3.12 is on PATH (pyenv provides it on these machines via .python-version).
set -euo pipefail
version="$1"
if command -v "python${version}" >/dev/null 2>&1; then exit 0; fi
if command -v pyenv >/dev/null 2>&1 && pyenv prefix "${version}" >/dev/null 2>&1; then
  exit 0
fi
echo "Python ${version} is required. Install it (e.g. 'pyenv install ${version}' or 'apt-get install python${version}') and retry." >&2
exit 1
