#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build of ddparity's fuzz targets: the same
# fuzz/*_fuzzer.c that ctest replays and ci/fuzz runs, compiled with the
# engine's $CC $CFLAGS and linked with $LIB_FUZZING_ENGINE.  Next to each
# binary in $OUT: <name>.dict, <name>.options and <name>_seed_corpus.zip
# (corpus/<target>/).  jansson is linked statically (the runner image has no
# libjansson); it is not instrumented, so MemorySanitizer is not offered.
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

for src in fuzz/*_fuzzer.c; do
	name=$(basename "$src" .c)
	target=${name%_fuzzer}
	$CC $CFLAGS -std=c11 -Icore/include -Icore/src -Ifuzz -c "$src" -o "$build/$name.o"
	$CXX $CXXFLAGS $LIB_FUZZING_ENGINE "$build/$name.o" "$build/libddpcore.a" \
		"$jansson_a" -lm -o "$OUT/$name"
	cp "dict/$target.dict" "$OUT/$name.dict"
	cp "fuzz/$name.options" "$OUT/$name.options"
	rm -f "$OUT/${name}_seed_corpus.zip"
	(cd "corpus/$target" && zip -q -r "$OUT/${name}_seed_corpus.zip" .)
done
