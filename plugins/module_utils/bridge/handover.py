# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hand the DHCP client over to the bridge once its configuration is persisted.

The runtime change moves a DHCP address to the bridge with its remaining lifetime; the DHCP client
of the backend still serves the NIC. Unless a client runs for the bridge, the address expires with
the lease (and the old client may put it back on the NIC). Each backend's own client takes over:
systemd-networkd (netplan) and NetworkManager re-read their configuration and reconfigure the
bridge and its port; with ifupdown, dhclient stops on the port (without releasing the lease) and
starts on the bridge. Pure: it returns the commands, the module runs them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def handover_commands(backend, plan):
    """The commands (argv lists, program by name) that move the DHCP client to the bridge; empty when
    IPv4 did not come from DHCP, nothing changed at runtime, or the backend persists nothing."""
    if plan.method != 'dhcp' or plan.already_bridged or not plan.changes:
        return []
    bridge, port = plan.bridge, plan.port
    if backend == 'netplan':
        return [['netplan', 'generate'], ['networkctl', 'reload'], ['networkctl', 'reconfigure', port, bridge]]
    if backend == 'networkmanager':
        return [['nmcli', 'connection', 'reload'], ['nmcli', 'connection', 'up', 'kvmnet-%s' % bridge],
                ['nmcli', 'connection', 'up', 'kvmnet-%s' % port]]
    if backend == 'ifupdown':
        return [['dhclient', '-x', '-pf', '/run/dhclient.%s.pid' % port],
                ['dhclient', '-4', '-pf', '/run/dhclient.%s.pid' % bridge, '-lf',
                 '/var/lib/dhcp/dhclient.%s.leases' % bridge, bridge]]
    return []
