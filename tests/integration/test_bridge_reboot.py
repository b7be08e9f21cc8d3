# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bridges that survive a reboot, proven by the real network daemons reading the persisted files.

For each backend (netplan with systemd-networkd, NetworkManager, ifupdown) and each case (a static
NIC, a DHCP NIC, and a bridge already built at runtime with a static IPv4 address, a SLAAC IPv6
address and a default route): the host starts with its NIC configured the way an installer leaves
it, kvm_host_bridge builds and persists the bridge, the host is "rebooted" (a fresh namespace with
the same NIC and MAC and no bridge) and only the files and the daemon bring the network up. After
the reboot only the bridge holds the address and the default route, with the NIC's MAC, STP off,
forward delay 0, and the gateway answers. See docs/testing.md.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

import lab
from reboot_lab import GATEWAY, MAC, NAMESERVER, NIC, PREFIX6, RebootLab

BRIDGE = 'br-' + NIC
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'unit', 'fixtures', 'installed')
STATIC = '198.51.100.10'

# The NIC as each installer leaves it (tests/unit/fixtures/installed): (file under the lab root, fixture);
# the ifupdown stanza is appended to the lab's interfaces file.
INSTALLED = {
    ('netplan', 'static'): ('etc/netplan/00-installer-config.yaml', 'netplan-subiquity-static.yaml'),
    ('netplan', 'dhcp'): ('etc/netplan/00-installer-config.yaml', 'netplan-subiquity-dhcp.yaml'),
    ('networkmanager', 'static'): ('etc/NetworkManager/system-connections/Wired connection 1.nmconnection', 'networkmanager-wired-static.nmconnection'),
    ('networkmanager', 'dhcp'): ('etc/NetworkManager/system-connections/Wired connection 1.nmconnection', 'networkmanager-wired-dhcp.nmconnection'),
    ('ifupdown', 'static'): ('etc/network/interfaces', 'ifupdown-debian-static.interfaces'),
    ('ifupdown', 'dhcp'): ('etc/network/interfaces', 'ifupdown-debian-dhcp.interfaces'),
}
BACKENDS = ('netplan', 'networkmanager', 'ifupdown')


def install(host, backend, method):
    relative, fixture = INSTALLED[(backend, method)]
    with open(os.path.join(FIXTURES, fixture)) as handle:
        text = handle.read()
    if backend == 'ifupdown':
        text = host.read(relative) + text
    host.write(relative, text)


def build_bridge(host, backend):
    rc, result, out = lab.run_module('kvm_host_bridge', {'backend': backend, 'rollback_timeout': 30,
                                                         'backup_dir': os.path.join(host.root, 'backups')},
                                     prefix=host.on_host())
    assert rc == 0 and not result.get('failed'), result.get('msg') or out[-4000:]
    return result


def assert_bridged(host, backend, address):
    """Only the bridge holds the address and the default route; the NIC is its port; the gateway answers."""
    links = host.links()
    bridge = links[BRIDGE]
    assert links[NIC].get('master') == BRIDGE, json.dumps(links[NIC])
    assert bridge['address'] == MAC and bridge['mtu'] == 1500
    info = bridge['linkinfo']['info_data']
    assert info['stp_state'] == 0
    if backend == 'networkmanager':
        # NetworkManager applies the forward delay only with STP on; with STP off the kernel forwards at
        # once whatever the delay, which is what the delay of 0 is for: the port must be forwarding.
        port = json.loads(lab.sh('ip', '-n', 'kvmnt-rb-host', '-j', 'link', 'show', NIC).stdout)
        assert 'UP' in port[0]['flags']
        state = lab.sh('ip', 'netns', 'exec', 'kvmnt-rb-host', 'bridge', '-j', 'link', 'show', 'dev', NIC).stdout
        assert json.loads(state)[0]['state'] == 'forwarding'
    else:
        assert info['forward_delay'] == 0
    assert host.ipv4(BRIDGE) == [address]
    assert host.ipv4(NIC) == []
    assert host.default_route(BRIDGE) and not host.default_route(NIC)
    assert host.pings(GATEWAY)


@pytest.fixture
def host_for(swept):  # pylint: disable=unused-argument
    hosts = []

    def make(backend):
        hosts.append(RebootLab(backend))
        return hosts[-1]
    yield make
    for host in hosts:
        host.close()


@pytest.mark.parametrize('backend', BACKENDS)
@pytest.mark.parametrize('method', ['static', 'dhcp'])
def test_bridge_survives_reboot(host_for, backend, method):
    host = host_for(backend)
    install(host, backend, method)
    host.boot(NIC)
    address = host.ipv4(NIC)[0]
    if method == 'static':
        assert address == STATIC
    acks = host.dhcp_acks()
    result = build_bridge(host, backend)  # the daemon runs, as on a real host
    assert result['changed'] and GATEWAY in result['verified']
    if method == 'dhcp':
        # the hand-over: the backend's DHCP client now serves the bridge and renews the same lease there
        host.wait_for(lambda: host.dhcp_acks() > acks, 'a DHCPACK for the bridge')
    host.wait_for(lambda: host.ipv4(BRIDGE) == [address] and host.ipv4(NIC) == [], 'the address on the bridge only')
    host.reboot()
    host.boot(BRIDGE)
    assert_bridged(host, backend, address)
    if method == 'static':
        written = [path for path, summary in result['files'].items() if summary['changed']]
        assert any(NAMESERVER in host.read(path.lstrip('/')) for path in written)  # moved to the bridge's file


@pytest.mark.parametrize('backend', BACKENDS)
def test_runtime_bridge_with_slaac_persists_and_survives_reboot(host_for, backend):
    """A bridge built at runtime only (backend iproute2) holding a static IPv4 address, a SLAAC IPv6
    address and the default route is persisted later: the files must reproduce exactly that."""
    host = host_for(backend)
    install(host, backend, 'static')
    host.boot(NIC)
    for dummy in range(30):
        if host.ipv6_global(NIC):
            break
        lab.sh('sleep', '0.5')
    assert [a for a in host.ipv6_global(NIC) if a.startswith(PREFIX6[:-1])], host.links()[NIC]
    host.stop_daemon()
    build_bridge(host, 'iproute2')
    persisted = build_bridge(host, backend)
    plan = persisted['plan']
    assert plan['already_bridged'] and (plan['method'], plan['method6']) == ('static', 'auto')
    assert [r['gateway'] for r in plan['routes'] if r['dst'] == 'default' and r['family'] == 'ipv4'] == [GATEWAY]
    host.reboot()
    host.boot(BRIDGE)
    assert_bridged(host, backend, STATIC)
    for dummy in range(30):
        if host.ipv6_global(BRIDGE):
            break
        lab.sh('sleep', '0.5')
    assert [a for a in host.ipv6_global(BRIDGE) if a.startswith(PREFIX6[:-1])], host.links()[BRIDGE]


CLOUD_STANZA = 'etc/network/interfaces.d/50-cloud-init'


def slaac(host, link):
    host.wait_for(lambda: host.ipv6_global(link) and host.default_route(link, '-6'),
                  'SLAAC and the RA route on %s' % link)


@pytest.mark.parametrize('left_by_an_earlier_version', [False, True])
def test_debian_cloud_layout_comes_back_with_the_address_on_the_bridge_only(host_for, left_by_an_earlier_version):
    """H2: Debian's cloud images - the stock interfaces file sources interfaces.d/*, cloud-init wrote the NIC's
    stanza to interfaces.d/50-cloud-init. A backup beside it (what versions before 0.2 left) is read at boot:
    the NIC takes the address again and the bridge fails. Backups go elsewhere; old ones are moved there."""
    host = host_for('ifupdown')
    with open(os.path.join(FIXTURES, 'ifupdown-debian-cloud-init.interfaces')) as handle:
        original = handle.read()
    host.write(CLOUD_STANZA, original, 0o644)
    assert 'source /etc/network/interfaces.d/*' in host.read('etc/network/interfaces')
    host.boot(NIC)
    assert host.ipv4(NIC) == [STATIC]
    # the switch's router advertisement gives the NIC a SLAAC address some time after boot: the bridge inherits
    # what there is when it is built, so each run waits for it (else a later run persists the address it brings)
    slaac(host, NIC)
    result = build_bridge(host, 'ifupdown')
    slaac(host, BRIDGE)
    backup = os.path.join(host.root, 'backups', CLOUD_STANZA)
    with open(backup) as handle:
        assert handle.read() == original
    if left_by_an_earlier_version:
        os.rename(backup, os.path.join(host.root, CLOUD_STANZA + '.kvmnet.bak'))
        result = build_bridge(host, 'ifupdown')
        assert result['changed'] and result['legacy_backups_moved'] == [
            {'path': '/' + CLOUD_STANZA + '.kvmnet.bak', 'to': backup}]
        again = build_bridge(host, 'ifupdown')
        assert again['changed'] is False, json.dumps(again, indent=1, sort_keys=True)
    names = os.listdir(os.path.join(host.root, 'etc/network/interfaces.d'))
    assert not [n for n in names if n.endswith('.bak')], names
    assert 'iface enp1s0' not in host.read(CLOUD_STANZA)
    host.reboot()
    host.boot(BRIDGE)
    assert_bridged(host, 'ifupdown', STATIC)
