#!/usr/bin/env bash
# map_test.sh: the `qemu-img map` baselines against real tools.
#
# usage: map_test.sh DDPARITY SOURCE_DIR MUTANTS_DIR TEST [ARG...]
#   manifest                 malformed map-fixtures lines are errors naming file, line, column;
#                            an image line: relative to the manifest, a link followed, the copy
#                            mapped with -f; a wrong sha256, a missing file, a directory, a FIFO
#                            and an image naming another file are errors at its line and column
#   regenerate               `baselines generate --command map` + `profiles --command map`
#                            reproduce expected-outputs/map-* byte for byte, for every
#                            qemu-img present (a committed version without its wrapper
#                            fails when CI=true; versions of one series each their share
#                            of the fixtures unless DDP_FULL_MATRIX=ON: common.sh)
#   replay-qemu [FIXTURE...] the installed qemu-img passes as candidate and reference (on
#                            those fixtures' cases; every case under DDP_FULL_MATRIX=ON)
#   replay-mutant NAME CASE...  the mutant fails on exactly those cases; listed in a
#                            known-divergences file, the first one is known instead
#   json-bytes               JSON compared byte for byte: map-json-no-newline fails every
#                            JSON case of replay (passes with --map-compare normalised)
#                            and a campaign finds it (stdout)
#   fuzz                     `ddparity fuzz --command map`: qemu-img against itself finds
#                            nothing; against map-merge-extents it finds a map: or stdout
#                            finding that `reproduce` reproduces
#   groups                   a 20 s map campaign against map-drop-window ends with at most
#                            2 groups, each minimised; promoting one (into a copy of
#                            expected-outputs) adds its window, and replay fails on it
set -euo pipefail
ddp=$1 src=$2 mutants=$3 test=$4
shift 4
manifest=$src/expected-outputs/map-fixtures
committed=$src/expected-outputs
qemu=$(command -v qemu-img) || { echo "FAIL: qemu-img not found (install qemu-utils)"; exit 1; }
command -v qemu-io > /dev/null || { echo "FAIL: qemu-io not found (install qemu-utils)"; exit 1; }
tmp=$(mktemp -d /tmp/ddp-map-test-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# Fixture and image lines, and each `map NAME` step's fixture.
nfix=$(awk '/^(fixture|image) / { n++ } /^fixture / { n += gsub(/(^|;) *map /, "") } END { print n }' "$manifest")
nwin=$(grep -c '^window ' "$manifest")
ncases=$((nfix * (nwin + 1) * 2))

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

case $test in
manifest)
  # Each line: a broken manifest line, and the "line:column: message" part it must give.
  while IFS='|' read -r text want; do
    printf '# header\nfixture ok raw 1M - -\n%s\n' "$text" > "$tmp/m"
    rc=0
    "$ddp" replay --command map --manifest "$tmp/m" > "$tmp/out" 2>&1 || rc=$?
    [ "$rc" = 2 ] || { cat "$tmp/out"; fail "'$text': exit $rc, want 2"; }
    grep -qF "ddparity replay: $tmp/m:3:$want" "$tmp/out" || { cat "$tmp/out"; fail "'$text': want '$tmp/m:3:$want'"; }
  done <<'CASES'
fixture a qcow3 1M - -|11: FORMAT 'qcow3' is not one map reads here
fixture a raw 1Q - -|15: SIZE '1Q' is not a size
fixture a raw 1M - write -P 1 0 2M|31: the write ends past the image's
fixture a raw 1M - write -P 300 0 1k|29: -P needs a byte (0 to 255)
fixture a raw 1M - write -x 0 1k|26: unknown write flag '-x'
fixture a raw 1M - rm -rf /|20: a step is `write [-P N] [-z [-u]] [-c] OFFSET LENGTH`, `discard OFFSET LENGTH`, `shrink SIZE` or `map NAME`
fixture a raw 1M - write -u 0 1k|29: -u unmaps a zeroed range: only with -z
fixture a raw 1M - write -z -u -P 1 0 1k|37: -z writes zeros: no -P or -c with it
fixture a raw 1M - discard 0 0|28: a discard of 0 bytes does nothing
fixture a raw 1M - discard -z 0 1k|28: unknown discard flag '-z'
fixture a raw 1M - discard 1M 1|28: the discard ends past the image's 1048576 bytes
fixture a qcow2 1M - shrink 2M|29: shrink to 2097152 bytes: the image has 1048576
fixture a vmdk 1M - shrink 512k|21: shrink: qemu-img resize --shrink here is for raw and qcow2, not vmdk
fixture a raw 1M - shrink 512k; write 0 1M|39: the write ends past the image's 524288 bytes
fixture a raw 1M - map ok|24: fixture 'ok' is already named above
fixture a raw 1M - map b; map b|31: fixture 'b' is already named above
fixture a raw 1M - map|23: missing map step NAME
fixture a raw 1M - map b/c|25: map step NAME may hold only letters
image a qcow2|14: missing PATH (the image file)
image a qcow2 x.qcow2 ABC|23: SHA256 must be 64 lowercase hex digits
image a qcow2 x.qcow2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789ABCDEF|23: SHA256 must be 64 lowercase hex digits
image a qcow3 x 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef|9: FORMAT 'qcow3' is not one map reads here
fixture a qcow2 1M backing=nope -|28: backing 'nope' is not a fixture above this line
fixture a qcow2 1M cluster_size=$(id) -|33: option characters are letters
fixture ok raw 1M - -|9: fixture 'ok' is already named above
fixture a;b raw 1M - -|10: fixture NAME may hold only letters
window w sideways 1k|10: START 'sideways' is not a size
window w mid 1k extra|17: unexpected text at the end of the line
frobnicate|1: a line is `fixture ...`, `image ...`, `window ...` or a # comment
CASES
  # An image line: PATH from the manifest's directory (here ../), a link followed (the name
  # is the user's, as an absolute path would be), the copy checked and mapped with -f FORMAT.
  mkdir -p "$tmp/img/sub" "$tmp/img/adir"
  qemu-img create -q -f qcow2 "$tmp/img/c.qcow2" 1M
  qemu-io -f qcow2 -c 'write -P 7 64k 64k' "$tmp/img/c.qcow2" > /dev/null
  sum=$(sha256sum "$tmp/img/c.qcow2" | cut -c1-64) before=$(stat -c %Y:%s "$tmp/img/c.qcow2")
  ln -s "$tmp/img/c.qcow2" "$tmp/img/sub/link"
  printf 'image rel qcow2 ../c.qcow2 %s\nimage lnk qcow2 link %s\n' "$sum" "$sum" > "$tmp/img/sub/m"
  "$ddp" baselines generate --command map --reference "$qemu" --manifest "$tmp/img/sub/m" --out "$tmp/img/o" \
    > "$tmp/out" 2>&1 || { cat "$tmp/out"; fail "generate on image lines failed"; }
  for f in rel lnk; do
    meta=$(ls "$tmp"/img/o/map-json/qcow2/*/$f.meta.json)
    grep -q '"-f",' "$meta" || { cat "$meta"; fail "image $f: not mapped with -f"; }
    grep -q '"length": 65536, "depth": 0, "present": true, "zero": false, "data": true' "${meta%.meta.json}.stdout.txt" \
      || { cat "${meta%.meta.json}.stdout.txt"; fail "image $f: not its map"; }
  done
  [ "$(stat -c %Y:%s "$tmp/img/c.qcow2")" = "$before" ] || fail "the user's image was written"
  # A copy of the manifest elsewhere (as promote makes) finds them with --images-dir.
  cp "$tmp/img/sub/m" "$tmp/m-copy"
  "$ddp" baselines generate --command map --reference "$qemu" --manifest "$tmp/m-copy" --images-dir "$tmp/img/sub" \
    --out "$tmp/img/o3" --only rel > "$tmp/out" 2>&1 || { cat "$tmp/out"; fail "generate --images-dir failed"; }
  mkfifo "$tmp/img/sub/fifo"
  qemu-img create -q -f qcow2 -b c.qcow2 -F qcow2 "$tmp/img/over.qcow2"
  osum=$(sha256sum "$tmp/img/over.qcow2" | cut -c1-64)
  # A vmdk descriptor whose extent is another file, named absolutely so qemu-img finds it.
  qemu-img create -q -f vmdk -o subformat=twoGbMaxExtentSparse "$tmp/img/d.vmdk" 1M
  sed -i "s|\"d-s001.vmdk\"|\"$tmp/img/d-s001.vmdk\"|" "$tmp/img/d.vmdk"
  vsum=$(sha256sum "$tmp/img/d.vmdk" | cut -c1-64)
  while IFS='|' read -r text want; do
    printf '%s\n' "$text" | sed "s/OSUM/$osum/; s/VSUM/$vsum/; s/SUM/$sum/" > "$tmp/img/sub/bad"
    want=${want//\$tmp/$tmp} want=${want//SUM/$sum}
    rc=0
    "$ddp" baselines generate --command map --reference "$qemu" --manifest "$tmp/img/sub/bad" --out "$tmp/img/o2" > "$tmp/out" 2>&1 || rc=$?
    [ "$rc" = 2 ] || { cat "$tmp/out"; fail "'$text': exit $rc, want 2"; }
    grep -qF "$tmp/img/sub/bad:1:$want" "$tmp/out" || { cat "$tmp/out"; fail "'$text': want 'bad:1:$want'"; }
  done <<'CASES'
image a qcow2 ../c.qcow2 0000000000000000000000000000000000000000000000000000000000000000|26: image a: $tmp/img/sub/../c.qcow2 has sha256 SUM, not the 000000000000... this line gives
image a qcow2 nope.qcow2 SUM|15: image a: $tmp/img/sub/nope.qcow2: cannot read: No such file or directory
image a qcow2 ../adir SUM|15: image a: $tmp/img/sub/../adir: a directory, not an image file
image a qcow2 fifo SUM|15: image a: $tmp/img/sub/fifo: not a regular file, not an image file
image a qcow2 ../over.qcow2 OSUM|15: image a: $tmp/img/sub/../over.qcow2 names a backing file: an image fixture is one file
image a vmdk ../d.vmdk VSUM|14: image a: $tmp/img/sub/../d.vmdk names an extent in another file
CASES
  printf 'fixture a raw 1M - -\n\xff\n' > "$tmp/m"
  "$ddp" replay --command map --manifest "$tmp/m" > "$tmp/out" 2>&1 && fail "a non-ASCII byte accepted"
  grep -qF "$tmp/m:2:1: byte 0xff" "$tmp/out" || { cat "$tmp/out"; fail "a non-ASCII byte: no line and column"; }
  # Empty, truncated (mid-line), binary and oversized copies: exit 2, the file and a line.
  : > "$tmp/empty"
  head -c "$(($(wc -c < "$manifest") / 2))" "$manifest" > "$tmp/truncated"
  head -c 4096 /dev/urandom > "$tmp/binary"
  { cat "$manifest"; for _ in $(seq 4000); do printf '# %0500d\n' 0; done; } > "$tmp/oversized"
  for kind in empty truncated binary oversized; do
    for cmd in "replay --command map" "baselines generate --command map --out $tmp/o" "fuzz --minimise-seconds 0 --command map --candidate qemu-img --cases 1 --findings $tmp/f"; do
      rc=0
      # shellcheck disable=SC2086
      "$ddp" $cmd --manifest "$tmp/$kind" > "$tmp/out" 2>&1 || rc=$?
      [ "$rc" = 2 ] || { cat "$tmp/out"; fail "$cmd on a $kind manifest: exit $rc, want 2"; }
      # (One too large is refused before any line is read: it names the file and the limit.)
      if [ "$kind" = oversized ]; then want="^ddparity [^:]+: $tmp/$kind: file is larger than"; else want="^ddparity [^:]+: $tmp/$kind:[0-9]+:"; fi
      grep -qE "$want" "$tmp/out" || { cat "$tmp/out"; fail "$cmd on a $kind manifest: the error names no file and line"; }
      ! grep -qiE "sanitizer|core dumped|segmentation" "$tmp/out" || fail "$cmd on a $kind manifest crashed"
    done
    echo "$kind manifest: $(head -1 "$tmp/out")"
  done
  [ ! -e "$tmp/o" ] || [ -z "$(ls -A "$tmp/o")" ] || fail "a bad manifest wrote baselines"
  echo "map-fixtures: $nfix fixtures, $nwin windows parse; malformed lines are named by file, line and column" ;;

regenerate)
  collect_references
  check_committed_versions "$committed"/map-human/raw "map baselines"
  # In parts (common.sh): every Nth fixture (its windows with it) per version of a series.
  plan_parts $(awk '/^(fixture|image) / { print $2; n = split($0, s, /; */); for (i = 1; i <= n; i++)
                 if (s[i] ~ /(^|[[:space:]])map [a-z0-9-]+$/) { sub(/.*map /, "", s[i]); print s[i] } }' "$manifest")
  q() { "$DDP_JSONQ" "$@"; }
  for p in $(seq "$nparts"); do
    part_args "$p"
    "$ddp" baselines generate --command map "${args[@]}" --out "$tmp/out" --json "$tmp/gen.json" > "$tmp/gen.log" 2>&1 \
      || { cat "$tmp/gen.log"; fail "baselines generate --command map (part $p/$nparts) failed"; }
    # --json (read with jansson): a version per line of the text, with its counts.
    for i in $(seq 0 $(($(q "$tmp/gen.json" versions.# ) - 1))); do
      read -r v n ok bad <<<"$(q "$tmp/gen.json" versions.$i.version versions.$i.cases versions.$i.exit_0 versions.$i.failing | tr '\n' ' ')"
      grep -qxF "baselines: $tmp/out/map-{human,json}/.../$v: $n cases" "$tmp/gen.log" \
        && grep -qxF "baselines: qemu-img $v: $n map cases ($ok exit 0, $bad failing)" "$tmp/gen.log" \
        || { cat "$tmp/gen.log" "$tmp/gen.json"; fail "generate --command map --json: $v is not the text's"; }
    done
    [ "$(q "$tmp/gen.json" versions.# exit)" = "$(grep -c '^baselines: .*/map-{human,json}/' "$tmp/gen.log")"$'\n'0 ] \
      || fail "generate --command map --json: not a version per line"
  done
  checked=()
  for v in $(printf '%s\n' "${!have[@]}" | sort -V); do
    [ -d "$committed/map-human/raw/$v" ] || continue
    dirs=()
    for leaf in "$committed"/map-*/*/ "$committed"/map-*/window/*/; do
      rel=${leaf#"$committed"/}
      [[ $rel == map-*/window/ ]] && continue
      dirs+=("$rel$v")
    done
    check_version "$committed" "$tmp/out" "$v" "${dirs[@]}" || fail "regenerated map baselines of $v differ from the committed ones"
    if ((part_n[$v] > 1)); then checked+=("$v (part ${part_k[$v]}/${part_n[$v]})"); else checked+=("$v"); fi
  done
  ((${#checked[@]} > 0)) || fail "no version could be checked"
  if ((complete)); then
    # (A version regenerated in part has the committed rest: check_version.)
    "$ddp" baselines profiles --command map --out "$tmp/out" --json "$tmp/prof.json" > "$tmp/prof.log" 2>&1 || { cat "$tmp/prof.log"; fail "profiles failed"; }
    grep -qx "baselines: $(q "$tmp/prof.json" written.#) map version-map.json files written" "$tmp/prof.log" \
      && [ -f "$(q "$tmp/prof.json" written.0.version_map)" ] || fail "profiles --command map --json: not the text's"
    for leaf in "$committed"/map-*/*/ "$committed"/map-*/window/*/; do
      rel=${leaf#"$committed"/}
      [ "$(basename "$leaf")" = window ] && continue
      diff -r "${leaf}profiles" "$tmp/out/${rel}profiles" > "$tmp/diff" || { head -40 "$tmp/diff"; fail "regenerated profiles of $rel differ"; }
      diff "${leaf}version-map.json" "$tmp/out/${rel}version-map.json" || fail "regenerated $rel/version-map.json differs"
    done
    echo "map profiles and version-map.json files: identical"
  else
    echo "NOTE: map profiles not compared (not every committed version is here)"
  fi
  echo "map baselines regenerated byte for byte in $nparts run(s): ${checked[*]} (of $ncases cases each)" ;;

replay-qemu)
  # FIXTURE...: only those (with every window), on each push the fixtures
  # where replay-mutant's mutant fails: on the others it passes with
  # qemu-img's own output, and regenerate holds every version's bytes.
  # None, or DDP_FULL_MATRIX=ON (the nightly job): every case.
  m=$manifest n=$ncases
  case ${DDP_FULL_MATRIX:-OFF} in ON|on|1|TRUE|true|YES|yes) set -- ;; esac
  if (($#)); then
    m=$tmp/manifest
    grep -E "^(window |(fixture|image) +($(IFS='|'; echo "$*")) )" "$manifest" > "$m"
    [ "$(grep -cE '^(fixture|image) ' "$m")" = $# ] || fail "not every fixture of [$*] is in $manifest"
    n=$(($# * (nwin + 1) * 2))
  fi
  for r in "$qemu"; do
    rc=0
    "$ddp" replay --command map --manifest "$m" --reference "$r" --candidate "$r" --baselines "$committed" > "$tmp/out" 2>&1 || rc=$?
    [ "$rc" = 0 ] || { grep -v '^pass' "$tmp/out"; fail "replay --command map --candidate $r: exit $rc"; }
    [ "$(grep -cE '^(pass|fail|known|skip) ' "$tmp/out")" = "$n" ] || { cat "$tmp/out"; fail "not one line per case"; }
    grep -q "^replay: $n passed, 0 failed" "$tmp/out" || { grep -v '^pass' "$tmp/out"; fail "$r: not every map case passed"; }
    echo "qemu-img $(version_of "$r"): $(tail -1 "$tmp/out")"
  done ;;

replay-mutant)
  name=$1
  shift
  rc=0
  "$ddp" replay --command map --candidate "$mutants/$name" --baselines "$committed" --json "$tmp/replay.json" > "$tmp/out" 2>&1 || rc=$?
  grep -v '^pass' "$tmp/out"
  [ "$rc" = 1 ] || fail "replay --command map against $name: exit $rc, want 1"
  got=$(awk '$1 == "fail" {print $2}' "$tmp/out" | sort | tr '\n' ' ')
  want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
  [ "$got" = "$want" ] || fail "$name failed on [$got], want [$want]"
  # --json (read with jansson): the counts and each case's line, as the text says.
  q() { "$DDP_JSONQ" "$tmp/replay.json" "$@"; }
  grep -qx "replay: $(q runs.0.counts.passed) passed, $(q runs.0.counts.failed) failed, $(q runs.0.counts.known) known, $(q runs.0.counts.skipped) skipped" "$tmp/out" \
    && [ "$(q exit mode runs.0.exit | tr '\n' ' ')" = "1 map 1 " ] || fail "replay --command map --json: counts or exit"
  for i in $(seq 0 $(($(q runs.0.results.#) - 1))); do
    read -r v n <<<"$(q runs.0.results.$i.verdict runs.0.results.$i.name | tr '\n' ' ')"
    [ "$v" = pass ] && line="pass  $n" || line=$(printf '%-5s %s  %s' "$v" "$n" "$(q runs.0.results.$i.detail)")
    grep -qxF "$line" "$tmp/out" || fail "replay --command map --json: result $i is not the text's line"
  done
  # Known divergences are data: an entry for the first case turns its fail into known.
  first=$1
  fields=$(awk -v c="$first" '$1 == "fail" && $2 == c {print $3}' "$tmp/out" | sed 's/:$//')
  fields=$(sed -e 's/^map:/map\//' -e 's/,\([a-z]\)/,map\/\1/g' -e 's/+/,/g' <<<"$fields")
  printf '%s  %s  a test entry: %s merges extents\n' "$first" "$fields" "$name" > "$tmp/known"
  # (Its fixture alone made, with the windows.)
  fx=${first#map-*/} fx=${fx%%@*}
  grep -E "^(window |(fixture|image) +$fx )" "$manifest" > "$tmp/manifest"
  rc=0
  "$ddp" replay --command map --manifest "$tmp/manifest" --candidate "$mutants/$name" --baselines "$committed" \
    --known "$tmp/known" --only "${first#map-*/}" > "$tmp/out" 2>&1 || rc=$?
  grep -q "^known $first " "$tmp/out" || { cat "$tmp/out" "$tmp/known"; fail "a known-divergences entry did not make $first known"; }
  echo "with $tmp/known listing $first ($fields): $(grep "^known $first " "$tmp/out")" ;;

json-bytes)
  # JSON is compared byte for byte (instar's tests do): the same map without its
  # trailing newline fails every JSON case and no human one; --map-compare
  # normalised passes it; a campaign reports it.
  m=$mutants/map-json-no-newline
  # One fixture and every window (its baselines are the committed ones): fixtures made in a second.
  grep -E '^(window|fixture[[:space:]]+raw-sparse[[:space:]])' "$src/expected-outputs/map-fixtures" > "$tmp/manifest"
  rc=0
  "$ddp" replay --command map --manifest "$tmp/manifest" --candidate "$m" --baselines "$committed" > "$tmp/out" 2>&1 || rc=$?
  [ "$rc" = 1 ] || { cat "$tmp/out"; fail "replay against map-json-no-newline: exit $rc, want 1"; }
  nj=$(grep -c '^fail  map-json/raw-sparse.*stdout: the same map, but the candidate.s JSON lacks its trailing newline' "$tmp/out" || true)
  [ "$nj" -gt 0 ] && [ "$(grep -c '^fail' "$tmp/out")" = "$nj" ] && [ "$(grep -c '^pass  map-human/' "$tmp/out")" = "$nj" ] \
    || { cat "$tmp/out"; fail "not every JSON case (and no human one) failed for its missing newline"; }
  rc=0
  "$ddp" replay --command map --manifest "$tmp/manifest" --candidate "$m" --baselines "$committed" --map-compare normalised \
    > "$tmp/out2" 2>&1 || rc=$?
  [ "$rc" = 0 ] || { cat "$tmp/out2"; fail "--map-compare normalised: exit $rc, want 0"; }
  rc=0
  "$ddp" fuzz --minimise-seconds 0 --command map --manifest "$tmp/manifest" --candidate "$m" --seconds 30 --jobs 2 --seed 3 \
    --stop-on-finding --findings "$tmp/f" --workdir "$tmp/w" > "$tmp/fz" 2>&1 || rc=$?
  [ "$rc" = 1 ] || { cat "$tmp/fz"; fail "fuzz against map-json-no-newline: exit $rc, want 1 (a finding)"; }
  dir=$(ls -d "$tmp"/f/*/ | head -1)
  sig=$(sed -n 's/^  "signature": "\(.*\)",$/\1/p' "$dir/result.json")
  [ "$sig" = stdout ] || fail "fuzz: finding '$sig', want stdout"
  echo "replay: $nj JSON cases fail (trailing newline), human pass; normalised: $(tail -1 "$tmp/out2"); fuzz: a '$sig' finding" ;;

fuzz)
  rc=0
  "$ddp" fuzz --minimise-seconds 0 --command map --candidate "$qemu" --cases 150 --jobs 2 --seed 7 --findings "$tmp/f0" \
    --workdir "$tmp/w" > "$tmp/out" 2>&1 || rc=$?
  [ "$rc" = 0 ] || { cat "$tmp/out"; fail "qemu-img against itself: exit $rc"; }
  grep "cases in" "$tmp/out"
  # The mutant over the fixtures where it merges extents (replay-mutant's), with
  # every window: 4 fixtures made, not 33 (the campaign above made them all).
  grep -E '^(window |fixture +(qcow2-reordered|qcow2-cluster512|vmdk-sparse|qed-cluster4k) )' "$manifest" > "$tmp/manifest"
  rc=0
  "$ddp" fuzz --minimise-seconds 0 --command map --manifest "$tmp/manifest" --candidate "$mutants/map-merge-extents" \
    --seconds 60 --jobs 2 --seed 7 --stop-on-finding --findings "$tmp/f" --workdir "$tmp/w" > "$tmp/out" 2>&1 || rc=$?
  [ "$rc" = 1 ] || { cat "$tmp/out"; fail "map-merge-extents: exit $rc, want 1 (a finding)"; }
  dir=$(ls -d "$tmp"/f/*/ | head -1)
  sig=$(sed -n 's/^  "signature": "\(.*\)",$/\1/p' "$dir/result.json")
  case $sig in map:*extents*|stdout) ;; *) fail "map-merge-extents: finding '$sig', want map:...extents... or stdout" ;; esac
  for file in case.json result.json reference.stdout candidate.stdout reference.stderr candidate.stderr reproduce; do
    [ -f "$dir/$file" ] || fail "the finding has no $file"
  done
  # Its fixtures are the manifest's: no by-hand script, only a pointer to reproduce.
  rc=0
  sh "$dir/reproduce.sh" > "$tmp/sh" 2>&1 || rc=$?
  [ "$rc" = 2 ] && grep -q 'ddparity reproduce' "$tmp/sh" || { cat "$tmp/sh"; fail "a map finding's reproduce.sh: exit $rc, want 2"; }
  ! grep -q '^sh reproduce.sh' "$dir/reproduce" || fail "a map finding's reproduce names reproduce.sh"
  rc=0
  "$ddp" reproduce "$dir" --trust-finding --workdir "$tmp/w" > "$tmp/rep" 2>&1 || rc=$?
  [ "$rc" = 1 ] && grep -q "^reproduced: $sig" "$tmp/rep" || { cat "$tmp/rep"; fail "reproduce: exit $rc"; }
  [ -z "$(find "$tmp/w" -maxdepth 1 -name 'case-*')" ] || fail "case directories left in the work dir"
  echo "map-merge-extents: $sig, $(head -1 "$tmp/rep")" ;;

groups)
  # One bug met through every fixture, output type and window value: few groups.
  rc=0
  "$ddp" fuzz --command map --candidate "$mutants/map-drop-window" --seconds 20 --jobs 2 --seed 7 \
    --findings "$tmp/f" --workdir "$tmp/w" > "$tmp/out" 2>&1 || rc=$?
  [ "$rc" = 1 ] || { cat "$tmp/out"; fail "map-drop-window: exit $rc, want 1 (findings)"; }
  grep -A8 "findings in" "$tmp/out"
  python3 - "$tmp/f/signatures.json" > "$tmp/groups" <<'PY' || { cat "$tmp/out"; fail "groups: $(cat "$tmp/groups")"; }
import json, sys
groups = json.load(open(sys.argv[1]))
if not 1 <= len(groups) <= 2:
    sys.exit("%d groups, want 1 or 2: %s" % (len(groups), ", ".join(groups)))
for key, g in groups.items():
    if g["state"] != "minimised":
        sys.exit("group %s: %s" % (key, g["state"]))
    print(g["dir"])
PY
  dir=$tmp/f/$(head -1 "$tmp/groups")
  # Minimised onto the plainest fixtures: a raw image (the format's logic is not the bug).
  python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); sys.exit(not (c["command"] == "map" and c["fixture"].startswith("raw-")))' \
    "$dir/headline/case.json" || { cat "$dir/headline/case.json"; fail "the headline is not on a raw fixture"; }
  # Promote into a copy of the map baselines, whose manifest has the raw fixtures only
  # (quick to make; the committed windows kept).
  mkdir "$tmp/eo"
  cp -r "$committed"/map-human "$committed"/map-json "$tmp/eo"
  grep -E '^(fixture +raw-|window )' "$manifest" > "$tmp/eo/map-fixtures"
  # minimise prints the headline's window as a manifest line and the case's name.
  rc=0
  "$ddp" minimise "$dir" --trust-finding --manifest "$tmp/eo/map-fixtures" --workdir "$tmp/mw" \
    > "$tmp/min" 2> "$tmp/min.err" || rc=$?
  [ "$rc" = 0 ] && grep -qE '^window  s[0-9]+(-l[0-9]+)? +[0-9]+ +([0-9]+[kMG]?|-)$' "$tmp/min" \
    && grep -qE '^map-(human|json)/raw-[a-z-]+@s[0-9]' "$tmp/min" \
    || { cat "$tmp/min" "$tmp/min.err"; fail "minimise of a map group: exit $rc"; }
  echo "minimise: $(tr '\n' ' ' < "$tmp/min")"
  rc=0
  "$ddp" promote "$dir" --trust-finding --reference "$qemu" --out "$tmp/eo" \
    --manifest "$tmp/eo/map-fixtures" --workdir "$tmp/pw" > "$tmp/prom" 2>&1 || rc=$?
  [ "$rc" = 0 ] || { cat "$tmp/prom"; fail "promote: exit $rc"; }
  case_name=$(sed -n "s/^promote: the finding's case: //p" "$tmp/prom")
  window=${case_name##*@}
  [ -n "$window" ] && grep -q "^window  $window " "$tmp/eo/map-fixtures" \
    || { cat "$tmp/prom"; fail "promote added no window to the manifest"; }
  ls "$tmp/eo"/map-*/window/*/"$(version_of "$qemu")"/*@"$window".meta.json > /dev/null \
    || fail "promote made no baselines for window $window"
  rc=0
  "$ddp" replay --command map --candidate "$mutants/map-drop-window" --baselines "$tmp/eo" \
    --manifest "$tmp/eo/map-fixtures" --only "${case_name#map-*/}" --workdir "$tmp/rw" > "$tmp/rep" 2>&1 || rc=$?
  [ "$rc" = 1 ] && grep -q "^fail  $case_name " "$tmp/rep" || { cat "$tmp/rep"; fail "replay did not fail on $case_name"; }
  rc=0
  "$ddp" replay --command map --candidate "$qemu" --baselines "$tmp/eo" \
    --manifest "$tmp/eo/map-fixtures" --only "${case_name#map-*/}" --workdir "$tmp/rw" > "$tmp/rep" 2>&1 || rc=$?
  [ "$rc" = 0 ] || { cat "$tmp/rep"; fail "qemu-img itself fails on the promoted $case_name"; }
  echo "promoted: $(grep '^promote: appended' "$tmp/prom"); replay of map-drop-window fails on $case_name" ;;

*) fail "unknown test $test" ;;
esac
