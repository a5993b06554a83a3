#!/usr/bin/env bash
# trust_test.sh: files the suite reads never make it run a program the user
# did not name, nor reach a file outside a case's directory (issue 14).
#
# usage: trust_test.sh DDPARITY SOURCE_DIR KIND
#   tools     a planted finding whose result.json names programs (each
#             leaves a marker, then behaves as qemu-img): reproduce,
#             minimise and promote run none of them (exit 2, the commands
#             printed) unless the user names the tools or --trust-finding
#   paths     findings whose case.json spells the fixture's link or a file
#             outside in other ways (.//in.raw, sub/../in.raw, --image-opts
#             filename=/etc/shadow): refused, no dd run, the shared fixtures
#             unchanged (every other spelling: unit.test_trust)
#   operands  dd-cases lines whose operands bypass the columns or the
#             engine's rules (-UOqcow2, --object=..., --help...) and a
#             meta.json whose case_name is a path: exit 2 and FILE:LINE:COL
set -euo pipefail
ddp=$1 src=$2 kind=$3
fail() { echo "FAIL: $kind: $*"; exit 1; }
qemu=$(command -v qemu-img) || fail "qemu-img not found (install qemu-utils)"
tmp=$(mktemp -d /tmp/ddp-trust-test-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export TMPDIR=$tmp/tmp
mkdir -p "$TMPDIR" "$tmp/w"
eo=$src/expected-outputs

# planted NAME: a program that logs its arguments to $tmp/ran, then is qemu-img.
planted() {
  printf '#!/bin/sh\necho "%s $*" >> "%s/ran"\nexec "%s" "$@"\n' "$1" "$tmp" "$qemu" > "$tmp/$1"
  chmod +x "$tmp/$1"
}
# finding DIR FIXTURE ARGS-JSON REFERENCE CANDIDATE: a finding's two files, by hand.
finding() {
  mkdir -p "$1"
  printf '{"fixture": "%s", "args": [%s]}\n' "$2" "$3" > "$1/case.json"
  printf '{"signature": "exit", "reference": "%s", "candidate": "%s", "stderr_mode": "exact"}\n' \
    "$4" "$5" > "$1/result.json"
}
# run NAME WANT-RC COMMAND...: the command's exit status must be WANT-RC (any: 0 or 1).
run() {
  local name=$1 want=$2 rc=0
  shift 2
  "$@" > "$tmp/$name.out" 2>&1 < /dev/null || rc=$?
  case $want in
  any) [ "$rc" = 0 ] || [ "$rc" = 1 ] ;;
  *) [ "$rc" = "$want" ] ;;
  esac || { cat "$tmp/$name.out"; fail "$name: exit $rc, want $want"; }
}
not_run() { [ ! -e "$tmp/ran" ] || { cat "$tmp/ran"; fail "$1: a program the finding names ran"; }; }

case $kind in
tools)
  planted planted-ref
  planted planted-cand
  f=$tmp/finding
  finding "$f" raw-5000-random '"if=in.raw", "of=out.img", "bs=512", "count=1"' \
    "$tmp/planted-ref" "$tmp/planted-cand"
  mkdir -p "$tmp/eo"
  cp "$eo/dd-cases" "$tmp/eo/dd-cases"
  for cmd in reproduce minimise promote; do
    extra=()
    [ "$cmd" = promote ] && extra=(--cases "$tmp/eo/dd-cases" --out "$tmp/eo/dd-info-json")
    run "$cmd" 2 "$ddp" "$cmd" "$f" --workdir "$tmp/w" "${extra[@]}"
    not_run "$cmd"
    grep -qF "candidate: $tmp/planted-cand --version; $tmp/planted-cand dd 'if=in.raw' 'of=out.img'" "$tmp/$cmd.out" &&
      grep -qF "reference: $tmp/planted-ref --version" "$tmp/$cmd.out" &&
      grep -qF "ddparity $cmd '$f' --trust-finding" "$tmp/$cmd.out" ||
      { cat "$tmp/$cmd.out"; fail "$cmd: the commands it would run and how to run them are not printed"; }
    echo "$cmd without tools: exit 2, nothing run; $(grep -c . "$tmp/$cmd.out") lines printed"
  done
  sed -n '1,6p' "$tmp/reproduce.out"
  # A named reference is not enough while the candidate is a program the finding names.
  run named-ref 2 "$ddp" reproduce "$f" --reference "$qemu" --workdir "$tmp/w"
  run promote-named-ref 2 "$ddp" promote "$f" --reference "$qemu" --workdir "$tmp/w" \
    --cases "$tmp/eo/dd-cases" --out "$tmp/eo/dd-info-json"
  not_run "--reference only"
  # The user's tools: the model is no program.
  run named 0 "$ddp" reproduce "$f" --reference "$qemu" --candidate model --workdir "$tmp/w"
  not_run "--reference qemu-img --candidate model"
  grep -q '^case: ' "$tmp/named.out" || { cat "$tmp/named.out"; fail "the named tools did not run the case"; }
  # A finding of the model: its reference named, no --candidate needed.
  finding "$tmp/model-finding" raw-5000-random '"if=in.raw", "of=out.img"' "$tmp/planted-ref" model
  run model-finding any "$ddp" reproduce "$tmp/model-finding" --reference "$qemu" --workdir "$tmp/w"
  not_run "a model finding with --reference"
  run model-untrusted 2 "$ddp" reproduce "$tmp/model-finding" --workdir "$tmp/w"
  not_run "a model finding without --reference"
  # Trusted: the finding's own programs run.
  run trusted 0 "$ddp" reproduce "$f" --trust-finding --workdir "$tmp/w"
  grep -q "^planted-ref dd " "$tmp/ran" && grep -q "^planted-cand dd " "$tmp/ran" ||
    { cat "$tmp/trusted.out" "$tmp/ran" 2> /dev/null; fail "--trust-finding did not run the finding's tools"; }
  echo "--reference only: exit 2; --reference and --candidate model: ran; --trust-finding: ran both" ;;

paths)
  # The user's tools (named): the candidate logs each run, then is qemu-img.
  planted cand
  finding "$tmp/ok" raw-5000-random '"if=in.raw", "of=out.img"' qemu-img qemu-img
  run ok any "$ddp" reproduce "$tmp/ok" --reference "$qemu" --candidate "$tmp/cand" --workdir "$tmp/w"
  grep -q '^cand dd ' "$tmp/ran" || { cat "$tmp/ok.out"; fail "a plain case did not run"; }
  fixtures=$(find "$tmp/w" -maxdepth 1 -name 'fixtures-*' | head -1)
  [ -n "$fixtures" ] || fail "no fixtures made"
  (cd "$fixtures" && find . -type f -exec sha256sum {} + | sort) > "$tmp/before"
  # The issue's two, end to end (every spelling is a row of unit.test_trust:
  # each reproduce here re-checks the fixtures, about a second).
  hostile=(
    '"if=in.raw", "of=.//in.raw"' '"if=in.raw", "of=sub/../in.raw"'
    '"--image-opts", "if=driver=file,filename=/etc/shadow", "of=out.img"'
  )
  n=0
  for h in "${hostile[@]}"; do
    n=$((n + 1))
    : > "$tmp/ran"
    finding "$tmp/h$n" raw-5000-random "\"-O\", \"raw\", \"bs=512\", \"count=1\", $h" qemu-img qemu-img
    run "h$n" any "$ddp" reproduce "$tmp/h$n" --reference "$qemu" --candidate "$tmp/cand" --workdir "$tmp/w"
    grep -q 'refused' "$tmp/h$n.out" && ! grep -q '^cand dd ' "$tmp/ran" ||
      { cat "$tmp/h$n.out" "$tmp/ran"; fail "[$h] was not refused"; }
    printf '  %-70.70s %s\n' "$h" "$(grep -o 'refused.*' "$tmp/h$n.out" | head -1)"
  done
  (cd "$fixtures" && find . -type f -exec sha256sum {} + | sort) > "$tmp/after"
  diff "$tmp/before" "$tmp/after" || fail "the shared fixtures changed"
  echo "paths: $n spellings refused, nothing run, fixtures unchanged" ;;

operands)
  cases=$tmp/dd-cases
  grep -vE '^[[:space:]]*(#|$)' "$eo/dd-cases" | head -3 > "$cases.head"
  n=0
  for ops in '-UOqcow2' '--object=secret,id=s,data=x' '--help' '-U -O qcow2' '--output-f=qcow2' \
             '-Uh' '-f vvfat' 'count=1 -f' '-x -Oqcow2' '--obj secret'; do
    n=$((n + 1))
    { cat "$cases.head"; echo "planted-$n 1M raw raw bs=512 $ops"; } > "$cases"
    run "op$n" 2 "$ddp" replay --candidate model --cases "$cases" --baselines "$eo/dd-info-json" \
      --workdir "$tmp/w"
    grep -qE "^ddparity [^:]+: $cases:4:[0-9]+: planted-$n: operand [0-9]+ " "$tmp/op$n.out" ||
      { cat "$tmp/op$n.out"; fail "[$ops]: no 'FILE:LINE:COLUMN: ... operand' error"; }
    printf '  %-30s %s\n' "$ops" "$(head -1 "$tmp/op$n.out" | cut -c1-160)"
  done
  # Every committed case is still a dd-cases line.
  run committed 0 "$ddp" replay --candidate model --cases "$eo/dd-cases" --only 1M-raw-whole-raw \
    --baselines "$eo/dd-info-json" --workdir "$tmp/w"
  # A meta.json whose case_name is a path: `baselines profiles` refuses it.
  v=$(ls "$eo/dd-info-json" | grep -E '^[0-9]' | head -1)
  mkdir -p "$tmp/bl/$v"
  cp "$eo/dd-info-json/$v/1M-raw-whole-raw".* "$tmp/bl/$v/"
  sed -i 's|"case_name": "[^"]*"|"case_name": "../../../x"|' "$tmp/bl/$v/1M-raw-whole-raw.meta.json"
  run profiles 2 "$ddp" baselines profiles --out "$tmp/bl"
  grep -qE "^ddparity [^:]+: $tmp/bl/$v/1M-raw-whole-raw.meta.json:[0-9]+:[0-9]+: \"case_name\" " "$tmp/profiles.out" ||
    { cat "$tmp/profiles.out"; fail "profiles: no 'FILE:LINE:COLUMN: \"case_name\" ...' error"; }
  [ ! -e "$tmp/bl/profiles" ] || fail "profiles wrote profiles/ from a bad meta.json"
  cut -c1-200 "$tmp/profiles.out"
  echo "operands: $n lines refused, the committed cases accepted; case_name ../../../x refused" ;;
*) fail "unknown kind" ;;
esac
