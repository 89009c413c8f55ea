#!/usr/bin/env bash
# Install Ninety's desktop integration for the current user (`make install-desktop`):
#   the launcher      $XDG_DATA_HOME/applications/app.ninety.Ninety.desktop
#   the MIME type     $XDG_DATA_HOME/mime/packages/app.ninety.Ninety.xml  (*.ninety)
#   the icons         $XDG_DATA_HOME/icons/hicolor/<size>x<size>/apps/app.ninety.Ninety.png
#                     $XDG_DATA_HOME/icons/hicolor/scalable/apps/app.ninety.Ninety.svg
# ($XDG_DATA_HOME defaults to ~/.local/share.) The caches are refreshed when the
# tools exist; a missing update-desktop-database / update-mime-database /
# gtk-update-icon-cache is not an error.
#
# The launcher runs `ninety` from PATH. If a bundle was built (dist/ninety) and
# ~/.local/bin/ninety is free, it is linked there.
#
#   packaging/linux/install-desktop.sh              install
#   packaging/linux/install-desktop.sh --uninstall  remove what install put there
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/packaging/linux"
ID="app.ninety.Ninety"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
BIN_DIR="$HOME/.local/bin"
BUNDLE_EXE="$ROOT/dist/ninety/ninety"
SIZES=(16 24 32 48 64 128 256 512)

have() { command -v "$1" >/dev/null 2>&1; }

refresh_caches() {
    if have update-desktop-database; then
        update-desktop-database -q "$DATA/applications" || echo "install-desktop: update-desktop-database failed (ignored)" >&2
    fi
    if have update-mime-database; then
        update-mime-database "$DATA/mime" >/dev/null || echo "install-desktop: update-mime-database failed (ignored)" >&2
    fi
    if have gtk-update-icon-cache && [[ -f "$DATA/icons/hicolor/index.theme" ]]; then
        gtk-update-icon-cache -q -t -f "$DATA/icons/hicolor" || true
    fi
}

if [[ "${1:-}" == "--uninstall" ]]; then
    rm -f "$DATA/applications/$ID.desktop" "$DATA/mime/packages/$ID.xml" \
          "$DATA/icons/hicolor/scalable/apps/$ID.svg"
    for size in "${SIZES[@]}"; do
        rm -f "$DATA/icons/hicolor/${size}x${size}/apps/$ID.png"
    done
    if [[ -L "$BIN_DIR/ninety" && "$(readlink "$BIN_DIR/ninety")" == "$BUNDLE_EXE" ]]; then
        rm -f "$BIN_DIR/ninety"
    fi
    refresh_caches
    echo "install-desktop: removed Ninety's launcher, MIME type and icons from $DATA"
    exit 0
fi

if have desktop-file-validate; then
    desktop-file-validate "$HERE/$ID.desktop"
fi

install -D -m 644 "$HERE/$ID.desktop" "$DATA/applications/$ID.desktop"
install -D -m 644 "$HERE/$ID.xml" "$DATA/mime/packages/$ID.xml"
for size in "${SIZES[@]}"; do
    png="$ROOT/resources/icons/ninety-$size.png"
    [[ -f "$png" ]] || { echo "install-desktop: $png is missing (packaging/make_icons.sh makes it)" >&2; exit 1; }
    install -D -m 644 "$png" "$DATA/icons/hicolor/${size}x${size}/apps/$ID.png"
done
install -D -m 644 "$ROOT/resources/icons/ninety.svg" "$DATA/icons/hicolor/scalable/apps/$ID.svg"
refresh_caches

if [[ -x "$BUNDLE_EXE" && ! -e "$BIN_DIR/ninety" ]]; then
    mkdir -p "$BIN_DIR"
    ln -s "$BUNDLE_EXE" "$BIN_DIR/ninety"
    echo "install-desktop: linked $BIN_DIR/ninety -> $BUNDLE_EXE"
fi
echo "install-desktop: installed the launcher, the .ninety MIME type and the icons into $DATA"
if ! have ninety && [[ ! -x "$BIN_DIR/ninety" ]]; then
    echo "install-desktop: note: 'ninety' is not on PATH; the launcher runs 'ninety %F' (build the bundle with make package, then run this again)" >&2
fi
