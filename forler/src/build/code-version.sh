#!/usr/bin/env bash
# Writes the code version of this build into $1/forler/code-version.txt, which experiment READMEs record
# (forler.cli.ExperimentReadme): `git describe --always` of the checkout, with "-dirty" when a tracked file outside
# results/ and cache/ differs from the commit (run logs do not make the code dirty). Run by Maven in module forler's
# generate-resources phase. Never fails the build: without git or outside a checkout it writes nothing, and the
# README falls back to `git describe` at run time.
set -u
out_dir="${1:?usage: code-version.sh CLASSES_DIR}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
v=$(git -C "$repo" describe --always 2>/dev/null) || exit 0
git -C "$repo" diff --quiet HEAD -- . ':(exclude)results' ':(exclude)cache' 2>/dev/null || v="$v-dirty"
mkdir -p "$out_dir/forler" && printf '%s\n' "$v" > "$out_dir/forler/code-version.txt"
exit 0
