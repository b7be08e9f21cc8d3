# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run an Ansible module file the way Ansible's module wrapper does, and measure it.

A module reads ``{"ANSIBLE_MODULE_ARGS": {...}}`` from the file named in argv[1]. Running it as a child
process gives its own wall time and peak RSS (``ru_maxrss`` of the children), without the controller's
overhead, the same way for our modules and for the peers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys
import tempfile


def run_module_file(python, module_path, args, pythonpath, netns=None):
    """Return ``(seconds, peak_rss_mib, result)`` of one module run in a fresh process.

    ``module_path`` is a file, or a dotted module name (for modules with relative imports).
    """
    with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': args}, handle)
        args_path = handle.name
    if module_path.endswith('.py'):
        cmd = [python, module_path, args_path]
    else:
        cmd = [python, '-m', module_path, args_path]
    if netns:
        cmd = ['ip', 'netns', 'exec', netns] + cmd
    env = dict(os.environ, PYTHONPATH=pythonpath)
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: measure each run in its own helper.
    helper = (
        'import resource, subprocess, sys, time, json;'
        't = time.perf_counter();'
        'p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False);'
        'dt = time.perf_counter() - t;'
        'print(json.dumps({"seconds": dt, "rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,'
        '"rc": p.returncode, "out": p.stdout.decode(), "err": p.stderr.decode()}))'
    )
    try:
        proc = subprocess.run([sys.executable, '-c', helper] + cmd, stdout=subprocess.PIPE, check=True, env=env)
    finally:
        os.unlink(args_path)
    measured = json.loads(proc.stdout.decode())
    try:
        result = json.loads(measured['out'])
    except ValueError:
        raise RuntimeError('module %s printed no JSON (rc=%s): %s %s'
                           % (module_path, measured['rc'], measured['out'][-2000:], measured['err'][-2000:]))
    if result.get('failed'):
        raise RuntimeError('module %s failed: %s' % (module_path, result.get('msg')))
    return measured['seconds'], measured['rss_kib'] / 1024.0, result


def best_of(runs, func):
    """Fastest of ``runs`` calls (seconds, rss, result) - the least disturbed by the machine."""
    results = [func() for dummy in range(runs)]
    return min(results, key=lambda r: r[0])
