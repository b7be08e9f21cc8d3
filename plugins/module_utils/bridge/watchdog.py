# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rollback watchdog: a detached process that replays the undo lines after a timeout unless the
change was confirmed - so a task killed with its connection (the worst case: the change cut the
controller off) still leaves the host as it was.

Each armed watchdog leaves a record beside its batch in /run/kvmnet-netboot (root's only): its pid, its
deadline, the bridge and the network namespace it acts in. A later run reads them (``pending``): a
watchdog that outlived the run that armed it either fires, or is settled explicitly once the host shows
what that run wanted - never left armed behind a run that reports success.

Shell: it forks and execs ``sh``; nothing here imports Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import shlex
import signal
import stat
import tempfile
import time
from collections import namedtuple

STATE_DIR = '/run/kvmnet-netboot'

# ``record``: the record's path; ``batch``: the undo lines; ``deadline``: when it fires (epoch seconds).
Pending = namedtuple('Pending', 'pid batch record deadline bridge')


class UnsafeStateDir(OSError):
    """The state directory is not root's alone."""


def _state_dir(state_dir):
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    info = os.lstat(state_dir)
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o022:
        raise UnsafeStateDir('%s is not a directory of this user that only it may write; remove it' % state_dir)
    return state_dir


def _netns():
    """The network namespace this process is in: a watchdog acts there, and only there."""
    try:
        return os.stat('/proc/self/ns/net').st_ino
    except OSError:
        return None


def arm(ip_bin, lines, timeout, bridge='', state_dir=STATE_DIR):
    """Start the watchdog and record it; returns the handle ``disarm`` takes."""
    handle, batch = tempfile.mkstemp(prefix='rollback-', suffix='.batch', dir=_state_dir(state_dir))
    with os.fdopen(handle, 'w') as out:
        out.write('\n'.join(lines) + '\n')
    confirm, record = batch + '.confirmed', batch + '.json'
    script = 'sleep %d; [ -e %s ] || %s -force -batch %s; rm -f %s %s %s' % (
        timeout, shlex.quote(confirm), shlex.quote(ip_bin), shlex.quote(batch), shlex.quote(batch),
        shlex.quote(confirm), shlex.quote(record))
    deadline = time.time() + timeout
    # closed (close-on-exec) when the child execs: once read returns, the watchdog's command line is its own
    started, child_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the watchdog: its own session, so that it outlives the task and its connection
        try:
            os.close(started)
            os.setsid()
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            os.execvp('sh', ['sh', '-c', script, 'kvmnet-rollback', batch])
        finally:
            os._exit(1)  # pylint: disable=protected-access
    os.close(child_end)
    os.read(started, 1)
    os.close(started)
    with open(record + '.tmp', 'w') as out:
        json.dump({'pid': pid, 'batch': batch, 'deadline': deadline, 'bridge': bridge, 'netns': _netns()}, out)
    os.rename(record + '.tmp', record)
    return pid, confirm


def _alive(pid, batch):
    """The watchdog ``pid`` still waits (its command line names its batch: not a recycled pid)."""
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as handle:
            return batch.encode() in handle.read()
    except (IOError, OSError):
        return False


def pending(state_dir=STATE_DIR):
    """The watchdogs armed in this network namespace that have not fired nor been disarmed."""
    found = []
    for record in sorted(glob.glob(os.path.join(state_dir, 'rollback-*.batch.json'))):
        try:
            with open(record) as handle:
                data = json.load(handle)
        except (IOError, OSError, ValueError):
            continue
        if data.get('netns') == _netns() and _alive(data.get('pid', 0), data.get('batch', '')):
            found.append(Pending(data['pid'], data['batch'], record, data.get('deadline', 0), data.get('bridge', '')))
    return found


def wait_until_fired(watchdogs, grace=10, sleep=time.sleep):
    """Wait until every watchdog of ``watchdogs`` has fired (at most ``grace`` seconds past its deadline);
    -> those still armed."""
    left = list(watchdogs)
    while left and time.time() < max(w.deadline for w in left) + grace:
        sleep(0.5)
        left = [w for w in left if _alive(w.pid, w.batch)]
    return left


def settle(watchdog):
    """Disarm a watchdog an earlier run armed: the host shows what that run wanted."""
    if _alive(watchdog.pid, watchdog.batch):
        disarm((watchdog.pid, watchdog.batch + '.confirmed'))


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
    batch = confirm[:-len('.confirmed')]
    for path in (confirm, batch, batch + '.json'):
        try:
            os.unlink(path)
        except OSError:
            pass
