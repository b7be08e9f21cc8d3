# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read and write the persisted network files: all of them or none; keep the previous ones as backups
outside every directory a network daemon reads (bridge.backups).

Shell over the file system; the atomic move is passed in (the module's, which keeps SELinux contexts).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import shutil
import tempfile

from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.backups import BACKUP_DIR, backup_path, is_legacy


def read_file(path):
    try:
        with open(path) as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def read_existing(patterns):
    """{path: text} of the files matching the glob ``patterns`` (backups and directories left out)."""
    found = {}
    for pattern in patterns:
        for path in sorted(glob.glob(pattern)):
            if os.path.isfile(path) and not is_legacy(path):
                text = read_file(path)
                if text is not None:
                    found[path] = text
    return found


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


def _backup_directory(path, backup_dir):
    """Make ``path`` below ``backup_dir``, which only its owner may enter: backups may hold keys and passwords."""
    if not os.path.isdir(backup_dir):
        os.makedirs(backup_dir)
    os.chmod(backup_dir, 0o700)
    if not os.path.isdir(path):
        os.makedirs(path, mode=0o700)


def keep_backup(path, backup_dir=BACKUP_DIR):
    """Copy ``path`` to its backup unless there is one (the file as it was before kvmnet.netboot first
    changed it is kept); -> the backup's path."""
    target = backup_path(path, backup_dir)
    if not os.path.exists(target):
        _backup_directory(os.path.dirname(target), backup_dir)
        shutil.copy2(path, target)
    return target


def move_files(moves, backup_dir=BACKUP_DIR):
    """Move each (source, target below ``backup_dir``)."""
    for source, target in moves:
        _backup_directory(os.path.dirname(target), backup_dir)
        shutil.move(source, target)


def write_files(files, atomic_move, backups=(), backup_dir=BACKUP_DIR):
    """Write every file atomically; if one fails, put back the ones already written and re-raise.

    Each path of ``backups`` that exists is first copied to its backup under ``backup_dir`` (keep_backup).
    """
    written = {}
    try:
        for path, content in sorted(files.items()):
            old = read_file(path)
            if old == content:
                continue
            if path in backups and old is not None:
                keep_backup(path, backup_dir)
            directory = os.path.dirname(path)
            if not os.path.isdir(directory):
                os.makedirs(directory, mode=0o755)
            handle, tmp = tempfile.mkstemp(dir=directory, prefix='.kvmnet-')
            with os.fdopen(handle, 'w') as out:
                out.write(content)
            # NetworkManager ignores keyfiles others can read, netplan warns about them: a new file is
            # 0600, an existing one keeps its mode (the atomic move applies the umask to new files).
            mode = os.stat(path).st_mode & 0o7777 if old is not None else 0o600
            atomic_move(tmp, path)
            os.chmod(path, mode)
            written[path] = old
    except (IOError, OSError):
        for path, old in written.items():
            if old is None:
                os.unlink(path)
            else:
                with open(path, 'w') as out:
                    out.write(old)
        raise
