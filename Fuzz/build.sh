#!/usr/bin/env bash
# Fuzz/build.sh TARGET...: compiles libFuzzer binaries into .build-fuzz/bin/fuzz-TARGET.
#
# The package's module sources are compiled with swiftc directly (not by SwiftPM, so that the
# harnesses in Fuzz/targets/ never enter `swift build` or `swift test`), each module once into
# .build-fuzz/modules/ with libFuzzer's coverage and AddressSanitizer (-sanitize=fuzzer,address),
# optimized (-O keeps Swift's overflow and bounds traps), and rebuilt when a source changes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/.build-fuzz
mkdir -p "$out/modules" "$out/bin"

# The package modules each target imports (their dependencies are added by build_module).
modules_of() {
  case "$1" in
    decimal) echo "TableModel" ;;
    text|layout|wordbox) echo "TextTables" ;;
    csv) echo "CSVFormat" ;;
    json) echo "JSONFormat" ;;
    zip) echo "ZipArchive" ;;
    xml) echo "XMLStream" ;;
    xlsx|xlsx-parts) echo "OOXML" ;;
    *) echo "unknown fuzz target '$1' (decimal, text, layout, wordbox, csv, json, zip, xml, xlsx, xlsx-parts)" >&2; return 1 ;;
  esac
}

# Harness files of each target (the shared workbook reader goes with both XLSX targets).
files_of() {
  case "$1" in
    xlsx|xlsx-parts) echo "Fuzz/targets/$1.swift Fuzz/targets/support/read-workbook.swift" ;;
    *) echo "Fuzz/targets/$1.swift" ;;
  esac
}

libxml2_flags=$(pkg-config --cflags-only-I libxml-2.0 2>/dev/null || echo "-I/usr/include/libxml2")
common=(-swift-version 5 -parse-as-library -O -g -suppress-warnings -sanitize=fuzzer,address
        -I "$out/modules" -I Sources/CZlib -I Sources/CLibXML2)
for flag in $libxml2_flags; do common+=(-Xcc "$flag"); done

# The package modules a module imports, as Package.swift says.
dependencies_of() {
  case "$1" in
    ZipArchive|XMLStream|CSVFormat|JSONFormat) echo "TableModel" ;;
    TextTables) echo "TableModel XMLStream" ;;
    OOXML) echo "TableModel ZipArchive XMLStream" ;;
  esac
}

# Builds MODULE after its dependencies; appends every module object it needs to `objects`.
build_module() {
  local module=$1 object=$out/modules/$1.o inputs=(Sources/"$1") dependency
  for dependency in $(dependencies_of "$module"); do
    build_module "$dependency"
    inputs+=("$out/modules/$dependency.o")
  done
  case " ${objects[*]} " in *" $object "*) return ;; esac
  objects+=("$object")
  if [ -f "$object" ] && [ -z "$(find "${inputs[@]}" -newer "$object" 2>/dev/null)" ]; then return; fi
  echo "fuzz build: module $module" >&2
  swiftc "${common[@]}" -enable-testing -module-name "$module" -wmo -c Sources/"$module"/*.swift -o "$object" \
    -emit-module -emit-module-path "$out/modules/$module.swiftmodule"
}

build_target() {
  local target=$1 modules binary=$out/bin/fuzz-$1 module
  objects=()
  modules=$(modules_of "$target")
  for module in $modules; do build_module "$module"; done
  # shellcheck disable=SC2046
  if [ -f "$binary" ] && [ -z "$(find $(files_of "$target") "${objects[@]}" -newer "$binary" 2>/dev/null)" ]; then
    return
  fi
  echo "fuzz build: target $target" >&2
  # shellcheck disable=SC2046
  swiftc "${common[@]}" -module-name "Fuzz_${target//-/_}" $(files_of "$target") "${objects[@]}" -lz -lxml2 -o "$binary" \
    2> >(grep -v "Cannot export local symbol '__asan" >&2)
}

for target in "$@"; do build_target "$target"; done
