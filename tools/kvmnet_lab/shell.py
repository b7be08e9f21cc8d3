# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One way for the lab, the tests and the benchmarks to run a command."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import subprocess


class CommandFailed(RuntimeError):
    """A command exited non-zero; the message carries the command, its exit code and what it printed."""

    def __init__(self, cmd, proc):
        output = ((proc.stdout or '') + (proc.stderr or '')).strip()
        RuntimeError.__init__(self, '%s failed (exit %s): %s' % (' '.join(cmd), proc.returncode, output[-4000:]))
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr


def sh(*cmd, **kwargs):
    """Run ``cmd`` (no shell), its output captured as text; raise CommandFailed when it fails, unless
    ``check=False``. ``merge=True`` puts stderr into stdout, in the order they were written. Other keyword
    arguments go to ``subprocess.run`` (``env``, ``input``, ``timeout``...)."""
    check = kwargs.pop('check', True)
    stderr = subprocess.STDOUT if kwargs.pop('merge', False) else subprocess.PIPE
    cmd = [str(part) for part in cmd]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=stderr, universal_newlines=True, check=False,
                          **kwargs)
    if check and proc.returncode != 0:
        raise CommandFailed(cmd, proc)
    return proc


def in_netns(netns, *cmd, **kwargs):
    """``sh`` inside network namespace ``netns`` (None: here)."""
    return sh(*(('ip', 'netns', 'exec', netns) if netns else ()) + cmd, **kwargs)


def ip_json(*args, **kwargs):
    """The decoded ``ip -j ARGS`` (in ``netns=``, when given)."""
    return json.loads(in_netns(kwargs.pop('netns', None), 'ip', '-j', *args, **kwargs).stdout or '[]')
