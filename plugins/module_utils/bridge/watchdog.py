# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rollback watchdog: a detached process that replays the undo lines after a timeout unless the
change was confirmed - so a task killed with its connection (the worst case: the change cut the
controller off) still leaves the host as it was.

Shell: it forks and execs ``sh``; nothing here imports Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shlex
import signal
import tempfile

STATE_DIR = '/run/kvmnet-netboot'


def arm(ip_bin, lines, timeout, state_dir=STATE_DIR):
    """Start the watchdog; returns the handle ``disarm`` takes."""
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    handle, batch = tempfile.mkstemp(prefix='rollback-', suffix='.batch', dir=state_dir)
    with os.fdopen(handle, 'w') as out:
        out.write('\n'.join(lines) + '\n')
    confirm = batch + '.confirmed'
    script = 'sleep %d; [ -e %s ] || %s -force -batch %s; rm -f %s %s' % (
        timeout, shlex.quote(confirm), shlex.quote(ip_bin), shlex.quote(batch), shlex.quote(batch),
        shlex.quote(confirm))
    pid = os.fork()
    if pid == 0:  # the watchdog: its own session, so that it outlives the task and its connection
        try:
            os.setsid()
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            os.execvp('sh', ['sh', '-c', script])
        finally:
            os._exit(1)  # pylint: disable=protected-access
    return pid, confirm


def disarm(handle):
    """Confirm (or, after a rollback, cancel) and stop the watchdog; removes its files."""
    pid, confirm = handle
    with open(confirm, 'w'):
        pass
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass
    for path in (confirm, confirm[:-len('.confirmed')]):
        try:
            os.unlink(path)
        except OSError:
            pass
