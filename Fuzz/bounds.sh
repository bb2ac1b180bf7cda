#!/usr/bin/env bash
# Fuzz/bounds.sh [TABCONV]: memory stays bounded on the streaming paths, checked on the real
# binary under an address-space limit (ulimit -v).
#
# A CSV of BOUNDS_MB megabytes (default 200; BOUNDS_MB=1024 for the 1 GB run) is generated
# lazily by awk and piped to tabconv's standard input, so that neither the input nor the output
# ever sits on disk; tabconv must convert it to JSON and to CSV within MEMORY_MB of address
# space (default 512: the Swift runtime, ICU data and thread arenas take about 300 MB before a
# byte is read), and a 100 MB quoted field must fail at the 32 MiB field limit under the same
# bound; the same rows (up to Excel's 1,048,576) as an XLSX sheet (written by python3's zipfile)
# must convert to CSV under it too. Finally a CSV of one row more than a worksheet holds and
# one of one column more must fail as XLSX output with one line and no file. The peak resident size is printed (and must stay under RSS_MB, default 128) when
# /usr/bin/time is there.
set -euo pipefail
cd "$(dirname "$0")/.."
tabconv=${1:-$PWD/.build/release/tabconv}
if [ ! -x "$tabconv" ]; then swift build -c release --product tabconv >&2; fi
size_mb=${BOUNDS_MB:-200}
memory_mb=${MEMORY_MB:-512}
rss_mb=${RSS_MB:-128}
work=$(mktemp -d "${TMPDIR:-/tmp}/tabconv-bounds.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
timer=()
if [ -x /usr/bin/time ]; then timer=(/usr/bin/time -f "%M %e" -o "$work/time"); fi

# CSV rows until SIZE_MB megabytes have been printed; the row count goes to stderr.
generate() {
  awk -v limit=$((size_mb * 1000000)) 'BEGIN {
    print "科目编码,项目,金额,备注"; bytes = 0
    for (i = 1; bytes < limit; i++) {
      line = sprintf("%07d,\"项目 %d, 第%d行\",%d.%06d,\"note \"\"%d\"\"\"", i, i, i, i * 7, i % 1000000, i)
      print line; bytes += length(line) + 1
    }
    print i - 1 > "/dev/stderr"
  }'
}

# run NAME EXPECTED_CODE PATTERN COMMAND...: runs COMMAND (reading the pipe) under the limit.
report() {
  local name=$1 code=$2 expected=$3 detail=$4
  local peak="" seconds=""
  if [ -s "$work/time" ]; then read -r peak seconds < <(tail -1 "$work/time"); fi
  if [ "$code" -ne "$expected" ]; then
    echo "FAIL $name: exit $code (want $expected): $detail"; failures=$((failures + 1)); return
  fi
  if [ -n "$peak" ] && [ "$peak" -gt $((rss_mb * 1024)) ]; then
    echo "FAIL $name: peak resident size $((peak / 1024)) MB over $rss_mb MB"; failures=$((failures + 1)); return
  fi
  echo "ok   $name: $detail${peak:+ (peak RSS $((peak / 1024)) MB, ${seconds} s)}"
}

echo "== ${size_mb} MB CSV on stdin, address space limited to ${memory_mb} MB"
for format in json csv; do
  rm -f "$work/time"
  set +e
  generate 2> "$work/rows" | (ulimit -v $((memory_mb * 1024)); exec "${timer[@]}" "$tabconv" - --from csv --to "$format" -q) \
    2> "$work/err" | awk 'END { print NR }' > "$work/lines"
  code=${PIPESTATUS[1]}
  set -e
  rows=$(cat "$work/rows")
  lines=$(cat "$work/lines")
  # JSON: a line per row plus the head; CSV: the header plus a line per row.
  if [ "$format" = csv ] && [ "$lines" -ne $((rows + 1)) ]; then code=99; fi
  if [ "$format" = json ] && [ "$lines" -le "$rows" ]; then code=99; fi
  report "CSV → $format" "$code" 0 "$rows rows in, $lines lines out$(head -c 300 "$work/err")"
done

echo "== 100 MB quoted field on stdin, address space limited to ${memory_mb} MB"
rm -f "$work/time"
set +e
{ printf 'a,b\n1,"'; head -c 100000000 /dev/zero | tr '\0' 'x'; printf '"\n'; } \
  | (ulimit -v $((memory_mb * 1024)); exec "${timer[@]}" "$tabconv" - --from csv --to json -q) > /dev/null 2> "$work/err"
code=${PIPESTATUS[1]}
set -e
if ! grep -q "a field longer than 32 MiB" "$work/err" || [ "$(wc -l < "$work/err")" -ne 1 ]; then code=98; fi
report "100 MB field" "$code" 1 "$(cat "$work/err")"

echo "== a worksheet of the same rows (at most Excel's 1,048,576) in an XLSX, address space limited to ${memory_mb} MB"
if command -v python3 >/dev/null; then
  # The row filter stops reading at Excel's last row, so the generator dies of SIGPIPE.
  set +o pipefail
  generate 2> /dev/null | awk -F, 'NR > 1048576 { exit } NR > 1 {
    printf "<row r=\"%d\"><c t=\"inlineStr\"><is><t>%s</t></is></c><c><v>%s</v></c></row>\n", NR, $1, $4
  }' | python3 -c '
import sys, zipfile
main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
package = "http://schemas.openxmlformats.org/package/2006/relationships"
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
    book.writestr("_rels/.rels", f"<Relationships xmlns=\"{package}\"><Relationship Id=\"rId1\" Type=\"{rels}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>")
    book.writestr("xl/workbook.xml", f"<workbook xmlns=\"{main}\" xmlns:r=\"{rels}\"><sheets><sheet name=\"Big\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>")
    book.writestr("xl/_rels/workbook.xml.rels", f"<Relationships xmlns=\"{package}\"><Relationship Id=\"rId1\" Type=\"{rels}/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>")
    with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
        sheet.write(f"<worksheet xmlns=\"{main}\"><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>code</t></is></c><c t=\"inlineStr\"><is><t>amount</t></is></c></row>\n".encode())
        for line in sys.stdin.buffer:
            sheet.write(line)
        sheet.write(b"</sheetData></worksheet>")
' "$work/big.xlsx"
  set -o pipefail
  rm -f "$work/time"
  set +e
  (ulimit -v $((memory_mb * 1024)); exec "${timer[@]}" "$tabconv" "$work/big.xlsx" --to csv -q) 2> "$work/err" \
    | awk 'END { print NR }' > "$work/lines"
  code=${PIPESTATUS[0]}
  set -e
  rows=$(( $(cat "$work/rows") < 1048575 ? $(cat "$work/rows") : 1048575 ))
  lines=$(cat "$work/lines")
  if [ "$lines" -ne $((rows + 1)) ]; then code=99; fi
  report "XLSX → csv" "$code" 0 "$rows rows in, $lines lines out, $(wc -c < "$work/big.xlsx") bytes of XLSX$(head -c 300 "$work/err")"
  rm -f "$work/big.xlsx"
else
  echo "skip XLSX: python3 is needed to write the workbook"
fi

echo "== tables larger than a worksheet, written as XLSX"
awk 'BEGIN { print "n"; for (i = 1; i <= 1048576; i++) print i }' > "$work/rows.csv"
awk 'BEGIN { for (row = 0; row < 2; row++) { for (i = 1; i <= 16385; i++) printf "%s%s", (i > 1 ? "," : ""), (row ? i : "c" i); print "" } }' > "$work/columns.csv"
rm -f "$work/time"
for input in rows columns; do
  set +e
  "$tabconv" "$work/$input.csv" -q -o "$work/$input.xlsx" 2> "$work/err"
  code=$?
  set -e
  leftovers=$(ls -A "$work" | grep -c 'xlsx' || true)
  if [ "$leftovers" -ne 0 ] || [ "$(wc -l < "$work/err")" -ne 1 ]; then code=97; fi
  report "$input over Excel's limit → XLSX" "$code" 1 "$(cat "$work/err"), no output file"
done

if [ $failures -gt 0 ]; then
  echo "bounds: $failures check(s) failed"
  exit 1
fi
echo "bounds: all checks passed"
