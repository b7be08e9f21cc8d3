# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A domain with a bridged, a routed and a macvlan NIC, shared by the NIC hook tests (not a test module)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOMAIN = """<domain type='qemu' id='7'>
  <name>vm1</name>
  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
  <metadata>
    <kvmnet:nics xmlns:kvmnet='https://github.com/kvmnet/netboot/routed-nic'>
      <kvmnet:nic mac='52:54:00:00:00:02' table='100'>
        <kvmnet:ip>198.51.100.20</kvmnet:ip><kvmnet:ip>2001:db8::20</kvmnet:ip>
      </kvmnet:nic>
    </kvmnet:nics>
  </metadata>
  <devices>
    <interface type='bridge'><mac address='52:54:00:00:00:01'/><source bridge='br0'/><target dev='knaaan0'/></interface>
    <interface type='ethernet'><mac address='52:54:00:00:00:02'/><target dev='knaaan1' managed='no'/></interface>
    <interface type='direct'><mac address='52:54:00:00:00:03'/><source dev='eth1' mode='bridge'/><target dev='macvtap0'/></interface>
  </devices>
</domain>"""


def accept(ips, table):
    """A claim checker that accepts every claim (lower-casing the addresses, as canonical text would)."""
    return tuple(ip.lower() for ip in ips), table
