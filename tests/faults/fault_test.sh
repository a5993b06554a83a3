#!/usr/bin/env bash
# fault_test.sh: the engine against faulty tools and a full disk.  It must
# never lie (a fault is not a pass, nor a divergence it did not see), never
# lose a finding, and never leave processes or files behind.
#
# usage: fault_test.sh DDPARITY FAULTS_DIR MUTANTS_DIR TEST
#   hang | crash | flood | orphans | deleter | bad-reference | full-workdir | full-findings
set -euo pipefail
ddp=$1 faults=$2 mutants=$3 test=$4
tmp=$(mktemp -d /tmp/ddp-fault-test-XXXXXX)
mounts=()
cleanup() { for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
export TMPDIR=$tmp
fail() { echo "FAIL: $*"; exit 1; }
run() { local rc=0; "$ddp" "$@" > "$tmp/out" 2>&1 || rc=$?; echo "$rc"; }
no_leftovers() { # PATTERN: no process of ours still running
  if pgrep -f "$1" > "$tmp/pids"; then fail "processes left behind: $(cat "$tmp/pids" | tr '\n' ' ')"; fi
}
small_tmpfs() { # DIR SIZE
  mkdir -p "$1"
  if ! mount -t tmpfs -o "size=$2" tmpfs "$1" 2>"$tmp/mount.err"; then
    if [ "${CI:-}" = true ]; then fail "cannot mount a tmpfs: $(cat "$tmp/mount.err")"; fi
    echo "SKIP: cannot mount a tmpfs here (not root?): $(cat "$tmp/mount.err")"; exit 77
  fi
  mounts+=("$1")
}

case $test in
hang)
  rc=$(run fuzz --candidate "$faults/hang" --cases 3 --seed 1 --timeout 2 --findings "$tmp/f")
  cat "$tmp/out" | tail -3
  [ "$rc" = 0 ] || fail "exit $rc: a hang is inconclusive, not a divergence"
  grep -q " 3 inconclusive" "$tmp/out" || fail "the hangs were not reported inconclusive"
  no_leftovers 'sleep 360[12]' ;;
crash)
  rc=$(run fuzz --candidate "$faults/crash" --cases 3 --seed 1 --findings "$tmp/f")
  [ "$rc" = 1 ] || fail "exit $rc, want 1"
  grep -q " 3 diverged" "$tmp/out" && grep -qE "^ +[0-9]+ +crash" "$tmp/out" \
    || { cat "$tmp/out"; fail "no crash divergence"; } ;;
flood)
  /usr/bin/time -f "%M" -o "$tmp/rss" "$ddp" fuzz --candidate "$faults/flood" --cases 2 --seed 1 \
    --timeout 120 --findings "$tmp/f" > "$tmp/out" 2>&1 || true
  rss=$(tail -1 "$tmp/rss")
  echo "peak RSS with 2 GiB of output per case: ${rss} KiB"
  ((rss < 200000)) || fail "peak RSS ${rss} KiB: output was not capped"
  for f in "$tmp"/f/*/candidate.stderr; do
    size=$(stat -c %s "$f")
    ((size <= 1048576)) || fail "$f is $size bytes: not capped"
  done ;;
orphans)
  rc=$(run fuzz --candidate "$faults/orphans" --cases 4 --seed 1 --findings "$tmp/f")
  [ "$rc" = 0 ] || { cat "$tmp/out"; fail "exit $rc"; }
  no_leftovers 'sleep 3603' ;;
deleter)
  rc=$(run fuzz --candidate "$faults/deleter" --cases 30 --seed 2 --findings "$tmp/f" --stderr class)
  [ "$rc" = 1 ] || fail "exit $rc, want 1"
  grep -qE "^ +[0-9]+ +([a-z:-]+\+)*output" "$tmp/out" || { cat "$tmp/out"; fail "no output divergence"; } ;;
bad-reference)
  rc=$(run fuzz --reference /nonexistent/qemu-img --cases 1 --findings "$tmp/f")
  [ "$rc" = 2 ] && grep -q "nonexistent" "$tmp/out" || { cat "$tmp/out"; fail "missing reference: exit $rc"; }
  rc=$(run fuzz --reference /bin/true --cases 1 --findings "$tmp/f")
  [ "$rc" = 2 ] && grep -q "not a qemu-img" "$tmp/out" || { cat "$tmp/out"; fail "not a qemu-img: exit $rc"; }
  [ ! -e "$tmp/f" ] || [ -z "$(ls "$tmp/f")" ] || fail "findings written for a bad reference" ;;
full-workdir)
  # A finding first, on a roomy disk; then a campaign whose work dir fills.
  "$ddp" fuzz --candidate "$mutants/skip-warning-exit" --seconds 60 --seed 3 --stop-on exit \
    --findings "$tmp/f" > /dev/null 2>&1 || true
  before=$(cd "$tmp/f" && find . -type f | sort | xargs sha256sum)
  [ -n "$before" ] || fail "no finding to protect"
  small_tmpfs "$tmp/w" 96m
  "$ddp" fuzz --cases 1 --workdir "$tmp/w" --findings "$tmp/f0" > /dev/null 2>&1 || true # fixtures
  avail=$(df --output=avail -B1 "$tmp/w" | tail -1)
  head -c $((avail - 16 * 1024 * 1024)) /dev/zero > "$tmp/w/filler" || true
  rc=$(run fuzz --candidate "$mutants/skip-warning-exit" --cases 50 --seed 4 --workdir "$tmp/w" --findings "$tmp/f")
  cat "$tmp/out" | tail -2
  [ "$rc" = 2 ] || fail "exit $rc, want 2 (a clear error)"
  grep -q "filesystem is full" "$tmp/out" || fail "no clear error"
  after=$(cd "$tmp/f" && find . -type f | sort | xargs sha256sum)
  [ "$before" = "$after" ] || fail "findings changed"
  [ -z "$(find "$tmp/w" -maxdepth 1 -name 'case-*')" ] || fail "case directories left behind" ;;
full-findings)
  small_tmpfs "$tmp/f" 1m
  "$ddp" fuzz --candidate "$mutants/skip-warning-exit" --seconds 60 --seed 3 --stop-on exit \
    --findings "$tmp/f" > /dev/null 2>&1 || true
  before=$(cd "$tmp/f" && find . -type f | sort | xargs sha256sum)
  [ -n "$before" ] || fail "no finding to protect"
  avail=$(df --output=avail -B1 "$tmp/f" | tail -1)
  head -c "$avail" /dev/zero > "$tmp/f/filler" 2>/dev/null || true
  rc=$(run fuzz --candidate "$mutants/vhdx-32m-blocks" --cases 60 --seed 5 --findings "$tmp/f")
  cat "$tmp/out" | tail -2
  [ "$rc" = 2 ] || fail "exit $rc, want 2"
  grep -q "No space left" "$tmp/out" || fail "no clear error"
  # Found but not saved: counted as found, and said so (never "0 diverged").
  grep -qE " [1-9][0-9]* diverged \([1-9][0-9]* could not be saved\)" "$tmp/out" \
    || { cat "$tmp/out"; fail "the divergence that could not be saved is not reported"; }
  rm -f "$tmp/f/filler"
  after=$(cd "$tmp/f" && find . -type f | sort | xargs sha256sum)
  [ "$before" = "$after" ] || fail "findings changed: $(diff <(echo "$before") <(echo "$after"))"
  [ -z "$(find "$tmp/f" -maxdepth 1 -name '.tmp-*')" ] || fail "half-written finding left behind" ;;
*) fail "unknown test $test" ;;
esac
echo "PASS: $test"
