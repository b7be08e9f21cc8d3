# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the lab and the tests keep state that outlives one process, as root: under /run/kvmnet-lab, in
directories root owns and no one else may write, checked every time they are used.

A fixed path in a world-writable directory (/var/tmp, /tmp) is whoever creates it first's: a local user
could make it beforehand and control the files root later reads, runs or signals. So a path that must be
known to several processes lives here (checked: a directory, not a symlink, owned by root, not writable by
group or others - or the lab refuses to go on), and everything else uses ``tempfile.mkdtemp``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

LAB_RUN = '/run/kvmnet-lab'


class UnsafeStateDir(Exception):
    """A state directory exists but is not root's alone; the message says what is wrong and what to do."""


def check_owned(path):
    """Raise UnsafeStateDir unless ``path`` is a directory (not a symlink) root owns and only root writes."""
    info = os.lstat(path)
    problem = None
    if stat.S_ISLNK(info.st_mode):
        problem = 'is a symlink'
    elif not stat.S_ISDIR(info.st_mode):
        problem = 'is not a directory'
    elif info.st_uid != 0:
        problem = 'is owned by uid %d, not root' % info.st_uid
    elif info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        problem = 'is writable by group or others (mode %o)' % stat.S_IMODE(info.st_mode)
    if problem:
        raise UnsafeStateDir('%s %s: the lab keeps root-only state there and will not use it; remove it if it is '
                             'yours, or find out who made it' % (path, problem))


def state_dir(name, mode=0o755, root=LAB_RUN):
    """``<root>/<name>``, created (mode ``mode``, at most 0755) or checked; returns the path."""
    path = root
    for part in [None] + name.split('/'):
        if part is not None:
            path = os.path.join(path, part)
        try:
            os.mkdir(path, mode & 0o755)
            os.chmod(path, mode & 0o755)
        except FileExistsError:
            pass
        check_owned(path)
    return path


def running_pid(pidfile, is_ours):
    """The pid in ``pidfile`` when its directory is root's alone and ``is_ours(pid)`` says the process is the one
    the lab started (a pid file outlives its process, and the pid may be another's by now); else None."""
    try:
        check_owned(os.path.dirname(pidfile))
        with open(pidfile) as handle:
            pid = int(handle.read().strip())
        return pid if is_ours(pid) else None
    except (IOError, OSError, ValueError):
        return None


def process_named(name):
    """A test for running_pid: the process's command name is ``name``."""
    def test(pid):
        with open('/proc/%d/comm' % pid) as handle:
            return handle.read().strip() == name
    return test
