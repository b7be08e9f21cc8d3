# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The routed NIC's built-in up step and its undo (nic_hooks.routed_nic)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks.routed_nic import routed_up_steps

ROUTED = {'KVMNET_TAP': 'knaaan1', 'KVMNET_LINK': '100', 'KVMNET_IPS': '198.51.100.20 2001:db8::20'}


def test_routed_up_steps_add_routes_rules_and_sysctls_each_with_its_undo():
    sysctls = {'net/ipv4/conf/knaaan1/proxy_arp': '0', 'net/ipv4/conf/knaaan1/forwarding': '0',
               'net/ipv4/conf/knaaan1/rp_filter': '2',
               'net/ipv6/conf/knaaan1/proxy_ndp': '0', 'net/ipv6/conf/knaaan1/forwarding': '1'}
    steps = routed_up_steps(ROUTED, {'4': [], '6': []}, sysctls)
    assert steps[0].do == ['ip', '-4', 'route', 'add', '198.51.100.20/32', 'dev', 'knaaan1', 'table', '100',
                           'proto', 'static'] and steps[0].exists_ok
    assert steps[2].undo == ['ip', '-6', 'route', 'del', '2001:db8::20/128', 'dev', 'knaaan1', 'table', '100']
    assert [s.do for s in steps if s.do[0] == 'sysctl'] == [
        ('sysctl', 'net/ipv4/conf/knaaan1/proxy_arp', '1'), ('sysctl', 'net/ipv4/conf/knaaan1/forwarding', '1'),
        ('sysctl', 'net/ipv4/conf/knaaan1/rp_filter', '1'),
        ('sysctl', 'net/ipv6/conf/knaaan1/proxy_ndp', '1')]  # forwarding already 1: not ours to undo
    assert ('sysctl', 'net/ipv4/conf/knaaan1/rp_filter', '2') in [s.undo for s in steps]
    # strict reverse-path filtering passes the VM's own source address only through the per-address rule
    assert [s.do for s in steps if 'rule' in s.do] == [
        ['ip', '-4', 'rule', 'add', 'to', '198.51.100.20/32', 'table', '100'],
        ['ip', '-6', 'rule', 'add', 'to', '2001:db8::20/128', 'table', '100'],
        ['ip', '-4', 'rule', 'add', 'iif', 'knaaan1', 'table', '100'],
        ['ip', '-6', 'rule', 'add', 'iif', 'knaaan1', 'table', '100']]


def test_routed_up_steps_leave_existing_rules_alone():
    existing = {'4': [{'priority': 100, 'iif': 'knaaan1', 'table': '100'},
                      {'priority': 101, 'src': 'all', 'dst': '198.51.100.20', 'table': '100'},
                      {'priority': 102, 'iif': 'knaaan1', 'dst': '10.0.0.0', 'dstlen': 8, 'table': '100'}], '6': []}
    steps = routed_up_steps(dict(ROUTED, KVMNET_IPS='198.51.100.20'), existing, {})
    assert [s.do[2:4] for s in steps] == [['route', 'add']]  # rules exist, tap sysctls unknown (gone)
