# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The architecture, checked: short functions, a pure core, no import cycle (docs/architecture.md)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import os

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
PLUGINS = os.path.join(ROOT, 'plugins')
MODULE_UTILS = os.path.join(PLUGINS, 'module_utils')
PREFIX = 'ansible_collections.kvmnet.netboot.plugins.module_utils.'
MAX_FUNCTION_LINES = 50
# The shells of module_utils that may reach Ansible or libvirt; each says so in its docstring.
SHELLS = {'libvirt/connection.py': 'libvirt', 'libvirt/ansible_glue.py': 'ansible', 'maas/ansible_transport.py': 'ansible',
          'common/ansible_glue.py': 'ansible'}


def python_files(top):
    for directory, dummy, files in os.walk(top):
        for name in sorted(files):
            if name.endswith('.py'):
                yield os.path.join(directory, name)


def parsed(path):
    with open(path) as handle:
        return ast.parse(handle.read(), path)


def imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            for alias in node.names:
                yield '%s.%s' % (node.module, alias.name)


def test_no_function_longer_than_fifty_lines():
    long_ones = []
    for path in python_files(PLUGINS):
        for node in ast.walk(parsed(path)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_ones.append('%s:%d %s (%d lines)' % (os.path.relpath(path, ROOT), node.lineno, node.name,
                                                              length))
    assert long_ones == []


@pytest.mark.parametrize('path', list(python_files(MODULE_UTILS)), ids=lambda p: os.path.relpath(p, MODULE_UTILS))
def test_module_utils_stay_pure(path):
    relative = os.path.relpath(path, MODULE_UTILS)
    tree = parsed(path)
    reached = set(name.split('.')[0] for name in imported_modules(tree)
                  if not name.startswith('ansible_collections.'))
    outside = reached & {'ansible', 'libvirt'}
    allowed = set([SHELLS[relative]]) if relative in SHELLS else set()
    assert outside <= allowed, '%s imports %s' % (relative, ', '.join(sorted(outside)))
    if relative in SHELLS:
        assert 'Shell' in (ast.get_docstring(tree) or ''), '%s must say in its docstring that it is a shell' % relative


def test_no_import_cycle():
    graph = {}
    for path in python_files(MODULE_UTILS):
        name = os.path.relpath(path, MODULE_UTILS)[:-3].replace(os.sep, '.')
        deps = set()
        for imported in imported_modules(parsed(path)):
            if imported.startswith(PREFIX):
                target = imported[len(PREFIX):]
                while target and not os.path.exists(os.path.join(MODULE_UTILS, target.replace('.', os.sep) + '.py')):
                    target = target.rpartition('.')[0]
                if target and target != name:
                    deps.add(target)
        graph[name] = deps
    visiting, done, cycles = set(), set(), []

    def visit(node, trail):
        if node in done:
            return
        if node in visiting:
            cycles.append(' -> '.join(trail[trail.index(node):] + [node]))
            return
        visiting.add(node)
        for dep in sorted(graph.get(node, ())):
            visit(dep, trail + [node])
        visiting.discard(node)
        done.add(node)
    for node in sorted(graph):
        visit(node, [])
    assert cycles == []
