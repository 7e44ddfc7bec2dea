#!/usr/bin/env bash
# Install what is needed, build, and run filelock's main job on a small
# example: jobs that lock files, a holder that crashes, status, and cleanup.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install
[ -d build ] || meson setup build --wrap-mode=nodownload >/dev/null
ninja -C build >/dev/null
fl=./build/cli/filelock

demo=$(mktemp -d /tmp/filelock-demo-XXXXXX)
for i in 1 2 3 4 5 6; do echo "slide $i" > "$demo/deck$i.pptx"; done
echo "== two jobs want deck1.pptx; the second waits for the first"
$fl run "$demo/deck1.pptx" -- sh -c 'echo "  job A has deck1"; sleep 1; echo "  job A done"' &
sleep 0.2
$fl run --timeout 10 "$demo/deck1.pptx" -- echo "  job B has deck1 (after A)"
wait

echo "== a holder is killed with SIGKILL while holding deck2.pptx"
$fl run "$demo/deck2.pptx" -- sleep 60 &
runner=$!
$fl wait --timeout 0 "$demo/deck3.pptx"   # (deck3 is free: returns at once)
while [ ! -s "$demo/deck2.pptx.lock" ]; do sleep 0.05; done
holder=$(head -1 "$demo/deck2.pptx.lock")
kill -9 "$holder" "$runner" 2>/dev/null || true
wait "$runner" 2>/dev/null || true
echo "== a holder that is still running keeps deck4.pptx"
$fl run "$demo/deck4.pptx" -- sleep 5 &
live=$!
while [ ! -s "$demo/deck4.pptx.lock" ]; do sleep 0.05; done

echo "== filelock status (threshold 0 h: any dead holder's file is stale)"
$fl status --directory "$demo" --max-age-hours 0 || true
echo "== filelock clean --dry-run, then clean"
$fl clean --directory "$demo" --max-age-hours 0 --dry-run || true
$fl clean --directory "$demo" --max-age-hours 0 || true

echo "== batch: count words in every deck, each under its lock (deck4 waits for its running job)"
$fl batch --workers 2 "$demo"/deck*.pptx -- sh -c 'wc -w < "$1" > "$1.count"' sh {} || true
kill "$live" 2>/dev/null || true
wait 2>/dev/null || true
rm -rf "$demo"
echo "== done (build in ./build; CLI at $fl)"
