# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read and write the persisted network files: all of them or none.

Shell over the file system; the atomic move is passed in (the module's, which keeps SELinux contexts).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import tempfile


def read_file(path):
    try:
        with open(path) as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def stale_files(files):
    """The files whose content on disk differs from what is wanted."""
    return dict((path, content) for path, content in files.items() if read_file(path) != content)


def unwritable_directories(files):
    """Directories of ``files`` that cannot be written (nor created under a writable parent)."""
    problems = []
    for directory in sorted(set(os.path.dirname(p) for p in files)):
        probe = directory
        while not os.path.isdir(probe) and os.path.dirname(probe) != probe:
            probe = os.path.dirname(probe)
        if not os.access(probe, os.W_OK | os.X_OK):
            problems.append(directory)
    return problems


def write_files(files, atomic_move):
    """Write every file atomically; if one fails, put back the ones already written and re-raise."""
    written = {}
    try:
        for path, content in sorted(files.items()):
            old = read_file(path)
            if old == content:
                continue
            directory = os.path.dirname(path)
            if not os.path.isdir(directory):
                os.makedirs(directory, mode=0o755)
            handle, tmp = tempfile.mkstemp(dir=directory, prefix='.kvmnet-')
            with os.fdopen(handle, 'w') as out:
                out.write(content)
            os.chmod(tmp, 0o600)
            atomic_move(tmp, path)
            written[path] = old
    except (IOError, OSError):
        for path, old in written.items():
            if old is None:
                os.unlink(path)
            else:
                with open(path, 'w') as out:
                    out.write(old)
        raise
