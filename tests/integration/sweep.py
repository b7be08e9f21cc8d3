# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a crashed integration run left behind, removed: the libvirtds of host B and the power test's host, every lab domain, network and namespace
(all named with lab.LAB_PREFIX). The session fixture sweeps before and after a run; `make test`, which runs two
sessions at once, sweeps before and after both instead (`python sweep.py`, from this directory)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import lab
import migration_lab


def sweep():
    conn = lab.libvirt_conn()
    try:
        for name in migration_lab.NAMES:
            migration_lab.HostB(name=name).down()
        lab.remove_stale_libvirt(conn)
        lab.remove_stale_netns()
    finally:
        conn.close()


if __name__ == '__main__':
    sweep()
