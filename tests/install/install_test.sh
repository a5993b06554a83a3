#!/usr/bin/env bash
# install_test.sh BUILD_DIR SOURCE_DIR: `cmake --install` into a temporary
# prefix puts everything where Debian puts it; a program builds against it
# with pkg-config alone (shared and static) and runs; the shared library
# exports the public headers' functions and nothing else; every man page
# renders; the bash completion completes commands and options.
set -euo pipefail
build=$1 src=$2
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d /tmp/ddp-install-test-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
p=$tmp/prefix
cmake --install "$build" --prefix "$p" > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "cmake --install failed"; }
libdir=$(dirname "$(find "$p" -name ddparity.pc)")/..
for f in bin/ddparity include/ddparity.h include/ddparity/common.h include/ddparity/model.h \
         share/bash-completion/completions/ddparity share/man/man1/ddparity.1 share/man/man1/ddparity-fuzz.1; do
  [ -e "$p/$f" ] || fail "$f was not installed"
done
for f in libddpcore.a libddpcore.so libddpcore.so.0; do [ -e "$libdir/$f" ] || fail "lib/$f was not installed"; done
soname=$(readelf -d "$libdir/libddpcore.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libddpcore.so.0 ] || fail "SONAME is '$soname', want libddpcore.so.0"
"$p/bin/ddparity" --version | grep -q '^ddparity ' || fail "the installed ddparity does not run"

# Exported: what the public headers declare (DDP_EXTERN), nothing more.
want=$(grep -h '^DDP_EXTERN ' "$p"/include/ddparity/*.h | grep -oE 'ddp_[a-z0-9_]+\(' | tr -d '(' | sort -u)
got=$(nm -D --defined-only "$libdir/libddpcore.so" | awk '$2 == "T" {print $3}' | sort -u)
[ "$want" = "$got" ] || { diff <(echo "$want") <(echo "$got"); fail "libddpcore.so exports other than the public functions"; }

export PKG_CONFIG_PATH=$libdir/pkgconfig
want_out="exit 0, vpc, virtual-size 34816, rules window-count-caps-end vhd-chs"
cc -std=c11 -Wall -Werror $(pkg-config --cflags ddparity) -o "$tmp/prog" "$src/tests/install/prog.c" \
  $(pkg-config --libs ddparity) || fail "cannot build against pkg-config --cflags --libs ddparity"
out=$(LD_LIBRARY_PATH=$libdir "$tmp/prog") || fail "the program failed: $out"
[ "$out" = "$want_out" ] || fail "shared: '$out', want '$want_out'"
cc -std=c11 -Wall -Werror $(pkg-config --cflags ddparity) -o "$tmp/prog-static" "$src/tests/install/prog.c" \
  -Wl,-Bstatic -lddpcore -Wl,-Bdynamic -L"$libdir" $(pkg-config --static --libs ddparity | sed 's/-lddpcore//') \
  || fail "cannot build statically"
out=$("$tmp/prog-static") || fail "the static program failed"
[ "$out" = "$want_out" ] || fail "static: '$out', want '$want_out'"
echo "pkg-config: built and ran, shared and static: $out"

# Every man page renders, without a warning from groff.
n=0
for page in "$p"/share/man/man1/*.1; do
  name=$(basename "$page" .1)
  text=$(MANWIDTH=80 man --warnings -l "$page" 2> "$tmp/warn") || fail "man -l $name failed"
  [ ! -s "$tmp/warn" ] || { cat "$tmp/warn"; fail "man -l $name: warnings"; }
  grep -q "^NAME" <<<"$text" && grep -qE "$name +- " <<<"$text" || fail "man -l $name: no NAME section for $name"
  n=$((n + 1))
done
((n >= 11)) || fail "only $n man pages"
echo "man: $n pages render"

# The completion, as bash would call it.
comp() { bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ddparity; echo "${COMPREPLY[*]}"' _ \
  "$p/share/bash-completion/completions/ddparity" "$@"; }
[ "$(comp ddparity fu)" = fuzz ] || fail "ddparity fu<TAB>: '$(comp ddparity fu)'"
[ "$(comp ddparity fuzz --see)" = --seed ] || fail "ddparity fuzz --see<TAB>: '$(comp ddparity fuzz --see)'"
[ "$(comp ddparity replay --base)" = --baselines ] || fail "ddparity replay --base<TAB>: '$(comp ddparity replay --base)'"
echo "completion: commands and options"
echo "PASS: install"
