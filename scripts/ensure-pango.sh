#!/usr/bin/env bash
# PDFs (certificates, clinic and legal packs) are laid out by WeasyPrint with the system's Pango
# and fonts. Install them with apt if they are missing and we may; otherwise say how.
set -eu
if ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' && fc-list 2>/dev/null | grep -qi 'dejavu'; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Pango and fonts for PDFs (WeasyPrint)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
    fonts-dejavu-core >/dev/null
else
  echo "PDFs need Pango and a font: run 'sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core'." >&2
fi
