# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How MAAS powers a composed VM: its ``virsh`` power driver, the libvirt URI it connects to and the domain it
acts on. One home for the power type and the address, for kvm_vm_compose (what it reports) and maas_machine
(what it enlists). Pure.

MAAS's virsh driver runs ``virsh --connect <power_address> ... domstate|start|destroy <power_id>`` from its rack
controller: the address must be one MAAS can reach, and a local URI (``qemu:///system``) means nothing there.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ip_math import family
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.uri import is_local_uri

POWER_TYPE = 'virsh'
# The account MAAS logs in as on the KVM host.
POWER_USER = 'root'


def virsh_address(host, user=POWER_USER):
    """``qemu+ssh://user@host/system`` (an IPv6 address in brackets)."""
    return 'qemu+ssh://%s@%s/system' % (user, '[%s]' % host if family(host) == 6 else host)


def power_address(given, uri, host, user=POWER_USER):
    """The address MAAS powers the VM through: ``given`` as it is; for a remote ``uri``, that URI; for this host,
    ``virsh_address(host)``."""
    if given:
        return given
    if not is_local_uri(uri):
        return uri
    return virsh_address(host, user)


def power_details(pxe_mac, address, power_id):
    """The ``maas`` result of kvm_vm_compose: what maas_machine needs to enlist the VM."""
    return {'power_type': POWER_TYPE, 'pxe_mac_address': pxe_mac,
            'power_parameters': {'power_address': address, 'power_id': power_id}}
