#!/usr/bin/env bash
# Render resources/icons/ninety.svg to the PNG sizes a desktop needs.
# Needs rsvg-convert (Debian/Ubuntu: apt-get install -y librsvg2-bin) and the
# DejaVu Sans Bold font for the "90" (fonts-dejavu-core). The PNGs are committed;
# run this again only when the SVG changes.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v rsvg-convert >/dev/null || { echo "make_icons: rsvg-convert missing (apt-get install -y librsvg2-bin)" >&2; exit 1; }
for size in 16 24 32 48 64 128 256 512; do
    rsvg-convert --width "$size" --height "$size" --keep-aspect-ratio \
        --output "resources/icons/ninety-$size.png" resources/icons/ninety.svg
done
ls -l resources/icons/ninety-*.png
