#!/usr/bin/env bash
# fault_test.sh: the engine against faulty tools and a full disk.  It must
# never lie (a fault is not a pass, nor a divergence it did not see), never
# lose a finding, and never leave processes or files behind.
#
# usage: fault_test.sh DDPARITY FAULTS_DIR MUTANTS_DIR TEST
#   hang | crash | flood | orphans | deleter | bad-reference | full-workdir | full-findings
#   | full-generate | full-promote | full-replay | deadline | bigoutput | version-hang | setsid
set -euo pipefail
ddp=$1 faults=$2 mutants=$3 test=$4
tmp=$(mktemp -d /tmp/ddp-fault-test-XXXXXX)
mounts=()
# Processes a test's tools leave (each with a sleep argument unique to this run):
# killed by pid at the end, whatever the result.
tag=$(( 3700 + RANDOM % 1000 )).$$
kill_tagged() { local p; for p in $(pgrep -f "sleep $tag" || true); do kill -KILL "$p" 2>/dev/null || true; done; }
cleanup() { kill_tagged; for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || true; done; rm -rf "$tmp"; }
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

# What a tree holds, byte for byte.
manifest() { (cd "$1" && find . -type f | sort | xargs -r sha256sum); }
seconds_since() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }
# A one-case list, its baselines made on a roomy work dir, then that work dir
# (its input made and kept) filled to 256 KiB free: the dd cannot write.
full_setup() {
  qemu=$(command -v qemu-img) || fail "qemu-img not found (install qemu-utils)"
  printf '1M-raw-whole-raw  1M  raw  raw\n' > "$tmp/dd-cases"
  small_tmpfs "$tmp/w" 96m
  bl=(--reference "$qemu" --cases "$tmp/dd-cases" --out "$tmp/bl" --workdir "$tmp/w")
  { "$ddp" baselines generate "${bl[@]}" && "$ddp" baselines profiles --out "$tmp/bl"; } \
    > "$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log"; fail "baselines on a roomy disk failed"; }
  before=$(manifest "$tmp/bl")
  avail=$(df --output=avail -B1 "$tmp/w" | tail -1)
  head -c $((avail - 256 * 1024)) /dev/zero > "$tmp/w/filler" || true
}
# The suite's error (exit 2) naming the case and the directory; baselines untouched.
full_check() { # RC WHAT
  tail -3 "$tmp/out"
  [ "$1" = 2 ] || fail "$2 exited $1 on a full disk, want 2 (the suite's error)"
  grep -q "1M-raw-whole-raw.*filesystem is full at $tmp/w" "$tmp/out" || fail "$2: no error naming the case and the directory"
  [ "$(manifest "$tmp/bl")" = "$before" ] || fail "$2 changed the baselines"
}

case $test in
full-generate)
  full_setup
  rc=$(run baselines generate "${bl[@]}" --only 1M-raw-whole-raw)
  full_check "$rc" generate ;;
full-promote)
  full_setup
  rc=$(run promote 1M-raw-whole-raw --force "${bl[@]}")
  full_check "$rc" promote ;;
full-replay)
  full_setup
  rc=$(run replay --reference "$qemu" --cases "$tmp/dd-cases" --baselines "$tmp/bl" --workdir "$tmp/w")
  full_check "$rc" replay ;;
deadline)
  # A 3 s campaign whose candidate hangs, with a 60 s timeout per tool run.
  start=$(date +%s.%N)
  rc=$(DDP_FAULT_SLEEP=$tag run fuzz --minimise-seconds 0 --candidate "$faults/setsid-hang" --seconds 3 --timeout 60 --seed 1 --findings "$tmp/f")
  took=$(seconds_since "$start")
  tail -3 "$tmp/out"
  echo "took ${took} s"
  [ "$rc" = 0 ] || fail "exit $rc: a case cut short is no divergence"
  campaign=$(sed -nE 's/.* cases in ([0-9.]+) s .*/\1/p' "$tmp/out")
  awk -v c="${campaign:-999}" 'BEGIN { exit !(c < 4) }' || fail "the campaign took ${campaign:-?} s, not 3"
  grep -qE "fuzz: [1-9][0-9]* cut short" "$tmp/out" || fail "no case counted as cut short"
  grep -q " 0 inconclusive" "$tmp/out" || fail "a case cut short was counted inconclusive"
  ! pgrep -f "sleep $tag" > /dev/null || fail "the hanging tool outlived the campaign" ;;
bigoutput)
  # A raw output made a sparse 100 GiB: never read, its own kind, the case fast.
  rc=$(run fuzz --minimise-seconds 0 --candidate "$faults/bigoutput" --explore off --cases 1 --seed 7 --timeout 20 --stderr class --workdir "$tmp/w" --findings "$tmp/f")
  tail -4 "$tmp/out"
  [ "$rc" = 1 ] || fail "exit $rc, want 1"
  grep -qE "^ +[0-9]+ +output-too-large:candidate " "$tmp/out" || fail "no output-too-large:candidate"
  campaign=$(sed -nE 's/.* cases in ([0-9.]+) s .*/\1/p' "$tmp/out")
  awk -v c="${campaign:-999}" 'BEGIN { exit !(c < 15) }' || fail "the case took ${campaign:-?} s"
  # 80 MiB written: compared, but the finding keeps no file over 64 MiB.
  rc=$(DDP_FAULT_BIG=dense run fuzz --minimise-seconds 0 --candidate "$faults/bigoutput" --explore off --cases 1 --seed 1 --stderr class --workdir "$tmp/w" --findings "$tmp/g")
  [ "$rc" = 1 ] || { cat "$tmp/out"; fail "dense: exit $rc, want 1"; }
  big=$(find "$tmp/g" -type f -size +64M)
  [ -z "$big" ] || fail "a finding kept $big"
  grep -rqs "over the" "$tmp"/g/*/dropped.txt || fail "the finding does not say what it dropped" ;;
version-hang)
  # generate and fuzz at once: each should give up after 10 s and say why.
  start=$(date +%s.%N)
  DDP_FAULT_SLEEP=$tag "$ddp" baselines generate --reference "$faults/version-hang" --out "$tmp/bl" \
    --workdir "$tmp/w" > "$tmp/gen.out" 2>&1 & gen=$!
  rc=$(DDP_FAULT_SLEEP=$tag run fuzz --reference "$faults/version-hang" --cases 1 --findings "$tmp/f")
  grc=0; wait "$gen" || grc=$?
  took=$(seconds_since "$start")
  cat "$tmp/gen.out" "$tmp/out"
  echo "took ${took} s"
  for r in "generate $grc $tmp/gen.out" "fuzz $rc $tmp/out"; do
    set -- $r
    [ "$2" = 2 ] || fail "$1 exited $2, want 2"
    grep -q "version-hang --version did not finish within 10 s" "$3" || fail "$1 does not say the probe timed out"
  done
  awk -v t="$took" 'BEGIN { exit !(t < 20) }' || fail "took ${took} s"
  [ ! -e "$tmp/bl" ] || fail "generate wrote baselines" ;;
setsid)
  rc=$(DDP_FAULT_SLEEP=$tag run fuzz --minimise-seconds 0 --candidate "$faults/setsid" --cases 2 --seed 1 --findings "$tmp/f")
  tail -2 "$tmp/out"
  [ "$rc" = 0 ] || fail "exit $rc"
  if pgrep -f "sleep $tag" > "$tmp/pids"; then fail "$(wc -l < "$tmp/pids") processes left behind"; fi ;;
hang)
  rc=$(run fuzz --minimise-seconds 0 --candidate "$faults/hang" --cases 3 --seed 1 --timeout 2 --findings "$tmp/f")
  cat "$tmp/out" | tail -3
  [ "$rc" = 0 ] || fail "exit $rc: a hang is inconclusive, not a divergence"
  grep -q " 3 inconclusive" "$tmp/out" || fail "the hangs were not reported inconclusive"
  no_leftovers 'sleep 360[12]' ;;
crash)
  rc=$(run fuzz --minimise-seconds 0 --candidate "$faults/crash" --cases 3 --seed 1 --findings "$tmp/f")
  [ "$rc" = 1 ] || fail "exit $rc, want 1"
  grep -q " 3 diverged" "$tmp/out" && grep -qE "^ +[0-9]+ +crash" "$tmp/out" \
    || { cat "$tmp/out"; fail "no crash divergence"; } ;;
flood)
  /usr/bin/time -f "%M" -o "$tmp/rss" "$ddp" fuzz --minimise-seconds 0 --candidate "$faults/flood" --cases 2 --seed 1 \
    --timeout 120 --findings "$tmp/f" > "$tmp/out" 2>&1 || true
  rss=$(tail -1 "$tmp/rss")
  echo "peak RSS with 2 GiB of output per case: ${rss} KiB"
  ((rss < 200000)) || fail "peak RSS ${rss} KiB: output was not capped"
  for f in "$tmp"/f/*/candidate.stderr; do
    size=$(stat -c %s "$f")
    ((size <= 1048576)) || fail "$f is $size bytes: not capped"
  done ;;
orphans)
  rc=$(run fuzz --minimise-seconds 0 --candidate "$faults/orphans" --cases 4 --seed 1 --findings "$tmp/f")
  [ "$rc" = 0 ] || { cat "$tmp/out"; fail "exit $rc"; }
  no_leftovers 'sleep 3603' ;;
deleter)
  rc=$(run fuzz --minimise-seconds 0 --candidate "$faults/deleter" --cases 30 --seed 2 --findings "$tmp/f" --stderr class)
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
  "$ddp" fuzz --minimise-seconds 0 --candidate "$mutants/skip-warning-exit" --seconds 60 --seed 3 --stop-on exit \
    --findings "$tmp/f" > /dev/null 2>&1 || true
  before=$(cd "$tmp/f" && find . -type f | sort | xargs sha256sum)
  [ -n "$before" ] || fail "no finding to protect"
  small_tmpfs "$tmp/w" 96m
  "$ddp" fuzz --cases 1 --workdir "$tmp/w" --findings "$tmp/f0" > /dev/null 2>&1 || true # fixtures
  avail=$(df --output=avail -B1 "$tmp/w" | tail -1)
  head -c $((avail - 16 * 1024 * 1024)) /dev/zero > "$tmp/w/filler" || true
  rc=$(run fuzz --minimise-seconds 0 --candidate "$mutants/skip-warning-exit" --cases 50 --seed 4 --workdir "$tmp/w" --findings "$tmp/f")
  cat "$tmp/out" | tail -2
  [ "$rc" = 2 ] || fail "exit $rc, want 2 (a clear error)"
  grep -q "filesystem is full" "$tmp/out" || fail "no clear error"
  after=$(cd "$tmp/f" && find . -type f | sort | xargs sha256sum)
  [ "$before" = "$after" ] || fail "findings changed"
  [ -z "$(find "$tmp/w" -maxdepth 1 -name 'case-*')" ] || fail "case directories left behind" ;;
full-findings)
  small_tmpfs "$tmp/f" 1m
  "$ddp" fuzz --minimise-seconds 0 --candidate "$mutants/skip-warning-exit" --seconds 60 --seed 3 --stop-on exit \
    --findings "$tmp/f" > /dev/null 2>&1 || true
  before=$(cd "$tmp/f" && find . -type f | sort | xargs sha256sum)
  [ -n "$before" ] || fail "no finding to protect"
  avail=$(df --output=avail -B1 "$tmp/f" | tail -1)
  head -c "$avail" /dev/zero > "$tmp/f/filler" 2>/dev/null || true
  rc=$(run fuzz --minimise-seconds 0 --candidate "$mutants/vhdx-32m-blocks" --cases 60 --seed 5 --findings "$tmp/f")
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
