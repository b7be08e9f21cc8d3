# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each role's README.md, made from its meta/argument_specs.yml (the one place its variables are described), so
that Galaxy's importer finds a README and the two never disagree. ``python3 -m kvmnet_lab.role_readme`` writes
them; ``--check`` only says which differ (the unit tests run it)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import sys

import yaml

from kvmnet_lab import REPO_ROOT

ROLES = os.path.join(REPO_ROOT, 'roles')
DOCS = {'libvirt_nic_hooks': 'nic-hooks.md'}
MARKUP = re.compile(r'\b([CIMOVBRLU])\(([^()]*)\)')


def plain(text):
    """Ansible's doc markup as Markdown: C(x), O(x), V(x), M(x) as code; I(x) in italics; B(x) bold."""
    def one(match):
        kind, value = match.groups()
        if kind in 'COVMR':
            return '`%s`' % value.split('=')[0] if kind == 'O' and '=' in value else '`%s`' % value
        if kind == 'I':
            return '*%s*' % value
        if kind == 'B':
            return '**%s**' % value
        return value
    return MARKUP.sub(one, str(text))


def _paragraphs(value):
    return [plain(p) for p in (value if isinstance(value, list) else [value]) if p]


def _default(option):
    if 'default' not in option:
        return 'required' if option.get('required') else ''
    return '`%s`' % json.dumps(option['default'])


def render(role):
    """The README.md of ``role``."""
    with open(os.path.join(ROLES, role, 'meta', 'argument_specs.yml')) as handle:
        spec = yaml.safe_load(handle)['argument_specs']['main']
    out = ['# kvmnet.netboot.%s' % role, '',
           '<!-- Made from meta/argument_specs.yml by `python3 -m kvmnet_lab.role_readme`; edit that file. -->', '',
           plain(spec.get('short_description', '')) + '.', '']
    for paragraph in _paragraphs(spec.get('description')):
        out += [paragraph, '']
    out += ['## Variables', '', '| variable | type | default | description |', '|---|---|---|---|']
    for name, option in sorted((spec.get('options') or {}).items()):
        kind = option.get('type', 'str')
        if kind == 'list' and option.get('elements'):
            kind = 'list of %s' % option['elements']
        if option.get('choices'):
            kind += ' (%s)' % ', '.join(str(c) for c in option['choices'])
        words = ' '.join(_paragraphs(option.get('description'))).replace('|', '\\|').replace('\n', ' ')
        out.append('| `%s` | %s | %s | %s |' % (name, kind, _default(option).replace('|', '\\|'), words))
    doc = DOCS.get(role, '%s.md' % role)
    out += ['', '## Use', '', '```yaml', '- hosts: kvm_hosts', '  roles:', '    - role: kvmnet.netboot.%s' % role,
            '```', '', 'More: [docs/%s](../../docs/%s) in the collection\'s repository.' % (doc, doc), '']
    return '\n'.join(out)


def roles():
    return sorted(r for r in os.listdir(ROLES) if os.path.exists(os.path.join(ROLES, r, 'meta', 'argument_specs.yml')))


def stale():
    """The roles whose README.md is not what render() makes."""
    found = []
    for role in roles():
        path = os.path.join(ROLES, role, 'README.md')
        current = open(path).read() if os.path.exists(path) else None
        if current != render(role):
            found.append(role)
    return found


def main(argv):
    if '--check' in argv:
        behind = stale()
        if behind:
            sys.exit('README.md out of date for roles %s: run python3 -m kvmnet_lab.role_readme' % ', '.join(behind))
        return
    for role in roles():
        with open(os.path.join(ROLES, role, 'README.md'), 'w') as handle:
            handle.write(render(role))


if __name__ == '__main__':
    main(sys.argv[1:])
