#!/usr/bin/env bash
# hostile_test.sh: one file the suite reads, made hostile, given to every
# command that reads it.  Each copy must be refused with exit 2 and
# "ddparity CMD: FILE:LINE[:COLUMN]: what is wrong" on stderr (a copy over the
# file's cap: "ddparity CMD: FILE: ... larger than N bytes"): never a crash, a
# sanitizer report, a verdict, nor a divergence.  Nothing is written under
# the source tree: the files are copies in a temporary directory.
#
# usage: hostile_test.sh DDPARITY SOURCE_DIR MUTANTS_DIR KIND
#   ddcases   expected-outputs/dd-cases (replay --cases)
#   known     expected-outputs/known-divergences (replay --known)
#   baseline  a baseline's <case>.meta.json and <case>.stdout.txt, and
#             version-map.json (replay --baselines, report --baselines)
#   finding   a finding's case.json (reproduce, minimise) and result.json
#             (those, report --findings, fuzz --findings), and its
#             directory's signatures.json (fuzz, report), from a short
#             campaign against a mutant
#
# The copies: truncated (cut in the middle: half the bytes, or for the
# line formats the middle entry's line after its first field), empty,
# binary (bytes of an executable), nul and non-utf8 (the file with a NUL,
# or \xff\xfe, in its middle), oversize (the file then 20 MiB of blank or
# comment lines).  An empty known-divergences file lists nothing and
# bytes other than controls are allowed in its comments: those two copies
# are accepted (the replay runs and passes).
set -euo pipefail
ddp=$1 src=$2 mutants=$3 kind=$4
fail() { echo "FAIL: $kind: $*"; exit 1; }
command -v qemu-img >/dev/null || fail "qemu-img not found (install qemu-utils)"
tmp=$(mktemp -d /tmp/ddp-hostile-test-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export TMPDIR=$tmp/tmp
mkdir -p "$TMPDIR" "$tmp/w"
eo=$src/expected-outputs
case_name=1M-raw-whole-raw   # dd and info succeed: its stdout.txt holds info
variants=(truncated empty binary nul non-utf8 oversize)

# hostile VARIANT REAL OUT: the hostile copy of REAL.
hostile() {
  local size half
  size=$(wc -c <"$2")
  half=$((size / 2))
  case $1 in
  truncated)
    case $kind in
    ddcases|known)
      # Up to the middle entry (the first one past half the lines), cut after its first field.
      awk -v n="$(wc -l <"$2")" 'NR > n / 2 && $0 !~ /^[ \t]*(#|$)/ { printf "%s", $1; exit } { print }' \
        "$2" >"$3" ;;
    *) head -c "$half" "$2" >"$3" ;;
    esac ;;
  empty) : >"$3" ;;
  binary) head -c 4096 "$ddp" >"$3" ;;
  nul) { head -c "$half" "$2"; printf '\0'; tail -c +"$((half + 1))" "$2"; } >"$3" ;;
  non-utf8) { head -c "$half" "$2"; printf '\xff\xfe'; tail -c +"$((half + 1))" "$2"; } >"$3" ;;
  oversize)
    case $kind in
    ddcases|known) { cat "$2"; awk 'BEGIN { for (i = 0; i < 480000; i++) print "# a comment line, then another, and another" }'; } >"$3" ;;
    *) { cat "$2"; head -c 20M /dev/zero | tr '\0' '\n'; } >"$3" ;;
    esac ;;
  esac
}

# expect VARIANT PATH-REGEX COMMAND...: exit 2 and the error naming the file
# and a line (bash's own tests and reads: a fork costs here).
n=0
expect() {
  local variant=$1 path=$2 rc=0 re cmd err= line first=
  shift 2
  cmd=$1
  [ "$1" = "$ddp" ] && cmd=$2
  "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
  n=$((n + 1))
  IFS= read -r -d '' err <"$tmp/err" || true
  case $err in
  *Sanitizer*|*"runtime error"*|*"core dumped"*|*"Segmentation fault"*|*Aborted*)
    printf '%s\n' "$err"; fail "$variant: $cmd: a crash report" ;;
  esac
  if [ "$variant" = oversize ]; then
    re="^ddparity [^:]+: $path(:[0-9]+(:[0-9]+)?)?: .*larger than [0-9]+ bytes"
  else
    re="^ddparity [^:]+: $path:[0-9]+(:[0-9]+)?: [^ ]"
  fi
  while IFS= read -r line; do
    [[ $line =~ $re ]] && { first=$line; break; }
  done <"$tmp/err"
  if accepted "$variant"; then
    [ "$rc" = 0 ] || { cat "$tmp/out" "$tmp/err"; fail "$variant: $*: exit $rc, want 0 (accepted)"; }
    grep -qE '^ddparity( [^:]+)?: ' <<<"$err" && { printf '%s\n' "$err"; fail "$variant: $*: an error"; }
    printf '  %-9s %-9s accepted\n' "$variant" "$cmd"
    return 0
  fi
  [ "$rc" = 2 ] || { cat "$tmp/out" "$tmp/err"; fail "$variant: $*: exit $rc, want 2"; }
  [ -n "$first" ] || { printf '%s\n' "$err"; fail "$variant: $*: no 'ddparity CMD: FILE:LINE: ...' for $path"; }
  printf '  %-9s %-9s %.150s\n' "$variant" "$cmd" "$first"
}

accepted() { [ "$kind" = known ] && { [ "$1" = empty ] || [ "$1" = non-utf8 ]; }; }

# replay ARGS...: one case, the model as the candidate (no dd runs but the input's).
replay() {
  "$ddp" replay --candidate model --only "$case_name" --workdir "$tmp/w" "$@"
}

# A finding of a mutant, quickly: $fdir.
finding() {
  "$ddp" fuzz --candidate "$mutants/skip-warning-exit" --seconds 60 --seed 3 --stop-on-finding --minimise-seconds 0 \
    --findings "$tmp/f" --workdir "$tmp/w" >"$tmp/fuzz.log" 2>&1 && { cat "$tmp/fuzz.log"; fail "the mutant was not found"; }
  fdir=$(find "$tmp/f" -mindepth 1 -maxdepth 1 -type d ! -name '.*' | head -1)
  [ -n "$fdir" ] && [ -f "$tmp/f/signatures.json" ] || fail "no finding"
}

echo "hostile $kind:"
case $kind in
ddcases|known)
  real=$eo/dd-cases
  [ "$kind" = known ] && real=$eo/known-divergences
  for v in "${variants[@]}"; do
    hostile "$v" "$real" "$tmp/file"
    if [ "$kind" = ddcases ]; then
      expect "$v" "$tmp/file" replay --cases "$tmp/file" --baselines "$eo/dd-info-json" --known "$eo/known-divergences"
    else
      expect "$v" "$tmp/file" replay --cases "$eo/dd-cases" --baselines "$eo/dd-info-json" --known "$tmp/file"
    fi
  done ;;
baseline)
  # A copy of the baselines; each hostile file is written once and linked
  # in place of every version's and every profile's copy (whichever replay
  # and report read), then the originals are put back.
  cp -r "$eo/dd-info-json" "$tmp/bl"
  cp -r "$eo/dd-info-json" "$tmp/orig"
  for suffix in .meta.json .stdout.txt version-map.json; do
    if [ "$suffix" = version-map.json ]; then
      files=("$tmp/bl/version-map.json")
      replay_path=$tmp/bl/version-map.json report_path=$replay_path
    else
      files=("$tmp"/bl/[0-9]*/"$case_name$suffix" "$tmp"/bl/profiles/*/"$case_name$suffix")
      replay_path="$tmp/bl/profiles/profile-[0-9a-f]{8}/$case_name$suffix"
      report_path="$tmp/bl/[0-9][^/]*/$case_name$suffix"
    fi
    for v in "${variants[@]}"; do
      hostile "$v" "$tmp/orig/${files[0]#"$tmp/bl/"}" "$tmp/file"
      for f in "${files[@]}"; do ln -f "$tmp/file" "$f"; done
      expect "$v" "$replay_path" replay --cases "$eo/dd-cases" --baselines "$tmp/bl" --known "$eo/known-divergences"
      expect "$v" "$report_path" "$ddp" report --cases "$eo/dd-cases" --baselines "$tmp/bl" --output "$tmp/report.html"
    done
    for f in "${files[@]}"; do cp "$tmp/orig/${f#"$tmp/bl/"}" "$f.orig" && mv "$f.orig" "$f"; done
  done ;;
finding)
  finding
  d=$tmp/f/$(basename "$fdir")
  for file in "$d/case.json" "$d/result.json" "$tmp/f/signatures.json"; do
    cp "$file" "$tmp/orig"
    for v in "${variants[@]}"; do
      hostile "$v" "$tmp/orig" "$file"
      if [ "${file##*/}" != signatures.json ]; then
        expect "$v" "$file" "$ddp" reproduce "$d" --workdir "$tmp/w"
        expect "$v" "$file" "$ddp" minimise "$d" --workdir "$tmp/w"
      fi
      if [ "${file##*/}" != case.json ]; then
        expect "$v" "$file" "$ddp" report --cases "$eo/dd-cases" --baselines "$eo/dd-info-json" \
          --findings "$tmp/f" --output "$tmp/report.html"
        # A campaign sets its fixtures up first (a second): two copies are enough.
        if [ "$v" = truncated ] || [ "$v" = binary ]; then
          expect "$v" "$file" "$ddp" fuzz --candidate model --cases 1 --findings "$tmp/f" --workdir "$tmp/w"
        fi
      fi
    done
    cp "$tmp/orig" "$file"
  done ;;
*) fail "unknown kind (see the usage)" ;;
esac
echo "hostile $kind: $n runs, each refused with its file and line (or accepted as documented)"
