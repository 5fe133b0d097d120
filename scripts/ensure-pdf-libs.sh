#!/usr/bin/env bash
# WeasyPrint (the clinic's PDF packs) uses the system's pango and HarfBuzz-Subset (without it
# WeasyPrint warns, and the test suite treats warnings as errors); install them where missing.
set -eu
if ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so" && ldconfig -p | grep -q "libpangoft2-1.0.so" \
    && ldconfig -p | grep -q "libharfbuzz-subset.so"; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing pango for WeasyPrint (PDF packs)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core >/dev/null
else
  echo "PDF packs need pango: run 'sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0'." >&2
  exit 1
fi
