#!/usr/bin/env bash
# report_test.sh: `ddparity report` writes one self-contained HTML file whose
# matrix has a row per dd-case and a column per baseline version, every cell
# carrying its version's profile class; nothing in it reaches out (no http:,
# src=, @import, url(, <link); hostile finding texts (markup, quotes,
# non-UTF-8 bytes) come out escaped; and headless Chromium renders it to a
# PNG of the window's size.  Without chromium the render is skipped (77),
# except under CI=true, where it fails.
#
# usage: report_test.sh DDPARITY SOURCE_DIR
set -euo pipefail
ddp=$1 src=$2
tmp=$(mktemp -d /tmp/ddp-report-test-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cases=$src/expected-outputs/dd-cases
root=$src/expected-outputs/dd-info-json
ncases=$(grep -cvE '^[[:space:]]*(#|$)' "$cases")
nversions=$(find "$root" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*' | wc -l)
[ "$nversions" -gt 0 ] || fail "no version directories under $root"

# A campaign's findings directory with a hostile finding.
f=$tmp/findings/stderr-0000
mkdir -p "$f"
printf '{"stderr": {"count": 3, "dir": "stderr-0000", "rules": "window-count-caps-end,vhd-chs", "headline": "1M-raw-count1-vpc  1M  raw  vpc  count=1"}}\n' > "$tmp/findings/signatures.json"
printf '{"signature": "stderr", "detail": "stderr: <b>&amp;\\"x\\u0027</b>", "reference": "a<ref>", "candidate": "b&cand", "stderr_mode": "exact", "case": "qemu-img dd <script>alert(1)</script>"}\n' > "$f/result.json"
printf 'qemu-img: <img onerror=x> & "q" \xff\xfe end\n' > "$f/reference.stderr"
printf 'qemu-img: ok\n' > "$f/candidate.stderr"
printf 'ddparity reproduce %s\n' "$f" > "$f/reproduce"

html=$tmp/out/report.html
mkdir -p "$tmp/out"
(cd "$tmp/out" && "$ddp" report --baselines "$root" --cases "$cases" --findings "$tmp/findings") \
  > "$tmp/log" 2>&1 || { cat "$tmp/log"; fail "ddparity report failed"; }
[ -s "$html" ] || fail "no report.html in the working directory"
ls "$tmp/out" | grep -v '^report\.html$' && fail "a temporary file was left beside report.html"

# Structure.
head -c 15 "$html" | grep -q '^<!DOCTYPE html>' || fail "not an HTML5 document"
grep -q '</html>' "$html" || fail "the document is not closed"
rows=$(grep -o '<tr class="case-row[^"]*" data-case=' "$html" | wc -l)
[ "$rows" = "$ncases" ] || fail "$rows matrix rows, want one per case ($ncases)"
cols=$(grep -o '<th class="version ' "$html" | wc -l)
[ "$cols" = "$nversions" ] || fail "$cols version columns, want $nversions"
cells=$(grep -o '<td class="cell p[0-9]* prof-[A-Za-z0-9_-]*' "$html" | wc -l)
[ "$cells" = $((ncases * nversions)) ] || fail "$cells cells with a profile class, want $((ncases * nversions))"
bad=$(grep -o '<td class="cell[^"]*"' "$html" | grep -vc ' prof-profile-' || true)
[ "$bad" = 0 ] || fail "$bad cells without a profile class from version-map.json"
for v in $(find "$root" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*' -printf '%f\n'); do
  grep -q "data-version=\"$v\"" "$html" || fail "no cell for version $v"
done
grep -q 'id="changes"' "$html" || fail "no table of changes between adjacent versions"
grep -q '<tr class="finding">' "$html" || fail "the campaign's finding is not shown"
grep -q '<pre class="minimal">1M-raw-count1-vpc  1M  raw  vpc  count=1</pre><details>' "$html" \
  || fail "the finding's minimal case is not shown first"
grep -q '<div class="rules"><span title="[^"]\+">window-count-caps-end</span><span title="[^"]\+">vhd-chs</span></div>' "$html" \
  || fail "the finding's rule labels (with their texts) are not shown"
# Drift first: the first matrix row is one where dd's behaviour changes; info's own changes apart.
grep -o '<tr class="case-row[^"]*"' "$html" | head -1 | grep -q drift-row || fail "the first row is not a drifting one"
ndrift=$(grep -o '<tr class="case-row drift-row"' "$html" | wc -l)
grep -o '<tr class="case-row[^"]*"' "$html" | head -n "$ndrift" | grep -vq drift-row && fail "drifting rows are not all first"
grep -q 'id="info-changes"' "$html" || fail "no section for info's own changes"
if grep -q '"children"' "$root"/profiles/*/*.stdout.txt 2>/dev/null; then
  grep -q '<td> +children</td>' "$html" || fail "info's +children is not in its section"
  grep -q '&#916; [0-9.]*: info' "$html" && fail "an info-only change is still marked on a cell"
fi
# Profiles by their versions (hash as tooltip); sizes with units; stderr whole.
grep -q '<span class="prof" title="profile-[0-9a-f]\{8\}">profile [0-9.]\+\( = [0-9.]\+\)*</span>' "$html" \
  || fail "profiles are not labelled by their versions with the hash as tooltip"
grep -q '1048576&nbsp;B (1&nbsp;MiB)' "$html" || fail "sizes are not shown with units"
grep -q 'class="e">[^<]*&hellip;' "$html" && fail "a stderr text is cut"

# Self-contained, and escaped.
for pat in 'http:' 'https:' 'src=' '@import' 'url(' '<link' '<script' '<img' '<b>'; do
  grep -qiF -- "$pat" "$html" && fail "the report contains '$pat'"
done
grep -qF '&lt;img onerror=x&gt; &amp; &quot;q&quot; <span class="byte">\xff</span>' "$html" \
  || fail "the hostile stderr line is not escaped as expected"
grep -qF 'a&lt;ref&gt;' "$html" || fail "the reference's name is not escaped"
iconv -f UTF-8 -t UTF-8 "$html" > /dev/null || fail "the report is not valid UTF-8"
echo "report: $rows rows x $cols versions, $cells cells, self-contained, escaped"

# Rendered by headless Chromium.
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
  [ "${CI:-}" = true ] && fail "chromium is not installed (ci/bootstrap installs it)"
  echo "SKIP: chromium not installed"
  exit 77
fi
png=$tmp/report.png
timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$tmp/profile" --screenshot="$png" --window-size=1400,2000 \
  "file://$html" > "$tmp/chrome.log" 2>&1 || { tail -20 "$tmp/chrome.log"; fail "chromium failed"; }
[ -f "$png" ] || { tail -20 "$tmp/chrome.log"; fail "chromium wrote no PNG"; }
size=$(stat -c %s "$png")
[ "$size" -gt 51200 ] || fail "the PNG is only $size bytes: an empty page?"
[ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "not a PNG"
ihdr=$(od -An -tu1 -j16 -N8 "$png" | tr -s ' ' | sed 's/^ //')
read -r w1 w2 w3 w4 h1 h2 h3 h4 <<< "$ihdr"
width=$(( (w1 << 24) | (w2 << 16) | (w3 << 8) | w4 ))
height=$(( (h1 << 24) | (h2 << 16) | (h3 << 8) | h4 ))
[ "$width" = 1400 ] && [ "$height" = 2000 ] || fail "the PNG is ${width}x${height}, want 1400x2000"
[ -n "${DDP_REPORT_PNG:-}" ] && cp "$png" "$DDP_REPORT_PNG"
echo "report: rendered by $("$chrome" --version 2>/dev/null | head -1): ${width}x${height}, $size bytes"
