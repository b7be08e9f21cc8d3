# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Per-NIC up/down hooks, as Ganeti's KVM networking design asks for them: which NICs a domain event
concerns, in what order, and the environment each hook script gets. Groundwork: no hook runs it yet.

The ordering rule. libvirt runs no hook when an incoming migration completes - its ``started`` hook
fires while the guest is still paused. A routed NIC (the host routes the VM's addresses to its tap and
answers ARP/NDP for them) must come up on the destination only when the guest resumes (lifecycle
event RESUMED, detail MIGRATED or POSTCOPY), or two hosts announce the same address. Bridged and macvlan
NICs come up at once, so QEMU's announcement after the migration is not lost. On the source, routed
NICs go down when the guest is suspended for the migration. Pure.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.xml_parsing import parse_xml
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.domain_xml import parse_interface

MODES = ('bridge', 'network', 'macvlan', 'routed')
REASONS = ('start', 'stop', 'migrate-in', 'migrate-out', 'restore', 'save', 'reconnect')
ROUTED_METADATA_NS = 'https://github.com/kvmnet/netboot/routed-nic'


def nic_mode(nic):
    """The hook word for a parsed interface: bridge, network, macvlan or routed (an ethernet tap)."""
    return {'direct': 'macvlan', 'ethernet': 'routed'}.get(nic['type'], nic['type'])


def _routed_details(root):
    """{mac: (ips, table)} from the domain's kvmnet metadata for its routed NICs."""
    details = {}
    for elem in root.iter('{%s}nic' % ROUTED_METADATA_NS):
        ips = [ip.text.strip() for ip in elem.findall('{%s}ip' % ROUTED_METADATA_NS) if ip.text]
        details[(elem.get('mac') or '').lower()] = (ips, elem.get('table'))
    return details


def nic_environments(domain_xml, action, reason):
    """One environment (a dict of KVMNET_* variables) per NIC of the domain, in domain XML order."""
    if action not in ('up', 'down') or reason not in REASONS:
        raise ValueError('action must be up or down and reason one of %s' % ', '.join(REASONS))
    root = parse_xml(domain_xml, 'domain')
    routed = _routed_details(root)
    envs = []
    for index, elem in enumerate(root.findall('devices/interface')):
        nic = parse_interface(elem)
        mode = nic_mode(nic)
        ips, table = routed.get(nic['mac'] or '', ([], None))
        link = {'network': nic['network'], 'bridge': nic['source'], 'macvlan': nic['source'],
                'routed': table or 'main'}.get(mode, nic['source'])
        envs.append({'KVMNET_VM': root.findtext('name') or '', 'KVMNET_VM_UUID': root.findtext('uuid') or '',
                     'KVMNET_NIC_INDEX': str(index), 'KVMNET_TAP': nic['target'] or '', 'KVMNET_MAC': nic['mac'] or '',
                     'KVMNET_MODE': mode, 'KVMNET_LINK': link or '', 'KVMNET_NETWORK': nic['network'] or '',
                     'KVMNET_IPS': ' '.join(ips), 'KVMNET_ACTION': action, 'KVMNET_REASON': reason})
    return envs


def nics_to_run(envs, event, detail=None, routed_pending=None):
    """(action, reason, the environments to run now) for a domain event, or None.

    ``event``/``detail`` are libvirt's lifecycle words: started (booted, migrated, restored), resumed
    (migrated, postcopy, unpaused), suspended (migrated, paused), stopped (destroyed, shutdown,
    migrated, saved). ``routed_pending`` is the reason (migrate-in, restore) when the domain came in
    and its routed NICs still wait for the guest to run: the caller keeps that per domain, since
    after ``virsh restore --paused`` the resume says only "unpaused".
    """
    decided = _decide(envs, event, detail, routed_pending)
    if decided is None:
        return None
    action, reason, chosen = decided
    return action, reason, [dict(env, KVMNET_ACTION=action, KVMNET_REASON=reason) for env in chosen]


def _decide(envs, event, detail, routed_pending):
    routed = [e for e in envs if e['KVMNET_MODE'] == 'routed']
    others = [e for e in envs if e['KVMNET_MODE'] != 'routed']
    if event == 'started' and detail == 'booted':
        return 'up', 'start', envs
    if event == 'started' and detail in ('migrated', 'restored'):
        return 'up', 'migrate-in' if detail == 'migrated' else 'restore', others
    if event == 'resumed' and (detail in ('migrated', 'postcopy') or routed_pending):
        return 'up', routed_pending or 'migrate-in', routed
    if event == 'suspended' and detail == 'migrated':
        return 'down', 'migrate-out', routed
    if event == 'stopped':
        reason = {'migrated': 'migrate-out', 'saved': 'save'}.get(detail, 'stop')
        # routed NICs of a migrating guest went down when it was suspended
        return 'down', reason, others if detail == 'migrated' else envs
    return None
