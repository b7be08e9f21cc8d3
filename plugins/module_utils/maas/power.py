# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How MAAS powers a composed VM: its ``virsh`` power driver, the libvirt URI it connects to and the domain it
acts on. One home for the power type, the power user and the address, for kvm_vm_compose (what it reports)
and maas_machine (what it enlists). Pure.

MAAS's virsh driver runs ``virsh --connect <power_address> ... domstate|start|destroy <power_id>`` from its rack
controller: the address must be one MAAS can reach, and a local URI (``qemu:///system``) means nothing there. It
logs in as the power user the role maas_power_access makes - never root: that user may only read the state of,
start and stop the domains granted to it (kvm_power_grant), by UUID, which is why the power_id is the UUID.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.uri import is_local_uri, uri_host

import re

POWER_TYPE = 'virsh'
# The account MAAS logs in as on the KVM host (role maas_power_access).
POWER_USER = 'kvmnet-power'


USER_RE = re.compile(r'[a-z_][a-z0-9_-]{0,30}\Z')
# a host name, an IPv4 address, an IPv6 address (bare or in brackets), optionally with a port
HOST_RE = re.compile(r'(\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]+|[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(:[0-9]{1,5})?\Z')


def power_user_problem(user):
    """None when ``user`` can be MAAS's power user in a qemu+ssh URI, else what is wrong."""
    if not isinstance(user, str) or not USER_RE.match(user):
        return 'power_user %r must be a system user name (lower-case letters, digits, "_" and "-")' % (user,)
    return None


def power_host_problem(host):
    """None when ``host`` can be the host part of a qemu+ssh URI, else what is wrong."""
    if not isinstance(host, str) or not HOST_RE.match(host):
        return 'power_address_host %r must be a host name or an IP address (with an optional port)' % (host,)
    return None


def virsh_address(host, user=POWER_USER):
    """``qemu+ssh://user@host/system``: a bare IPv6 address goes in brackets; a name, an IPv4 address or a
    ``host:port`` as it is."""
    bracketed = '[%s]' % host if host.count(':') > 1 and not host.startswith('[') else host
    return 'qemu+ssh://%s@%s/system' % (user, bracketed)


def power_address(given, uri, host, user=POWER_USER):
    """The address MAAS powers the VM through: ``given`` as it is; else the power user at the host of a remote
    ``uri``, or at ``host`` for this host."""
    if given:
        return given
    return virsh_address(host if is_local_uri(uri) else uri_host(uri), user)


def power_details(pxe_mac, address, power_id):
    """The ``maas`` result of kvm_vm_compose: what maas_machine needs to enlist the VM."""
    return {'power_type': POWER_TYPE, 'pxe_mac_address': pxe_mac,
            'power_parameters': {'power_address': address, 'power_id': power_id}}
