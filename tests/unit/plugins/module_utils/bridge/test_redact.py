# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What kvm_host_bridge shows of the files it changes (bridge.redact): changed stanzas, secrets redacted."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge import redact

NM_8021X = """[connection]
id=Wired 802.1X
type=ethernet
interface-name=enp1s0

[802-1x]
eap=peap;
identity=host01
password=Sup3rSecret!
private-key-password=AlsoSecret

[ipv4]
method=auto
"""
NM_WIREGUARD = """[connection]
id=wg0
type=wireguard
interface-name=wg0

[wireguard]
private-key=yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=

[wireguard-peer.xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=]
preshared-key=FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=
allowed-ips=0.0.0.0/0;
"""
IFUPDOWN_WPA = """auto wlan0
iface wlan0 inet dhcp
    wpa-ssid office
    wpa-psk 0123456789abcdef

auto enp1s0
iface enp1s0 inet static
    address 198.51.100.10/24
"""
NETPLAN = """network:
  version: 2
  ethernets:
    enp1s0:
      addresses: [198.51.100.10/24]
      auth: {key-management: 802.1x, method: peap, identity: host01, password: Sup3rSecret!}
  tunnels:
    wg0:
      mode: wireguard
      keys: {private: yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=}
"""
SECRETS = ('Sup3rSecret!', 'AlsoSecret', 'yAnz5TF+', 'FpCyhws9', '0123456789abcdef')


@pytest.mark.parametrize('path, text', [
    ('/etc/NetworkManager/system-connections/8021x.nmconnection', NM_8021X),
    ('/etc/NetworkManager/system-connections/wg0.nmconnection', NM_WIREGUARD),
    ('/etc/network/interfaces', IFUPDOWN_WPA),
    ('/etc/netplan/50-cloud-init.yaml', NETPLAN),
])
def test_no_secret_survives_in_any_stanza(path, text):
    """M6: before, the result and the diff carried the whole files, an 802.1X password and a WireGuard key in them."""
    shown = ''.join(body for dummy, body in redact.stanzas(path, text))
    assert not [s for s in SECRETS if s in shown]
    assert redact.REDACTED in shown


def test_only_the_stanzas_that_change_are_shown():
    after = IFUPDOWN_WPA.replace('iface enp1s0 inet static\n    address 198.51.100.10/24\n', '')
    before, now = redact.changed_stanzas('/etc/network/interfaces', IFUPDOWN_WPA, after)
    assert 'wlan0' not in before + now and '0123456789abcdef' not in before + now
    assert before.startswith('iface enp1s0') and 'address 198.51.100.10/24' in before and now == ''
    nm_before, nm_after = redact.changed_stanzas('/etc/NetworkManager/system-connections/8021x.nmconnection',
                                                 NM_8021X, NM_8021X.replace('id=Wired 802.1X', 'id=Wired 802.1X\nautoconnect=false'))
    assert nm_before.startswith('[connection]') and 'autoconnect=false' in nm_after and '802-1x' not in nm_after


def test_a_netplan_device_that_changes_is_shown_alone_and_redacted():
    after = NETPLAN.replace('addresses: [198.51.100.10/24]', 'dhcp4: false')
    before, now = redact.changed_stanzas('/etc/netplan/50-cloud-init.yaml', NETPLAN, after)
    assert 'enp1s0' in now and 'wg0' not in now and 'Sup3rSecret!' not in before + now
    assert 'password: <redacted>' in now


def test_a_file_summary_is_hashes_only():
    summary = redact.file_summary(NM_8021X, NM_8021X + 'x')
    assert summary['changed'] and len(summary['sha256']) == 64 and 'Sup3r' not in str(summary)
    assert redact.file_summary(None, 'new')['sha256_before'] is None
