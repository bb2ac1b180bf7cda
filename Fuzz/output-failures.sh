#!/usr/bin/env bash
# Fuzz/output-failures.sh [TABCONV]: failure during output, checked on the real binary.
#
# For each way an output can fail half-way (a file-size limit as a full disk, a full tmpfs
# when one can be mounted, a folder that cannot be written, a closed stdout pipe, SIGINT and
# SIGTERM mid-conversion) tabconv must print one clear line, exit 1 (130 on SIGINT, 143 on
# SIGTERM) and leave no partial or temporary file where the output should be; an existing
# output stays as it was.
# TABCONV defaults to .build/release/tabconv, built if missing. ROWS sets the size of the
# generated input (default 1,500,000 rows, about 60 MB).
set -euo pipefail
cd "$(dirname "$0")/.."
tabconv=${1:-$PWD/.build/release/tabconv}
if [ ! -x "$tabconv" ]; then swift build -c release --product tabconv >&2; fi
rows=${ROWS:-1500000}
work=$(mktemp -d "${TMPDIR:-/tmp}/tabconv-output-failures.XXXXXX")
mounted=""
cleanup() {
  if [ -n "$mounted" ]; then umount "$mounted" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
pass() { echo "ok   $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }

# No file but those listed may be in the folder: no output, no .NAME.tabconv-XXXXXX left over.
only_files() {
  local folder=$1; shift
  local found expected=""
  found=$(cd "$folder" && ls -A | sort | tr '\n' ' ')
  if [ $# -gt 0 ]; then expected=$(printf '%s\n' "$@" | sort | tr '\n' ' '); fi
  [ "$found" = "$expected" ]
}

# message_ok STDERR_FILE PATTERN: exactly one line, starting with "tabconv:", containing PATTERN.
message_ok() {
  [ "$(wc -l < "$1")" -eq 1 ] && head -1 "$1" | grep -q '^tabconv: ' && grep -q -- "$2" "$1"
}

echo "== generating $rows rows"
awk -v rows="$rows" 'BEGIN {
  print "科目编码,项目,金额,备注"
  for (i = 1; i <= rows; i++) printf "%07d,\"项目 %d, 第%d行\",%d.%06d,note %d\n", i, i, i, i * 7, i % 1000000, i
}' > "$work/big.csv"
ls -l "$work/big.csv" | awk '{print "input bytes:", $5}'

echo "== file-size limit (ulimit -f), as a full disk"
mkdir "$work/fsize"
set +e
(ulimit -f 4096; exec "$tabconv" "$work/big.csv" -q -o "$work/fsize/out.json") 2> "$work/fsize.err"
code=$?
set -e
if [ $code -eq 1 ] && message_ok "$work/fsize.err" "cannot write" && only_files "$work/fsize"; then
  pass "file-size limit: exit 1, '$(cat "$work/fsize.err")', no partial file"
else
  fail "file-size limit: exit $code, stderr '$(cat "$work/fsize.err")', files: $(ls -A "$work/fsize")"
fi

echo "== file-size limit with an existing output"
mkdir "$work/keep"
echo "previous output" > "$work/keep/out.csv"
set +e
(ulimit -f 4096; exec "$tabconv" "$work/big.csv" -q -o "$work/keep/out.csv") 2> "$work/keep.err"
code=$?
set -e
if [ $code -eq 1 ] && [ "$(cat "$work/keep/out.csv")" = "previous output" ] && only_files "$work/keep" out.csv; then
  pass "existing output untouched after a failed write"
else
  fail "existing output: exit $code, content '$(head -c 40 "$work/keep/out.csv")', files: $(ls -A "$work/keep")"
fi

echo "== full tmpfs (ENOSPC)"
if [ "$(id -u)" = 0 ] && mkdir -p "$work/tmpfs" && mount -t tmpfs -o size=2m tmpfs "$work/tmpfs" 2>/dev/null; then
  mounted=$work/tmpfs
  set +e
  "$tabconv" "$work/big.csv" -q -o "$work/tmpfs/out.csv" 2> "$work/tmpfs.err"
  code=$?
  set -e
  if [ $code -eq 1 ] && message_ok "$work/tmpfs.err" "No space left on device" && only_files "$work/tmpfs"; then
    pass "full disk: exit 1, '$(cat "$work/tmpfs.err")', no partial file"
  else
    fail "full disk: exit $code, stderr '$(cat "$work/tmpfs.err")', files: $(ls -A "$work/tmpfs")"
  fi
  umount "$work/tmpfs" && mounted=""
else
  echo "skip full tmpfs: mounting needs root (the file-size limit above covers the write error)"
fi

echo "== a folder that cannot be written (no permission, or a read-only file system)"
mkdir -p "$work/locked"
if [ "$(id -u)" = 0 ]; then
  # root passes permission checks: a read-only tmpfs refuses it as a locked folder refuses others
  if mount -t tmpfs -o size=1m,ro tmpfs "$work/locked" 2>/dev/null; then mounted=$work/locked; fi
else
  chmod 555 "$work/locked"
fi
if [ -n "$mounted" ] || [ "$(id -u)" != 0 ]; then
  set +e
  "$tabconv" "$work/big.csv" -q -o "$work/locked/out.json" 2> "$work/locked.err"
  code=$?
  set -e
  if [ $code -eq 1 ] && message_ok "$work/locked.err" "cannot write" && only_files "$work/locked"; then
    pass "unwritable folder: exit 1, '$(cat "$work/locked.err")', no file"
  else
    fail "unwritable folder: exit $code, stderr '$(cat "$work/locked.err")'"
  fi
  if [ -n "$mounted" ]; then umount "$work/locked" && mounted=""; else chmod 755 "$work/locked"; fi
else
  echo "skip unwritable folder: cannot mount a read-only tmpfs"
fi

echo "== closed pipe on standard output (| head -1)"
set +e
"$tabconv" "$work/big.csv" --to csv -q 2> "$work/pipe.err" | head -1 > "$work/pipe.out"
codes=("${PIPESTATUS[@]}")
set -e
if [ "${codes[0]}" -eq 1 ] && message_ok "$work/pipe.err" "the reading end of the pipe was closed" \
   && [ "$(tr -d '\r' < "$work/pipe.out")" = "科目编码,项目,金额,备注" ]; then
  pass "closed pipe: exit 1, '$(cat "$work/pipe.err")'"
else
  fail "closed pipe: exit ${codes[0]}, stderr '$(cat "$work/pipe.err")', head printed '$(cat "$work/pipe.out")'"
fi

# interrupt SIGNAL EXPECTED_CODE: sends SIGNAL once the temporary output exists.
interrupt() {
  local signal=$1 expected=$2 folder=$work/$1
  mkdir "$folder"
  echo "previous output" > "$folder/out.json"
  "$tabconv" "$work/big.csv" -q -o "$folder/out.json" 2> "$folder.err" &
  local pid=$! waited=0
  until ls -A "$folder" | grep -q '\.tabconv-' || [ $waited -ge 200 ]; do sleep 0.05; waited=$((waited + 1)); done
  sleep 0.2
  kill -s "$signal" "$pid" 2>/dev/null || true
  set +e
  wait "$pid"
  local code=$?
  set -e
  if [ $code -eq "$expected" ] && [ "$(cat "$folder/out.json")" = "previous output" ] && only_files "$folder" out.json; then
    pass "SIG$signal mid-conversion: exit $code, no temporary file left, existing output untouched"
  else
    fail "SIG$signal: exit $code (want $expected), files: $(ls -A "$folder"), stderr '$(cat "$folder.err")'"
  fi
}
echo "== SIGINT and SIGTERM mid-conversion"
interrupt INT 130
interrupt TERM 143

if [ $failures -gt 0 ]; then
  echo "output failures: $failures check(s) failed"
  exit 1
fi
echo "output failures: all checks passed"
