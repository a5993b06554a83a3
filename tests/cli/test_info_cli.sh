#!/bin/bash
# test_info_cli.sh DDPARITY SOURCE_DIR: `ddparity normalise` and `compare`
# against the acceptance lines of issue 4.  With qemu-img on PATH it also
# makes fresh images; without it, only the stored ones in tests/data/info.
set -u

ddparity=${1:?usage: test_info_cli.sh DDPARITY SOURCE_DIR}
src=${2:-${DDP_SOURCE_DIR:?}}
data=$src/tests/data/info
work=$(mktemp -d /tmp/ddparity-info-cli.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# expect_exit CODE COMMAND...: runs COMMAND, output in $work/out and $work/err.
expect_exit() {
	local want=$1
	shift
	"$@" >"$work/out" 2>"$work/err"
	local got=$?
	[ "$got" = "$want" ] || fail "exit $got, not $want: $* ($(head -c 300 "$work/err"))"
}

# expect_in FILE TEXT: FILE contains TEXT.
expect_in() {
	grep -qF -- "$2" "$1" || fail "$1 lacks '$2': $(head -c 300 "$1")"
}

formats="raw qcow2 vmdk vpc vhdx qcow qed vdi parallels"

# 1. Stored outputs of the same dd into two paths normalise identically.
for fmt in $formats; do
	pa=$(awk -F'\t' -v f="$fmt-a.json" '$1 == f {print $2}' "$data/MANIFEST")
	pb=$(awk -F'\t' -v f="$fmt-b.json" '$1 == f {print $2}' "$data/MANIFEST")
	expect_exit 0 "$ddparity" normalise --path "$pa" "$data/$fmt-a.json"
	cp "$work/out" "$work/a.norm"
	expect_exit 0 "$ddparity" normalise --path "$pb" "$data/$fmt-b.json"
	cmp -s "$work/a.norm" "$work/out" || fail "stored $fmt: a and b differ after normalise"
done

# 2. The same, live: two images from one `qemu-img dd -O FMT` command.
# A real qemu-img is required (ci/bootstrap installs it): never a silent skip.
command -v qemu-img >/dev/null || fail "qemu-img not found: install qemu-utils"
{
	head -c 70000 < <(yes 'ddparity live test') >"$work/in.raw"
	mkdir -p "$work/one" "$work/two/deeper"
	for fmt in $formats; do
		for of in "$work/one/x.$fmt" "two/deeper/y.$fmt"; do
			(cd "$work" && qemu-img dd -f raw -O "$fmt" bs=4096 if=in.raw "of=$of" >/dev/null &&
				qemu-img info --output=json "$of" >"$of.json") ||
				fail "qemu-img dd -O $fmt of=$of"
		done
		expect_exit 0 "$ddparity" normalise --path "$work/one/x.$fmt" "$work/one/x.$fmt.json"
		cp "$work/out" "$work/a.norm"
		expect_exit 0 "$ddparity" normalise --path "two/deeper/y.$fmt" "$work/two/deeper/y.$fmt.json"
		cmp -s "$work/a.norm" "$work/out" || fail "live $fmt: two paths differ after normalise"
		expect_exit 0 "$ddparity" compare --profile strict "$work/one/x.$fmt.json" "$work/two/deeper/y.$fmt.json"
	done
}

# 3. A 34816-byte vpc against a 35807232-byte one: exit 1, virtual-size named.
expect_exit 1 "$ddparity" compare "$data/vpc-34816.json" "$data/vpc-35807232.json"
expect_in "$work/out" "different under profile parity: virtual-size"
expect_in "$work/out" "/virtual-size"
expect_in "$work/out" "vpc-34816.json: 34816"
expect_in "$work/out" "vpc-35807232.json: 35807232"
expect_exit 1 "$ddparity" compare --json "$data/vpc-34816.json" "$data/vpc-35807232.json"
expect_in "$work/out" '"signature": "virtual-size"'
expect_in "$work/out" '"a": 34816'
expect_in "$work/out" '"b": 35807232'
expect_exit 0 "$ddparity" compare "$data/vpc-a.json" "$data/vpc-b.json"

# 4. normalise(normalise(x)) == normalise(x) for every stored input.
for f in "$data"/*.json; do
	expect_exit 0 "$ddparity" normalise "$f"
	cp "$work/out" "$work/once"
	expect_exit 0 "$ddparity" normalise "$work/once"
	cmp -s "$work/once" "$work/out" || fail "not idempotent: $f"
done

# 5. virtual-size 18446744073709551615: a clear error and exit 2.
printf '{\n    "virtual-size": 18446744073709551615,\n    "format": "raw"\n}\n' >"$work/big.json"
expect_exit 2 "$ddparity" normalise "$work/big.json"
expect_in "$work/err" "big.json:2:21: integer out of range (above INT64_MAX"
expect_in "$work/err" 'in member "virtual-size"'
expect_exit 2 "$ddparity" compare "$data/raw-a.json" "$work/big.json"
expect_in "$work/err" "integer out of range (above INT64_MAX"

# 6. Other errors: exit 2, and a file and line where there is one.
expect_exit 2 "$ddparity" compare --profile nope "$data/raw-a.json" "$data/raw-b.json"
expect_in "$work/err" "unknown profile 'nope'"
printf '{"a": 1, "a": 2}' >"$work/dup.json"
expect_exit 2 "$ddparity" normalise "$work/dup.json"
expect_in "$work/err" "dup.json:1:12: invalid JSON: duplicate object key"
printf '# fine\n*vhdx* cluster-size\n' >"$work/kd"
expect_exit 2 "$ddparity" compare --known "$work/kd" --case vhdx "$data/vhdx-8m.json" "$data/vhdx-32m.json"
expect_in "$work/err" "kd:2:20: expected a reason"
expect_exit 0 "$ddparity" compare --known "$src/expected-outputs/known-divergences" --case vhdx/1 "$data/vhdx-8m.json" "$data/vhdx-32m.json"
expect_in "$work/out" "known divergence"
expect_exit 1 "$ddparity" compare --known "$src/expected-outputs/known-divergences" --case vpc/1 "$data/vpc-34816.json" "$data/vpc-35807232.json"
expect_exit 0 "$ddparity" normalise --help
expect_exit 0 "$ddparity" compare --help
expect_exit 2 "$ddparity" compare "$data/raw-a.json"

if [ "$failures" -ne 0 ]; then
	echo "$failures failure(s)" >&2
	exit 1
fi
echo "all info CLI checks passed"
