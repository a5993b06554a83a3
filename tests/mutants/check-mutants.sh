#!/usr/bin/env bash
# check-mutants.sh BUILD_DIR: shows that every mutant in mutants.txt
# diverges from the real qemu-img the way the file says, and that it agrees
# with qemu-img exactly on its ordinary case in agree.txt.
#
# Each case runs twice, in directories of their own (qemu-img, then the
# mutant from BUILD_DIR/tests/mutants), each holding a link in.raw to the
# same input and writing out.img.  What is compared, as the differential
# engine does: exit code, stderr bytes (and its class: nothing / warning /
# error), whether out.img exists, `qemu-img info --output=json`'s
# virtual-size, format and cluster-size (or info failing), and the data
# flattened to raw (zero-padded to the longer one).
#
# QEMU_IMG (default: qemu-img on PATH) is the reference; the mutants wrap
# the same one.  Exit status: 0 when every line held.
set -u

if [ $# -ne 1 ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
mutdir=$(cd "$1" && pwd)/tests/mutants
qemu=${QEMU_IMG:-qemu-img}
export DDP_MUTANT_QEMU_IMG=$qemu
work=$(mktemp -d "${TMPDIR:-/tmp}/check-mutants.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
checked=0

bytes() { # 40M -> 41943040
	local v=$1
	case $v in
	*[kK]) echo $(( ${v%?} * 1024 )) ;;
	*M) echo $(( ${v%?} * 1024 * 1024 )) ;;
	*G) echo $(( ${v%?} * 1024 * 1024 * 1024 )) ;;
	*) echo "$v" ;;
	esac
}

# make_input raw:BYTES -> path of a (cached) input: random bytes; past
# 1 MiB, 1 MiB of random bytes and then a hole.
make_input() {
	local fmt=${1%%:*} n path
	n=$(bytes "${1#*:}")
	path=$work/input-$fmt-$n
	if [ ! -e "$path" ]; then
		if [ "$fmt" != raw ]; then
			echo "unsupported input format: $fmt" >&2
			return 1
		fi
		if [ "$n" -le 1048576 ]; then
			head -c "$n" /dev/urandom >"$path"
		else
			head -c 1048576 /dev/urandom >"$path"
			truncate -s "$n" "$path"
		fi
	fi
	echo "$path"
}

json_num() { sed -n "s/^    \"$1\": \([0-9-]*\),\{0,1\}\$/\1/p" "$2" | head -n1; }
json_str() { sed -n "s/^    \"$1\": \"\(.*\)\",\{0,1\}\$/\1/p" "$2" | head -n1; }

# run_side TOOL DIR INPUT ARGS...: runs TOOL dd ARGS in DIR, then reads out.img.
run_side() {
	local tool=$1 dir=$2 input=$3 a args=() fmt
	shift 3
	mkdir -p "$dir"
	ln -s "$input" "$dir/in.raw"
	for a in "$@"; do
		case $a in
		if=IN) args+=("if=in.raw") ;;
		of=OUT) args+=("of=out.img") ;;
		*) args+=("$a") ;;
		esac
	done
	(cd "$dir" && "$tool" dd "${args[@]}" >stdout 2>stderr; echo $? >rc)
	if [ -e "$dir/out.img" ] || [ -L "$dir/out.img" ]; then
		echo 1 >"$dir/exists"
		(cd "$dir" && "$qemu" info --output=json out.img >info.json 2>info.err; echo $? >info.rc)
		if [ "$(cat "$dir/info.rc")" = 0 ]; then
			fmt=$(json_str format "$dir/info.json")
			if [ "$fmt" = raw ]; then
				cp "$dir/out.img" "$dir/flat.raw"
			else
				(cd "$dir" && "$qemu" convert -f "$fmt" -O raw out.img flat.raw >/dev/null 2>&1) ||
					rm -f "$dir/flat.raw"
			fi
		fi
	else
		echo 0 >"$dir/exists"
	fi
}

stderr_class() { # nothing / warning / error
	if [ ! -s "$1/stderr" ]; then echo nothing
	elif [ "$(cat "$1/rc")" = 0 ]; then echo warning
	else echo error; fi
}

# components REF MUT: the signature, '+'-joined, as the engine would build it.
components() {
	local r=$1 m=$2 sig=() fields=() f la lb
	[ "$(cat "$r/rc")" = "$(cat "$m/rc")" ] || sig+=(exit)
	# stderr:text: the same class in other words (run.c tells it apart).
	if ! cmp -s "$r/stderr" "$m/stderr"; then
		if [ "$(stderr_class "$r")" = "$(stderr_class "$m")" ]; then sig+=(stderr:text); else sig+=(stderr); fi
	fi
	[ "$(cat "$r/exists")" = "$(cat "$m/exists")" ] || sig+=(output)
	if [ "$(cat "$r/exists")" = 1 ] && [ "$(cat "$m/exists")" = 1 ]; then
		if [ "$(cat "$r/info.rc")" = 0 ] && [ "$(cat "$m/info.rc")" != 0 ]; then
			sig+=(info-failed:candidate)
		elif [ "$(cat "$r/info.rc")" != 0 ] && [ "$(cat "$m/info.rc")" = 0 ]; then
			sig+=(info-failed:reference)
		elif [ "$(cat "$r/info.rc")" = 0 ]; then
			for f in virtual-size format cluster-size; do
				if [ "$f" = format ]; then
					[ "$(json_str $f "$r/info.json")" = "$(json_str $f "$m/info.json")" ] || fields+=("$f")
				else
					[ "$(json_num $f "$r/info.json")" = "$(json_num $f "$m/info.json")" ] || fields+=("$f")
				fi
			done
			if [ ${#fields[@]} -gt 0 ]; then
				sig+=("info:$(IFS=,; echo "${fields[*]}")")
			fi
			if [ -e "$r/flat.raw" ] && [ ! -e "$m/flat.raw" ]; then
				sig+=(flatten-failed:candidate)
			elif [ ! -e "$r/flat.raw" ] && [ -e "$m/flat.raw" ]; then
				sig+=(flatten-failed:reference)
			elif [ -e "$r/flat.raw" ]; then
				la=$(stat -c %s "$r/flat.raw")
				lb=$(stat -c %s "$m/flat.raw")
				if [ "$la" -lt "$lb" ]; then truncate -s "$lb" "$r/flat.raw"; fi
				if [ "$lb" -lt "$la" ]; then truncate -s "$la" "$m/flat.raw"; fi
				cmp -s "$r/flat.raw" "$m/flat.raw" || sig+=(data)
			fi
		fi
	fi
	(IFS=+; echo "${sig[*]}")
}

show_side() { # one line: what a side did
	local d=$1 s
	s="exit $(cat "$d/rc")"
	if [ -s "$d/stderr" ]; then
		s+=", stderr '$(tr '\n' '|' <"$d/stderr" | cut -c1-110)'"
	fi
	if [ "$(cat "$d/exists")" = 0 ]; then
		s+=", no output"
	elif [ "$(cat "$d/info.rc")" != 0 ]; then
		s+=", info fails: $(head -n1 "$d/info.err")"
	else
		s+=", $(json_str format "$d/info.json") virtual-size $(json_num virtual-size "$d/info.json")"
		[ -z "$(json_num cluster-size "$d/info.json")" ] ||
			s+=" cluster-size $(json_num cluster-size "$d/info.json")"
	fi
	echo "$s"
}

# run_case NAME KIND ARGS...: runs both sides; sets $got and $case_dir.
run_case() {
	local name=$1 kind=$2 spec input
	shift 2
	spec=${1#input=}
	shift
	input=$(make_input "$spec") || return 1
	case_dir=$work/$name-$kind
	run_side "$qemu" "$case_dir/qemu" "$input" "$@"
	run_side "$mutdir/$name" "$case_dir/mutant" "$input" "$@"
	got=$(components "$case_dir/qemu" "$case_dir/mutant")
}

fail() {
	echo "  FAIL: $*"
	failures=$((failures + 1))
}

declare -A agree
while read -r name rest; do
	case $name in ''|'#'*) continue ;; esac
	agree[$name]=$rest
done <"$here/agree.txt"

echo "reference: $(command -v "$qemu") ($("$qemu" --version | head -n1))"
while IFS= read -r line; do
	case $line in ''|'#'*) continue ;; esac
	desc=${line#*# }
	line=${line%%#*}
	read -r name want rest <<<"$line"
	checked=$((checked + 1))
	echo "== $name: expect $want  ($desc)"
	if [ ! -x "$mutdir/$name" ]; then
		fail "no mutant $mutdir/$name"
		continue
	fi
	version=$("$mutdir/$name" --version 2>&1 | head -n1)
	case $version in
	"qemu-img version"*|"") fail "--version says '$version'" ;;
	esac

	# The case that shows the mistake.
	read -r -a args <<<"$rest"
	run_case "$name" diverge "${args[@]}" || { fail "cannot run the case"; continue; }
	echo "  case:   dd ${args[*]:1}  (${args[0]})"
	echo "  qemu:   $(show_side "$case_dir/qemu")"
	echo "  mutant: $(show_side "$case_dir/mutant")"
	echo "  signature: ${got:-none}"
	case "+$got+" in
	*"+$want+"*) ;;
	*) fail "expected $want in the signature" ;;
	esac
	rclass=$(stderr_class "$case_dir/qemu")
	mclass=$(stderr_class "$case_dir/mutant")
	if [ "$name" = stderr-reworded ]; then
		# A finding under exact stderr, none under --stderr class.
		if [ "$rclass" != "$mclass" ] || [ "$got" != stderr:text ]; then
			fail "stderr class $rclass vs $mclass, signature '$got' (want only stderr:text, same class)"
		else
			echo "  stderr class: $rclass on both sides (no finding under --stderr class)"
		fi
	fi

	# The ordinary case: exact agreement.
	if [ -z "${agree[$name]:-}" ]; then
		fail "no ordinary case in agree.txt"
		continue
	fi
	read -r -a args <<<"${agree[$name]}"
	run_case "$name" agree "${args[@]}" || { fail "cannot run the ordinary case"; continue; }
	echo "  agree:  dd ${args[*]:1}  (${args[0]}): $(show_side "$case_dir/qemu")"
	if [ -n "$got" ]; then
		echo "    mutant: $(show_side "$case_dir/mutant")"
		fail "the ordinary case diverges: $got"
	elif [ "$(cat "$case_dir/qemu/exists")" = 1 ] &&
	     [ "$(json_str format "$case_dir/qemu/info.json")" = raw ] &&
	     ! cmp -s "$case_dir/qemu/out.img" "$case_dir/mutant/out.img"; then
		fail "the ordinary case's raw outputs differ byte for byte"
	fi
done <"$here/mutants.txt"

echo "== $checked mutants, $failures failures"
[ "$failures" -eq 0 ] && [ "$checked" -gt 0 ]
