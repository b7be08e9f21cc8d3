# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The demo's lab, once per attachment kind: a TCG VM composed by compose_vm.yml must reach the rack
DHCP (its DHCPDISCOVER logged there) through a libvirt `maas` network on the bridge, the host bridge
itself, and macvlan (bridge mode) on the lab veth. And the trap: with libvirt DHCP left on, the
selection refuses `default` and says why."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import shutil
import time

import pytest
from kvmnet_lab import demo, lab_safety, netboot_lab
from lxml import etree

import lab

EXAMPLES = os.path.join(lab.ROOT, 'examples', 'demo')


def playbook(name, *extra):
    proc = lab.sh('ansible-playbook', '-i', os.path.join(EXAMPLES, 'inventory.yml'), 'kvmnet.netboot.%s' % name,
                  '-e', '@' + os.path.join(EXAMPLES, 'lab.yml'), *extra, check=False)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
    return proc.stdout


@pytest.fixture(scope='module')
def package_routes():
    """How the machine reaches each address its package sources resolve to, before the lab is up."""
    return lab_safety.routes_to(sorted(lab_safety.package_source_addresses()))


@pytest.fixture(scope='module')
def netboot_lab_up(libvirt_conn, package_routes):  # pylint: disable=unused-argument
    netboot_lab.up()
    try:
        yield
    finally:
        netboot_lab.down()


def test_lab_leaves_the_way_to_the_package_sources_alone(netboot_lab_up, package_routes):
    """While the lab is up, every package-source address is still routed as it was before."""
    assert package_routes, 'no package source resolved; nothing to compare'
    assert lab_safety.routes_to(sorted(package_routes)) == package_routes


def test_trap_refused_while_libvirt_dhcp_is_on(netboot_lab_up):  # pylint: disable=unused-argument
    """Before kvm_host.yml: default runs libvirt DHCP; the selection refuses it and says why."""
    rc, result, out = lab.run_module('kvm_attachment_select', {
        'maas_model': {'vlans': [{'id': 1, 'vid': 0, 'fabric': 'f', 'dhcp_on': True}],
                       'subnets': [{'cidr': '198.51.100.0/25', 'vlan': 1}],
                       'host_interfaces': [{'name': 'kvmnt-dflt0', 'vlan': 1}]}})
    assert rc != 0, out
    assert "libvirt's own DHCP (dnsmasq) is on for network default" in result['msg']
    default = [c for c in result['candidates'] if c['source'] == 'default'][0]
    assert default['eligible'] is False and default['dhcp'] == 'libvirt'


@pytest.fixture(scope='module')
def prepared_host(netboot_lab_up):  # pylint: disable=unused-argument
    out = playbook('kvm_host')
    assert 'failed=0' in out
    return out


@pytest.mark.parametrize('kind, extra, expected', [
    ('maas-network', [], ('network', 'maas', None)),
    # with a routed NIC after the chosen one (no NIC hooks on this host: the module warns, nothing routes)
    ('host-bridge', ['-e', 'vm_interfaces=eth0:name=br-kvmnt-lab0',
                     '-e', '{"vm_routed_ips": ["198.18.253.9"], "vm_routed_table": 4253}'],
     ('bridge', 'br-kvmnt-lab0', None)),
    ('macvlan', ['-e', 'vm_interfaces=eth0:name=kvmnt-lab1', '-e', 'vm_macvlan_mode=bridge'],
     ('macvlan', 'kvmnt-lab1', 'bridge')),
])
def test_vm_reaches_rack_dhcp(prepared_host, kind, extra, expected):  # pylint: disable=unused-argument
    name = 'kvmnt-e2e-%s' % kind
    result_file = os.path.join(netboot_lab.STATE, '%s.json' % name)
    playbook('compose_vm', '-e', 'vm_name=%s' % name, '-e', 'vm_memory_mib=192', '-e', 'vm_result_file=%s' % result_file,
             *extra)
    with open(result_file) as handle:
        result = json.load(handle)
    attachment = result['attachments'][0]
    assert (attachment['type'], attachment['source'], attachment['mode']) == expected
    routed = [nic for nic in result['interfaces'] if nic['type'] == 'routed']
    if kind == 'host-bridge':
        assert [(nic['ips'], nic['table']) for nic in routed] == [(['198.18.253.9'], 4253)]
        assert result['interfaces'][0]['mac'] == result['pxe_mac']
    else:
        assert routed == []
    mac = result['pxe_mac']
    seen = netboot_lab.wait_for_discover(mac, 180)
    assert seen is not None, 'the rack DHCP never saw %s; log: %s' % (mac, open(netboot_lab.LOG).read()[-3000:])
    # and libvirt's own dnsmasq, now without DHCP, answered nothing on the lab default network
    assert not [line for line in netboot_lab.discover_lines(mac) if 'kvmnt-dflt0' in line]
    remove_with_the_playbook(name, every_mode=kind == 'maas-network')


def remove_with_the_playbook(name, every_mode):
    """compose_vm.yml with vm_state absent and no model at all (nothing is selected): the run removes the VM. With
    ``every_mode`` (once: the removal does not depend on the attachment) check mode first keeps the VM and says it
    would go, and a second run changes nothing."""
    def absent(*extra):
        proc = lab.sh('ansible-playbook', '-i', os.path.join(EXAMPLES, 'inventory.yml'), 'kvmnet.netboot.compose_vm',
                      '-e', 'vm_name=%s' % name, '-e', 'vm_state=absent', *extra, check=False)
        assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
        assert 'WARNING' not in proc.stderr, proc.stderr
        return proc.stdout
    if every_mode:
        checked = absent('--check', '--diff')
        assert 'changed=1' in checked and '(persistent XML)' in checked
        conn = lab.libvirt_conn()
        assert name in conn.listDefinedDomains() + [d.name() for d in conn.listAllDomains(0)]
    assert 'changed=1' in absent()
    assert name not in [d.name() for d in lab.libvirt_conn().listAllDomains(0)]
    if every_mode:
        assert 'changed=0' in absent()


def test_report_svg_names_every_bridge_and_network(prepared_host):  # pylint: disable=unused-argument
    """A first run (no report directory) draws the SVG once; a second run changes nothing and draws nothing."""
    shutil.rmtree(os.path.join(netboot_lab.STATE, 'reports'), ignore_errors=True)
    first = playbook('report')
    assert first.count('RUNNING HANDLER [kvmnet.netboot.report : Render the SVG]') + \
        first.count('RUNNING HANDLER [Render the SVG]') == 1, first
    second = playbook('report')
    assert 'Render the SVG' not in second and re.search(r'changed=0\b', second), second
    svg_path = os.path.join(netboot_lab.STATE, 'reports', 'localhost.svg')
    with open(svg_path, 'rb') as handle:
        root = etree.fromstring(handle.read())
    assert root.tag == '{http://www.w3.org/2000/svg}svg'
    texts = [t.text or '' for t in root.iter('{http://www.w3.org/2000/svg}text')]
    for name in ('br-kvmnt-lab0', 'kvmnt-dflt0', 'network maas', 'network default', 'kvmnt-lab0', 'kvmnt-lab1'):
        assert name in texts, (name, texts)
    assert 'libvirt DHCP off' in texts
    with open(os.path.join(netboot_lab.STATE, 'reports', 'localhost.md')) as handle:
        report = handle.read()
    assert '| maas | bridge | br-kvmnt-lab0 | yes | off | yes |' in report
    assert 'attaches to **network maas**' in report


def test_reserved_address_is_offered_to_the_vm_and_a_floating_one_never(prepared_host):  # pylint: disable=unused-argument
    """Compose with eth0:ip=<address outside the dynamic range>: the address is reserved in MAAS for the
    boot MAC before the VM first powers on, and the rack DHCP offers exactly it on the first PXE request.
    A floating address is in no DHCP host entry and never offered. maas_release gives it back."""
    region = demo.start_region()
    region.state.dhcp_hostsdir = netboot_lab.HOSTS_DIR
    name, address, floating = 'kvmnt-e2e-static', '198.51.100.110', '198.51.100.111'
    maas = {'maas_url': region.url, 'maas_api_key': demo.DEMO_KEY, 'maas_host_addresses': [demo.HOST_ADDRESS]}
    result_file = os.path.join(netboot_lab.STATE, '%s.json' % name)
    try:
        playbook('compose_vm', '-e', json.dumps(dict(maas, vm_name=name, vm_memory_mib=192, vm_result_file=result_file,
                                                     vm_interfaces='eth0:ip=%s' % address)))
        with open(result_file) as handle:
            result = json.load(handle)
        assert result['rule'] == 'constraints' and result['attachments'][0]['ip'] == address
        mac = result['pxe_mac']
        with open(os.path.join(netboot_lab.HOSTS_DIR, mac.replace(':', '-'))) as handle:
            assert handle.read().strip() == '%s,%s' % (mac, address)
        deadline = time.monotonic() + 180
        while not netboot_lab.offer_lines(mac, address) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert netboot_lab.offer_lines(mac, address), open(netboot_lab.LOG).read()[-3000:]
        rc, reserved, out = lab.run_module('maas_ip_address', {'url': region.url, 'api_key': demo.DEMO_KEY,
                                                               'class': 'floating', 'ip': floating,
                                                               'subnet': '198.51.100.0/25'})
        assert rc == 0 and reserved['address']['class'] == 'floating', out
        entries = [open(os.path.join(netboot_lab.HOSTS_DIR, f)).read() for f in os.listdir(netboot_lab.HOSTS_DIR)]
        assert not [e for e in entries if floating in e]
        playbook('compose_vm', '-e', json.dumps(dict(maas, vm_name=name, vm_state='absent', maas_release=True)))
        assert not os.path.exists(os.path.join(netboot_lab.HOSTS_DIR, mac.replace(':', '-')))
        assert [r['ip'] for r in region.state.reserved] == [floating]
        with open(netboot_lab.LOG) as handle:
            assert not [line for line in handle if 'DHCPOFFER' in line and floating in line]
    finally:
        region.stop()
