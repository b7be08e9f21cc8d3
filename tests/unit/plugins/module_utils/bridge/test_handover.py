# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who serves DHCP on the bridge once it is persisted: each backend's own client takes over, and only when
the address came from DHCP and the runtime changed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.handover import handover_commands


@pytest.mark.parametrize('backend, first', [
    ('netplan', ['netplan', 'generate']), ('networkmanager', ['nmcli', 'connection', 'reload']),
    ('ifupdown', ['dhclient', '-x', '-pf', '/run/dhclient.enp0s25.pid']), ('iproute2', None)])
def test_handover_per_backend(dhcp_host, backend, first):
    bridge, dummy = dhcp_host
    commands = handover_commands(backend, bridge)
    assert (commands[0] if commands else None) == first


def test_no_handover_without_dhcp_or_without_a_runtime_change(dhcp_host):
    bridge, dummy = dhcp_host
    assert handover_commands('netplan', bridge._replace(method='static')) == []
    assert handover_commands('netplan', bridge._replace(changes=[])) == []
    assert handover_commands('netplan', bridge._replace(already_bridged=True)) == []
