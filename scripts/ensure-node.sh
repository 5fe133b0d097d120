#!/usr/bin/env bash
# The browser tests inject axe-core from the npm package (package.json): they need npm.
set -eu
if command -v npm >/dev/null; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's nodejs and npm for the accessibility checks..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
else
  echo "The accessibility checks need npm: run 'sudo apt-get install nodejs npm'." >&2
  exit 1
fi
