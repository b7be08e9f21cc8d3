# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The netplan a bridge plan renders passes Debian's `netplan generate` in a scratch root."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import shutil
import tempfile

import pytest

import lab

from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge import persist as renderers
from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.plan import plan_bridge
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.facts import build_host_network

FIXTURES = os.path.join(os.path.dirname(__file__), '..', 'unit', 'fixtures')


def load(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return json.load(handle)


def seed_like_facts():
    bond = load('iproute2-commitmsg-7ff60b09-bond-802.3ad-with-slave.json')
    vlan = load('iproute2-commitmsg-43bc20ae-vlan.json')[0]
    vlan.update(link='bond42', ifname='bond42.42', addr_info=[
        {'family': 'inet', 'local': '203.0.113.7', 'prefixlen': 24, 'scope': 'global', 'dynamic': True,
         'valid_life_time': 600}])
    return build_host_network(links=bond + [vlan], routes_v4=[{'dst': 'default', 'gateway': '203.0.113.1',
                                                               'dev': 'bond42.42', 'protocol': 'dhcp'}])


def static_facts():
    return build_host_network(links=load('iproute2-live-host-nic-static-ip-j-d-addr.json'),
                              routes_v4=load('iproute2-live-host-nic-static-ip-j-route.json'))


@pytest.mark.parametrize('facts, mtu, bridge', [
    (seed_like_facts, 9000, 'br-bond42.42'),
    (static_facts, None, 'br-eth0'),
])
def test_netplan_generate_accepts(facts, mtu, bridge):
    facts = facts()
    plan = plan_bridge(facts, mtu=mtu)
    root = tempfile.mkdtemp(prefix='kvmnt-netplan-')
    try:
        files = renderers.render_netplan(plan, dict((i['name'], i) for i in facts['interfaces']),
                                         directory=os.path.join(root, 'etc', 'netplan'))
        for path, content in files.items():
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w') as handle:
                handle.write(content)
            os.chmod(path, 0o600)
        proc = lab.sh('netplan', 'generate', '--root-dir', root, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        netdevs = glob.glob(os.path.join(root, 'run', 'systemd', 'network', '*%s.netdev' % bridge))
        assert netdevs, os.listdir(os.path.join(root, 'run', 'systemd', 'network'))
        with open(netdevs[0]) as handle:
            netdev = handle.read()
        assert 'Kind=bridge' in netdev and 'STP=false' in netdev and 'ForwardDelaySec=0' in netdev
    finally:
        shutil.rmtree(root, ignore_errors=True)
