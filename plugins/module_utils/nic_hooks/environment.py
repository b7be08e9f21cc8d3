# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The environment each per-NIC hook script gets (Ganeti's KVM networking design, on libvirt), read from a
domain document, and the screening of it: a domain's XML is untrusted (whoever may define a domain writes it),
so a NIC whose values are unsafe, or whose routed claim the host does not allow, is refused. Pure.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from collections import namedtuple

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.names import CONTROL_RE, IFNAME_RE, mac_problem
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.xml_parsing import parse_xml, to_int
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.domain_xml import domain_interfaces, nic_mode
from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks.routed_claims import ClaimRefused

# ``envs``: one environment (KVMNET_* variables, without ACTION and REASON) per NIC, in domain XML order;
# ``instance``: the domain id of the running instance (None for an inactive definition); ``claims``: per
# NIC, (addresses, table) as the XML claims them for a routed NIC, else None. A routed NIC's KVMNET_IPS and
# KVMNET_LINK stay empty until ``screen`` has checked its claim.
DomainNics = namedtuple('DomainNics', 'uuid instance envs claims')
# ``envs``: the NICs that may be brought up; ``refused``: the others, each env with KVMNET_REFUSED (why).
Screened = namedtuple('Screened', 'envs refused')

UUID_RE = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z')


def nic_environments(domain_xml):
    """DomainNics of a domain document (libvirt's live XML, or what the qemu hook gets on stdin)."""
    root = parse_xml(domain_xml, 'domain')
    envs, claims = [], []
    for index, nic in enumerate(domain_interfaces(root)):
        mode = nic_mode(nic)
        link = {'network': nic['network'], 'routed': ''}.get(mode, nic['source'])
        envs.append({'KVMNET_VM': root.findtext('name') or '', 'KVMNET_VM_UUID': root.findtext('uuid') or '',
                     'KVMNET_NIC_INDEX': str(index), 'KVMNET_TAP': nic['target'] or '', 'KVMNET_MAC': nic['mac'] or '',
                     'KVMNET_MODE': mode, 'KVMNET_LINK': link or '', 'KVMNET_NETWORK': nic['network'] or '',
                     'KVMNET_IPS': ''})
        claims.append((nic['ips'], nic['table']) if mode == 'routed' else None)
    instance = to_int(root.get('id'))
    return DomainNics(root.findtext('uuid'), instance if instance is not None and instance >= 0 else None, envs,
                      claims)


def env_problem(env):
    """Why a NIC's environment cannot be handed to scripts run as root, or None."""
    for key, value in sorted(env.items()):
        if CONTROL_RE.search(value):
            return '%s holds a control character' % key
    if not UUID_RE.match(env['KVMNET_VM_UUID']):
        return 'the domain UUID %r is not a UUID' % env['KVMNET_VM_UUID']
    # the tap's name goes into /proc/sys paths and ip(8) arguments: the kernel's own rules, no "." or ".."
    if env['KVMNET_TAP'] and not IFNAME_RE.match(env['KVMNET_TAP']):
        return 'tap %r is not an interface name' % env['KVMNET_TAP']
    if env['KVMNET_MODE'] == 'routed' and not env['KVMNET_TAP']:
        return 'a routed NIC has no tap'
    if env['KVMNET_MAC'] and mac_problem(env['KVMNET_MAC']):
        return 'MAC %s' % mac_problem(env['KVMNET_MAC'])
    return None


def screen(nics, check_claim):
    """Screened: the NICs whose environment is safe and whose routed claim ``check_claim(ips, table)`` accepts
    (it returns the canonical addresses and the table, or raises ClaimRefused), with KVMNET_IPS and KVMNET_LINK
    filled in from the accepted claim; the rest refused, with the reason."""
    envs, refused = [], []
    for env, claim in zip(nics.envs, nics.claims):
        problem = env_problem(env)
        if problem is None and claim is not None:
            try:
                ips, table = check_claim(claim[0], claim[1])
                env = dict(env, KVMNET_IPS=' '.join(ips), KVMNET_LINK=str(table))
            except ClaimRefused as exc:
                problem = str(exc)
        if problem is None:
            envs.append(env)
        else:
            refused.append(dict(env, KVMNET_REFUSED=problem))
    return Screened(envs, refused)
