#!/usr/bin/env bash
# hardening_test.sh: what the suite deletes, what a kill or a signal leaves,
# and campaigns sharing a findings directory (issue 14, points 6, 7, 9, 10).
#
#   sweep           files and directories of a user's that look like the
#                   suite's temporaries of dead processes (in --workdir,
#                   --out, the findings directory, $TMPDIR) survive every
#                   command's sweep; the suite's own (marked) temporaries of
#                   dead processes, of a pid since reused and of a zombie
#                   (killed, not reaped yet), are removed;
#                   a live process's are not
#   signals         `baselines generate` stopped by SIGTERM and SIGINT,
#                   `fuzz` and `minimise` (in \$DDP_SHM_DIR, standing for
#                   /dev/shm) by SIGTERM leave no ddparity-* directory; fuzz
#                   prints its summary, says it was interrupted and exits
#                   128 + the signal; a SIGKILLed generate's directory is
#                   swept by the next command
#   shared-findings two campaigns at once on one findings directory: both
#                   exit 1, and signatures.json counts every divergence
#                   both logged
#
# usage: hardening_test.sh DDPARITY SOURCE_DIR MUTANTS_DIR TEST
set -euo pipefail
ddp=$1 src=$2 test=$4
faults=$src/tests/faults
fail() { echo "FAIL: $*"; exit 1; }
qemu=$(command -v qemu-img) || fail "qemu-img not found (install qemu-utils)"
command -v jq > /dev/null || fail "jq not found (ci/bootstrap installs it)"
tmp=$(mktemp -d /tmp/ddp-hardening-test-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL -- "-$p" "$p" 2> /dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
export TMPDIR=$tmp/tmp
mkdir -p "$TMPDIR"
cases=$src/expected-outputs/dd-cases
first=$(awk '!/^#/ && NF {print $1; exit}' "$cases")
boot=$(cat /proc/sys/kernel/random/boot_id)

# A pid with no process (one that has just exited).
dead_pid() { sh -c 'echo $$'; }
# marked DIR PID START: a temporary as the suite marks it.
marked() { mkdir -p "$1/sub"; echo x > "$1/sub/file"; echo "ddparity $2 $3 $boot" > "$1/.ddparity-tmp"; }
my_start() { awk '{ sub(/.*\) /, ""); print $20 }' /proc/$$/stat; }

# A user's files and directories named like the suite's temporaries of dead pids.
plant() {
  mkdir -p "$1/case-2023-31999/sub" "$1/bl-backup-32000" "$1/mydata/case-7-30001"
  echo keep > "$1/case-2023-31999/sub/data"
  echo keep > "$1/bl-backup-32000/data"
  echo keep > "$1/notes.tmp-31000"
  echo keep > "$1/mydata/case-7-30001/data"
}
planted_intact() {
  local f
  for f in case-2023-31999/sub/data bl-backup-32000/data notes.tmp-31000 mydata/case-7-30001/data; do
    [ "$(cat "$1/$f" 2> /dev/null)" = keep ] || fail "$1/$f, a user's file, was removed"
  done
}
no_private_dirs() { # what: no ddparity-* directory in $TMPDIR
  local left
  left=$(find "$TMPDIR" -mindepth 1 -maxdepth 1 -name 'ddparity-*' ! -name 'ddparity-user-*')
  [ -z "$left" ] || fail "$1 left $left"
}
wait_for() { # SECONDS COMMAND...: poll until COMMAND succeeds
  local i
  for i in $(seq $(($1 * 20))); do "${@:2}" && return 0; sleep 0.05; done
  return 1
}
# No process works in $tmp (a tool's cwd there).
idle() { [ -z "$(find /proc/[0-9]*/cwd -maxdepth 0 -lname "$tmp/*" 2> /dev/null | head -1)" ]; }
has_private_dir() { compgen -G "$TMPDIR/$1" > /dev/null; }
# run_signalled SIGNAL READY_TEST CMD...: CMD in a session of its own, sent
# SIGNAL once READY_TEST succeeds; echoes its exit status.
run_signalled() {
  local sig=$1 ready=$2 pid rc=0
  shift 2
  setsid "$@" > "$tmp/out" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_for 60 eval "$ready" || { kill -KILL "$pid"; cat "$tmp/out" >&2; fail "not ready: $ready"; }
  kill "-$sig" "$pid"
  wait "$pid" || rc=$?
  # Tools in flight live in process groups of their own and finish by themselves.
  wait_for 10 idle || true
  echo "$rc"
}

case $test in
sweep)
  w=$tmp/w out=$tmp/out-bl f=$tmp/f
  for d in "$w" "$out" "$f" "$tmp/w2"; do plant "$d"; done
  mkdir -p "$TMPDIR/ddparity-user-notes"; echo keep > "$TMPDIR/ddparity-user-notes/data"
  # The suite's own: a dead process's, a reused pid's (our pid, another start time), a live one's.
  dead=$(dead_pid)
  marked "$w/case-5-$dead" "$dead" 1
  marked "$w/runs-x/bl-c-$dead-0x1" "$dead" 1
  marked "$w/case-6-$$" $$ 1
  marked "$w/case-7-$$" $$ "$(my_start)"
  marked "$TMPDIR/ddparity-bl-dead01" "$dead" 1
  # A killed process not reaped yet (its parent gone too, or slow): a zombie, and dead.
  sh -c 'sleep 0 & echo $! > "$1"; exec sleep 60' sh "$tmp/zpid" &
  pids+=($!)
  disown $!
  wait_for 5 test -s "$tmp/zpid" || fail "no zombie pid"
  zombie=$(cat "$tmp/zpid")
  wait_for 5 grep -q '^[0-9]* ([^)]*) Z' "/proc/$zombie/stat" || fail "$zombie is no zombie"
  marked "$w/case-8-$zombie" "$zombie" "$(awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$zombie/stat")"
  # An atomic write's temporary of a dead process (swept), and a user's file linked under such a name (kept).
  ver=$("$qemu" --version | awk 'NR == 1 {print $3}')
  mkdir -p "$out/$ver"
  echo junk > "$out/$ver/$first.stdout.txt.tmp-$dead"
  echo keep > "$out/linked"
  ln "$out/linked" "$out/$ver/$first.stderr.txt.tmp-$dead"
  "$ddp" fuzz --cases 2 --seed 1 --workdir "$w" --findings "$f" > "$tmp/log" 2>&1 \
    || { cat "$tmp/log"; fail "fuzz --workdir failed"; }
  "$ddp" baselines generate --cases "$cases" --only "$first" --reference "$qemu" \
    --out "$out" --workdir "$tmp/w2" > "$tmp/log" 2>&1 || { cat "$tmp/log"; fail "generate failed"; }
  "$ddp" fuzz --cases 1 --seed 1 --findings "$f" > "$tmp/log" 2>&1 \
    || { cat "$tmp/log"; fail "fuzz failed"; }
  for d in "$w" "$out" "$f" "$tmp/w2"; do planted_intact "$d"; done
  [ "$(cat "$TMPDIR/ddparity-user-notes/data" 2> /dev/null)" = keep ] \
    || fail "$TMPDIR/ddparity-user-notes, a user's directory, was removed"
  [ ! -e "$w/case-5-$dead" ] && [ ! -e "$w/runs-x/bl-c-$dead-0x1" ] \
    || fail "a dead process's marked temporaries were not swept"
  [ ! -e "$w/case-6-$$" ] || fail "the temporary of a pid since reused was not swept"
  [ ! -e "$w/case-8-$zombie" ] || fail "the temporary of a killed process not yet reaped was not swept"
  [ -e "$w/case-7-$$/sub/file" ] || fail "a live process's temporary was swept"
  [ ! -e "$TMPDIR/ddparity-bl-dead01" ] || fail "a dead process's private directory in \$TMPDIR was not swept"
  [ -f "$out/$ver/$first.meta.json" ] || fail "no baseline written"
  [ ! -e "$out/$ver/$first.stdout.txt.tmp-$dead" ] || fail "a dead process's atomic-write temporary was not swept"
  [ "$(cat "$out/linked")" = keep ] && [ -e "$out/$ver/$first.stderr.txt.tmp-$dead" ] \
    || fail "a file with another link was removed" ;;
signals)
  rc=$(run_signalled TERM 'has_private_dir "ddparity-bl-*/runs-*"' \
         "$ddp" baselines generate --cases "$cases" --reference "$qemu" --out "$tmp/o1" --jobs 1)
  [ "$rc" = 143 ] || { cat "$tmp/out"; fail "generate after SIGTERM: exit $rc, want 143"; }
  no_private_dirs "generate stopped by SIGTERM"
  rc=$(run_signalled INT 'has_private_dir "ddparity-bl-*/runs-*"' \
         "$ddp" baselines generate --cases "$cases" --reference "$qemu" --out "$tmp/o2" --jobs 1)
  [ "$rc" = 130 ] || { cat "$tmp/out"; fail "generate after SIGINT: exit $rc, want 130"; }
  no_private_dirs "generate stopped by SIGINT"
  rc=$(run_signalled TERM 'grep -q "model profile" "$tmp/out"' \
         "$ddp" fuzz --seconds 120 --seed 1 --findings "$tmp/f")
  tail -3 "$tmp/out"
  [ "$rc" = 143 ] || fail "fuzz after SIGTERM: exit $rc, want 143 (not a clean run)"
  grep -q "interrupted by SIGTERM" "$tmp/out" || fail "fuzz did not say it was interrupted"
  grep -q "cases in" "$tmp/out" || fail "fuzz printed no summary"
  no_private_dirs "fuzz stopped by SIGTERM"
  # minimise (and promote's) work in memory: \$DDP_SHM_DIR stands for /dev/shm.
  "$ddp" fuzz --minimise-seconds 0 --candidate "$faults/crash" --cases 1 --seed 1 --findings "$tmp/fc" > /dev/null 2>&1 || true
  finding=$(ls -d "$tmp"/fc/*/ | head -1)
  mkdir -p "$tmp/shm"
  marked "$tmp/shm/ddparity-min-dead01" "$(dead_pid)" 1
  rc=$(run_signalled TERM 'compgen -G "$tmp/shm/ddparity-min-*/fixtures-*" > /dev/null' \
         env TMPDIR= DDP_SHM_DIR="$tmp/shm" "$ddp" minimise "$finding" \
           --reference qemu-img --candidate "$faults/crash")
  [ "$rc" = 143 ] || { cat "$tmp/out"; fail "minimise after SIGTERM: exit $rc, want 143"; }
  left=$(find "$tmp/shm" -mindepth 1 -maxdepth 1)
  [ -z "$left" ] || fail "minimise stopped by SIGTERM (or the sweep) left $left"
  # SIGKILL cannot be caught: the next command sweeps what it left.
  rc=$(run_signalled KILL 'has_private_dir "ddparity-bl-*/runs-*"' \
         "$ddp" baselines generate --cases "$cases" --reference "$qemu" --out "$tmp/o3" --jobs 1)
  has_private_dir "ddparity-bl-*" || fail "SIGKILL left nothing to sweep (test broken?)"
  "$ddp" fuzz --cases 1 --seed 1 --findings "$tmp/f" > "$tmp/log" 2>&1 || { cat "$tmp/log"; fail "fuzz failed"; }
  no_private_dirs "a SIGKILLed generate, then fuzz," ;;
shared-findings)
  "$ddp" fuzz --cases 1 --workdir "$tmp/w" --findings "$tmp/f0" > /dev/null 2>&1 # fixtures, once
  for s in 1 2; do
    "$ddp" fuzz --minimise-seconds 0 --candidate "$faults/crash" --cases 8 --seed "$s" --workdir "$tmp/w" \
      --findings "$tmp/f" --log "$tmp/log$s" > "$tmp/out$s" 2>&1 &
    pids+=($!)
  done
  for s in 1 2; do
    rc=0
    wait "${pids[$((s - 1))]}" || rc=$?
    [ "$rc" = 1 ] || { tail -3 "$tmp/out$s"; fail "campaign $s: exit $rc, want 1"; }
  done
  logged=$(cat "$tmp/log1" "$tmp/log2" | awk -F'\t' '$2 == "diverges"' | wc -l)
  counted=$(jq '[.[].count] | add' "$tmp/f/signatures.json")
  echo "divergences logged $logged, counted $counted"
  [ "$logged" = "$counted" ] || fail "signatures.json counts $counted divergences, the logs $logged"
  cat "$tmp/log1" "$tmp/log2" | awk -F'\t' '$2 == "diverges" {print $4}' | sort -u > "$tmp/sigs"
  while read -r sig; do
    # Its group: one whose key or folded-in raw keys are "<signature> @ <rules>".
    dir=$(jq -r --arg s "$sig @ " 'to_entries[] | select(([.key] + (.value.aliases // []))
          | map(startswith($s)) | any) | .value.dir' "$tmp/f/signatures.json" | head -1)
    [ -n "$dir" ] && [ -f "$tmp/f/$dir/result.json" ] || fail "signature $sig missing"
  done < "$tmp/sigs" ;;
*) fail "unknown test $test" ;;
esac
echo "PASS: $test"
