# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Taking over the device's existing persistent configuration: netplan (cloud-init, installer),
NetworkManager profiles, ifupdown stanzas. The inputs have the shapes those tools write."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import configparser
import os

import pytest
import yaml

from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge import persist
from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.adopt import AdoptError, adopt
from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.plan import plan_bridge
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.facts import build_host_network

# cloud-init's netplan output on a MAAS-deployed host: the NIC matched by MAC and renamed.
CLOUD_INIT = """# This file is generated from information provided by the datasource.  Changes
# to it will not persist across an instance reboot.  To disable cloud-init's
# network configuration capabilities, write a file
# /etc/cloud/cloud.cfg.d/99-disable-network-config.cfg with the following:
# network: {config: disabled}
network:
    ethernets:
        enp1s0:
            match:
                macaddress: 02:00:00:00:01:01
            mtu: 1500
            set-name: enp1s0
            addresses:
            - 198.51.100.10/24
            gateway4: 198.51.100.1
            nameservers:
                addresses:
                - 198.51.100.53
                search:
                - maas
        enp7s0:
            match:
                macaddress: 02:00:00:00:07:01
            set-name: enp7s0
            dhcp4: true
    version: 2
"""
# The Ubuntu installer's file, a NetworkManager profile and a Debian stanza: the shapes the reboot tests
# start from too (tests/unit/fixtures/installed).
INSTALLER = os.path.join('installed', 'netplan-subiquity-dhcp.yaml')
NM_PROFILE = os.path.join('installed', 'networkmanager-wired-static.nmconnection')
INTERFACES = os.path.join('installed', 'ifupdown-debian-static.interfaces')
DEBIAN_HEAD = """# This file describes the network interfaces available on your system
source /etc/network/interfaces.d/*

auto lo
iface lo inet loopback
"""


@pytest.fixture
def plan(fixture_json):
    facts = build_host_network(links=fixture_json('iproute2-live-netns-static-nic-ip-j-d-addr.json'),
                               routes_v4=fixture_json('iproute2-live-netns-static-nic-ip-j-4-route.json'))
    return plan_bridge(facts)


def test_cloud_init_stanza_loses_its_addressing_and_the_bridge_gets_its_nameservers(plan):
    adopted = adopt('netplan', plan, {'/etc/netplan/50-cloud-init.yaml': CLOUD_INIT})
    doc = yaml.safe_load(adopted.files['/etc/netplan/50-cloud-init.yaml'])
    nic = doc['network']['ethernets']['enp1s0']
    assert nic == {'match': {'macaddress': '02:00:00:00:01:01'}, 'mtu': 1500, 'set-name': 'enp1s0',
                   'dhcp4': False, 'dhcp6': False, 'accept-ra': False}
    assert doc['network']['ethernets']['enp7s0']['dhcp4'] is True  # another NIC is left alone
    assert (adopted.nameservers, adopted.search) == (['198.51.100.53'], ['maas'])
    files, backups = persist.persistence('netplan', plan, {}, {'/etc/netplan/50-cloud-init.yaml': CLOUD_INIT},
                                         cloud_init=True)
    assert backups == ['/etc/netplan/50-cloud-init.yaml']
    ours = yaml.safe_load(files['/etc/netplan/60-kvmnet-br-enp1s0.yaml'])['network']['bridges']['br-enp1s0']
    assert ours['nameservers'] == {'addresses': ['198.51.100.53'], 'search': ['maas']}
    assert ours['addresses'] == ['198.51.100.10/24'] and ours['routes'] == [{'to': 'default', 'via': '198.51.100.1'}]
    assert 'network: {config: disabled}' in files['/etc/cloud/cloud.cfg.d/99-kvmnet-disable-network-config.cfg']


def test_installer_dhcp_stanza_is_adopted(plan, fixture_text):
    adopted = adopt('netplan', plan, {'/etc/netplan/00-installer-config.yaml': fixture_text(INSTALLER)})
    assert yaml.safe_load(adopted.files['/etc/netplan/00-installer-config.yaml'])['network']['ethernets'] == {
        'enp1s0': {'dhcp4': False, 'dhcp6': False, 'accept-ra': False}}


def test_our_own_file_and_unrelated_files_are_not_touched(plan):
    own = persist.render_netplan(plan, {})
    other = 'network:\n  version: 2\n  ethernets:\n    enp9s0: {dhcp4: true}\n'
    adopted = adopt('netplan', plan, dict(own, **{'/etc/netplan/10-other.yaml': other}))
    assert adopted.files == {}


def test_networkmanager_profile_stops_autoconnecting(plan, fixture_text):
    path = '/etc/NetworkManager/system-connections/Wired connection 1.nmconnection'
    NM_PROFILE = fixture_text(globals()['NM_PROFILE'])  # pylint: disable=invalid-name
    adopted = adopt('networkmanager', plan, {path: NM_PROFILE})
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(adopted.files[path])
    assert parser['connection']['autoconnect'] == 'false'
    assert parser['ipv4']['address1'] == '198.51.100.10/24,198.51.100.1'  # kept, for going back by hand
    files, dummy = persist.persistence('networkmanager', plan, {}, {path: NM_PROFILE})
    bridge = configparser.ConfigParser(interpolation=None)
    bridge.read_string(files['/etc/NetworkManager/system-connections/kvmnet-br-enp1s0.nmconnection'])
    assert bridge['ipv4']['dns'] == '198.51.100.53;'
    # a second run finds the profile already off: nothing more to change
    assert adopt('networkmanager', plan, {path: adopted.files[path]}).files == {}


def test_ifupdown_stanza_is_removed_and_dns_moves(plan, fixture_text):
    INTERFACES = DEBIAN_HEAD + fixture_text(globals()['INTERFACES'])  # pylint: disable=invalid-name
    adopted = adopt('ifupdown', plan, {'/etc/network/interfaces': INTERFACES})
    text = adopted.files['/etc/network/interfaces']
    assert 'enp1s0' not in text and 'iface lo inet loopback' in text and 'source /etc/network/interfaces.d/*' in text
    files, dummy = persist.persistence('ifupdown', plan, {}, {'/etc/network/interfaces': INTERFACES})
    ours = files['/etc/network/interfaces.d/kvmnet-br-enp1s0']
    assert '    dns-nameservers 198.51.100.53' in ours and '    dns-search maas' in ours
    assert adopt('ifupdown', plan, {'/etc/network/interfaces': text}).files == {}


def test_broken_netplan_file_is_named(plan):
    with pytest.raises(AdoptError, match='/etc/netplan/50-cloud-init.yaml is not valid YAML'):
        adopt('netplan', plan, {'/etc/netplan/50-cloud-init.yaml': 'network: [\n'})
