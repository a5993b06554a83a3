# lib.sh: how a test script starts (sourced, after set -euo pipefail):
#   . tests/lib.sh NAME
# gives fail MESSAGE (says "FAIL: NAME: MESSAGE", exits 1), $qemu (the
# qemu-img on PATH, else a failure: never a silent skip), and $tmp, a
# private directory (mktemp -d, parallel-safe) with TMPDIR inside it, removed
# on exit; a command that fails unexpectedly is named.
test_name=$1
failed=
fail() { failed=1; echo "FAIL: $test_name: $*"; exit 1; }
tmp=$(mktemp -d "/tmp/ddp-$test_name-test-XXXXXX")
cleanup() {
  local rc=$?
  [ "$rc" = 0 ] || [ -n "$failed" ] || echo "FAIL: $test_name: exit $rc after: $BASH_COMMAND"
  rm -rf "$tmp"
}
trap cleanup EXIT
qemu=$(command -v qemu-img) || fail "qemu-img not found (install qemu-utils)"
export TMPDIR=$tmp/tmp
mkdir -p "$TMPDIR"
