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

# Fills refs (--reference PATH ...) and have[VERSION] with every materialised
# qemu-img and the installed one; complete=1.
collect_references() {
  declare -gA have=()
  refs=()
  complete=1
  local v w iv
  while read -r v w; do
    [ -n "$v" ] && [ -x "$w" ] && { refs+=(--reference "$w"); have[$v]=1; }
  done < <(materialised)
  iv=$(version_of "$qemu")
  if [ -z "${have[$iv]:-}" ]; then refs+=(--reference "$qemu"); have[$iv]=1; fi
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
