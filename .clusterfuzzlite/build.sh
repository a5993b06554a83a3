#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build of ddparity's fuzz targets: the same
# fuzz/*_fuzzer.c that ctest replays and ci/fuzz runs, compiled with the
# engine's $CC $CFLAGS and linked with $LIB_FUZZING_ENGINE against the core
# and the engine (diff/, whose parsers some targets call).  Next to each
# binary in $OUT: <name>.dict, <name>.options (the target's, or the
# defaults) and <name>_seed_corpus.zip (corpus/<target>/).  jansson is
# linked statically (the runner image has no libjansson); it is not
# instrumented, so MemorySanitizer is not offered.
cd "$SRC/ddparity"

jansson_libdir=$(pkg-config --variable=libdir jansson)
jansson_cflags=$(pkg-config --cflags jansson)
jansson_a=${JANSSON_A:-$jansson_libdir/libjansson.a}
build="$WORK/ddparity"
mkdir -p "$build"

objs=()
for src in core/src/*.c; do
	obj="$build/core-$(basename "$src" .c).o"
	$CC $CFLAGS -std=c11 -Icore/include -Icore/src $jansson_cflags -c "$src" -o "$obj"
	objs+=("$obj")
done
rm -f "$build/libddpcore.a"
ar rcs "$build/libddpcore.a" "${objs[@]}"

# The engine: every diff/<module>/*.c (diff/afl_driver.c is a harness with its own main),
# and the havoc dictionary's table, made from dict/operands.dict as the
# CMake build makes it (diff/dict_to_c.cmake).
cmake -DIN=dict/operands.dict -DOUT="$build/dict_tokens.c" -P diff/dict_to_c.cmake
objs=("$build/diff-dict_tokens.o")
$CC $CFLAGS -std=c11 -Icore/include -Idiff $jansson_cflags -c "$build/dict_tokens.c" -o "$build/diff-dict_tokens.o"
for src in diff/*/*.c; do
	obj="$build/diff-$(basename "$(dirname "$src")")-$(basename "$src" .c).o"
	$CC $CFLAGS -std=c11 -Icore/include -Idiff $jansson_cflags -c "$src" -o "$obj"
	objs+=("$obj")
done
rm -f "$build/libddpdiff.a"
ar rcs "$build/libddpdiff.a" "${objs[@]}"

for src in fuzz/*_fuzzer.c; do
	name=$(basename "$src" .c)
	target=${name%_fuzzer}
	$CC $CFLAGS -std=c11 -Icore/include -Icore/src -Idiff -Ifuzz $jansson_cflags \
		-c "$src" -o "$build/$name.o"
	$CXX $CXXFLAGS $LIB_FUZZING_ENGINE "$build/$name.o" "$build/libddpdiff.a" \
		"$build/libddpcore.a" "$jansson_a" -lm -lpthread -o "$OUT/$name"
	cp "dict/$target.dict" "$OUT/$name.dict"
	if [ -f "fuzz/$name.options" ]; then
		cp "fuzz/$name.options" "$OUT/$name.options"
	else
		printf '[libfuzzer]\ndict = %s.dict\nmax_len = 4096\n' "$name" >"$OUT/$name.options"
	fi
	rm -f "$OUT/${name}_seed_corpus.zip"
	(cd "corpus/$target" && zip -q -r "$OUT/${name}_seed_corpus.zip" .)
done
