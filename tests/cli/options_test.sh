#!/usr/bin/env bash
# options_test.sh DDPARITY: every command reads its options with the one
# parser (cli/opts.c) and says every mistake in the one form:
#   ddparity CMD: unknown option '--x' (did you mean '--y'?) (see 'ddparity help CMD')
#   ddparity CMD: option '--y' needs a value (see ...)
# accepts --opt=value, has an example in its help, and predict points at
# '--' when a dd operand comes before it.
set -uo pipefail
ddp=$(realpath "$1")
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d /tmp/ddp-options-test-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
run() { rc=0; (cd "$tmp" && "$ddp" "$@") < /dev/null > "$tmp/out" 2> "$tmp/err" || rc=$?; }

mapfile -t commands < <("$ddp" --help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p')
((${#commands[@]} >= 11)) || fail "ddparity --help lists ${#commands[@]} commands"
# Commands with subcommands are tried through one; each command's value option.
declare -A words=([baselines]="baselines generate" [findings]="findings merge")
declare -A value=([predict]=--input-size [fuzz]=--seconds [reproduce]=--workdir [normalise]=--path
  [compare]=--profile [baselines]=--jobs [replay]=--cases [minimise]=--seconds [promote]=--jobs
  [report]=--output [versions]=--cache)
for cmd in "${commands[@]}"; do
  read -r -a w <<<"${words[$cmd]:-$cmd}"
  name="${w[*]}"
  run help "$cmd"
  [ "$rc" = 0 ] && grep -q "^Example" "$tmp/out" || fail "ddparity help $cmd: exit $rc, or no example"
  run "${w[@]}" --no-such-option
  [ "$rc" = 2 ] || fail "$name --no-such-option: exit $rc, want 2"
  grep -qx "ddparity $name: unknown option '--no-such-option' (see 'ddparity help $name')" "$tmp/err" \
    || { cat "$tmp/err"; fail "$name: not the one form for an unknown option"; }
  opt=${value[$cmd]:-}
  [ -n "$opt" ] || continue
  # A near miss is named; a missing value is said; --opt=value is read as the value.
  run "${w[@]}" "${opt:0:4}x${opt:4}"
  grep -q "(did you mean '$opt'?)" "$tmp/err" || { cat "$tmp/err"; fail "$name: no suggestion of $opt"; }
  run "${w[@]}" "$opt"
  [ "$rc" = 2 ] && grep -qx "ddparity $name: option '$opt' needs a value (see 'ddparity help $name')" "$tmp/err" \
    || { cat "$tmp/err"; fail "$name $opt: not the one form for a missing value"; }
  run "${w[@]}" "$opt=" 
  ! grep -q "unknown option\|needs a value" "$tmp/err" || { cat "$tmp/err"; fail "$name $opt=: not read as a value"; }
  echo "$name: unknown option, suggestion, missing value and $opt=V in the one form"
done
run predict --input-size 10 if=in.raw of=out.img
[ "$rc" = 2 ] && grep -q "'if=in.raw' is a dd operand: put the dd arguments after '--'" "$tmp/err" \
  || { cat "$tmp/err"; fail "predict: a dd operand before '--' is not pointed at"; }
run predict --input-size=10 -- if=in.raw of=out.img
[ "$rc" = 0 ] || { cat "$tmp/err"; fail "predict --input-size=10 -- ...: exit $rc"; }
echo "PASS: options (${#commands[@]} commands)"
