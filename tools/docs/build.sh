#!/usr/bin/env bash
# `make docs`: the collection's documentation site in .build/docsite/html - every module, filter and role page as
# antsibull-docs writes it, and the guides of docs/ (Markdown, through MyST) - built by Sphinx with warnings as
# errors. Usage: build.sh <collections root> <docs virtualenv> <output directory>
set -euo pipefail
collections=$1 venv=$2 out=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
rm -rf "$out"
mkdir -p "$out/rst"
chmod og-w "$out/rst"   # antsibull-docs wants the directory only it may write
PATH="$venv/bin:$PATH" ANSIBLE_COLLECTIONS_PATH=$collections "$venv/bin/antsibull-docs" collection --use-current --dest-dir "$out/rst" \
  --cleanup everything kvmnet.netboot
mkdir -p "$out/rst/guides"
cp "$repo"/docs/*.md "$out/rst/guides/"
cp "$here/ansible_refs.rst" "$out/rst/"
# The guides in the order docs/index.md gives them (its links, first mention), that page first as the overview,
# then any guide it does not link, by name: the reading order, not the alphabet.
{
  printf 'Guides\n======\n\n.. toctree::\n\n   Overview <index>\n'
  { grep -o '([a-z0-9_-]*\.md' "$repo/docs/index.md" | tr -d '(' ; (cd "$repo/docs" && ls -- *.md); } \
    | sed 's/\.md$//' | grep -vx index | awk '!seen[$0]++ { print "   " $0 }'
} > "$out/rst/guides/contents.rst"
printf 'kvmnet.netboot\n==============\n\n.. toctree::\n   :maxdepth: 2\n\n   guides/contents\n   collections/index\n' \
  > "$out/rst/index.rst"
"$venv/bin/sphinx-build" -W --keep-going -q -b html -c "$here" "$out/rst" "$out/html"
echo "docs: $out/html/index.html"
