# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The architecture, checked (docs/architecture.md): short functions and module files, a core that neither imports
Ansible or libvirt nor does I/O, stages that import only what comes before them, no import cycle, one runner of
plans, and the NIC hook's copy of the core complete."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import fnmatch
import os

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
PLUGINS = os.path.join(ROOT, 'plugins')
MODULE_UTILS = os.path.join(PLUGINS, 'module_utils')
PREFIX = 'ansible_collections.kvmnet.netboot.plugins.module_utils.'
MAX_FUNCTION_LINES = 50
# A module file's code, besides its DOCUMENTATION, EXAMPLES and RETURN: the modules gather, call the core and act.
MAX_MODULE_CODE_LINES = 200
# The shells of module_utils: the files that may do I/O - and reach Ansible or libvirt as given. Each says so
# in its docstring.
SHELLS = {
    'common/ansible_glue.py': 'ansible', 'libvirt/connection.py': 'libvirt', 'libvirt/ansible_glue.py': 'ansible',
    'libvirt/executors.py': None, 'libvirt/inventory.py': None, 'maas/ansible_glue.py': 'ansible',
    'host/commands.py': None, 'host/gather.py': None, 'host/sysfs.py': None, 'host/lock.py': None,
    'host/ansible_glue.py': None, 'bridge/files.py': None, 'bridge/watchdog.py': None, 'bridge/executor.py': None,
}
# What reading, writing, running, waiting or talking to the network takes: never in the core.
IO_MODULES = ('os', 'time', 'subprocess', 'socket', 'shutil', 'tempfile', 'glob', 'fcntl', 'signal', 'select',
              'threading', 'urllib.request', 'http')
# The core files that import one of them for a pure purpose, and why.
IO_EXEMPT = {'policy/ipv4_free_space.py': {'socket'}}  # socket.inet_pton: the fastest strict IPv4 parser
# The stages, in order (docs/architecture.md): what is there (host, libvirt documents, MAAS's answers) ->
# policy -> plans and renderers -> shells. A file imports common/ and files of its own or an earlier stage.
STAGES = (
    ('common', ['common/*']),
    ('host', ['host/iproute2_*.py', 'host/management_interface.py', 'host/facts.py', 'libvirt/domain_xml.py',
              'libvirt/network_xml.py', 'libvirt/records.py', 'libvirt/domain_events.py', 'libvirt/uri.py',
              'maas/alloc.py', 'maas/model_reader.py', 'maas/client.py', 'maas/model_source.py']),
    ('policy', ['policy/*', 'nic_hooks/routed_claims.py', 'nic_hooks/environment.py', 'maas/address_usage.py']),
    ('plans', ['libvirt/*', 'vm/*', 'bridge/*', 'maas/*', 'nic_hooks/*', 'report/*']),
)


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


def test_module_files_stay_short_and_never_read_the_diff_flag():
    too_long, diff_readers = [], []
    for path in python_files(os.path.join(PLUGINS, 'modules')):
        with open(path) as handle:
            text = handle.read()
        tree = ast.parse(text, path)
        documentation = sum(node.end_lineno - node.lineno + 1 for node in tree.body if isinstance(node, ast.Assign)
                            and [t for t in node.targets if getattr(t, 'id', '') in ('DOCUMENTATION', 'EXAMPLES',
                                                                                     'RETURN')])
        if len(text.splitlines()) - documentation > MAX_MODULE_CODE_LINES:
            too_long.append('%s (%d lines of code)' % (os.path.basename(path), len(text.splitlines()) - documentation))
        if '_diff' in text:
            diff_readers.append(os.path.basename(path))
    assert too_long == [] and diff_readers == []  # run_plan (common.ansible_glue) owns the diff


@pytest.mark.parametrize('path', list(python_files(MODULE_UTILS)), ids=lambda p: os.path.relpath(p, MODULE_UTILS))
def test_module_utils_stay_pure(path):
    relative = os.path.relpath(path, MODULE_UTILS)
    tree = parsed(path)
    reached = set(name.split('.')[0] for name in imported_modules(tree)
                  if not name.startswith('ansible_collections.'))
    outside = reached & {'ansible', 'libvirt'}
    allowed = set([SHELLS[relative]]) if SHELLS.get(relative) else set()
    assert outside <= allowed, '%s imports %s' % (relative, ', '.join(sorted(outside)))
    if relative in SHELLS:
        assert 'Shell' in (ast.get_docstring(tree) or ''), '%s must say in its docstring that it is a shell' % relative


@pytest.mark.parametrize('path', [p for p in python_files(MODULE_UTILS) if os.path.relpath(p, MODULE_UTILS) not in SHELLS],
                         ids=lambda p: os.path.relpath(p, MODULE_UTILS))
def test_the_core_does_no_io(path):
    relative = os.path.relpath(path, MODULE_UTILS)
    tree = parsed(path)
    io = set(name for name in imported_modules(tree) if not name.startswith('ansible_collections.')
             and [m for m in IO_MODULES if name == m or name.startswith(m + '.')])
    io = set(name.split('.')[0] for name in io) - IO_EXEMPT.get(relative, set())
    opens = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, 'id', '') == 'open']
    assert io == set() and opens == [], '%s: imports %s, open() at %s' % (relative, sorted(io), opens)


def stage_of(relative):
    if relative in SHELLS:
        return len(STAGES)
    for index, (dummy, patterns) in enumerate(STAGES):
        if [p for p in patterns if fnmatch.fnmatch(relative, p)]:
            return index
    raise AssertionError('%s is in no stage: add it to STAGES' % relative)


def module_utils_imports(path):
    """The module_utils files ``path`` imports (relative paths)."""
    found = set()
    for imported in imported_modules(parsed(path)):
        if imported.startswith(PREFIX):
            target = imported[len(PREFIX):]
            while target and not os.path.exists(os.path.join(MODULE_UTILS, target.replace('.', os.sep) + '.py')):
                target = target.rpartition('.')[0]
            if target:
                found.add(target.replace('.', os.sep) + '.py')
    return found


@pytest.mark.parametrize('path', list(python_files(MODULE_UTILS)), ids=lambda p: os.path.relpath(p, MODULE_UTILS))
def test_stages_import_only_what_comes_before_them(path):
    relative = os.path.relpath(path, MODULE_UTILS)
    later = sorted(target for target in module_utils_imports(path) if stage_of(target) > stage_of(relative))
    assert later == [], '%s (stage %s) imports the later %s' % (relative, stage_of(relative), later)


def test_the_nic_hook_copies_exactly_the_core_its_programs_import():
    role = os.path.join(ROOT, 'roles', 'libvirt_nic_hooks')
    with open(os.path.join(role, 'vars', 'main.yml')) as handle:
        copied = set(yaml.safe_load(handle)['libvirt_nic_hooks_core_files'])
    needed, todo = set(), [os.path.join(role, 'files', name) for name in ('kvmnet_nic_runner.py', 'kvmnet_nic_events.py')]
    while todo:
        for target in module_utils_imports(todo.pop()):
            if target not in needed:
                needed.add(target)
                todo.append(os.path.join(MODULE_UTILS, target))
    packages = set(os.path.join(d, '__init__.py') for d in set(os.path.dirname(t) for t in needed)) | {'__init__.py'}
    assert copied == needed | set(p.lstrip(os.sep) for p in packages)


UNIT_MODULE_UTILS = os.path.join(ROOT, 'tests', 'unit', 'plugins', 'module_utils')


def test_every_package_has_its_test_folder_and_tests_mirror_the_files():
    packages = sorted(d for d in os.listdir(MODULE_UTILS) if os.path.isdir(os.path.join(MODULE_UTILS, d))
                      and not d.startswith('__'))

    def tests_of(package):
        folder = os.path.join(UNIT_MODULE_UTILS, package)
        return [f for f in os.listdir(folder) if f.startswith('test_') and f.endswith('.py')] \
            if os.path.isdir(folder) else []
    missing = [p for p in packages if not tests_of(p)]
    assert missing == [], 'packages without tests/unit/plugins/module_utils/<package>/test_*.py: %s' % missing
    flat = [f for f in os.listdir(UNIT_MODULE_UTILS) if f.endswith('.py')]
    assert flat == [], 'tests directly in tests/unit/plugins/module_utils (put them in the package folder): %s' % flat
    orphans = []
    for package in packages:
        for name in os.listdir(os.path.join(UNIT_MODULE_UTILS, package)):
            if name.startswith('test_') and name.endswith('.py') and \
                    not os.path.exists(os.path.join(MODULE_UTILS, package, name[len('test_'):])):
                orphans.append('%s/%s' % (package, name))
    assert orphans == [], 'test files named after no source file of their package: %s' % orphans


def test_no_import_cycle():
    graph = {}
    for path in python_files(MODULE_UTILS):
        name = os.path.relpath(path, MODULE_UTILS)
        graph[name] = set(t for t in module_utils_imports(path) if t != name)
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
