# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the previous network configuration is kept: outside every directory a network daemon reads.

A copy left beside the original is read again at boot when the directory is read whole - Debian's stock
``/etc/network/interfaces`` says ``source /etc/network/interfaces.d/*``, so a ``50-cloud-init.kvmnet.bak``
there gives the NIC its old address at the next boot and the bridge fails. Backups therefore go to
``<backup_dir>/<original path>`` (``/var/lib/kvmnet-netboot/backups/etc/network/interfaces.d/50-cloud-init``),
and the ``<file>.kvmnet.bak`` copies earlier versions wrote are moved there. Pure: paths in, paths out.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import posixpath

BACKUP_DIR = '/var/lib/kvmnet-netboot/backups'
# What versions before 0.2 named the copy they left beside the original.
LEGACY_SUFFIX = '.kvmnet.bak'


def backup_path(path, backup_dir=BACKUP_DIR):
    """The backup of ``path``: the same path under ``backup_dir``."""
    return posixpath.join(backup_dir, posixpath.normpath(path).lstrip('/'))


def legacy_patterns(patterns):
    """Glob patterns of the legacy copies in the directories of the configuration ``patterns``."""
    return sorted(set(posixpath.join(posixpath.dirname(p), '*' + LEGACY_SUFFIX) for p in patterns))


def is_legacy(path):
    return path.endswith(LEGACY_SUFFIX)


def legacy_moves(found, backup_dir, exists):
    """[(legacy copy, where it goes)]: to the backup of its original, or - when that backup exists already -
    beside it with the legacy suffix, so that no backup is ever overwritten. ``exists`` is os.path.exists."""
    moves = []
    for path in sorted(found):
        target = backup_path(path[:-len(LEGACY_SUFFIX)], backup_dir)
        if exists(target):
            target += LEGACY_SUFFIX
        moves.append((path, target))
    return moves
