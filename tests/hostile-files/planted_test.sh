#!/usr/bin/env bash
# planted_test.sh: links and look-alike names planted where the suite writes.
#
# usage: planted_test.sh DDPARITY SOURCE_DIR MUTANTS_DIR planted|linked
#
#   planted  Every directory a command writes (baselines and a version
#            directory, dd-cases' directory, the work, findings and report
#            directories) gets, before each command and for the very pid it
#            runs as (the command is started stopped: its pid is known before
#            it writes), links at every temporary name the suite could use
#            (<file>.tmp-<pid> for each file it writes atomically, .tmp-*,
#            .old-*, .profiles-tmp-*, .profiles-old-*) to canary files and a
#            canary directory outside, and look-alike user data
#            (case-2023-31999/, bl-backup-32000/, notes.tmp-31000,
#            mydata/case-7-30001).  Then fuzz (against the model, and a
#            mutant for a finding), baselines generate --only, baselines
#            profiles, reproduce, minimise, replay, report and promote run in
#            turn, and after each: the canaries are unchanged (sha256 of
#            every file under them, nothing added), the names planted for
#            the command's pid are still the same links, and no link the
#            suite made points outside (version-map.json replaced by the
#            planted link, say).
#   linked   A version directory linked elsewhere (dd-info-json/7.2.22 ->
#            outside) is refused, naming it, by baselines generate --only,
#            promote, baselines profiles and report, and profiles/ linked
#            elsewhere by replay; nothing outside changes; a finding
#            whose reference.stderr is a link to a secret is refused by
#            report, reproduce and minimise, naming it, and the secret is
#            not in the report.
set -euo pipefail
ddp=$(realpath "$1") src=$(realpath "$2") mutants=$(realpath "$3") mode=$4
. "$(dirname "$0")/../lib.sh" "$mode"
cd "$tmp"
iv=$("$qemu" --version | awk 'NR == 1 {print $3}')
mutant=$mutants/skip-warning-exit
case_name=1M-raw-whole-raw
eo=$src/expected-outputs
[ -d "$eo/dd-info-json/$iv" ] || fail "no baselines for qemu-img $iv in $eo/dd-info-json"

# What the commands write: copies, never the source tree.
bl=$tmp/bl cases_dir=$tmp/cases work=$tmp/work findings=$tmp/f rep=$tmp/rep
cases=$cases_dir/dd-cases
mkdir -p "$cases_dir" "$work" "$rep"
cp -r "$eo/dd-info-json" "$bl"
cp "$eo/dd-cases" "$cases"

# Outside: canary files and a canary directory the planted links lead to.
out=$tmp/outside
mkdir -p "$out/cdir"
for i in 1 2 3; do echo "canary $i: never to be written" > "$out/canary-$i"; done
echo "canary in a directory" > "$out/cdir/keep"
echo "root:SECRET-HASH:19000:0:99999:7:::" > "$out/shadow"
snapshot() { (cd "$out" && find . | LC_ALL=C sort && find . -type f -print0 | xargs -0 sha256sum | LC_ALL=C sort); }
snapshot > "$tmp/outside.before"

# check WHAT: outside unchanged, and no link under the suite's directories
# leads outside but those planted (PLANTED lists them).
check() {
  snapshot > "$tmp/outside.after"
  diff "$tmp/outside.before" "$tmp/outside.after" > "$tmp/outside.diff" ||
    { cat "$tmp/outside.diff"; cat "$tmp/log"; fail "$1 changed files outside: canaries written through planted links"; }
  { find "$bl" "$cases_dir" "$work" "$findings" "$rep" -type l -printf '%p\t%l\n' 2> /dev/null || true; } |
    awk -F'\t' -v out="$out" 'NR == FNR { p[$0] = 1; next }
      index($2, out) == 1 && !($1 in p) { print $1 " -> " $2; bad = 1 } END { exit bad }' \
      "$tmp/planted" - > "$tmp/stray" ||
    { cat "$tmp/log" "$tmp/stray"; fail "$1 left links to outside that were not planted (a file replaced by a planted link?)"; }
}

# ---- planted --------------------------------------------------------------------

# The directories each command writes, and the files it writes atomically there.
plant_dirs() { echo "$bl" "$bl/$iv" "$cases_dir" "$work" "$findings" "$rep"; }
export ATOMIC_FILES="version-map.json signatures.json dd-cases report.html
  $case_name.meta.json $case_name.stdout.txt $case_name.stderr.txt
  planted-case.meta.json planted-case.stdout.txt planted-case.stderr.txt"

# plant PID: links at every temporary name of pids PID-3..PID+3 (PID's
# listed in $tmp/own, all in $tmp/planted), and the look-alikes, in every
# directory.  (One perl, perl-base being always there: a fork per link
# would take seconds on a loaded machine.)
plant() {
  perl -e '
    my ($pid, $out, $iv, $tmp, @dirs) = @ARGV;
    my @files = split " ", $ENV{ATOMIC_FILES};
    my $n = 0;
    open my $own, ">", "$tmp/own" or die;
    open my $planted, ">>", "$tmp/planted" or die;
    open my $looks, ">>", "$tmp/lookalikes" or die;
    for my $d (@dirs) {
      system("mkdir", "-p", $d) unless -d $d;
      for my $p ($pid - 3 .. $pid + 3) {
        my @links = map { ["$d/$_.tmp-$p", "$out/canary-" . (++$n % 3 + 1)] } @files;
        push @links, map { ["$d/$_", "$out/cdir"] }
          (".tmp-$p-0", ".tmp-$p-1", ".tmp-$iv-$p", ".old-$iv-$p", ".profiles-tmp-$p",
           ".profiles-old-$p", ".profiles-$p");
        for (@links) {
          my ($name, $target) = @$_;
          print $own "$name\n" if $p == $pid;
          next if -e $name || -l $name;
          symlink($target, $name) or die "$name: $!\n";
          print $planted "$name\n";
        }
      }
      for my $f ("case-2023-31999/data", "bl-backup-32000/data", "notes.tmp-31000",
                 "mydata/case-7-30001/data") {
        my $path = "$d/$f";
        next if -e $path;
        (my $parent = $path) =~ s{/[^/]*$}{};
        system("mkdir", "-p", $parent) unless -d $parent;
        open my $fh, ">", $path or die "$path: $!\n";
        print $fh "user data\n";
        print $looks "$path\n";
      }
    }' "$1" "$out" "$iv" "$tmp" $(plant_dirs)
}

# run NAME CMD...: CMD started stopped, names planted for its pid, then let
# go; its exit status in $rc, its output in $tmp/log; then the checks.
run() {
  local what=$1 pid i
  shift
  bash -c 'kill -STOP $$; exec "$@"' run "$@" > "$tmp/log" 2>&1 &
  pid=$!
  for i in $(seq 1000); do
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2> /dev/null)" = T ] && break
    [ "$i" != 1000 ] || fail "$what: its shell did not stop before the command"
    sleep 0.01
  done
  plant "$pid"
  kill -CONT "$pid"
  rc=0
  wait "$pid" || rc=$?
  check "$what"
  # The names planted for the command's own pid: still there, the same links.
  local l
  while IFS= read -r l; do
    [ -L "$l" ] || { cat "$tmp/log"; fail "$what removed or replaced $l, planted for its own pid"; }
  done < "$tmp/own"
  # Every other planted name, and the user's look-alikes: the sweep removes
  # only marked temporaries of processes gone, never these.
  while IFS= read -r l; do
    [ -L "$l" ] || { cat "$tmp/log"; fail "$what removed $l (planted)"; }
  done < "$tmp/planted"
  while IFS= read -r l; do
    [ -f "$l" ] || { cat "$tmp/log"; fail "$what removed $l (user data)"; }
  done < "$tmp/lookalikes"
  echo "ok: $what (exit $rc)"
}
expect() { [ "$rc" = "$1" ] || { cat "$tmp/log"; fail "$2: exit $rc, want $1"; }; }

# promote on a finding names its tools once reproduce's rules apply to it.
promote_tools=()
"$ddp" promote --help | grep -q -- '--candidate' && promote_tools=(--candidate "$mutant")

if [ "$mode" = planted ]; then
  : > "$tmp/planted"
  : > "$tmp/lookalikes"
  run "fuzz (model)" "$ddp" fuzz --cases 4 --seed 5 --jobs 1 --findings "$findings" --workdir "$work"
  expect 0 "fuzz against the model"
  run "fuzz (mutant)" "$ddp" fuzz --minimise-seconds 0 --candidate "$mutant" --seconds 30 --seed 3 --jobs 1 \
    --stop-on-finding --findings "$findings" --workdir "$work"
  expect 1 "fuzz against $mutant"
  finding=$(find "$findings" -mindepth 1 -maxdepth 1 -type d -name 'exit*' | head -1)
  [ -n "$finding" ] || fail "no finding"
  run "baselines generate --only" "$ddp" baselines generate --only "$case_name" --reference "$qemu" \
    --cases "$cases" --out "$bl" --workdir "$work"
  expect 0 "baselines generate"
  run "baselines profiles" "$ddp" baselines profiles --out "$bl"
  expect 0 "baselines profiles"
  [ -f "$bl/version-map.json" ] && [ ! -L "$bl/version-map.json" ] || fail "version-map.json is not a file"
  run "reproduce" "$ddp" reproduce "$finding" --reference "$qemu" --candidate "$mutant" --workdir "$work"
  expect 1 "reproduce"
  run "minimise" "$ddp" minimise "$finding" --reference "$qemu" --candidate "$mutant" --workdir "$work" \
    --seconds 8
  expect 0 "minimise"
  run "replay" "$ddp" replay --reference "$qemu" --baselines "$bl" --cases "$cases" --only "$case_name" \
    --workdir "$work"
  expect 0 "replay"
  run "report" "$ddp" report --output "$rep/report.html" --cases "$cases" --baselines "$bl" \
    --findings "$findings"
  expect 0 "report"
  run "promote" "$ddp" promote "$finding" --name planted-case --reference "$qemu" "${promote_tools[@]}" \
    --cases "$cases" --out "$bl" --workdir "$work" --seconds 8 --jobs 1
  expect 0 "promote"
  grep -q '^planted-case ' "$cases" || fail "promote did not append its case"
  echo "planted: $(wc -l < "$tmp/planted") links and $(wc -l < "$tmp/lookalikes") look-alikes; outside unchanged"
  exit 0
fi

# ---- linked ---------------------------------------------------------------------

[ "$mode" = linked ] || fail "unknown mode (planted or linked)"
: > "$tmp/planted"
# refused NAME WANT: the command ($rc, $tmp/log) failed with exit 2 naming WANT.
refused() {
  check "$1"
  [ "$rc" = 2 ] && grep -qF -- "$2" "$tmp/log" ||
    { cat "$tmp/log"; fail "$1: exit $rc, want 2 and an error naming $2"; }
  echo "ok: $1 refused: $(grep -F -- "$2" "$tmp/log" | head -1)"
}
go() { rc=0; "$@" > "$tmp/log" 2>&1 || rc=$?; }

# A version directory linked elsewhere: its files copied there first.
cp -r "$bl/$iv" "$out/vdir"
echo "stale: what generate would write anew" > "$out/vdir/$case_name.stderr.txt"
rm -rf "$bl/$iv"
ln -s "$out/vdir" "$bl/$iv"
echo "$bl/$iv" >> "$tmp/planted"
snapshot > "$tmp/outside.before"
go "$ddp" baselines generate --only "$case_name" --reference "$qemu" --cases "$cases" --out "$bl" \
  --workdir "$work"
refused "baselines generate --only" "$bl/$iv"
go "$ddp" baselines profiles --out "$bl"
refused "baselines profiles" "$bl/$iv"
go "$ddp" report --output "$rep/report.html" --cases "$cases" --baselines "$bl"
refused "report --baselines" "$bl/$iv"
# promote reaches the write with a case of dd-cases (no finding, no minimising).
go "$ddp" promote "$case_name" --reference "$qemu" --cases "$cases" --out "$bl" --workdir "$work" --force \
  --jobs 1
refused "promote" "$bl/$iv"

# profiles/ linked elsewhere: replay reads its baselines from there.
rm "$bl/$iv"
cp -r "$eo/dd-info-json/$iv" "$bl/$iv"
mv "$bl/profiles" "$out/pdir"
ln -s "$out/pdir" "$bl/profiles"
echo "$bl/profiles" >> "$tmp/planted"
snapshot > "$tmp/outside.before"
go "$ddp" replay --reference "$qemu" --baselines "$bl" --cases "$cases" --only "$case_name" --workdir "$work"
refused "replay" "$bl/profiles"
rm "$bl/profiles"
mv "$out/pdir" "$bl/profiles"
snapshot > "$tmp/outside.before"

# A finding whose reference.stderr is a link to a secret.
"$ddp" fuzz --minimise-seconds 0 --candidate "$mutant" --seconds 30 --seed 3 --jobs 1 --stop-on-finding --findings "$findings" \
  --workdir "$work" > "$tmp/log" 2>&1 && fail "no finding from $mutant"
finding=$(find "$findings" -mindepth 1 -maxdepth 1 -type d -name 'exit*' | head -1)
[ -n "$finding" ] || fail "no finding"
rm "$finding/reference.stderr"
ln -s "$out/shadow" "$finding/reference.stderr"
echo "$finding/reference.stderr" >> "$tmp/planted"
go "$ddp" report --output "$rep/report.html" --cases "$cases" --baselines "$bl" --findings "$findings"
refused "report --findings" "$finding/reference.stderr"
! grep -rqs SECRET-HASH "$rep" || fail "the secret is in the report"
go "$ddp" reproduce "$finding" --reference "$qemu" --candidate "$mutant" --workdir "$work"
refused "reproduce" "$finding/reference.stderr"
go "$ddp" minimise "$finding" --reference "$qemu" --candidate "$mutant" --workdir "$work" --seconds 5
refused "minimise" "$finding/reference.stderr"
echo "linked: every link refused, outside unchanged"
