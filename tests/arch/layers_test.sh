#!/usr/bin/env bash
# arch.layers: the layout holds.  From the sources, the graph of
# `#include "..."` between files must have no cycle and no include of a
# layer above the file's own:
#
#   core/ < diff/common < diff/engine < diff/suite < diff/map < diff/afl_driver.c, cli/
#
# With the build's objects (argument: the build directory), the same for
# calls: a function of one file calling another's (nm), no cycle between
# files and none upward, in diff/ and in cli/ (a command calls down to
# the files below it: fail.c, opts.c, engine_setup.c..., never another
# command's file that calls back).  And no source spells a map case "map:" (a case's
# kind is ddp_case.kind; only an older file's spelling is read, by its
# parser).
#
# usage: layers_test.sh SRC_DIR [BUILD_DIR]
set -euo pipefail
src=$(cd "$1" && pwd)
build=${2:-}
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A file's layer (9: outside the layers).
layer_awk='function layer(f) {
  if (f ~ /^core\//) return 0; if (f ~ /^diff\/common\//) return 1
  if (f ~ /^diff\/engine\//) return 2; if (f ~ /^diff\/suite\//) return 3
  if (f ~ /^diff\/map\//) return 4; if (f ~ /^(diff|cli)\//) return 5; return 9 }'

cd "$src"
find core diff cli -name '*.[ch]' | sort > "$tmp/files"
# Where `#include "x"` finds x: beside the file, then the include
# directories the build gives (diff/, core/include, core/src, cli/).
xargs grep -H '^#include "' < "$tmp/files" | awk -F'"' "$layer_awk"'
  NR == FNR {have[$0] = 1; print $0, $0 > "'"$tmp/edges"'"; next}
  {
    f = $1; sub(/:#include .*/, "", f); inc = $2
    d = f; sub(/\/[^\/]*$/, "", d)
    n = split(d "/" inc " diff/" inc " core/include/" inc " core/src/" inc " cli/" inc, c, " ")
    to = ""
    for (i = 1; i <= n && to == ""; i++) {
      p = c[i]; while (p ~ /\/[^\/]+\/\.\.\//) sub(/\/[^\/]+\/\.\.\//, "/", p)
      if (p in have) to = p
    }
    if (to == "") next
    print f, to > "'"$tmp/edges"'"
    if (layer(to) > layer(f)) { print "arch.layers: " f " includes " to ", a layer above it"; bad = 1 }
  }
  END {exit bad}' "$tmp/files" - >&2 || fail=1
if ! tsort "$tmp/edges" > /dev/null 2> "$tmp/tsort"; then
  echo "arch.layers: an include cycle:" >&2
  cat "$tmp/tsort" >&2
  fail=1
fi
echo "arch.layers: $(awk '$1 != $2' "$tmp/edges" | wc -l) include edges among $(wc -l < "$tmp/files") files"

# Calls between the engine's files and between cli/'s, from the objects
# the build made.
objdir=$build/diff/CMakeFiles/ddpdiff.dir
clidir=$build/cli/CMakeFiles/ddparity.dir
if [[ -n $build && -d $objdir ]]; then
  if [[ ! -d $clidir ]] || ! compgen -G "$clidir/*.o" > /dev/null; then
    echo "arch.layers: no objects of cli/ under $clidir" >&2
    fail=1
  fi
  syms() { # DIR PREFIX OBJECTS...: "D sym file" and "U sym file" for each object
    local dir=$1 prefix=$2; shift 2
    nm -A -g "$@" | awk -v dir="$dir/" -v prefix="$prefix" '{
      f = $1; sub(/:.*/, "", f); f = prefix substr(f, length(dir) + 1); sub(/\.o$/, "", f)
      if ($NF ~ /:/) next
      if (NF == 3 && $2 ~ /^[TDRB]$/) print "D", $3, f; else if ($(NF-1) == "U") print "U", $NF, f
    }'
  }
  { syms "$objdir" diff/ "$objdir"/*/*.o
    if compgen -G "$clidir/*.o" > /dev/null; then syms "$clidir" cli/ "$clidir"/*.o; fi
  } > "$tmp/syms"
  awk '$1 == "D" {def[$2] = $3} $1 == "U" {use[NR] = $2; by[NR] = $3}
       END {for (i in use) if ((use[i] in def) && def[use[i]] != by[i]) print by[i], def[use[i]], use[i]}' \
    "$tmp/syms" | sort -u > "$tmp/calls"
  awk "$layer_awk"' layer($2) > layer($1) {print "arch.layers: " $1 " calls " $3 " of " $2 ", a layer above it"; bad = 1}
    END {exit bad}' "$tmp/calls" >&2 || fail=1
  if ! awk '{print $1, $2}' "$tmp/calls" | tsort > /dev/null 2> "$tmp/tsort"; then
    echo "arch.layers: a call cycle between files:" >&2
    cat "$tmp/tsort" >&2
    fail=1
  fi
  echo "arch.layers: $(awk '$1 ~ /^diff/ {print $1, $2}' "$tmp/calls" | sort -u | wc -l) call edges between the engine's files, $(awk '$1 ~ /^cli/ && $2 ~ /^cli/ {print $1, $2}' "$tmp/calls" | sort -u | wc -l) between cli/'s"
fi

if grep -rn --include='*.[ch]' -F '"map:"' core diff cli fuzz >&2; then
  echo "arch.layers: a source spells a map case \"map:\" (use ddp_case.kind)" >&2
  fail=1
fi
exit $fail
