#!/bin/bash
# make.sh: regenerates the real `qemu-img info --output=json` files of this
# directory and their index, MANIFEST.  Run it from anywhere:
#
#     tests/data/info/make.sh [QEMU_IMG]
#
# For every output format, the same `qemu-img dd` command writes two images
# at two different paths (a relative one and a longer absolute one); each
# is then described by `qemu-img info --output=json PATH`.  MANIFEST has one
# line per JSON file, tab-separated:
#
#     FILE <TAB> PATH GIVEN TO QEMU-IMG <TAB> COMMAND THAT MADE THE IMAGE
#
# and test_info.c reads it.  Files made with an absolute path contain the
# temporary directory of the run that made them; that is expected.
set -euo pipefail

qemu_img=${1:-qemu-img}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/ddparity-info.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"

manifest=$here/MANIFEST
{
	echo "# Made by make.sh with $("$qemu_img" --version | head -n1)"
	echo "# FILE	PATH	COMMAND"
} >"$manifest"

# info NAME PATH COMMAND...: runs COMMAND, then info on PATH into NAME.json.
info() {
	local name=$1 path=$2
	shift 2
	"$@" >/dev/null
	"$qemu_img" info --output=json "$path" >"$here/$name.json"
	printf '%s\t%s\t%s\n' "$name.json" "$path" "$*" >>"$manifest"
}

# 70000 bytes of text: not a multiple of 512, so sizes show the rounding.
head -c 70000 < <(yes 'ddparity info test data') >in.raw

mkdir -p a long/second/directory
for fmt in raw qcow2 vmdk vpc vhdx qcow qed vdi parallels; do
	info "$fmt-a" "a/out.$fmt" \
		"$qemu_img" dd -f raw -O "$fmt" bs=4096 if=in.raw "of=a/out.$fmt"
	info "$fmt-b" "$work/long/second/directory/image-b.$fmt" \
		"$qemu_img" dd -f raw -O "$fmt" bs=4096 if=in.raw \
		"of=$work/long/second/directory/image-b.$fmt"
done

# vpc sizes for the compare acceptance test: qemu's CHS rounding of a
# 34816-byte window, of a 69632-sector window (35686400, what qemu does),
# and the 35807232 bytes a one-pass ceil of that search gives (made here
# with force_size so that qemu writes exactly that size).
head -c 34816 in.raw >small.raw
info vpc-34816 vpc-34816.vpc \
	"$qemu_img" dd -f raw -O vpc bs=512 if=small.raw of=vpc-34816.vpc
head -c 35651584 /dev/zero >big.raw
info vpc-35686400 vpc-35686400.vpc \
	"$qemu_img" dd -f raw -O vpc bs=1M if=big.raw of=vpc-35686400.vpc
info vpc-35807232 vpc-35807232.vpc \
	"$qemu_img" create -q -f vpc -o subformat=dynamic,force_size=on \
	vpc-35807232.vpc 35807232

# vhdx block size: qemu's 8 MiB against a 32 MiB-block writer.
info vhdx-8m vhdx-8m.vhdx \
	"$qemu_img" dd -f raw -O vhdx bs=4096 if=in.raw of=vhdx-8m.vhdx
info vhdx-32m vhdx-32m.vhdx \
	"$qemu_img" create -q -f vhdx -o block_size=32M vhdx-32m.vhdx 70144
