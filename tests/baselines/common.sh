# common.sh: what baselines_test.sh and map_test.sh share (sourced; $src,
# $qemu and fail() set by the caller).

# VERSION WRAPPER of every materialised qemu-img that was measured (nothing
# when there is none). An unmeasured one (a new Debian upload: `ddparity
# versions`) has no committed baselines to check: ci/drift-watch checks it.
materialised() {
  local cache=${QEMU_VERSIONS_CACHE:-$src/build/qemu-versions} u
  u=" $("$ddp" versions --pairs --cache "$cache" 2>/dev/null | awk '{print $1}' | paste -sd' ') "
  "$src/ci/qemu-versions" list 2>/dev/null | awk -v u="$u" 'NF >= 3 {
      if (index(u, " " $1 " ")) print "NOTE: qemu-img " $1 ": unmeasured, not checked here (ci/drift-watch)" > "/dev/stderr"
      else print $1, $3 }' || true
}
version_of() { "$1" --version | head -1 | awk '{print $3}'; }

# Fills refs (--reference PATH ...), have[VERSION] and wrapper[VERSION] with
# every materialised qemu-img and the installed one; complete=1.
collect_references() {
  declare -gA have=() wrapper=()
  refs=()
  complete=1
  local v w iv
  while read -r v w; do
    [ -n "$v" ] && [ -x "$w" ] && { refs+=(--reference "$w"); have[$v]=1; wrapper[$v]=$w; }
  done < <(materialised)
  iv=$(version_of "$qemu")
  if [ -z "${have[$iv]:-}" ]; then refs+=(--reference "$qemu"); have[$iv]=1; wrapper[$iv]=$qemu; fi
}

# A regeneration in parts, as predict_vs_qemu's --part K/N: versions of one
# series (major.minor) share the model's profile, so on each push each
# regenerates every Nth case (or fixture) from its Kth (N the series'
# versions here), and together they check the series whole at the cost of
# one version; a version alone in its series regenerates everything.
# DDP_FULL_MATRIX=ON (the nightly job): everything on every version.
# plan_parts NAME...: NAME... the cases in order; after collect_references.
# Sets nparts (the generate runs) and, per version, part_k and part_n.
plan_parts() {
  declare -gA part_k=() part_n=()
  declare -ga part_names=("$@")
  declare -g nparts=1
  local -A count=()
  local v s
  for v in $(printf '%s\n' "${!have[@]}" | sort -V); do
    [[ $v =~ ^([0-9]+\.[0-9]+) ]] && s=${BASH_REMATCH[1]} || s=$v
    count[$s]=$((${count[$s]:-0} + 1))
    part_k[$v]=${count[$s]}
  done
  for v in "${!have[@]}"; do
    [[ $v =~ ^([0-9]+\.[0-9]+) ]] && s=${BASH_REMATCH[1]} || s=$v
    case ${DDP_FULL_MATRIX:-OFF} in ON|on|1|TRUE|true|YES|yes) part_n[$v]=1 part_k[$v]=1 ;; *) part_n[$v]=${count[$s]} ;; esac
    ((part_n[$v] > nparts)) && nparts=${part_n[$v]}
  done
  return 0
}

# covers VERSION P: whether VERSION regenerates part P (of nparts).
covers() { (((($2 - 1) % part_n[$1]) == part_k[$1] - 1)); }

# part_args P: in args, the --reference and --only arguments of generate run P.
part_args() {
  local v i
  args=()
  for v in $(printf '%s\n' "${!have[@]}" | sort -V); do
    covers "$v" "$1" && args+=(--reference "${wrapper[$v]}")
  done
  if ((nparts > 1)); then
    for i in "${!part_names[@]}"; do ((i % nparts == $1 - 1)) && args+=(--only "${part_names[i]}"); done
  fi
  return 0
}

# check_version COMMITTED OUT VERSION DIR...: VERSION's baselines in the
# DIRs (relative to both roots) regenerated under OUT are the committed
# ones byte for byte, file for file: all of them, or those of the cases of
# VERSION's parts; then OUT gets the rest of the committed ones, so that
# profiles sees whole versions.  (A few processes per version: a diff per
# directory took 36 s of 180 on a loaded machine.)
check_version() {
  local c=$1 o=$2 v=$3 p f n
  shift 3
  local -A mine=()
  local want=() rest=()
  for p in $(seq "$nparts"); do
    if covers "$v" "$p"; then
      for n in "${!part_names[@]}"; do ((n % nparts == p - 1)) && mine[${part_names[n]}]=1; done
    fi
  done
  local files=() d
  for d in "$@"; do
    [ -d "$c/$d" ] || continue
    for f in "$c/$d"/*; do files+=("${f#"$c"/}"); done
  done
  for f in "${files[@]}"; do
    n=${f##*/}
    n=${n%.meta.json} n=${n%.stdout.txt} n=${n%.stderr.txt}
    if ((part_n[$v] == 1)) || [ -n "${mine[${n%%@*}]:-}" ]; then want+=("$f"); else rest+=("$f"); fi
  done
  ((${#want[@]})) || { echo "no committed baselines of $v in $*"; return 1; }
  diff <(printf '%s\n' "${want[@]}" | LC_ALL=C sort) <(cd "$o" && find "$@" -type f 2> /dev/null | LC_ALL=C sort) > "$tmp/diff" \
    || { echo "files (< committed, > regenerated):"; head -40 "$tmp/diff"; return 1; }
  diff <(cd "$c" && sha256sum -- "${want[@]}") <(cd "$o" && sha256sum -- "${want[@]}") > "$tmp/diff" \
    || { f=$(sed -n 's/^< [0-9a-f]*  //p' "$tmp/diff" | head -1); echo "$f:"; diff "$c/$f" "$o/$f" | head -40; return 1; }
  ((${#rest[@]} == 0)) || (cd "$c" && cp --parents -t "$o" -- "${rest[@]}")
}

# Each version directory under DIR (of WHAT) must have a qemu-img here, and
# each qemu-img here a version directory: a missing one fails when CI=true,
# else complete=0.
check_committed_versions() {
  local dir=$1 what=$2 d v
  for d in "$dir"/*/; do
    v=$(basename "$d")
    [ "$v" = profiles ] && continue
    if [ -z "${have[$v]:-}" ]; then
      [ "${CI:-}" = true ] && fail "$what of qemu-img $v are committed but no wrapper is there (CI=true: ci/qemu-versions fetch should have made it)"
      echo "NOTE: qemu-img $v: committed $what not checked: no wrapper (run ci/qemu-versions fetch)"
      complete=0
    fi
  done
  for v in "${!have[@]}"; do
    if [ ! -d "$dir/$v" ]; then
      [ "${CI:-}" = true ] && fail "qemu-img $v has no committed $what (ddparity baselines generate --reference ...)"
      echo "NOTE: qemu-img $v has no committed $what; not compared"
      complete=0
    fi
  done
}
