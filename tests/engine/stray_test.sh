#!/usr/bin/env bash
# stray_test.sh: the suite creates nothing outside its work, findings and
# temporary directories, anywhere on the filesystems this test can see.
#
# usage: stray_test.sh DDPARITY MUTANTS_DIR TESTING_DIR
#   TESTING_DIR: ctest's Testing/ (its logs, written while this runs)
#
# Runs, from a directory of its own that must stay empty: campaigns of
# `ddparity fuzz` with the model and with a mutant (hostile operands among
# their cases, diff/engine/gen.c), `minimise` of a finding (with no TMPDIR, so in
# /dev/shm or /tmp) and `reproduce` of it, and `reproduce` of a finding per
# hostile operand (gen.c's and more: every place watched here, protocols,
# json: file names).
#
# Every writable filesystem mounted (but /proc, /sys and /dev; /dev/shm
# included) is listed before, and what changed after a stamp is listed
# after (find -cnewer: created, renamed in, modified).  Others write too:
# ctest runs this test alone (RUN_SERIAL) unless root, but people, builds and daemons
# may not.  So, as root, the suite runs as a user of its own (an unused uid,
# with the capabilities to read and write wherever root can): what it
# creates is that uid's, and a new entry of that uid outside the allowed
# directories fails the test; others' are listed, not counted.  Not as
# root, every new entry outside them fails.  Files that existed and changed
# are listed (nobody can be told apart for them).
set -euo pipefail
ddp=$1 mutants=$2 testing=$3
failed=
fail() { failed=1; echo "FAIL: $*"; exit 1; }
qemu=$(command -v qemu-img) || fail "qemu-img not found (install qemu-utils)"
tmp=$(mktemp -d /tmp/ddp-stray-test-XXXXXX)
cleanup() {
  local rc=$?
  [ "$rc" = 0 ] || [ -n "$failed" ] || echo "FAIL: exit $rc after: $BASH_COMMAND"
  rm -rf "$tmp"
}
trap cleanup EXIT
work=$tmp/work findings=$tmp/findings logs=$tmp/logs
mkdir -p "$work" "$findings" "$logs" "$tmp/tmp" "$tmp/cwd"
allowed=("$work" "$findings" "$logs" "$tmp/tmp" "$testing")

# The suite's own uid (as root): free in passwd and running nothing.
as_suite=()
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
  for u in $(seq 64999 -1 64900); do
    getent passwd "$u" > /dev/null || pgrep -U "$u" > /dev/null || { uid=$u; break; }
  done
  caps=+dac_override,+dac_read_search,+fowner
  [ -n "${uid:-}" ] && as_suite=(setpriv "--reuid=$uid" "--regid=$uid" --clear-groups "--inh-caps=$caps" "--ambient-caps=$caps")
  "${as_suite[@]}" true 2> /dev/null || { as_suite=(); unset uid; }
fi
suite() { (cd "$tmp/cwd" && TMPDIR=$tmp/tmp "${as_suite[@]}" "$ddp" "$@"); }

# Writable filesystems: each mount point once, /proc, /sys and /dev but
# /dev/shm left out, and pseudo filesystems.
roots=()
while read -r target; do roots+=("$target"); done < <(
  awk '$4 ~ /^rw(,|$)/ && $3 !~ /^(proc|sysfs|cgroup2?|devtmpfs|devpts|mqueue|debugfs|tracefs|securityfs|pstore|bpf|autofs|binfmt_misc|configfs|fusectl|hugetlbfs|nsfs|efivarfs|rpc_pipefs|selinuxfs)$/ {
         t = $2; gsub(/\\040/, " ", t); print t }' /proc/self/mounts |
    grep -vE '^/(proc|sys)(/|$)' | grep -vE '^/dev(/|$)' | sort -u
  grep -qE '^[^ ]+ /dev/shm ' /proc/self/mounts && echo /dev/shm)
prune=(-path /proc -o -path /sys -o \( -path '/dev/*' ! -path /dev/shm ! -path '/dev/shm/*' \))
for d in "${allowed[@]}"; do prune+=(-o -path "$d"); done
# scan [FIND-TESTS...]: every entry's path, NUL-terminated.
scan() { find "${roots[@]}" -xdev \( "${prune[@]}" \) -prune -o "$@" -print0 2> /dev/null || true; }

touch "$logs/stamp"
start=$SECONDS
scan | LC_ALL=C sort -zu > "$logs/before"
listed=$((SECONDS - start))

# ---- the suite at work ------------------------------------------------------
# (What the suite writes per case is the same for every case: 60 of them,
# and the mutant's campaign up to its first finding, which minimise and
# reproduce need; 120 and 80 whole before.)
suite fuzz --cases 60 --seed 31 --jobs 2 --findings "$findings/model" --workdir "$work" \
  > "$logs/model" 2>&1 || { cat "$logs/model"; fail "the model diverged"; }
rc=0
suite fuzz --minimise-seconds 0 --candidate "$mutants/skip-warning-exit" --cases 80 --stop-on exit --seed 3 --jobs 2 \
  --findings "$findings/mutant" --workdir "$work" > "$logs/mutant" 2>&1 || rc=$?
[ "$rc" = 1 ] || { cat "$logs/mutant"; fail "the mutant campaign: exit $rc, want 1"; }
finding=$(grep -l '"signature": "[^"]*exit' "$findings"/mutant/*/result.json 2> /dev/null | awk 'NR == 1 { sub(/\/result\.json$/, ""); print }') || true
[ -n "$finding" ] || { cat "$logs/mutant"; fail "no finding of the mutant"; }
# minimise with no TMPDIR and no --workdir: its own directory in /dev/shm or /tmp.
(cd "$tmp/cwd" && env -u TMPDIR "${as_suite[@]}" "$ddp" minimise "$finding" --trust-finding) > "$logs/min" 2>&1 \
  || { cat "$logs/min"; fail "minimise failed"; }
rc=0
suite reproduce "$finding" --trust-finding > "$logs/rep" 2>&1 || rc=$?
[ "$rc" = 1 ] || { cat "$logs/rep"; fail "reproduce: exit $rc, want 1"; }
# A finding per hostile operand, reproduced (both sides run the real qemu-img).
long=$(head -c 65536 /dev/zero | tr '\0' a)
hostile=(
  '"bs=$(touch pwned)"' '"of=out.img;touch pwned"' '"if=in.raw|cat"' '"bs=`id`"' "\"of='out.img'\""
  '"of=\"out.img\""' '"of=out img"' '"bs=5\n12"' '"bs=\t512"' '"count=1 2"' '"of=./out.img"'
  '"of=sub/../out.img"' '"of=../out.img"' '"if=../in.raw"' '"of=/tmp/ddp-escape.img"'
  '"of=nbd:localhost:10809"' '"of=x:y"' '{"hex": "62733dfffe"}' '{"hex": "6f663d6f7574e92e696d67"}'
  '"of=\u0001\u0002"' '"if=in.raw\r"' '"--object=secret,id=s0,data=x"' '"of=in.raw"' '"of=."'
  '"of=sub/out.img"' "\"of=$long\"" "\"bs=${long//a/9}\""
  '"of=/dev/shm/ddp-escape.img"' '"of=/var/tmp/ddp-escape.img"' '"of=../../../../ddp-escape.img"'
  '"of=~/ddp-escape.img"' '"of=$HOME/ddp-escape.img"' '"of=file:/tmp/ddp-escape.img"'
  '"of=file:out.img"' '"of=json:{\"driver\":\"file\",\"filename\":\"/tmp/ddp-escape.img\"}"'
  '"if=/etc/passwd"' '"of=out.img/../../ddp-escape.img"'
)
n=0
for h in "${hostile[@]}"; do
  n=$((n + 1))
  d=$findings/hostile/$n
  mkdir -p "$d"
  cp "$finding"/result.json "$d/"
  case $h in
    '"of='* | '{"hex": "6f663d'*) args="\"if=in.raw\", $h" ;;
    '"if='*) args="$h, \"of=out.img\"" ;;
    *) args="\"if=in.raw\", \"of=out.img\", $h" ;;
  esac
  printf '{"fixture": "raw-1M-random", "args": ["-O", "raw", %s]}\n' "$args" > "$d/case.json"
  rc=0
  suite reproduce "$d" --reference "$qemu" --candidate "$qemu" --workdir "$work" > "$logs/hostile-$n" 2>&1 || rc=$?
  [ "$rc" = 0 ] || { cat "$logs/hostile-$n"; fail "reproduce of hostile operand $n: exit $rc"; }
done
refused=$(grep -l 'refused' "$logs"/hostile-* | wc -l) || true

# ---- what changed -------------------------------------------------------------
ran=$((SECONDS - start - listed))
scan -cnewer "$logs/stamp" | LC_ALL=C sort -zu > "$logs/after"
LC_ALL=C comm -z -13 "$logs/before" "$logs/after" > "$logs/new"
LC_ALL=C comm -z -12 "$logs/before" "$logs/after" > "$logs/changed"
ours=() others=()
while IFS= read -r -d '' rec; do
  owner=${rec%%$'\t'*} path=${rec#*$'\t'}
  if [ -z "${uid:-}" ] || [ "$owner" = "$uid" ]; then ours+=("$path"); else others+=("$path"); fi
done < <(xargs -0r stat --printf '%u\t%n\0' -- < "$logs/new" 2> /dev/null || true)
show() { local max=$1 p; shift; for p in "${@:1:max}"; do printf '  %q\n' "$p" | cut -c1-300; done; }
if ((${#others[@]})); then
  echo "NOTE: ${#others[@]} new entries of other users (other processes), not counted:"
  show 10 "${others[@]}"
fi
nchanged=$(tr -cd '\0' < "$logs/changed" | wc -c)
if ((nchanged)); then
  echo "NOTE: $nchanged entries that were there changed (directories gaining entries, logs...):"
  mapfile -d '' -t changed < "$logs/changed"
  show 5 "${changed[@]}"
fi
if ((${#ours[@]})); then
  echo "FAIL: ${#ours[@]} entries created outside the work, findings and temporary directories:"
  show 50 "${ours[@]}"
  failed=1
  exit 1
fi
echo "no-stray-files: ${#roots[@]} filesystems (${roots[*]}) listed in ${listed} s, changes in" \
  "$((SECONDS - start - listed - ran)) s; ${uid:+as uid $uid, }$(awk '/^ddparity fuzz: [0-9]+ cases in/ { n += $3 } END { print n }' "$logs/model" "$logs/mutant") cases, minimise, reproduce, $n hostile" \
  "operands ($refused refused) in $ran s: nothing new outside"
echo "PASS: no-stray-files"
