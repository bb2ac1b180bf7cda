#!/usr/bin/env bash
# Times tabconv beside the peers the issues name, on the same generated data, in one run, and
# prints each peer's figures and tabconv's speed ratio to it. Benchmarks are programs, not tests.
#
#   bash Benchmarks/peers.sh                 # all tasks on 1,000,000 rows
#   ROWS=100000 bash Benchmarks/peers.sh t3  # one task on fewer rows
#
# Tasks: t1 CSV → XLSX (libxlsxwriter, XlsxWriter), t2 XLSX → CSV (fastexcel, python-calamine,
# openpyxl), t3 CSV → JSON (DuckDB, Miller), text (100 copies of the budget sample, read whole).
# Peers missing on the machine are skipped with a note; `../shared/bench/setup.sh` installs them
# all (pip: duckdb fastexcel python-calamine openpyxl xlsxwriter; apt: miller libxlsxwriter-dev).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=$root/../shared
peers=$shared/bench/peers
work=${WORK:-$root/.build-bench}
rows=${ROWS:-1000000}
mkdir -p "$work"

(cd "$root" && swift build -c release >/dev/null) || { echo "release build failed"; exit 1; }
tabconv=$root/.build/release/tabconv
csv=$work/budget-$rows.csv
[ -f "$csv" ] || python3 "$shared/bench/gen_budget_csv.py" "$rows" "$csv"

declare -A wall
# measure NAME OUTPUT COMMAND...: one timed run; prints wall seconds and peak RSS.
measure() {
  local name=$1 output=$2; shift 2
  rm -f "$output"
  if /usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" >"$work/stdout.txt" 2>"$work/stderr.txt"; then
    read -r seconds kilobytes < "$work/time.txt"
    wall[$name]=$seconds
    printf '  %-16s %7.2f s  %6d MB peak RSS  %s\n' "$name" "$seconds" $((kilobytes / 1024)) "$(du -h "$output" 2>/dev/null | cut -f1)"
  else
    printf '  %-16s failed: %s\n' "$name" "$(tail -n 2 "$work/stderr.txt" | tr '\n' ' ')"
  fi
}
has_python() { python3 -c "import $1" 2>/dev/null || { printf '  %-16s skipped: python module %s missing\n' "$2" "$1"; return 1; }; }
ratio() {  # ratio PEER: how many times faster tabconv was
  [ -n "${wall[$1]:-}" ] && [ -n "${wall[tabconv]:-}" ] &&
    awk -v p="${wall[$1]}" -v t="${wall[tabconv]}" -v n="$1" 'BEGIN { printf "  tabconv is %.2f× %s\n", p / t, n }'
}

for task in "${@:-t3 t1 t2 text}"; do
  wall=()
  case $task in
  t3)
    echo "t3 CSV → JSON, $rows rows ($(du -h "$csv" | cut -f1))"
    measure tabconv "$work/t3-tabconv.json" "$tabconv" "$csv" -o "$work/t3-tabconv.json" -q
    has_python duckdb duckdb && measure duckdb "$work/t3-duckdb.json" python3 "$peers/t3_duckdb.py" "$csv" "$work/t3-duckdb.json"
    if command -v mlr >/dev/null; then measure miller "$work/t3-miller.json" sh "$peers/t3_miller.sh" "$csv" "$work/t3-miller.json"
    else printf '  %-16s skipped: mlr missing\n' miller; fi
    ratio duckdb; ratio miller ;;
  t1)
    echo "t1 CSV → XLSX, $rows rows"
    measure tabconv "$work/t1-tabconv.xlsx" "$tabconv" "$csv" -o "$work/t1-tabconv.xlsx" -q
    if [ -f /usr/include/xlsxwriter.h ]; then
      cc -O2 -o "$work/t1_libxlsxwriter" "$peers/t1_libxlsxwriter.c" -lxlsxwriter &&
        measure libxlsxwriter "$work/t1-libxlsxwriter.xlsx" "$work/t1_libxlsxwriter" "$csv" "$work/t1-libxlsxwriter.xlsx"
    else printf '  %-16s skipped: libxlsxwriter-dev missing\n' libxlsxwriter; fi
    has_python xlsxwriter xlsxwriter && measure xlsxwriter "$work/t1-xlsxwriter.xlsx" python3 "$peers/t1_xlsxwriter.py" "$csv" "$work/t1-xlsxwriter.xlsx"
    ratio libxlsxwriter; ratio xlsxwriter ;;
  t2)
    xlsx=$work/budget-$rows.xlsx
    if [ ! -f "$xlsx" ]; then
      has_python xlsxwriter "input maker" || continue
      python3 "$peers/t1_xlsxwriter.py" "$csv" "$xlsx"
    fi
    echo "t2 XLSX → CSV, $rows rows ($(du -h "$xlsx" | cut -f1), written by XlsxWriter)"
    measure tabconv "$work/t2-tabconv.csv" "$tabconv" "$xlsx" -o "$work/t2-tabconv.csv" -q
    has_python fastexcel fastexcel && measure fastexcel "$work/t2-fastexcel.csv" python3 "$peers/t2_fastexcel.py" "$xlsx" "$work/t2-fastexcel.csv"
    has_python python_calamine python-calamine && measure python-calamine "$work/t2-calamine.csv" python3 "$peers/t2_calamine.py" "$xlsx" "$work/t2-calamine.csv"
    has_python openpyxl openpyxl && measure openpyxl "$work/t2-openpyxl.csv" python3 "$peers/t2_openpyxl.py" "$xlsx" "$work/t2-openpyxl.csv"
    ratio fastexcel; ratio python-calamine; ratio openpyxl ;;
  text)
    copies=$work/budget-x100.txt
    for _ in $(seq 100); do cat "$root/Samples/budget-2026.txt"; done > "$copies"
    bytes=$(stat -c %s "$copies")
    echo "text: 100 copies of the budget sample ($bytes bytes) → JSON"
    measure tabconv "$work/text.json" "$tabconv" "$copies" -o "$work/text.json" -q
    [ -n "${wall[tabconv]:-}" ] && awk -v b="$bytes" -v t="${wall[tabconv]}" 'BEGIN { printf "  %.1f MB/s (goal 20 MB/s)\n", b / 1e6 / t }' ;;
  *) echo "unknown task $task (t1, t2, t3, text)"; exit 2 ;;
  esac
done
