# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hosts the bridge tests share, from real captures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge import persist
from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.plan import plan_bridge
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.facts import build_host_network


@pytest.fixture
def dhcp_host(fixture_json):
    """A NIC with a DHCP address (cloud-init's sample) and its bridge plan."""
    facts = build_host_network(links=fixture_json('iproute2-cloudinit-sample-ipaddrshow-json.json'),
                               routes_v4=[{'dst': 'default', 'gateway': '192.168.2.1', 'dev': 'enp0s25',
                                           'protocol': 'dhcp'}])
    plan = plan_bridge(facts)
    files = persist.render_netplan(plan, dict((i['name'], i) for i in facts['interfaces']))
    return plan, files
