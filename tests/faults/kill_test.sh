#!/usr/bin/env bash
# kill_test.sh: `ddparity baselines generate` and `ddparity promote` killed
# with SIGKILL (the process and its process group) at random moments, and,
# with strace, just before or just after each rename that puts a file or a
# directory in place.  After every kill:
#   - a baseline triple <case>.{stdout.txt,stderr.txt,meta.json} whose
#     meta.json is there is whole: all three files are what an uninterrupted
#     run writes, or what was there before (meta.json is written last and
#     removed first, so a triple without it is absent: readers skip it and
#     the next run writes it again); meta.json parses;
#   - dd-cases, profiles/ and version-map.json are each the old or the new
#     one (and a dd-cases with the new case means promote finished);
#   - a version directory generate replaces whole is the old or the new one;
#   - nothing else changed.
# Once the next uninterrupted run has finished, no temporary (*.tmp-*,
# .tmp-*, .old-*, .profiles-*, bl-*, case-*, manifest-*) is left in the
# output, the work directory or $TMPDIR, and the bytes are an uninterrupted
# run's.
#
# usage: kill_test.sh DDPARITY SOURCE_DIR MUTANTS_DIR generate|promote
set -euo pipefail
ddp=$1 src=$2 mutants=$3 test=$4
failed=
fail() { failed=1; echo "FAIL: $*"; exit 1; }
qemu=$(command -v qemu-img) || fail "qemu-img not found (install qemu-utils)"
command -v jq > /dev/null || fail "jq not found (ci/bootstrap installs it)"
tmp=$(mktemp -d /tmp/ddp-kill-test-XXXXXX)
cleanup() {
  local rc=$?
  [ "$rc" = 0 ] || [ -n "$failed" ] || echo "FAIL: exit $rc after: $BASH_COMMAND"
  rm -rf "$tmp"
}
trap cleanup EXIT
export TMPDIR=$tmp/tmp
mkdir -p "$TMPDIR"
cd /
iv=$("$qemu" --version | awk 'NR == 1 {print $3}')
work=$tmp/work
rounds=2 kills=0 traced=0

# ---- running and killing ----------------------------------------------------

# Waits (30 s at most) until no process but this script works under $tmp:
# a killed ddparity's tools live in process groups of their own and finish
# on their own, as they would after a real kill.
quiesce() {
  local i busy
  for i in $(seq 300); do
    # (The pattern does not match the command line of the grep that reads it.)
    busy=$({ find /proc/[0-9]*/cwd -maxdepth 0 \( -lname "$tmp" -o -lname "$tmp/*" \) -printf '%h\n'
             grep -lE "$tmp[/]" /proc/[0-9]*/cmdline | sed 's,/cmdline$,,'; } 2> /dev/null | head -1) || true
    [ -z "$busy" ] && return 0
    sleep 0.1
  done
  fail "process ${busy#/proc/} still works under $tmp: $(tr '\0' ' ' < "$busy/cmdline")"
}

# run_killed MAX_MS CMD...: CMD in a session of its own, SIGKILLed with its
# process group after a random 0 to MAX_MS ms (if still running).
run_killed() {
  local max=$1 pid
  shift
  setsid "$@" > "$tmp/run.log" 2>&1 &
  pid=$!
  sleep "$(awk -v r="$RANDOM" -v m="$max" 'BEGIN { printf "%.3f", r / 32767 * m / 1000 }')"
  kill -KILL "$pid" 2> /dev/null || true
  kill -KILL -- "-$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  kills=$((kills + 1))
  quiesce
}

# (LeakSanitizer cannot work under ptrace: in a sanitizer build, no leak
# check for the runs under strace.)
trace=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -qq)

# Whether strace can inject here (installed, ptrace allowed).
have_strace() {
  command -v strace > /dev/null && "${trace[@]}" -o /dev/null -e trace=rename true 2> /dev/null
}

# strace_renames LOG CMD...: runs CMD under strace, logging the renames of
# its main thread (where every baseline, profile and dd-cases is put in
# place; strace counts per thread, and the tools it runs are not traced).
strace_renames() {
  local log=$1
  shift
  "${trace[@]}" -s 4096 -o "$log" -e signal=none -e trace=rename,renameat,renameat2 "$@"
}

# points LOG: the renames worth a kill: "SYSCALL N before|after" for the
# first and the last, every one whose target is no temporary (a file or
# directory put in place), and after each directory exchange.
points() {
  awk '
    /^rename(at2?)?\(/ {
      sc = $1; sub(/\(.*/, "", sc); n[sc]++; id = sc " " n[sc]
      k = split($0, q, "\""); dst = q[k - 1]
      if (!seen_one++) print id, "before"
      if (dst !~ /\/(\.tmp-|\.old-|\.profiles-)/ && dst !~ /\.tmp-[0-9]+$/) print id, "before"
      if ($0 ~ /RENAME_EXCHANGE/) print id, "after"
      last = id }
    END { if (last != "") { print last, "before"; print last, "after" } }' "$1" | awk '!seen[$0]++'
}

# stopped_in PID: its state and the syscall it is in.
stopped_in() { { cat "/proc/$1/stat" "/proc/$1/syscall" 2> /dev/null || true; } | awk 'NR == 1 { sub(/.*\) /, ""); print $1; next } { print }'; }

# traced_kill SYSCALL N before|after CMD...: CMD SIGKILLed on entering (before)
# or on leaving (after) its Nth SYSCALL.
traced_kill() {
  local sc=$1 n=$2 when=$3 spid child i s1 s2
  shift 3
  if [ "$when" = before ]; then
    ("${trace[@]}" -o /dev/null -e trace="$sc" -e inject="$sc:signal=SIGKILL:when=$n" \
      "$@" > "$tmp/run.log" 2>&1 || true) 2> /dev/null
  else
    "${trace[@]}" -o /dev/null -e trace="$sc" -e inject="$sc:delay_exit=60s:when=$n" \
      "$@" > "$tmp/run.log" 2>&1 &
    spid=$!
    # Held at the syscall's exit: stopped in it for longer than any other stop.
    for i in $(seq 600); do
      kill -0 "$spid" 2> /dev/null || break
      child=$(pgrep -o -P "$spid" || true)
      if [ -n "$child" ]; then
        s1=$(stopped_in "$child")
        if [[ "$s1" == t* ]]; then
          sleep 0.3
          [ "$(stopped_in "$child")" = "$s1" ] && break
        fi
      fi
      sleep 0.05
    done
    # (strace would sit out the rest of the delay.)
    if kill -0 "$spid" 2> /dev/null && [ -n "$child" ]; then kill -KILL "$child" "$spid" 2> /dev/null || true; fi
    wait "$spid" 2> /dev/null || true
  fi
  traced=$((traced + 1))
  quiesce
}

# ---- what is on disk ----------------------------------------------------------

is_temp=(-name '*.tmp-*' -o -name '.tmp-*' -o -name '.old-*' -o -name '.profiles-*' -o -name 'bl-*' -o -name 'case-*'
         -o -name 'manifest-*')

# manifest DIR: its directories and files' sha256, sorted; temporaries left out.
manifest() {
  [ -d "$1" ] || { echo "(no $1)"; return; }
  (cd "$1" && find . -mindepth 1 \( "${is_temp[@]}" \) -prune -o -type d -printf 'dir %p\n' &&
   find . -mindepth 1 \( "${is_temp[@]}" \) -prune -o -type f -print0 | xargs -0r sha256sum) | LC_ALL=C sort
}

# without PATH...: manifest lines (on stdin) not under any ./PATH.
without() { awk -v skip="$*" 'BEGIN { n = split(skip, s, " ") }
  { p = $NF; for (i = 1; i <= n; i++) if (p == "./" s[i] || index(p, "./" s[i] "/") == 1) next; print }'; }

# temps DIR...: the temporaries under the DIRs.
temps() { find "$@" \( "${is_temp[@]}" \) -print 2> /dev/null || true; }

same_triple() { # DIR1 DIR2 NAME
  local s
  for s in stdout.txt stderr.txt meta.json; do cmp -s "$1/$3.$s" "$2/$3.$s" || return 1; done
}

# triples_ok DIR OLD NEW: every triple of DIR with a meta.json is whole and
# the one OLD had or the one NEW has.
triples_ok() {
  local dir=$1 old=$2 new=$3 m name
  for m in "$dir"/*.meta.json; do
    [ -e "$m" ] || continue
    name=${m##*/}
    name=${name%.meta.json}
    jq empty "$m" 2> /dev/null || fail "$m does not parse (round $round)"
    same_triple "$dir" "$new" "$name" || { [ -f "$old/$name.meta.json" ] && same_triple "$dir" "$old" "$name"; } \
      || fail "$dir/$name.*: neither the old triple nor the new one (round $round): $(cat "$tmp/run.log")"
  done
}

# no_leftovers DIR...: no temporary under the DIRs, and $TMPDIR empty.
no_leftovers() {
  local left
  left=$(temps "$@"; find "$TMPDIR" -mindepth 1 -maxdepth 1)
  [ -z "$left" ] || fail "left behind after an uninterrupted run: $(head -5 <<< "$left")"
}

case $test in
generate)
  # Six of the cases (none with a VHDX output, whose creation takes
  # seconds), two of them for --only: one stale, one missing.
  grep -vE '^[[:space:]]*(#|$)' "$src/expected-outputs/dd-cases" | awk '$4 != "vhdx" && NR % 3 == 1 && ++n <= 6' > "$tmp/dd-cases"
  names=($(awk '{print $1}' "$tmp/dd-cases"))
  a=${names[1]} b=${names[4]}
  only=(--only "$a" --only "$b")
  gen=("$ddp" baselines generate --reference "$qemu" --cases "$tmp/dd-cases" --workdir "$work" --jobs 2)
  "${gen[@]}" --out "$tmp/ref" > "$tmp/ref.log" 2>&1 || { cat "$tmp/ref.log"; fail "generate failed"; }
  new=$tmp/ref/$iv
  newm=$(manifest "$new")
  # The old state: the committed baselines, this version's stale.
  out=$tmp/out
  cp -r "$src/expected-outputs/dd-info-json" "$out" 2> /dev/null || true # (what of it is there)
  rm -rf "${out:?}/$iv"
  cp -r "$new" "$out/$iv"
  rm "$out/$iv/$b".*
  echo stale >> "$out/$iv/$a.stdout.txt"
  echo stale >> "$out/$iv/$a.stderr.txt"
  jq '. + {stale: true}' "$new/$a.meta.json" > "$out/$iv/$a.meta.json"
  for s in stdout.txt stderr.txt meta.json; do echo '{}' > "$out/$iv/stale-case.$s"; done
  others=$(manifest "$out" | without "$iv")
  # Uninterrupted runs of both kinds: how long they take; --only's bytes.
  for mode in only whole; do
    args=()
    [ "$mode" = only ] && args=("${only[@]}")
    rm -rf "$tmp/scratch"
    cp -r "$out" "$tmp/scratch"
    start=$(date +%s%N)
    if have_strace; then
      strace_renames "$tmp/renames.$mode" "${gen[@]}" --out "$tmp/scratch" "${args[@]}" > "$tmp/count.log" 2>&1
    else
      "${gen[@]}" --out "$tmp/scratch" "${args[@]}" > "$tmp/count.log" 2>&1
    fi || { cat "$tmp/count.log"; fail "generate ${args[*]} failed"; }
    declare "${mode}_ms=$((($(date +%s%N) - start) / 1000000))"
  done
  for x in "$a" "$b"; do same_triple "$tmp/scratch/$iv" "$new" "$x" || fail "--only $x: not the whole run's bytes"; done

  # check MODE: after a kill of a run in MODE (whole or only).
  check() {
    [ "$(manifest "$out" | without "$iv")" = "$others" ] \
      || fail "generate changed another version, profiles/ or version-map.json (round $round)"
    triples_ok "$out/$iv" "$tmp/before" "$new"
    if [ "$1" = whole ]; then
      local m
      m=$(manifest "$out/$iv")
      [ "$m" = "$(manifest "$tmp/before")" ] || [ "$m" = "$newm" ] || fail "$out/$iv is neither the old" \
        "directory nor the new one (round $round): $(diff <(manifest "$tmp/before") <(echo "$m") | head -5)"
    fi
  }
  snapshot() { rm -rf "$tmp/before"; cp -a "$out/$iv" "$tmp/before"; }

  if have_strace; then
    for mode in only whole; do
      args=()
      [ "$mode" = only ] && args=("${only[@]}")
      while read -r sc n when; do
        round="$mode, killed $when $sc #$n"
        snapshot
        traced_kill "$sc" "$n" "$when" "${gen[@]}" --out "$out" "${args[@]}"
        check "$mode"
      done < <(points "$tmp/renames.$mode")
    done
  elif [ "${CI:-}" = true ]; then
    fail "strace cannot run here (CI=true: the kills at each rename are required)"
  else
    echo "NOTE: no strace (or no ptrace): random kills only"
  fi
  for round in $(seq "$rounds"); do
    snapshot
    if ((round % 2)); then
      run_killed "$only_ms" "${gen[@]}" --out "$out" "${only[@]}"
      check only
    else
      run_killed "$((whole_ms * 11 / 10))" "${gen[@]}" --out "$out"
      check whole
    fi
  done
  # The next runs, uninterrupted: --only writes again what a kill left
  # half-done; the whole run gives the reference's directory.
  round=final-only
  snapshot
  "${gen[@]}" --out "$out" "${only[@]}" > "$tmp/last.log" 2>&1 || { cat "$tmp/last.log"; fail "generate --only after the kills failed"; }
  for x in "$a" "$b"; do same_triple "$out/$iv" "$new" "$x" || fail "--only $x after the kills: not the whole run's bytes"; done
  check only
  no_leftovers "$out" "$work"
  round=final
  "${gen[@]}" --out "$out" > "$tmp/last.log" 2>&1 || { cat "$tmp/last.log"; fail "generate after the kills failed"; }
  [ "$(manifest "$out/$iv")" = "$newm" ] || fail "after the kills, generate does not give the reference's bytes"
  [ "$(manifest "$out" | without "$iv")" = "$others" ] || fail "generate changed another version, profiles/ or version-map.json"
  no_leftovers "$out" "$work"
  echo "generate: $kills random kills, $traced at renames; every triple whole, the version directory old or new; no leftovers" ;;

promote)
  # A finding to promote: the mutant's case from mutants.txt, run once
  # (fuzz --case; a campaign would spend its time finding it), in the
  # minimal form promote's minimise would give it (0 bytes, skip=1: 4 runs
  # to minimise, not 9), since every kill below runs promote again and the
  # renames killed at come after minimise.
  rc=0
  printf '{"fixture": "dd-raw-0", "args": ["skip=1", "if=in.raw", "of=out.img"]}\n' > "$tmp/case.json"
  "$ddp" fuzz --case "$tmp/case.json" --candidate "$mutants/skip-warning-exit" \
    --findings "$tmp/f" --workdir "$work" > "$tmp/fuzz.log" 2>&1 || rc=$?
  finding=$(grep -l '"signature": "[^"]*exit' "$tmp"/f/*/result.json 2> /dev/null | awk 'NR == 1 { sub(/\/result\.json$/, ""); print }') || true
  [ "$rc" = 1 ] && [ -n "$finding" ] || { cat "$tmp/fuzz.log"; fail "the mutant's campaign: exit $rc, no finding"; }
  # The old state: six of the cases, their baselines for every committed
  # version (this one's made here), profiles (few: each is copied with a
  # fsync per file).
  mkdir -p "$tmp/old/dd-info-json"
  grep -vE '^[[:space:]]*(#|$)' "$src/expected-outputs/dd-cases" | awk '$4 != "vhdx" && ++n <= 6' > "$tmp/old/dd-cases"
  for d in "$src/expected-outputs/dd-info-json"/*/; do
    v=$(basename "$d")
    [ "$v" = profiles ] || [ "$v" = "$iv" ] && continue
    mkdir "$tmp/old/dd-info-json/$v"
    for x in $(awk '{print $1}' "$tmp/old/dd-cases"); do # (whole triples: the tree may be changing)
      [ -f "$d/$x.meta.json" ] && cp "$d/$x".{stdout.txt,stderr.txt,meta.json} "$tmp/old/dd-info-json/$v/" || true
    done
  done
  { "$ddp" baselines generate --reference "$qemu" --cases "$tmp/old/dd-cases" --out "$tmp/old/dd-info-json" \
      --workdir "$work" && "$ddp" baselines profiles --out "$tmp/old/dd-info-json"; } > "$tmp/old.log" 2>&1 \
    || { cat "$tmp/old.log"; fail "generate or profiles failed"; }
  prom=("$ddp" promote --trust-finding --reference "$qemu" --workdir "$work" --jobs 2)
  into() { echo --cases "$1/dd-cases" --out "$1/dd-info-json"; } # (no spaces in $tmp)
  cp -r "$tmp/old" "$tmp/new"
  "${prom[@]}" $(into "$tmp/new") "$finding" > "$tmp/ref.log" 2>&1 || { cat "$tmp/ref.log"; fail "promote failed"; }
  name=$(tail -1 "$tmp/new/dd-cases" | awk '{print $1}')
  [ -f "$tmp/new/dd-info-json/$iv/$name.meta.json" ] || fail "promote made no $iv/$name.meta.json"
  prof_old=$(manifest "$tmp/old/dd-info-json/profiles") prof_new=$(manifest "$tmp/new/dd-info-json/profiles")
  skip=("profiles" "version-map.json" "$iv/$name.stdout.txt" "$iv/$name.stderr.txt" "$iv/$name.meta.json")
  rest=$(manifest "$tmp/old/dd-info-json" | without "${skip[@]}")
  [ "$(manifest "$tmp/new/dd-info-json" | without "${skip[@]}")" = "$rest" ] || fail "promote changed other baselines"
  eo=$tmp/eo
  # what: the finding while dd-cases lacks its case, then the case's name.
  what() { if cmp -s "$eo/dd-cases" "$tmp/old/dd-cases"; then echo "$finding"; else echo "$name"; fi; }
  check() {
    local is_new=0 f
    if cmp -s "$eo/dd-cases" "$tmp/new/dd-cases"; then
      is_new=1
    elif ! cmp -s "$eo/dd-cases" "$tmp/old/dd-cases"; then
      fail "dd-cases is neither the old file nor the new one (round $round): $(diff "$tmp/old/dd-cases" "$eo/dd-cases" | head -5)"
    fi
    f=version-map.json
    cmp -s "$eo/dd-info-json/$f" "$tmp/old/dd-info-json/$f" || cmp -s "$eo/dd-info-json/$f" "$tmp/new/dd-info-json/$f" \
      || fail "$f is neither the old one nor the new one (round $round)"
    f=$(manifest "$eo/dd-info-json/profiles")
    [ "$f" = "$prof_old" ] || [ "$f" = "$prof_new" ] || fail "profiles/ is neither the old one nor the new" \
      "one (round $round): $(diff <(echo "$prof_old") <(echo "$f") | head -6)"
    triples_ok "$eo/dd-info-json/$iv" "$tmp/old/dd-info-json/$iv" "$tmp/new/dd-info-json/$iv"
    [ "$(manifest "$eo/dd-info-json" | without "${skip[@]}")" = "$rest" ] || fail "promote changed other baselines (round $round)"
    # dd-cases takes the case last: with it, everything else is new.
    if ((is_new)); then
      [ "$f" = "$prof_new" ] && cmp -s "$eo/dd-info-json/version-map.json" "$tmp/new/dd-info-json/version-map.json" \
        && same_triple "$eo/dd-info-json/$iv" "$tmp/new/dd-info-json/$iv" "$name" \
        || fail "dd-cases has the new case but its baselines, profiles/ or version-map.json are old (round $round)"
    fi
  }
  rm -rf "$tmp/scratch"
  cp -r "$tmp/old" "$tmp/scratch"
  start=$(date +%s%N)
  if have_strace; then
    strace_renames "$tmp/renames" "${prom[@]}" $(into "$tmp/scratch") "$finding" > "$tmp/count.log" 2>&1
  else
    "${prom[@]}" $(into "$tmp/scratch") "$finding" > "$tmp/count.log" 2>&1
  fi || { cat "$tmp/count.log"; fail "promote failed"; }
  run_ms=$((($(date +%s%N) - start) / 1000000))
  if have_strace; then
    while read -r sc n when; do
      round="killed $when $sc #$n"
      rm -rf "$eo"
      cp -r "$tmp/old" "$eo"
      traced_kill "$sc" "$n" "$when" "${prom[@]}" $(into "$eo") "$finding"
      check
    done < <(points "$tmp/renames")
  elif [ "${CI:-}" = true ]; then
    fail "strace cannot run here (CI=true: the kills at each rename are required)"
  else
    echo "NOTE: no strace (or no ptrace): random kills only"
  fi
  # Random kills, one run after another on the same tree.
  rm -rf "$eo"
  cp -r "$tmp/old" "$eo"
  for round in $(seq "$rounds"); do
    run_killed "$((run_ms * 11 / 10))" "${prom[@]}" $(into "$eo") "$(what)"
    check
  done
  round=final
  "${prom[@]}" $(into "$eo") "$(what)" > "$tmp/last.log" 2>&1 || { cat "$tmp/last.log"; fail "promote after the kills failed"; }
  check
  cmp -s "$eo/dd-cases" "$tmp/new/dd-cases" || fail "after the kills, dd-cases lacks the case"
  no_leftovers "$eo" "$work"
  echo "promote: $kills random kills, $traced at renames; dd-cases, profiles/, version-map.json old or new, triples whole; no leftovers" ;;
*)
  fail "unknown test $test" ;;
esac
echo "PASS: $test"
