#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: maas_ip_usage_info
short_description: Where MAAS's addresses went - every address with its class and owner, and the likely leaks
version_added: 0.2.0
description:
  - For every address of the chosen subnets - its class with MAAS's name (C(sticky) STICKY, C(floating) and
    C(nic) USER_RESERVED, C(auto) AUTO, C(dhcp) DHCP, C(discovered) DISCOVERED), owner, node (host name, node
    type, interface), MAC, and created/updated times as ISO 8601.
  - Totals per class and the free count per subnet.
  - The MAC of a reservation bound to one comes from C(ipaddresses/) - every user's with an administrator's key,
    only the key user's own otherwise (the others then count as C(floating)); the DNS name of an address from
    C(dnsresources/) (a hostname given when it was reserved); a machine's status from C(machines/).
  - C(findings), each with the address, a C(kind) and a sentence - C(stale-floating) (a floating address older
    than O(stale_days) with no DNS name), C(owner-gone) (its owner is no longer a MAAS user), C(node-gone)
    (held by an interface of a node that no longer exists), C(static-in-dynamic) (a static address inside a
    dynamic range), C(stale-sticky) (a sticky address of a machine that has sat released, Ready, for longer
    than O(stale_days)).
options:
  subnets:
    description: The subnets to look at, by CIDR. Default - all of them.
    type: list
    elements: str
  stale_days:
    description: Days after which an unnamed floating address, or a released machine's sticky address, is a finding.
    type: int
    default: 30
seealso:
  - module: kvmnet.netboot.maas_ip_address
author:
  - kvmnet.netboot maintainers (@kvmnet)
extends_documentation_fragment:
  - kvmnet.netboot.maas
  - kvmnet.netboot.maas.info_module
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
'''

EXAMPLES = r'''
- name: Where did the addresses of the PXE subnet go?
  kvmnet.netboot.maas_ip_usage_info:
    subnets: [198.51.100.0/24]
    stale_days: 14
  register: usage

- name: The likely leaks
  ansible.builtin.debug:
    msg: "{{ usage.findings | map(attribute='sentence') | list }}"
'''

RETURN = r'''
addresses:
  description: Every address - C(ip), C(subnet), C(class), C(alloc_type), C(alloc_type_name), C(owner), C(mac),
    C(node) (C(system_id), C(hostname), C(node_type), C(interface)), C(dns_name), C(created), C(updated).
  returned: success
  type: list
  elements: dict
totals:
  description: Per subnet, the number of addresses of each class.
  returned: success
  type: dict
  sample: {198.51.100.0/24: {sticky: 12, floating: 2, nic: 3, dhcp: 40}}
free:
  description: Per IPv4 subnet, the addresses still free (outside ranges, gateway, DNS servers and allocated
    ones).
  returned: success
  type: dict
  sample: {198.51.100.0/24: 141}
findings:
  description: The likely leaks - C(ip), C(kind) and C(sentence) each.
  returned: success
  type: list
  elements: dict
  sample: [{ip: 198.51.100.20, kind: stale-floating,
            sentence: floating address 198.51.100.20 of alice is 40 days old and has no DNS name}]
'''

import datetime

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ansible_glue import new_module
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.address_usage import dns_names, reservation_macs, usage_report
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.ansible_glue import MAAS_ARGUMENT_SPEC, run_with_client
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.model_reader import MaasAnswerError, ranges_by_subnet

ARGUMENT_SPEC = dict(MAAS_ARGUMENT_SPEC, subnets=dict(type='list', elements='str'),
                     stale_days=dict(type='int', default=30))


def run(module, client):
    wanted = set(module.params['subnets'] or [])
    subnets = [s for s in client.get('subnets/') or [] if not wanted or s.get('cidr') in wanted]
    missing = wanted - set(s.get('cidr') for s in subnets)
    if missing:
        module.fail_json(msg='MAAS has no subnet %s' % ', '.join(sorted(missing)))
    me = client.get('users/', op='whoami') or {}
    # an administrator's key sees every user's reservations, and so the MAC each is bound to
    rows = client.get('ipaddresses/', all='true') if me.get('is_superuser') else client.get('ipaddresses/')
    machines = dict((m['system_id'], {'status_name': m.get('status_name')}) for m in client.get('machines/') or [])
    context = {'now': datetime.datetime.utcnow(), 'stale_days': module.params['stale_days'],
               'users': set(u.get('username') for u in client.get('users/') or []),
               'nodes': dict((n['system_id'], machines.get(n['system_id'], {})) for n in client.get('nodes/') or []),
               'macs': reservation_macs(rows), 'dns_names': dns_names(client.get('dnsresources/'))}
    report = usage_report(subnets, ranges_by_subnet(client.get('ipranges/') or []), lambda subnet: client.get(
        'subnets/%s/' % subnet['id'], op='ip_addresses', with_summary=1, with_username=1) or [], context)
    return dict(report, changed=False)


def main():
    module = new_module(ARGUMENT_SPEC, supports_check_mode=True)
    module.exit_json(**run_with_client(module, run, (MaasAnswerError, ValueError)))


if __name__ == '__main__':
    main()
