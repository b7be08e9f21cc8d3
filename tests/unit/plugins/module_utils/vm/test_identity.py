# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A NIC's MAC and tap name: stable for a VM, unique on the host, within the kernel's limits."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.identity import allocate_mac, allocate_tap


def test_mac_and_tap_are_stable_and_unique():
    used = set()
    first = allocate_mac('node1', 0, used)
    assert re.match(r'^52:54:00(:[0-9a-f]{2}){3}$', first)
    assert allocate_mac('node1', 0, set()) == first  # deterministic
    second = allocate_mac('node1', 0, used)  # taken: moves on
    assert second != first and second in used
    taps = set()
    tap = allocate_tap('kn', 'a-very-long-virtual-machine-name', 12, taps)
    assert len(tap) <= 15 and tap.startswith('kn') and tap.endswith('n12')
    assert allocate_tap('kn', 'a-very-long-virtual-machine-name', 12, taps) != tap
