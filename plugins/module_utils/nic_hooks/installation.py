# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the role libvirt_nic_hooks puts the qemu hook and its settings with its default variables, for
kvm_vm_compose to tell whether a routed NIC will be routed on this host. A unit test keeps these equal to the
role's defaults. Pure."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks import routed_claims

HOOK_PATH = '/etc/libvirt/hooks/qemu.d/kvmnet-nic-hooks'
SETTINGS_PATH = '/etc/kvmnet/nic-hooks.json'


def routed_nic_warnings(vm_name, nics, hook_installed, settings):
    """What to tell the user about the routed NICs of a VM composed on a host: no hook (nothing routes them), or
    hook settings that would refuse one. ``settings``: the hook's settings, None when they cannot be read."""
    if not nics:
        return []
    if not hook_installed:
        return ['%s has a routed interface but %s does not exist: nothing will route its addresses until the role '
                'kvmnet.netboot.libvirt_nic_hooks is applied to this host' % (vm_name, HOOK_PATH)]
    try:
        policy = routed_claims.policy_from(settings.get('routed_prefixes'), settings.get('routed_tables'),
                                           settings.get('routed_max_ips'))
    except (AttributeError, routed_claims.ClaimRefused):
        return []  # not readable here: the hook checks when the VM starts
    warnings = []
    for nic in nics:
        try:
            routed_claims.check_claim(nic.ips, nic.table, policy)
        except routed_claims.ClaimRefused as exc:
            warnings.append('interfaces[%d]: the NIC hook of this host will refuse this routed NIC (%s): set '
                            'libvirt_nic_hooks_routed_prefixes and libvirt_nic_hooks_routed_tables' % (nic.index, exc))
    return warnings
