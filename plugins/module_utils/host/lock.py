# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shell (a lock file): a host-local lock (flock) that serialises allocation of MACs, tap names and volumes, and
bridge changes.

Several plays or forks composing VMs on one host at once must not hand out the same identity: each
reads what is in use, allocates and defines while holding this lock.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import errno
import fcntl
import os
import tempfile
import time

LOCK_NAME = 'kvmnet-netboot-compose.lock'


class HostLockTimeout(Exception):
    """Another compose held the lock for longer than the timeout."""


def lock_path(name=LOCK_NAME):
    for directory in ('/run/lock', '/var/lock', tempfile.gettempdir()):
        if os.path.isdir(directory) and os.access(directory, os.W_OK):
            return os.path.join(directory, name)
    return os.path.join(tempfile.gettempdir(), name)


@contextlib.contextmanager
def host_lock(timeout=300, path=None):
    path = path or lock_path()
    handle = open(path, 'a')
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise HostLockTimeout('another run held %s for more than %d s' % (path, timeout))
                time.sleep(0.05)
        yield path
    finally:
        handle.close()
