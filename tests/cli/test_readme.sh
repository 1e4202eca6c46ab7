#!/bin/sh
# test_readme.sh BIN — every transcript in README.md produces exactly the output shown.
BIN=${1:-./tuiyan}
exec python3 tests/cli/readme_transcripts.py "$BIN" README.md
