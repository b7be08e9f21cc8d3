# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/kvm_host.yml honours maas_bridge_bridges set in the inventory (no play variable hides it)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import sys
import tempfile

from kvmnet_lab.modules import collections_root

import lab

INVENTORY = """---
kvm_hosts:
  hosts:
    localhost:
      ansible_connection: local
  vars:
    maas_bridge_bridges:
      - device: kvmnt-no-such-nic0
"""


def test_inventory_bridges_reach_the_role():
    """In check mode, from the bridge task on: the role plans the inventory's bridge, over a device that
    does not exist, and says so. Had a play variable hidden the inventory, the role would be skipped."""
    work = tempfile.mkdtemp(prefix='kvmnt-inventory-')
    try:
        inventory = os.path.join(work, 'inventory.yml')
        with open(inventory, 'w') as handle:
            handle.write(INVENTORY)
        proc = lab.sh('ansible-playbook', '-i', inventory, 'kvmnet.netboot.kvm_host', '--check',
                      '--start-at-task', 'Build MAAS-friendly bridges', check=False,
                      env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_root(), ANSIBLE_NOCOLOR='1',
                               ANSIBLE_PYTHON_INTERPRETER=sys.executable))
        assert proc.returncode != 0
        assert 'device kvmnt-no-such-nic0 does not exist on this host' in proc.stdout, proc.stdout[-3000:]
    finally:
        shutil.rmtree(work, ignore_errors=True)
