# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kvm_attachment_select and the attachment_order filter on a namespace-built host."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

import lab

PLAYBOOKS = os.path.join(os.path.dirname(__file__), 'playbooks')

MODEL = {
    'vlans': [{'id': 10, 'fabric': 'lab', 'vid': 10, 'name': 'pxe', 'dhcp_on': True, 'space': 'pxe'},
              {'id': 30, 'fabric': 'lab', 'vid': 30, 'name': 'quiet', 'dhcp_on': False}],
    'subnets': [{'cidr': '198.51.100.0/24', 'vlan': 10, 'gateway_ip': '198.51.100.1',
                 'allocated_ips': ['198.51.100.20']},
                {'cidr': '203.0.113.0/24', 'vlan': 30}],
    'host_interfaces': [{'name': 'br-pxe', 'vlan': 10}, {'name': 'nic0', 'vlan': 10},
                        {'name': 'nic1', 'vlan': 10}, {'name': 'nic2', 'vlan': 30}],
}


@pytest.fixture(scope='module')
def host_ns():
    """br-pxe (port nic0), and NICs nic1, nic2 (veth stand-ins for physical NICs)."""
    ns = lab.Netns('select')
    try:
        ns.run('ip', 'link', 'add', 'nic0', 'type', 'veth', 'peer', 'name', 'nic0-peer')
        ns.run('ip', 'link', 'add', 'nic1', 'type', 'veth', 'peer', 'name', 'nic2')
        ns.run('ip', 'link', 'add', 'br-pxe', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0')
        ns.run('ip', 'link', 'set', 'nic0', 'master', 'br-pxe')
        yield ns
    finally:
        ns.close()


def select(host_ns, **args):
    args.setdefault('uri', 'test:///default')
    args.setdefault('maas_model', MODEL)
    return lab.run_module('kvm_attachment_select', args, netns=host_ns.name)


def test_module_and_filter_agree_in_a_playbook(host_ns):
    proc = lab.sh('ip', 'netns', 'exec', host_ns.name, 'ansible-playbook', '-i', 'localhost,', '-c', 'local',
                  os.path.join(PLAYBOOKS, 'select_vs_filter.yml'), check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'failed=0' in proc.stdout


def test_gathers_and_chooses_the_bridge(host_ns):
    rc, result, out = select(host_ns)
    assert rc == 0, out
    assert result['changed'] is False
    assert result['rule'] == 'host-bridge'
    assert result['attachments'] == [{'label': 'eth0', 'ifname': 'eth0', 'type': 'bridge', 'source': 'br-pxe',
                                      'mode': None, 'vlan': 10, 'ip': None, 'ip_mode': None, 'boot': True}]
    by_source = dict((c['source'], c) for c in result['candidates'])
    assert by_source['default']['dhcp'] == 'libvirt' and not by_source['default']['eligible']
    assert by_source['br-pxe']['free_ipv4'] == 254 - 2
    assert not by_source['nic0']['eligible'] and 'port of br-pxe' in by_source['nic0']['reason']


def test_constraints_honoured(host_ns):
    rc, result, out = select(host_ns, interfaces='0:name=nic1,ip=198.51.100.30;1:vlan=30',
                             default_macvlan_mode='passthru')
    assert rc == 0, out
    assert result['rule'] == 'constraints'
    assert [(a['ifname'], a['type'], a['source'], a['mode'], a['ip'], a['boot']) for a in result['attachments']] == [
        ('eth0', 'macvlan', 'nic1', 'passthru', '198.51.100.30', True),
        ('eth1', 'macvlan', 'nic2', 'passthru', None, False)]


@pytest.mark.parametrize('args, words', [
    ({'interfaces': 'eth0:name=nic1,ip=198.51.100.20'}, '198.51.100.20 is already allocated'),
    ({'interfaces': 'eth0:space=pxe;eth0:space=pxe'}, 'label eth0 appears more than once'),
    ({'interfaces': 'eth0:colour=blue'}, "unknown key 'colour'"),
    ({'maas_model': {'vlans': [{'id': 'ten'}]}}, 'maas_model.vlans[0].id must be a whole number'),
    ({'maas_model': dict(MODEL, vlans=[dict(v, dhcp_on=False) for v in MODEL['vlans']])},
     'No attachment reaches MAAS DHCP'),
    ({'default_macvlan_mode': 'None'}, 'value of default_macvlan_mode must be one of'),
    ({'uri': 'qemu+unix:///system?socket=/nonexistent'}, 'cannot gather the host network picture'),
])
def test_bad_input_fails_cleanly(host_ns, args, words):
    rc, result, out = select(host_ns, **args)
    assert rc != 0
    assert words in result.get('msg', ''), out
    assert 'Traceback' not in out and 'exception' not in result


def test_nothing_fits_says_what_to_do(host_ns):
    model = dict(MODEL, vlans=[dict(v, dhcp_on=False) for v in MODEL['vlans']])
    rc, result, dummy = select(host_ns, maas_model=model)
    assert rc != 0
    assert 'role kvmnet.netboot.libvirt_netboot_networks' in result['msg']
    assert 'role kvmnet.netboot.maas_bridge' in result['msg']
    assert result['candidates']
