#!/usr/bin/env bash
# Smoke test of the PyInstaller bundle (run by `make package-check` after `make package`).
#
#   packaging/smoke_test.sh [BUNDLE_DIR]      default: dist/ninety
#
# Runs the bundled `ninety` headless (QT_QPA_PLATFORM=offscreen) from a scratch
# folder: --version, demo, summary --json, export (when the build has it),
# check (twice: cold, then warm; and on X11 under xvfb-run when installed), a bad
# file (must exit 2), and checks that the resources, the alembic migrations and
# the SVG icon engine come from inside the bundle and that no unwanted Qt module
# or Python binding slipped in. Then times `check` from source (.venv/bin/ninety)
# for comparison. Any failure exits non-zero.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUNDLE="$(cd "${1:-$ROOT/dist/ninety}" 2>/dev/null && pwd)" || { echo "smoke_test: no bundle at ${1:-dist/ninety}; run make package" >&2; exit 1; }
NINETY="$BUNDLE/ninety"
INTERNAL="$BUNDLE/_internal"
SOURCE_NINETY="${SOURCE_NINETY:-$ROOT/.venv/bin/ninety}"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/ninety-smoke.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"  # nothing may come from the source tree or the current folder

export QT_QPA_PLATFORM=offscreen
export NINETY_DATA_DIR="$TMP/data"
unset PYTHONPATH PYTHONHOME QT_PLUGIN_PATH QT_DEBUG_PLUGINS 2>/dev/null || true

fail() { echo "smoke_test: FAIL: $*" >&2; exit 1; }
step() { printf '\n== %s\n' "$*"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

[[ -x "$NINETY" ]] || fail "$NINETY is missing or not executable; run make package"

step "layout"
for f in resources/style.qss resources/icons/ninety.svg resources/icons/ninety-256.png \
         models/core/migrations/env.py models/core/migrations/script.py.mako; do
    [[ -f "$INTERNAL/$f" ]] || fail "the bundle lacks _internal/$f"
done
compgen -G "$INTERNAL/models/core/migrations/versions/*.py" >/dev/null || fail "the bundle lacks the migration scripts"
echo "resources and models/core/migrations are in place"

step "lean: no unwanted Qt modules or bindings"
unwanted="$(find "$BUNDLE" \( -name 'libQt6Qml*' -o -name 'libQt6Quick*' -o -name 'libQt6WebEngine*' \
    -o -name 'libQt63D*' -o -name 'libQt6Multimedia*' -o -name 'libQt6Network*' -o -name 'libQt6Pdf*' \
    -o -name 'libQt6Charts*' -o -name 'QtWebEngineProcess' -o -name 'PyQt5' -o -name 'PyQt6' \
    -o -name 'tkinter' -o -name '_tkinter*' -o -name 'libtk*' -o -name 'libtcl*' \) -print)"
[[ -z "$unwanted" ]] || fail "unwanted files in the bundle:"$'\n'"$unwanted"
dangling="$(find "$BUNDLE" -xtype l -print)"
[[ -z "$dangling" ]] || fail "dangling symlinks in the bundle:"$'\n'"$dangling"
echo "Qt libraries: $(cd "$INTERNAL/PySide6/Qt/lib" && ls | sed -n 's/^libQt6\(.*\)\.so\..*/\1/p' | sort | tr '\n' ' ')"

step "ninety --version"
version="$("$NINETY" --version)"
echo "$version"
[[ "$version" =~ ^ninety\ [0-9] ]] || fail "unexpected --version output: $version"

step "ninety demo $TMP/demo.ninety"
"$NINETY" demo "$TMP/demo.ninety"
[[ -s "$TMP/demo.ninety" ]] || fail "demo wrote nothing"

step "ninety summary --json"
"$NINETY" summary "$TMP/demo.ninety" --json >"$TMP/summary.json"
if command -v python3 >/dev/null; then
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["plan"] and d["steps"], d; print(d["plan"], "-", d["rag"])' "$TMP/summary.json" \
        || fail "summary --json is not the expected JSON"
else
    grep -q '"plan":' "$TMP/summary.json" || fail "summary --json has no plan"
fi

if "$NINETY" export --help >/dev/null 2>&1; then
    step "ninety export (openpyxl, and lxml when installed, from the bundle)"
    "$NINETY" export "$TMP/demo.ninety" -o "$TMP/pack.xlsx"
    [[ -s "$TMP/pack.xlsx" ]] || fail "export wrote nothing"
fi

step "ninety check (cold: first start, builds matplotlib's font cache)"
export MPLCONFIGDIR="$TMP/mpl-bundle"
t0="$(now)"
QT_DEBUG_PLUGINS=1 "$NINETY" check "$TMP/demo.ninety" --charts --timeout 60 >"$TMP/check.out" 2>"$TMP/check.err" \
    || { cat "$TMP/check.out" "$TMP/check.err" >&2; fail "ninety check failed"; }
bundle_cold="$(secs "$t0" "$(now)")"
cat "$TMP/check.out"
grep -q "^ok: " "$TMP/check.out" || fail "ninety check did not report ok"
grep -q "$INTERNAL/PySide6/Qt/plugins/iconengines/libqsvgicon.so\" loaded library" "$TMP/check.err" \
    || fail "the SVG icon engine was not loaded from the bundle"
outside="$(grep 'loaded library' "$TMP/check.err" | grep -v "\"$INTERNAL/" || true)"
[[ -z "$outside" ]] || fail "Qt plugins loaded from outside the bundle:"$'\n'"$outside"

step "ninety check (warm)"
t0="$(now)"
"$NINETY" check "$TMP/demo.ninety" --charts --timeout 60 2>"$TMP/check2.err" || { cat "$TMP/check2.err" >&2; fail "ninety check failed (warm)"; }
bundle_warm="$(secs "$t0" "$(now)")"

if command -v xvfb-run >/dev/null; then
    step "ninety check on X11 (xvfb-run: the xcb platform plugin and its libraries)"
    QT_QPA_PLATFORM=xcb QT_DEBUG_PLUGINS=1 xvfb-run -a -s "-screen 0 1280x800x24" \
        "$NINETY" check "$TMP/demo.ninety" --charts --timeout 60 >"$TMP/xcb.out" 2>"$TMP/xcb.err" \
        || { cat "$TMP/xcb.out" "$TMP/xcb.err" >&2; fail "ninety check failed on X11"; }
    cat "$TMP/xcb.out"
    grep -q "$INTERNAL/PySide6/Qt/plugins/platforms/libqxcb.so\" loaded library" "$TMP/xcb.err" \
        || fail "the xcb platform plugin was not loaded from the bundle"
fi

step "a file that is not a workspace: exit 2, one line"
echo "not a database" >"$TMP/bad.ninety"
set +e
"$NINETY" check "$TMP/bad.ninety" 2>"$TMP/bad.err"
code=$?
set -e
cat "$TMP/bad.err"
[[ $code -eq 2 ]] || fail "expected exit 2 for a bad file, got $code"

if command -v desktop-file-validate >/dev/null; then
    step "desktop-file-validate packaging/linux/app.ninety.Ninety.desktop"
    desktop-file-validate "$ROOT/packaging/linux/app.ninety.Ninety.desktop" || fail "the .desktop file does not validate"
    echo "valid"
fi

source_cold="" source_warm=""
if [[ -x "$SOURCE_NINETY" ]]; then
    step "from source: $SOURCE_NINETY check (cold, then warm)"
    export MPLCONFIGDIR="$TMP/mpl-source"
    t0="$(now)"; "$SOURCE_NINETY" check "$TMP/demo.ninety" --timeout 60 2>/dev/null; source_cold="$(secs "$t0" "$(now)")"
    t0="$(now)"; "$SOURCE_NINETY" check "$TMP/demo.ninety" --timeout 60 2>/dev/null; source_warm="$(secs "$t0" "$(now)")"
fi

step "report"
printf 'bundle:          %s\n' "$BUNDLE"
printf 'bundle size:     %s (%s bytes, %s files)\n' "$(du -sh "$BUNDLE" | cut -f1)" \
    "$(du -sb "$BUNDLE" | cut -f1)" "$(find "$BUNDLE" -type f | wc -l)"
printf 'check, bundle:   %ss cold, %ss warm\n' "$bundle_cold" "$bundle_warm"
if [[ -n "$source_cold" ]]; then
    printf 'check, source:   %ss cold, %ss warm\n' "$source_cold" "$source_warm"
else
    printf 'check, source:   skipped (no %s)\n' "$SOURCE_NINETY"
fi
echo "smoke_test: OK"
