#!/bin/sh
# examples/county_package/roundtrip.sh [TUIYAN [WORKDIR]] — the whole trip of a city package:
# the city makes a key and signs the package; each county verifies it, installs it and runs it
# on its own data; the city gathers the results, aggregates and ranks. In a scratch directory
# (removed afterwards) unless WORKDIR is given.
# Each party gets its own HOME and XDG directories (each county is another machine), so the
# caller's own trust store and packages are left alone.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# the binary: the first argument, else the one under test (make test sets TUIYAN_BIN), else ../../tuiyan
tuiyan=$(realpath "${1:-${TUIYAN_BIN:-$here/../../tuiyan}}")
if [ $# -ge 2 ]; then
    work=$2                     # kept, for a test to look at
    mkdir -p "$work"
    work=$(realpath "$work")
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi
cd "$work"
as() { export HOME="$work/$1" XDG_CONFIG_HOME="$work/$1/config" XDG_DATA_HOME="$work/$1/data"; mkdir -p "$HOME"; }
as city

echo "== the city: a key pair, then the signed package"
"$tuiyan" keygen wuwei_city
"$tuiyan" pack "$here/package" -o wuwei_counties-1.0.0.tpkg --key wuwei_city.key

for county in liangzhou minqin gulang tianzhu; do
    case $county in
        liangzhou) name=凉州区 ;; minqin) name=民勤县 ;; gulang) name=古浪县 ;; tianzhu) name=天祝藏族自治县 ;;
    esac
    echo "== $name: verify, install, run on its own data"
    as "$county"
    "$tuiyan" verify wuwei_counties-1.0.0.tpkg --trust wuwei_city.pub
    "$tuiyan" install wuwei_counties-1.0.0.tpkg --trust wuwei_city.pub
    "$tuiyan" run wuwei_counties:progress "$name" --data "$here/counties/$county" \
        --format csv --out "results/$county" --quiet
done

echo "== the city: gather, aggregate, rank"
as city
"$tuiyan" run "$here/city.lua" results
