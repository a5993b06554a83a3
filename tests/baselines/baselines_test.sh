#!/usr/bin/env bash
# baselines_test.sh: the baseline side of the suite against real tools.
#
# usage: baselines_test.sh DDPARITY SOURCE_DIR MUTANTS_DIR TEST [ARG...]
#   cases-file                 a malformed dd-cases line is an error naming file and line
#   regenerate                 `baselines generate` + `profiles` reproduce the committed
#                              expected-outputs byte for byte, for every qemu-img present
#                              (a committed version without its wrapper fails when CI=true;
#                              versions of one series each their share of the cases
#                              unless DDP_FULL_MATRIX=ON: common.sh)
#   replay-qemu                the installed qemu-img passes
#   replay-model               the model passes, against every version's profile
#   replay-mutant NAME CASE... the mutant fails on exactly those cases
#   minimise-promote NAME PART SEED [refusals]
#                              a finding of the mutant (signature with PART) minimises
#                              to a case no longer than the original, which promote adds
#                              with baselines, and replay against the mutant fails on it;
#                              with "refusals", promote also refuses a duplicate and a
#                              different existing baseline (unless --force)
#   export-instar              `baselines export --layout instar` read as instar's tests
#                              read it (a reader written from the facts in
#                              ../shared/instar-testdata-facts.md, bash and jq): the
#                              list check, every case loading, vpc found as vhd, the
#                              version lookup's fallbacks, the installed qemu-img's
#                              dd compared under instar's normaliser; errors and
#                              re-export leave whole trees
#   promote-mutant NAME...|SHARD/N
#                              each mutant's case in tests/mutants/mutants.txt (or, for
#                              "issue-drop-count", drop-count on the exit+stderr+output
#                              case of the promote issue) run as a one-case
#                              campaign (fuzz --case), its finding promoted into a copy of
#                              the baselines, and replay (--stderr exact) fails on the new
#                              case against the mutant and passes against qemu-img
set -euo pipefail
ddp=$1 src=$2 mutants=$3 test=$4
shift 4
cases=$src/expected-outputs/dd-cases
committed=$src/expected-outputs/dd-info-json
qemu=$(command -v qemu-img) || { echo "FAIL: qemu-img not found (install qemu-utils)"; exit 1; }
tmp=$(mktemp -d /tmp/ddp-baselines-test-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
ncases=$(grep -cvE '^[[:space:]]*(#|$)' "$cases")

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

case $test in
cases-file)
  printf '# a comment\n\n1M-raw-whole-raw 1M raw raw\n1M-raw-x 1M raw\n' > "$tmp/bad"
  rc=0
  "$ddp" replay --cases "$tmp/bad" > "$tmp/out" 2>&1 || rc=$?
  [ "$rc" = 2 ] || { cat "$tmp/out"; fail "a malformed line: exit $rc, want 2"; }
  grep -q "^ddparity replay: $tmp/bad:4:1: " "$tmp/out" || { cat "$tmp/out"; fail "the error does not name the file and line 4"; }
  # A line may name its own files, but only as a case may: inside its directory.
  printf 'a 1M raw raw if=IN of=../x\n' > "$tmp/bad2"
  "$ddp" baselines generate --cases "$tmp/bad2" --out "$tmp/o" > "$tmp/out" 2>&1 && fail "of=../x accepted"
  grep -q "$tmp/bad2:1:20: .*leaving the case's directory" "$tmp/out" || { cat "$tmp/out"; fail "no column for the bad operand"; }
  printf 'a 1M raw raw if=IN of=IN\n' > "$tmp/bad3"
  "$ddp" baselines generate --cases "$tmp/bad3" --out "$tmp/o" > "$tmp/out" 2>&1 && fail "of=IN accepted"
  grep -q "$tmp/bad3:1:20: .*the fixture's link" "$tmp/out" || { cat "$tmp/out"; fail "of=IN: no column for the bad operand"; }
  "$ddp" baselines generate --cases "$cases" --out "$tmp/o" --only no-such-case > "$tmp/out" 2>&1 && fail "--only of an unknown case accepted"
  echo "dd-cases: $ncases cases parse; malformed lines are named by file, line and column" ;;

export-instar)
  command -v jq > /dev/null || fail "jq not found (install jq)"
  list=$src/expected-outputs/instar-dd-cases
  out=$tmp/testdata/expected-outputs && mkdir "$tmp/testdata"
  "$ddp" baselines export --layout instar "$out" --json "$tmp/export.json" > "$tmp/log" 2>&1 || { cat "$tmp/log"; fail "export failed"; }
  cat "$tmp/log"
  # --json (read with jansson): each tree the text names, with its counts.
  [ "$("$DDP_JSONQ" "$tmp/export.json" trees.# exit)" = "$(printf '4\n0')" ] || fail "export --json: trees or exit"
  for i in 0 1 2 3; do
    read -r d n p <<<"$("$DDP_JSONQ" "$tmp/export.json" trees.$i.dir trees.$i.cases trees.$i.fixtures trees.$i.profiles 2>/dev/null | tr '\n' ' ')"
    grep -q "^baselines export: $d: $n [a-z]* x $p profile" "$tmp/log" || fail "export --json: tree $i is not the text's"
  done
  dd=$out/dd-info-json
  grep -vE '^[[:space:]]*(#|$)' "$list" | sort > "$tmp/listed"
  [ "$(wc -l < "$tmp/listed")" = 18 ] || fail "instar-dd-cases does not hold instar's 18 DD_CASES"
  # instar's setUpClass and lookup: version-map.json with version_to_profile.
  jq -e '(.profiles | type == "object") and (.version_to_profile | length > 0)' "$dd/version-map.json" > /dev/null \
    || fail "version-map.json lacks profiles or version_to_profile"
  # Its list check: the stems of *.stdout.txt in the first profile (sorted) equal the list; here every profile.
  first=$(find "$dd/profiles" -mindepth 1 -maxdepth 1 | sort | head -1)
  for p in "$dd"/profiles/*/; do
    (cd "$p" && ls -- *.stdout.txt | sed 's/\.stdout\.txt$//' | sort) > "$tmp/disk"
    diff "$tmp/listed" "$tmp/disk" > "$tmp/d" || { cat "$tmp/d"; fail "$p: the cases on disk are not instar's list"; }
  done
  [ -n "$first" ] || fail "no profile"
  # vpc cases are found under vhd, and never under vpc.
  for c in 1M-raw-whole 1M-raw-bs1000-count3 1M-raw-count0; do
    [ -f "$first/$c-vhd.meta.json" ] || fail "$c-vhd missing"
    [ ! -e "$first/$c-vpc.meta.json" ] || fail "$c-vpc exported under qemu's name"
    jq -e --arg n "$c-vhd" '.case_name == $n and .output_format == "vhd" and .qemu_output_format == "vpc"' \
      "$first/$c-vhd.meta.json" > /dev/null || fail "$c-vhd's meta.json is not instar's"
  done
  # Every case loads: meta.json is JSON; with dd_return_code 0 stdout.txt is JSON too (one jq a profile).
  loaded=0 skipped=0
  for p in "$dd"/profiles/*/; do
    mapfile -t metas < <(sed "s|^|$p/|; s|\$|.meta.json|" "$tmp/listed")
    jq -nr '[inputs] | if length != 18 then error("not 18") else .[] end
      | if (.dd_return_code // 0) != 0 then "skip" elif has("output_sha256") then .case_name
        else error("\(.case_name): no output_sha256") end' "${metas[@]}" > "$tmp/ok" \
      || fail "$p: a meta.json is not JSON or lacks output_sha256"
    mapfile -t outs < <(grep -vx skip "$tmp/ok" | sed "s|^|$p/|; s|\$|.stdout.txt|")
    jq -n '[inputs | type] | all(. == "object")' "${outs[@]}" | grep -qx true || fail "$p: a stdout.txt is not a JSON object"
    loaded=$((loaded + ${#outs[@]}))
    skipped=$((skipped + $(grep -cx skip "$tmp/ok")))
  done
  # Our other cases are kept apart, with the same profiles; together they are dd-cases.
  extra=$out/ddparity-dd-info-json
  (cd "$extra/profiles/$(basename "$first")" && ls -- *.stdout.txt | wc -l) > "$tmp/n"
  [ $(( $(cat "$tmp/n") + 18 )) = "$ncases" ] || fail "$(cat "$tmp/n") further cases + 18 is not the $ncases of dd-cases"
  cmp -s <(jq -S .version_to_profile "$dd/version-map.json") <(jq -S .version_to_profile "$extra/version-map.json") \
    || fail "the two trees' version maps differ"
  # instar's lookup: major.minor prefix, then major prefix, then the first entry.
  lookup() {
    jq -r --arg mm "$1." --arg m "${1%%.*}." '.version_to_profile | to_entries as $e
      | ([$e[] | select(.key | startswith($mm))] + [$e[] | select(.key | startswith($m))] + [$e[0]])[0].value' \
      "$dd/version-map.json"
  }
  for want in 5.2:profile-5-2-0 6.1:profile-5-2-0 7.1:profile-5-2-0 7.2:profile-7-2-22 8.2:profile-7-2-22 \
              9.2:profile-7-2-22 10.0:profile-10-0-2 10.1:profile-10-0-2 11.0:profile-10-0-2 \
              11.1:profile-11-1-2 11.2:profile-11-1-2 12.0:profile-11-1-2; do
    got=$(lookup "${want%%:*}")
    [ "$got" = "${want#*:}" ] || fail "instar's lookup of ${want%%:*} reads $got, want ${want#*:} (the nearest older)"
    [ -d "$dd/profiles/$got" ] || fail "$got: no such profile directory"
  done
  # The installed qemu-img's dd against its profile, under instar's normaliser (its test's steps).
  iv=$(version_of "$qemu")
  prof=$dd/profiles/$(lookup "$(echo "$iv" | cut -d. -f1,2)")
  norm='def strip: walk(if type == "object" then with_entries(select(.key as $k
          | ["actual-size","dirty-flag","refcount-block-cache-size","l2-cache-size","l2-cache-entry-size",
             "cache-clean-interval","cid","parent-cid","log-size"] | index($k) | not)) else . end);
        strip | if (.children | type) == "array" then .children |= map(if (.info | type) == "object"
          then .info |= del(."virtual-size") else . end) else . end'
  compared=0
  while read -r n; do
    [ "$n" = 1M-raw-count0-vhdx ] && continue  # instar compares no info there
    read -r rc inf outf size ops < <(jq -r '[.dd_return_code // 0, .input_format,
      .qemu_output_format // .output_format, .input_size, .window_operands[]] | join(" ")' "$prof/$n.meta.json")
    [ "$rc" = 0 ] || continue
    read -ra ops <<< "$ops"
    w=$tmp/run-$n && mkdir "$w"
    "$qemu" create -q -f "$inf" "$w/in" "$size" || fail "$n: create"
    "$qemu" dd -O "$outf" "${ops[@]}" "if=$w/in" "of=$w/out" 2> /dev/null || fail "$n: qemu-img dd failed"
    "$qemu" info --output=json "$w/out" > "$w/info" || fail "$n: info"
    jq -S --arg f "$w/out" "$norm | walk(if type == \"object\" and .filename == \$f then .filename = \"\$FILENAME\" else . end)" \
      "$w/info" > "$w/got"
    jq -S "$norm" "$prof/$n.stdout.txt" > "$w/want"
    diff "$w/want" "$w/got" > "$w/d" || { cat "$w/d"; fail "$n: qemu-img $iv differs from $(basename "$prof") under instar's normaliser"; }
    compared=$((compared + 1))
  done < "$tmp/listed"
  # map-<type> as instar's tests/test_map.py reads it: the exit code from
  # <format>/<first version of the map>/<id>.meta.json's return_code, the output
  # from profiles/<lookup>/<id>.stdout.txt, compared byte for byte.
  fixtures=$(awk '$1 == "fixture" {print $2 ":" $3}' "$src/expected-outputs/map-fixtures")
  mapped=0 nonzero=0
  for t in human json; do
    md=$out/map-$t
    any=$(jq -r '.version_to_profile | keys_unsorted[0]' "$md/version-map.json")
    [[ $any =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "map-$t: the map's first version '$any' is not a measured one"
    mprof=$md/profiles/$(dd=$md lookup "$(echo "$iv" | cut -d. -f1,2)")
    pv=$(jq -r --arg p "$(basename "$mprof")" '.profiles[$p]' "$md/version-map.json")
    metas=() ours=()
    for fx in $fixtures; do
      metas+=("$md/${fx#*:}/$any/${fx%%:*}.meta.json")
      ours+=("$src/expected-outputs/map-$t/${fx#*:}/$any/${fx%%:*}.meta.json")
    done
    # instar's exit code (return_code) is the baseline's, for every fixture (one jq).
    jq -nr '[inputs] | (length / 2) as $n | [.[:$n], .[$n:]] | transpose[]
      | if (.[0].return_code | type) != "number" then error("\(.[0].fixture): no return_code")
        elif .[0].return_code != .[1].map_return_code then error("\(.[0].fixture): return_code differs")
        else "\(.[0].fixture) \(.[0].return_code)" end' "${metas[@]}" "${ours[@]}" > "$tmp/rcs" \
      || fail "map-$t: the exported meta.json's return_code is not the baseline's exit code"
    while read -r id rc; do
      if [ "$rc" != 0 ]; then nonzero=$((nonzero + 1)); continue; fi
      fmt=$(printf '%s\n' $fixtures | awk -F: -v i="$id" '$1 == i {print $2}')
      # Byte for byte the committed output of the profile's version, the paths as instar passes them.
      sed -e "s|\\\$TESTDATA_ROOT/expected-outputs/ddparity-map-fixtures/$id\\.$fmt|\$FILENAME|g" \
          -e 's|\$TESTDATA_ROOT/expected-outputs/ddparity-map-fixtures/[a-z0-9-]*\.[a-z0-9]*|$BACKING|g' \
          "$mprof/$id.stdout.txt" | cmp -s - "$src/expected-outputs/map-$t/$fmt/$pv/$id.stdout.txt" \
        || fail "map-$t/$id: the exported output is not the committed one of $pv, byte for byte"
      mapped=$((mapped + 1))
    done < "$tmp/rcs"
    ! grep -l '\$FILENAME\|\$BACKING' "$mprof"/*.stdout.txt || fail "map-$t: \$FILENAME left for instar"
  done
  # A list naming no case is an error naming it, and the export in place stays whole.
  printf '1M-raw-whole-raw\nno-such-case\n' > "$tmp/badlist"
  "$ddp" baselines export --layout instar --instar-cases "$tmp/badlist" "$out" > "$tmp/o" 2>&1 && fail "a list naming no case accepted"
  grep -q "$tmp/badlist: no-such-case: no case" "$tmp/o" || { cat "$tmp/o"; fail "the error does not name the list and the name"; }
  "$ddp" baselines export --layout instar "$out" > /dev/null 2>&1 || fail "re-export failed"
  [ "$(find "$out" -mindepth 1 -maxdepth 1 | wc -l)" = 4 ] || { ls -a "$out"; fail "something left beside the four trees"; }
  (cd "$dd/profiles/$(basename "$first")" && ls -- *.stdout.txt | sed 's/\.stdout\.txt$//' | sort) | diff -q "$tmp/listed" - > /dev/null \
    || fail "re-export changed the list"
  echo "export-instar: 18 cases x $(find "$dd/profiles" -mindepth 1 -maxdepth 1 | wc -l) profiles ($loaded loaded, $skipped skipped for dd_return_code);" \
       "$(cat "$tmp/n") further cases apart; lookups fall back to the nearest older; qemu-img $iv: $compared cases equal under instar's normaliser;" \
       "map: $mapped outputs byte for byte, $nonzero skipped for return_code" ;;

regenerate)
  collect_references
  check_committed_versions "$committed" "baselines"
  # In parts (common.sh): every Nth case per version of a series.
  plan_parts $(grep -vE '^[[:space:]]*(#|$)' "$cases" | awk '{print $1}')
  q() { "$DDP_JSONQ" "$@"; }
  for p in $(seq "$nparts"); do
    part_args "$p"
    "$ddp" baselines generate "${args[@]}" --cases "$cases" --out "$tmp/out" --json "$tmp/gen.json" > "$tmp/gen.log" 2>&1 \
      || { cat "$tmp/gen.log"; fail "baselines generate (part $p/$nparts) failed"; }
    # --json (read with jansson): a version per line of the text, with its counts.
    [ "$(q "$tmp/gen.json" versions.#)" = "$(grep -c "^baselines: $tmp/out/[^:]*: [0-9]* cases\$" "$tmp/gen.log")" ] \
      || { cat "$tmp/gen.log" "$tmp/gen.json"; fail "generate --json: not a version per line"; }
    for i in $(seq 0 $(($(q "$tmp/gen.json" versions.#) - 1))); do
      read -r v n ok bad <<<"$(q "$tmp/gen.json" versions.$i.version versions.$i.cases versions.$i.exit_0 versions.$i.failing | tr '\n' ' ')"
      grep -qx "baselines: $(q "$tmp/gen.json" versions.$i.dir): $n cases" "$tmp/gen.log" \
        && grep -q "^baselines: qemu-img $v: $n cases ($ok exit 0, $bad failing) in " "$tmp/gen.log" \
        || { cat "$tmp/gen.log" "$tmp/gen.json"; fail "generate --json: $v is not the text's"; }
    done
  done
  checked=()
  for v in $(printf '%s\n' "${!have[@]}" | sort -V); do
    [ -d "$committed/$v" ] || continue
    check_version "$committed" "$tmp/out" "$v" "$v" || fail "regenerated baselines of qemu-img $v differ from the committed ones"
    if ((part_n[$v] > 1)); then checked+=("$v (part ${part_k[$v]}/${part_n[$v]})"); else checked+=("$v"); fi
  done
  ((${#checked[@]} > 0)) || fail "no version could be checked"
  if ((complete)); then
    # (A version regenerated in part has the committed rest: check_version.)
    "$ddp" baselines profiles --out "$tmp/out" --json "$tmp/prof.json" > "$tmp/prof.log" 2>&1 || { cat "$tmp/prof.log"; fail "profiles failed"; }
    [ "$(q "$tmp/prof.json" version_map.version_to_profile exit)" = "$(q "$tmp/out/version-map.json" version_to_profile; echo 0)" ] \
      || fail "profiles --json: not the version map written"
    diff -r "$committed/profiles" "$tmp/out/profiles" > "$tmp/diff" || { head -40 "$tmp/diff"; fail "regenerated profiles differ"; }
    diff "$committed/version-map.json" "$tmp/out/version-map.json" || fail "regenerated version-map.json differs"
    echo "profiles and version-map.json: identical"
  else
    echo "NOTE: profiles not compared (not every committed version is here)"
  fi
  echo "regenerated byte for byte in $nparts run(s): ${checked[*]} (of $ncases cases each)" ;;

replay-qemu)
  run() {
    local rc=0
    "$ddp" replay --cases "$cases" --baselines "$committed" "$@" > "$tmp/out" 2>&1 || rc=$?
    [ "$rc" = 0 ] || { cat "$tmp/out"; fail "replay $*: exit $rc"; }
    [ "$(grep -cE '^(pass|fail|known|skip) ' "$tmp/out")" = "$ncases" ] || { cat "$tmp/out"; fail "not one line per case"; }
    grep -q "^replay: $ncases passed, 0 failed" "$tmp/out" || { cat "$tmp/out"; fail "replay $*: not every case passed"; }
    tail -1 "$tmp/out"
  }
  # (Every materialised version against its own baselines: that is what regenerate checks.)
  run ;;

replay-model)
  refs=("$qemu")
  while read -r v w; do [ -x "$w" ] && refs+=("$w"); done < <(materialised)
  for r in "${refs[@]}"; do
    rc=0
    "$ddp" replay --candidate model --reference "$r" --cases "$cases" --baselines "$committed" > "$tmp/out" 2>&1 || rc=$?
    [ "$rc" = 0 ] || { cat "$tmp/out"; fail "replay --candidate model --reference $r: exit $rc"; }
    [ "$(grep -cE '^(pass|fail|known|skip) ' "$tmp/out")" = "$ncases" ] || { cat "$tmp/out"; fail "not one line per case"; }
    grep -q "^replay: $ncases passed, 0 failed" "$tmp/out" || { cat "$tmp/out"; fail "the model does not pass every case for $r"; }
    echo "qemu-img $(version_of "$r"): $(tail -1 "$tmp/out")"
  done ;;

replay-mutant)
  name=$1
  shift
  rc=0
  "$ddp" replay --candidate "$mutants/$name" --cases "$cases" --baselines "$committed" \
    --json "$tmp/replay.json" > "$tmp/out" 2>&1 || rc=$?
  cat "$tmp/out"
  [ "$rc" = 1 ] || fail "replay against $name: exit $rc, want 1"
  got=$(awk '$1 == "fail" {print $2}' "$tmp/out" | sort | tr '\n' ' ')
  want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
  [ "$got" = "$want" ] || fail "$name failed on [$got], want [$want]"
  # --json (read with jansson): the same counts, the same verdict and detail per case.
  q() { "$DDP_JSONQ" "$tmp/replay.json" "$@"; }
  [ "$(q exit)/$(q runs.0.exit)/$(q runs.#)" = "1/1/1" ] || fail "--json: exit"
  grep -qx "replay: $(q runs.0.counts.passed) passed, $(q runs.0.counts.failed) failed, $(q runs.0.counts.known) known, $(q runs.0.counts.skipped) skipped" "$tmp/out" \
    || fail "--json: the counts are not the text's"
  [ "$(q runs.0.results.#)" = "$(grep -cE '^(pass|fail|known|skip|error) ' "$tmp/out")" ] || fail "--json: not a result per case"
  for i in $(seq 0 $(($(q runs.0.results.#) - 1))); do
    [ "$(q runs.0.results.$i.verdict)" != fail ] && continue
    grep -qxF "fail  $(q runs.0.results.$i.name)$(printf '%*s' $((37 - $(q runs.0.results.$i.name | wc -c) + 1)) '')$(q runs.0.results.$i.detail)" "$tmp/out" \
      || fail "--json: result $i is not the text's line"
  done ;;

minimise-promote)
  name=$1 part=$2 seed=$3 refusals=${4:-}
  "$ddp" fuzz --candidate "$mutants/$name" --seconds 60 --seed "$seed" --stop-on "$part" \
    --findings "$tmp/f" > "$tmp/fuzz" 2>&1 && { cat "$tmp/fuzz"; fail "$name: no finding"; }
  # A group (minimised at once: its headline is what minimise and promote read).
  found=$(grep -l "\"signature\": \"[^\"]*$part" "$tmp"/f/*/headline/result.json "$tmp"/f/*/result.json 2>/dev/null || true)
  dir=${found:+$(dirname "${found%%$'\n'*}")}
  dir=${dir%/headline}
  [ -n "$dir" ] || { cat "$tmp/fuzz"; fail "$name: no finding with $part"; }
  echo "finding: $(grep '"case"' "$dir/result.json")"
  start=$(date +%s)
  "$ddp" minimise "$dir" --trust-finding --json "$tmp/min.json" > "$tmp/min" 2> "$tmp/min.err" || { cat "$tmp/min.err"; fail "minimise failed"; }
  secs=$(($(date +%s) - start))
  cat "$tmp/min.err" "$tmp/min"
  ((secs <= 60)) || fail "minimise took ${secs} s (more than 60)"
  [ "$(wc -l < "$tmp/min")" = 2 ] || fail "minimise should print the dd-cases line and the tuple"
  line=$(head -1 "$tmp/min")
  case_name=$(awk '{print $1}' <<<"$line")
  grep -qE "^\('$case_name', '[0-9]+[kMG]?', '[a-z0-9]+', \[.*\], '[a-z0-9_-]+'\)," <(sed -n 2p "$tmp/min") \
    || fail "the second line is not a DD_CASES tuple"
  read -r a b c d < <(sed -nE 's/.*operands ([0-9]+) -> ([0-9]+), characters ([0-9]+) -> ([0-9]+).*/\1 \2 \3 \4/p' "$tmp/min.err")
  [ -n "${d:-}" ] && ((b <= a && d <= c)) || fail "the minimised case is longer than the original ($a -> $b operands, $c -> $d characters)"
  # minimise --json (read with jansson): what the text says.
  q() { "$DDP_JSONQ" "$@"; }
  [ "$(q "$tmp/min.json" minimised.from.operands minimised.to.operands minimised.from.characters minimised.to.characters exit | tr '\n' ' ')" = "$a $b $c $d 0 " ] \
    && [ "$(q "$tmp/min.json" line)" = "$line" ] && [ "$(q "$tmp/min.json" tuple)" = "$(sed -n 2p "$tmp/min")" ] \
    && grep -qF "minimise: $(q "$tmp/min.json" minimised.from.signature) (rules $(q "$tmp/min.json" minimised.from.rules)) -> $(q "$tmp/min.json" minimised.to.signature) (rules $(q "$tmp/min.json" minimised.to.rules));" "$tmp/min.err" \
    || { cat "$tmp/min.json"; fail "minimise --json is not the text"; }
  # promote it into a copy of the expected outputs, with the installed qemu-img.
  cp -r "$src/expected-outputs" "$tmp/eo"
  "$ddp" promote "$dir" --trust-finding --reference "$qemu" --cases "$tmp/eo/dd-cases" --out "$tmp/eo/dd-info-json" \
    --json "$tmp/prom.json" > "$tmp/prom" 2>&1 || { cat "$tmp/prom"; fail "promote failed"; }
  cat "$tmp/prom"
  # promote --json: the line appended, where, and each baseline written, as the text says.
  grep -qxF "promote: appended to $(q "$tmp/prom.json" appended): $(q "$tmp/prom.json" line)" "$tmp/prom" \
    && [ "$(q "$tmp/prom.json" baselines.written.#)" = "$(grep -c '^promote: .*(dd exit [0-9]*)$' "$tmp/prom")" ] \
    && grep -qxF "promote: $(q "$tmp/prom.json" baselines.written.0.dir)/$(q "$tmp/prom.json" case).{stdout.txt,stderr.txt,meta.json} (dd exit $(q "$tmp/prom.json" baselines.written.0.dd_exit))" "$tmp/prom" \
    && grep -qxF "promote: profiles refreshed; for instar's DD_CASES: $(q "$tmp/prom.json" tuple)" "$tmp/prom" \
    && [ "$(q "$tmp/prom.json" exit mode)" = "$(printf '0\ndd')" ] \
    || { cat "$tmp/prom.json"; fail "promote --json is not the text"; }
  # promote minimises again, within the same time budget: on a loaded
  # machine it may stop at another (equally valid) case than minimise did.
  # dd-cases must end with the line promote says it appended.
  appended=$(sed -n 's/^promote: appended to [^:]*: //p' "$tmp/prom")
  [ -n "$appended" ] && [ "$(tail -1 "$tmp/eo/dd-cases")" = "$appended" ] || fail "dd-cases does not end with the new line"
  [ "$appended" = "$line" ] || echo "NOTE: promote's minimisation stopped at another case than minimise's: $appended"
  line=$appended
  case_name=$(awk '{print $1}' <<<"$line")
  iv=$(version_of "$qemu")
  for sfx in stdout.txt stderr.txt meta.json; do
    [ -f "$tmp/eo/dd-info-json/$iv/$case_name.$sfx" ] || fail "no $iv/$case_name.$sfx"
  done
  grep -q "\"$iv\": \"profile-" "$tmp/eo/dd-info-json/version-map.json" || fail "version-map.json lacks $iv"
  if [ "$refusals" = refusals ]; then
  # The same finding again is refused: the name is taken.
  "$ddp" promote "$dir" --trust-finding --reference "$qemu" --cases "$tmp/eo/dd-cases" --out "$tmp/eo/dd-info-json" \
    > "$tmp/prom2" 2>&1 && fail "a duplicate case was promoted"
  grep -q "already has a case named $case_name" "$tmp/prom2" || { cat "$tmp/prom2"; fail "no duplicate-name refusal"; }
  # A different existing baseline is not overwritten without --force.
  echo '{}' > "$tmp/eo/dd-info-json/$iv/$case_name.stdout.txt"
  "$ddp" promote "$case_name" --reference "$qemu" --cases "$tmp/eo/dd-cases" --out "$tmp/eo/dd-info-json" \
    > "$tmp/prom3" 2>&1 && fail "a different baseline was overwritten without --force"
  grep -q "exists and differs" "$tmp/prom3" || { cat "$tmp/prom3"; fail "no overwrite refusal"; }
  "$ddp" promote "$case_name" --force --reference "$qemu" --cases "$tmp/eo/dd-cases" --out "$tmp/eo/dd-info-json" \
    > "$tmp/prom4" 2>&1 || { cat "$tmp/prom4"; fail "promote --force failed"; }
  grep -q '{}' "$tmp/eo/dd-info-json/$iv/$case_name.stdout.txt" && fail "--force did not rewrite the baseline"
  fi
  # Replay against the mutant now fails on the new case; qemu-img itself passes it.
  rc=0
  "$ddp" replay --candidate "$mutants/$name" --only "$case_name" --cases "$tmp/eo/dd-cases" \
    --baselines "$tmp/eo/dd-info-json" > "$tmp/rep" 2>&1 || rc=$?
  cat "$tmp/rep"
  [ "$rc" = 1 ] && grep -q "^fail  *$case_name " "$tmp/rep" || fail "replay against $name does not fail on $case_name"
  "$ddp" replay --only "$case_name" --cases "$tmp/eo/dd-cases" --baselines "$tmp/eo/dd-info-json" \
    > "$tmp/rep2" 2>&1 || { cat "$tmp/rep2"; fail "qemu-img does not pass its own new baseline"; }
  echo "minimised in ${secs} s, promoted, and replay against $name fails on $case_name" ;;

promote-mutant)
  # One work directory for every run: the engine's fixtures are made once.
  work=$(mktemp -d /dev/shm/ddp-promote-test-XXXXXX 2>/dev/null || mktemp -d "$tmp/w-XXXXXX")
  trap 'rm -rf "$tmp" "$work"' EXIT
  mkdir "$tmp/eo"
  cp -r "$src/expected-outputs/dd-cases" "$src/expected-outputs/dd-info-json" "$tmp/eo/"
  echo "# none" > "$tmp/no-known"
  iv=$(version_of "$qemu")
  # SHARD/N: every Nth mutant of mutants.txt from the SHARDth (the first shard adds
  # issue-drop-count, the second data-only), so every mutant listed is covered and
  # each test stays short.
  if [[ $# = 1 && $1 =~ ^([0-9]+)/([0-9]+)$ ]]; then
    shard=${BASH_REMATCH[1]} n=${BASH_REMATCH[2]}
    mapfile -t all < <(grep -vE '^[[:space:]]*(#|$)' "$src/tests/mutants/mutants.txt" | awk '{print $1}')
    ((${#all[@]} > 0)) || fail "no mutants in mutants.txt"
    set --
    ((shard == 1)) && set -- issue-drop-count
    ((shard == 2)) && set -- data-only quoted
    ((shard == 3)) && set -- own-format
    ((shard == 4)) && set -- dashdash-O
    for ((i = shard - 1; i < ${#all[@]}; i += n)); do set -- "$@" "${all[i]}"; done
  fi
  for name in "$@"; do
    start=$(date +%s)
    if [ "$name" = issue-drop-count ]; then
      # The issue's finding: qemu-img stops at count=1.5e3k (no output), drop-count writes
      # out.img; its dd-cases line (of=out.vdi) once lost the output component.
      cand=$mutants/drop-count part=output
      read -r fixture args <<<"qcow2-1M-random if=in.qcow2 -O vdi count=1.5e3k skip=255 bs=4k of=out.img"
    elif [ "$name" = data-only ]; then
      # A finding in the data alone (info agrees): 0.66k read as 675 where
      # qemu reads 676 moves the window one byte; only meta.json's
      # output_sha256 makes replay see it.
      cand=$mutants/fraction-truncate part=data
      read -r fixture args <<<"dd-raw-4096 bs=0.66k skip=1 if=IN of=OUT"
    elif [ "$name" = quoted ]; then
      # An operand with a blank (%20 here): its dd-cases line quotes it ('- O').
      cand=$mutants/stderr-reworded part=stderr:text
      read -r fixture args <<<"dd-raw-512 -%20O if=IN of=OUT"
    elif [ "$name" = own-format ]; then
      # Two -O, the first read by the candidate: a line that gives its own -O.
      cand=$mutants/first-option-wins part=exit
      read -r fixture args <<<"dd-raw-512 -O 2147483647 -Oparallels if=IN of=OUT"
    elif [ "$name" = dashdash-O ]; then
      # An -O after "--", an operand to qemu, an option to the candidate.
      cand=$mutants/dashdash-ignored part=exit
      read -r fixture args <<<"dd-raw-512 -- -O vpc if=IN of=OUT"
    else
      cand=$mutants/$name
      line=$(awk -v n="$name" '$1 == n' "$src/tests/mutants/mutants.txt" | sed 's/ *#.*//')
      [ -n "$line" ] || fail "$name is not in mutants.txt"
      read -r _ part input args <<<"$line"
      [[ $input =~ ^input=raw:([0-9]+)$ ]] || fail "$name: input '$input' is not raw:BYTES"
      fixture=dd-raw-${BASH_REMATCH[1]}
    fi
    # case.json: the arguments with IN and OUT as the engine names its files.
    {
      printf '{"fixture": "%s", "args": [' "$fixture"
      sep=
      for a in $args; do
        case $a in if=IN) a=if=in.raw ;; of=OUT) a=of=out.img ;; esac
        a=${a//%20/ }
        printf '%s"%s"' "$sep" "$a"
        sep=", "
      done
      printf ']}\n'
    } > "$tmp/$name.json"
    rc=0
    "$ddp" fuzz --case "$tmp/$name.json" --candidate "$cand" --stderr exact --findings "$tmp/f-$name" \
      --workdir "$work" > "$tmp/fuzz" 2>&1 || rc=$?
    [ "$rc" = 1 ] || { cat "$tmp/fuzz"; fail "$name: its case does not diverge (exit $rc)"; }
    dir=$(grep -l "\"signature\": \"[^\"]*$part" "$tmp/f-$name"/*/result.json | head -1 | xargs -r dirname)
    [ -n "$dir" ] || { cat "$tmp/fuzz"; fail "$name: no finding with $part"; }
    rc=0
    "$ddp" promote "$dir" --trust-finding --reference "$qemu" --cases "$tmp/eo/dd-cases" \
      --out "$tmp/eo/dd-info-json" --workdir "$work" --seconds 1 > "$tmp/prom" 2> "$tmp/prom.err" || rc=$?
    [ "$rc" = 0 ] || { cat "$tmp/prom.err" "$tmp/prom"; fail "$name: promote failed (exit $rc)"; }
    appended=$(sed -n 's/^promote: appended to [^:]*: //p' "$tmp/prom")
    case_name=$(awk '{print $1}' <<<"$appended")
    [ -n "$case_name" ] && [ "$(tail -1 "$tmp/eo/dd-cases")" = "$appended" ] \
      || { cat "$tmp/prom"; fail "$name: dd-cases does not end with the promoted line"; }
    [ -f "$tmp/eo/dd-info-json/$iv/$case_name.meta.json" ] || fail "$name: no $iv/$case_name.meta.json"
    rc=0
    # No known divergences: vhdx-32m-blocks is one of them, and must fail here.
    "$ddp" replay --stderr exact --candidate "$cand" --only "$case_name" --cases "$tmp/eo/dd-cases" \
      --baselines "$tmp/eo/dd-info-json" --workdir "$work" --known "$tmp/no-known" > "$tmp/rep" 2>&1 || rc=$?
    [ "$rc" = 1 ] && grep -q "^fail  *$case_name " "$tmp/rep" \
      || { cat "$tmp/rep"; fail "$name: replay against it does not fail on $case_name"; }
    verdict=$(grep "^fail " "$tmp/rep")
    [ "$name" != data-only ] || grep -q " data: " <<<"$verdict" || fail "data-only: replay fails, but not on data: $verdict"
    "$ddp" replay --stderr exact --only "$case_name" --cases "$tmp/eo/dd-cases" \
      --baselines "$tmp/eo/dd-info-json" --workdir "$work" > "$tmp/rep2" 2>&1 \
      || { cat "$tmp/rep2"; fail "$name: qemu-img does not pass its own new baseline"; }
    echo "$name: $(grep -o '"signature": "[^"]*"' "$dir/result.json") -> $appended"
    echo "  ${verdict:0:200}  ($(($(date +%s) - start)) s)"
  done ;;

*)
  fail "unknown test $test" ;;
esac
echo "PASS: $test $*"
