#!/usr/bin/env bash
# Fuzz/run.sh TARGET SECONDS [libFuzzer options...]
#
# Builds the libFuzzer binary of TARGET (Fuzz/build.sh), builds its seed corpus from Samples/,
# Tests/*/Fixtures/, Fuzz/seeds/ and ../shared/corpus/ (Fuzz/seeds.py), and fuzzes for SECONDS
# seconds on one core. New inputs go to .build-fuzz/corpus/TARGET (kept between runs, so a
# longer run resumes where the last stopped); a crash, a leak or a slow input is written to
# .build-fuzz/artifacts/TARGET/ and makes the script exit non-zero.
#
# Targets: decimal, text, layout, wordbox, csv, json, zip, xml, xlsx, xlsx-parts (see Fuzz/README.md).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: Fuzz/run.sh TARGET SECONDS [libFuzzer options...]" >&2
  exit 2
fi
target=$1
seconds=$2
shift 2
cd "$(dirname "$0")/.."
root=$PWD
shared=${TABCONV_SHARED:-$root/../shared}
out=$root/.build-fuzz

bash Fuzz/build.sh "$target"

seeds=$out/seeds/$target
corpus=$out/corpus/$target
artifacts=$out/artifacts/$target
mkdir -p "$corpus" "$artifacts"
rm -rf "$seeds"
if [ "$target" = json ] && [ -x "$root/.build/release/tabconv" ] || [ -x "$root/.build/debug/tabconv" ]; then
  # tabconv's own JSON of the sample and the CSV corpus, as seeds for its JSON reader.
  tabconv=$root/.build/release/tabconv
  [ -x "$tabconv" ] || tabconv=$root/.build/debug/tabconv
  mkdir -p "$out/seeds/json-from-tabconv"
  for input in "$root"/Samples/*.txt "$shared"/corpus/csv-spectrum/csvs/*.csv; do
    [ -f "$input" ] || continue
    "$tabconv" "$input" --to json -q -o "$out/seeds/json-from-tabconv/$(basename "$input").json" 2>/dev/null || true
  done
fi
if command -v python3 >/dev/null; then
  python3 Fuzz/seeds.py "$target" "$seeds" "$root" "$shared"
else
  echo "fuzz: python3 not found; running without seeds" >&2
  mkdir -p "$seeds"
fi

dictionary=()
case "$target" in
  xml|xlsx-parts) dictionary=(-dict=Fuzz/dictionaries/xml.dict) ;;
  zip) dictionary=(-dict=Fuzz/dictionaries/zip.dict) ;;
  xlsx)
    cat Fuzz/dictionaries/zip.dict Fuzz/dictionaries/xml.dict > "$out/xlsx.dict"
    dictionary=(-dict="$out/xlsx.dict") ;;
  csv) dictionary=(-dict=Fuzz/dictionaries/csv.dict) ;;
  json) dictionary=(-dict=Fuzz/dictionaries/json.dict) ;;
  text|layout) dictionary=(-dict=Fuzz/dictionaries/text.dict) ;;
  wordbox) dictionary=(-dict=Fuzz/dictionaries/wordbox.dict) ;;
esac

# -timeout: an input that takes more than 10 s is a hang. -rss_limit_mb: more than 2 GB is a
# memory bomb. -max_len: inputs up to 256 KiB (whole small workbooks and text tables).
# detect_leaks=0: Swift's runtime keeps metadata caches that LeakSanitizer reports.
# handle_sigill/handle_sigtrap: a Swift trap (overflow, bounds, Int of infinity) gets AddressSanitizer's
# stack trace; SWIFT_BACKTRACE=enable=no keeps Swift's own crash handler (whose memory reads
# ASan would report instead) out of the way.
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1:handle_sigill=1:handle_sigtrap=1} \
  "$out/bin/fuzz-$target" "${dictionary[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=262144 -print_final_stats=1 -artifact_prefix="$artifacts/" "$@" "$corpus" "$seeds"
