# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module as Ansible does, for the tests, the tools and the benchmarks.

- ``run_module_file``: the module file in a Python process reading its arguments file, as Ansible's module
  wrapper runs it; the whole result comes back, ``diff`` included (the ansible CLI's callbacks drop it).
- ``measure_module_file``: the same, measured - wall time and peak RSS of that process alone, without the
  controller's overhead, the same way for our modules and for the peers.
- ``run_module``: ``ansible localhost -m kvmnet.netboot.<module>`` - the controller, the connection, the
  callbacks, as a user runs it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess
import sys
import tempfile

from kvmnet_lab import REPO_ROOT


def collections_root():
    """Where ``ansible_collections/kvmnet/netboot`` is: ANSIBLE_COLLECTIONS_PATH (the Makefile sets it to the
    build's copy), else the build's copy of this checkout."""
    return os.environ.get('ANSIBLE_COLLECTIONS_PATH') or os.path.join(REPO_ROOT, '.build', 'collections')


def module_file(module):
    """The file of ``kvmnet.netboot.<module>`` in the collections root."""
    return os.path.join(collections_root(), 'ansible_collections', 'kvmnet', 'netboot', 'plugins', 'modules',
                        module + '.py')


def _args_file(args):
    with tempfile.NamedTemporaryFile('w', suffix='.json', prefix='kvmnt-args-', delete=False) as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': args}, handle)
    return handle.name


def _module_command(module, args_path, python, netns):
    """``module``: one of ours by name, a file, or a dotted module name (for modules with relative imports)."""
    if module.endswith('.py'):
        cmd = [python, module, args_path]
    elif '.' in module:
        cmd = [python, '-m', module, args_path]
    else:
        cmd = [python, module_file(module), args_path]
    return (['ip', 'netns', 'exec', netns] if netns else []) + cmd


def run_module_file(module, args=None, check=False, diff=False, netns=None, python=None, pythonpath=None):
    """The result dict of one run of ``module`` with ``args`` (check and diff mode as asked)."""
    args = dict(args or {}, _ansible_check_mode=check, _ansible_diff=diff)
    args_path = _args_file(args)
    try:
        proc = subprocess.run(_module_command(module, args_path, python or sys.executable, netns),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False,
                              env=dict(os.environ, PYTHONPATH=pythonpath or collections_root()))
    finally:
        os.unlink(args_path)
    try:
        return json.loads(proc.stdout)
    except ValueError:
        raise RuntimeError('module %s printed no JSON (exit %s): %s %s'
                           % (module, proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:]))


# ru_maxrss of RUSAGE_CHILDREN is the largest child so far: each measured run gets its own helper process.
_MEASURE = (
    'import resource, subprocess, sys, time, json;'
    't = time.perf_counter();'
    'p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False);'
    'dt = time.perf_counter() - t;'
    'print(json.dumps({"seconds": dt, "rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,'
    '"rc": p.returncode, "out": p.stdout.decode(), "err": p.stderr.decode()}))'
)


def measure_module_file(python, module, args, pythonpath, netns=None):
    """``(seconds, peak_rss_mib, result)`` of one run of ``module`` in a fresh process; raises when it fails."""
    args_path = _args_file(args)
    try:
        proc = subprocess.run([sys.executable, '-c', _MEASURE] + _module_command(module, args_path, python, netns),
                              stdout=subprocess.PIPE, check=True, env=dict(os.environ, PYTHONPATH=pythonpath))
    finally:
        os.unlink(args_path)
    measured = json.loads(proc.stdout.decode())
    try:
        result = json.loads(measured['out'])
    except ValueError:
        raise RuntimeError('module %s printed no JSON (exit %s): %s %s'
                           % (module, measured['rc'], measured['out'][-2000:], measured['err'][-2000:]))
    if result.get('failed'):
        raise RuntimeError('module %s failed: %s' % (module, result.get('msg')))
    return measured['seconds'], measured['rss_kib'] / 1024.0, result


def best_of(runs, func):
    """Fastest of ``runs`` calls of ``func`` returning (seconds, ...) - the least disturbed by the machine."""
    results = [func() for dummy in range(runs)]
    return min(results, key=lambda r: r[0])


def run_module(module, args=None, netns=None, check=False, diff=False, prefix=None):
    """Run ``kvmnet.netboot.<module>`` through ``ansible`` against localhost (in ``netns``, or behind the
    command ``prefix``, for example a lab host's ``enter.sh``).

    Returns ``(rc, result, output)``: ansible's exit code, the module's result dict and everything it
    printed (to look for tracebacks).
    """
    tree = tempfile.mkdtemp(prefix='kvmnt-tree-')
    try:
        cmd = ['ansible', 'localhost', '-t', tree, '-m', 'kvmnet.netboot.%s' % module]
        if args:
            cmd += ['-a', json.dumps(args)]
        if check:
            cmd.append('--check')
        if diff:
            cmd.append('--diff')
        if netns:
            cmd = ['ip', 'netns', 'exec', netns] + cmd
        if prefix:
            cmd = list(prefix) + cmd
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_root(),
                   ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_NOCOLOR='1')
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                              env=env, check=False)
        path = os.path.join(tree, 'localhost')
        result = {}
        if os.path.exists(path):
            with open(path) as handle:
                result = json.load(handle)
        return proc.returncode, result, proc.stdout
    finally:
        shutil.rmtree(tree, ignore_errors=True)
