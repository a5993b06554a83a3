#!/usr/bin/env bash
# versions_test.sh DDPARITY SOURCE_DIR: `ddparity versions` and ci/drift-watch
# on a cache made here (the real versions' wrappers behind it), and
# ci/qemu-versions discover against a mirror on the loopback that fails.
#  - versions: every suite with its upstream version, package, profile and
#    measured or not; a build kept once said so; --pairs names the unmeasured
#    version's neighbour; a malformed suites line and a link leaving the cache
#    are errors naming them.
#  - drift-watch: a version the model never measured (a qemu-img saying
#    11.1.4, really 11.1.3 with a warning planted in every dd) against its
#    neighbour 11.1.3: drift found (exit 1),
#    its findings and the report flag it UNMEASURED; --seconds is bounded.
#  - discover: a mirror that answers nothing: said, exit 1, nothing written
#    outside the cache; fetch then falls back on the suites known by name,
#    each said not fetched, and still lists what the cache has.
set -uo pipefail
ddp=$(realpath "$1") src=$(realpath "$2")
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d /tmp/ddp-versions-test-XXXXXX)
server=
trap '[ -z "$server" ] || kill "$server" 2>/dev/null; rm -rf "$tmp"' EXIT
real=${QEMU_VERSIONS_CACHE:-$src/build/qemu-versions}

# ---- versions, on a cache of info files and links (nothing of it runs)
c=$tmp/cache
mkdir -p "$c/by-suite" "$c/same" "$c/7.2.22" "$c/11.1.4"
printf 'qemu_version=7.2.22\ndebian_version=1:7.2+dfsg-7+deb12u18+b3\nsuite=bookworm\n' >"$c/7.2.22/info"
printf 'qemu_version=11.1.4\ndebian_version=1:11.1.4+ds-1\nsuite=forky\n' >"$c/11.1.4/info"
ln -s ../7.2.22 "$c/by-suite/bookworm"
ln -s ../11.1.4 "$c/by-suite/forky"
printf 'bookworm 1:7.2+dfsg-7+deb12u18+b3\nforky 1:11.1.4+ds-1\nforky-backports 1:11.1.4+ds-1~bpo\nexperimental 1:12.0.0+ds-1\n' >"$c/suites"
printf '1:11.1.4+ds-1~bpo 11.1.4 from forky (1:11.1.4+ds-1)\n' >"$c/same/forky-backports"
"$ddp" versions --cache "$c" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err"; fail "versions: exit $?"; }
cat >"$tmp/want" <<'WANT'
version   suite               package                         profile  measured
7.2.22    bookworm            1:7.2+dfsg-7+deb12u18+b3        7.2      yes
11.1.4    forky               1:11.1.4+ds-1                   11.1     no (UNMEASURED: ci/drift-watch against 11.1.3)
11.1.4    forky-backports     1:11.1.4+ds-1~bpo               11.1     no (UNMEASURED: ci/drift-watch against 11.1.3); the same upstream as forky's, kept once
?         experimental        1:12.0.0+ds-1                   -        not materialised (ci/qemu-versions fetch)
WANT
diff -u "$tmp/want" "$tmp/out" || fail "versions: not the table above"
"$ddp" versions --cache "$c" --pairs >"$tmp/out" || fail "versions --pairs: exit $?"
[ "$(cat "$tmp/out")" = "11.1.4 $c/11.1.4/qemu-img 11.1.3 -" ] || { cat "$tmp/out"; fail "versions --pairs"; }
echo "versions: the table and --pairs of a made cache"
printf 'bookworm\n' >>"$c/suites"
"$ddp" versions --cache "$c" >/dev/null 2>"$tmp/err" && fail "versions: a malformed suites line accepted"
grep -q "suites:5: not \"SUITE PACKAGE-VERSION\": 'bookworm'" "$tmp/err" || { cat "$tmp/err"; fail "versions: the malformed line not named"; }
sed -i '$d' "$c/suites"
ln -s /usr "$c/by-suite/evil"
"$ddp" versions --cache "$c" >/dev/null 2>"$tmp/err" && fail "versions: a link out of the cache followed"
grep -q "by-suite/evil: leads to '/usr', not ../VERSION" "$tmp/err" || { cat "$tmp/err"; fail "versions: the link not named"; }
rm "$c/by-suite/evil"
echo "versions: a malformed line and a link leaving the cache are errors naming them"

# the model's measured builds are the versions whose baselines are committed
ls "$src/expected-outputs/dd-info-json" | grep '^[0-9]' | sort -V >"$tmp/want"
"$ddp" versions --measured >"$tmp/out" || fail "versions --measured: exit $?"
diff -u "$tmp/want" "$tmp/out" || fail "versions --measured (ddp_measured_versions) is not the committed baselines' versions"
echo "versions: --measured is the committed baselines' versions"

# ---- drift-watch: an unmeasured 11.1.4 (11.1.3 and a planted warning) against 11.1.3
if [ -x "$real/11.1.3/qemu-img" ]; then
  d=$tmp/dw-cache
  mkdir -p "$d/by-suite" "$d/11.1.3" "$d/11.1.4"
  printf 'qemu_version=11.1.3\ndebian_version=1:11.1.3+ds-1\nsuite=sid\n' >"$d/11.1.3/info"
  printf 'qemu_version=11.1.4\ndebian_version=1:11.1.4+ds-1\nsuite=forky\n' >"$d/11.1.4/info"
  printf '#!/bin/sh\nexec %s "$@"\n' "$real/11.1.3/qemu-img" >"$d/11.1.3/qemu-img"
  # 11.1.3 inside, with a drift planted in every dd: a warning more
  printf '#!/bin/sh\n[ "$1" = --version ] && { echo "qemu-img version 11.1.4 (made by versions_test)"; exit 0; }\n[ "$1" = dd ] && echo "qemu-img: warning: drift planted by versions_test" >&2\nexec %s "$@"\n' \
    "$real/11.1.3/qemu-img" >"$d/11.1.4/qemu-img"
  chmod +x "$d"/*/qemu-img
  ln -s ../11.1.3 "$d/by-suite/sid"
  ln -s ../11.1.4 "$d/by-suite/forky"
  "$src/ci/drift-watch" --cache "$d" --seconds 0 --ddparity "$ddp" >/dev/null 2>&1
  [ $? = 2 ] || fail "drift-watch --seconds 0: not refused"
  rc=0
  (cd "$tmp" && "$src/ci/drift-watch" --cache "$d" --seconds 3 --seed 3 --out dw --ddparity "$ddp") \
    >"$tmp/dw.out" 2>&1 || rc=$?
  [ $rc = 1 ] || { cat "$tmp/dw.out"; fail "drift-watch: exit $rc, want 1 (drift)"; }
  grep -q '^11.1.4 against 11.1.3: DRIFT: [1-9]' "$tmp/dw/summary.txt" || { cat "$tmp/dw/summary.txt"; fail "drift-watch: summary"; }
  grep -l '"unmeasured": "11.1.4"' "$tmp"/dw/findings-11.1.4/*/result.json >/dev/null ||
    fail "drift-watch: the findings do not flag 11.1.4 unmeasured"
  grep -q 'UNMEASURED: qemu 11.1.4' "$tmp/dw/drift.html" && grep -q '11.1.4 (UNMEASURED) against 11.1.3' "$tmp/dw/drift.html" ||
    fail "drift-watch: the report does not flag 11.1.4"
  grep -q 'UNMEASURED: qemu 11.1.4 was never measured' "$tmp/dw/fuzz-11.1.4.log" || fail "drift-watch: fuzz did not say UNMEASURED"
  echo "drift-watch: 11.1.4 (11.1.3 with a warning planted) drifts from 11.1.3, flagged UNMEASURED in fuzz, findings and report"
else
  [ "${CI:-}" = true ] && fail "no 11.1.3 wrapper in $real (CI=true: ci/qemu-versions fetch should have made it)"
  echo "NOTE: no 11.1.3 wrapper: drift-watch not checked"
fi

# ---- discover: a mirror on the loopback that answers nothing
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$tmp/www/debian/dists"
python3 -m http.server --bind 127.0.0.1 --directory "$tmp/www" "$port" >/dev/null 2>&1 &
server=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
  sleep 0.2
done
touch "$tmp/stamp"
rc=0
mkdir -p "$tmp/home" "$tmp/tmpdir"
HOME=$tmp/home TMPDIR=$tmp/tmpdir timeout 120 "$src/ci/qemu-versions" --cache "$c" --mirror "http://127.0.0.1:$port/debian" fetch >"$tmp/out" 2>&1 || rc=$?
grep -q "^discover: no suite found on http://127.0.0.1:$port/debian" "$tmp/out" &&
  grep -q "^discovery failed: trying the suites known by name" "$tmp/out" &&
  grep -q "^sid: cannot reach the Debian mirror" "$tmp/out" &&
  grep -q "^not available this time: bullseye bookworm bookworm-backports trixie sid" "$tmp/out" ||
  { cat "$tmp/out"; fail "fetch on an empty mirror: not said suite by suite"; }
# (the made cache's versions do not run: nothing usable, exit 1)
[ $rc = 1 ] || { cat "$tmp/out"; fail "fetch with nothing usable: exit $rc, want 1"; }
outside=$(find /var/lib/apt /var/cache/apt /var/log/apt /etc/apt "$tmp/home" "$tmp/tmpdir" \
  -newer "$tmp/stamp" ! -path "$tmp/home" ! -path "$tmp/tmpdir" 2>/dev/null | head -3)
[ -z "$outside" ] || fail "discover wrote outside the cache: $outside"
echo "discover: an empty mirror said, fetch falls back on the known suites, nothing written outside the cache"
echo "PASS: versions"
