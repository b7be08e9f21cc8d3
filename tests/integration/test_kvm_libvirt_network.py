# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kvm_libvirt_network: libvirt DHCP off in place on `default`, proven with a real TCG VM.

The packaged `default` network is put aside and a lab `default` (NAT, 198.18.122.0/24, DHCP on) takes
its place for the module's tests; the packaged one is put back afterwards, never started.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
from lxml import etree

import lab
from dhcp_watch import DhcpWatch

P = lab.LAB_PREFIX
VM = P + 'trap-vm'
HOST_BRIDGE = P + 'mbr0'


@pytest.fixture(scope='module')
def default_net(libvirt_conn):
    saved = lab.lab_default_network(libvirt_conn)
    lab.sh('ip', 'link', 'add', HOST_BRIDGE, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0')
    lab.sh('ip', 'link', 'set', HOST_BRIDGE, 'up')
    try:
        yield libvirt_conn
    finally:
        lab.remove_stale_libvirt(libvirt_conn)
        saved.restore()
        lab.sh('ip', 'link', 'del', HOST_BRIDGE, check=False)


def xml_of(conn, name, inactive):
    import libvirt  # pylint: disable=import-outside-toplevel
    return conn.networkLookupByName(name).XMLDesc(libvirt.VIR_NETWORK_XML_INACTIVE if inactive else 0)


def compose_vm(name):
    rc, result, out = lab.run_module('kvm_vm_compose', {
        'name': name, 'domain_type': 'qemu', 'memory_mib': 128, 'state': 'running',
        'interfaces': [{'type': 'network', 'source': 'default'}]})
    assert rc == 0, out
    return result['interfaces'][0]


@pytest.fixture(scope='module')
def trap_vm(default_net):
    """Before the change: a TCG VM on `default` gets its DHCP offer from libvirt's dnsmasq."""
    watch = DhcpWatch(lab.LAB_DEFAULT_BRIDGE)
    try:
        nic = compose_vm(VM)
        offered = watch.wait_for('OFFER', nic['mac'], 120)
    finally:
        watch.stop()
    assert offered is not None, 'libvirt never offered: %s' % watch.events
    assert [e for e in watch.seen('OFFER', nic['mac']) if e[3] == lab.LAB_GATEWAY]
    return nic


def test_dhcp_off_in_place(default_net, trap_vm, tmp_path):
    before_uuid = default_net.networkLookupByName('default').UUIDString()
    backups = str(tmp_path / 'backups')
    rc, result, out = lab.run_module('kvm_libvirt_network', {'name': 'default', 'dhcp': {'enabled': False},
                                                             'backup': True, 'backup_dir': backups})
    assert rc == 0, out
    assert result['changed'] is True and result['applied'] == 'update'
    assert '<dhcp>' in result['previous_xml'] and result['backup_file'].startswith(backups + '/')
    for inactive in (True, False):
        root = etree.fromstring(xml_of(default_net, 'default', inactive).encode())
        assert root.find('ip/dhcp') is None
        assert root.find('ip').get('address') == lab.LAB_GATEWAY
        assert root.find('forward').get('mode') == 'nat'
    net = default_net.networkLookupByName('default')
    assert net.isActive() and net.UUIDString() == before_uuid
    # the VM attached before the change is still attached: its tap is still a port of the bridge
    links = dict((l['ifname'], l) for l in json.loads(lab.sh('ip', '-j', 'link', 'show').stdout))
    assert links[trap_vm['target']].get('master') == lab.LAB_DEFAULT_BRIDGE


def test_dhcp_off_rerun_unchanged(default_net, trap_vm):  # pylint: disable=unused-argument
    rc, result, out = lab.run_module('kvm_libvirt_network', {'name': 'default', 'dhcp': {'enabled': False}})
    assert rc == 0, out
    assert result['changed'] is False and result['applied'] == 'none'


def test_check_mode_changes_nothing(default_net, trap_vm):  # pylint: disable=unused-argument
    before = (xml_of(default_net, 'default', True), xml_of(default_net, 'default', False))
    args = {'name': 'default', 'dhcp': {'ranges': [{'start': '198.18.122.10', 'end': '198.18.122.20'}]},
            'mtu': 1400}
    rc, result, out = lab.run_module('kvm_libvirt_network', args, check=True)
    assert rc == 0, out
    assert result['changed'] is True
    assert (xml_of(default_net, 'default', True), xml_of(default_net, 'default', False)) == before


def test_vm_gets_no_offer_after(default_net, trap_vm):  # pylint: disable=unused-argument
    dom = default_net.lookupByName(VM)
    watch = DhcpWatch(lab.LAB_DEFAULT_BRIDGE)
    try:
        dom.destroy()
        dom.create()
        asked = watch.wait_for('DISCOVER', trap_vm['mac'], 120)
        assert asked is not None, 'the VM never asked: %s' % watch.events
        assert watch.wait_for('OFFER', trap_vm['mac'], 15) is None
    finally:
        watch.stop()
    assert watch.seen('OFFER', trap_vm['mac']) == []


def test_maas_bridge_network(default_net):
    args = {'name': P + 'maas', 'forward_mode': 'bridge', 'bridge': HOST_BRIDGE, 'autostart': True}
    rc, result, out = lab.run_module('kvm_libvirt_network', args)
    assert rc == 0, out
    assert result['changed'] is True and result['applied'] == 'create'
    assert result['network']['active'] and result['network']['autostart'] and not result['network']['dhcp_enabled']
    root = etree.fromstring(xml_of(default_net, P + 'maas', True).encode())
    assert root.find('forward').get('mode') == 'bridge' and root.find('bridge').get('name') == HOST_BRIDGE
    rc, again, out = lab.run_module('kvm_libvirt_network', args)
    assert rc == 0 and again['changed'] is False, out


def test_dhcp_back_on_and_restart_warns(default_net, trap_vm):  # pylint: disable=unused-argument
    args = {'name': 'default', 'dhcp': {'ranges': [{'start': lab.LAB_DHCP_FIRST, 'end': lab.LAB_DHCP_LAST}]}}
    rc, result, out = lab.run_module('kvm_libvirt_network', args)
    assert rc == 0, out
    assert result['applied'] == 'update'
    assert etree.fromstring(xml_of(default_net, 'default', False).encode()).find('ip/dhcp/range') is not None
    rc, result, out = lab.run_module('kvm_libvirt_network', {'name': 'default', 'stp': False})
    assert rc == 0, out
    assert result['applied'] == 'define+restart'
    assert result['affected_domains'] == [VM]
    assert 'disconnects running domains %s' % VM in out


@pytest.mark.parametrize('args, words', [
    ({'forward_mode': 'tunnel'}, 'value of forward_mode must be one of'),
    ({'dhcp': {'ranges': [{'start': '198.51.100.10', 'end': '198.51.100.20'}]}},
     'dhcp.ranges[0] 198.51.100.10-198.51.100.20 is outside every network'),
    ({'forward_mode': 'bridge', 'bridge': P + 'nobridge', 'ips': []},
     'forward_mode bridge needs an existing host bridge: host device %snobridge does not exist' % P),
    ({'forward_mode': 'bridge', 'bridge': 'lo', 'ips': []}, 'host device lo is not a bridge'),
    ({'ips': [{'address': '198.18.122.1', 'prefix': 40}]}, 'ips[0].prefix must be 1-31'),
])
def test_bad_input_changes_nothing(default_net, args, words):
    before = xml_of(default_net, 'default', True)
    rc, result, out = lab.run_module('kvm_libvirt_network', dict(args, name='default'))
    assert rc != 0
    assert words in result.get('msg', ''), out
    assert 'Traceback' not in out
    assert xml_of(default_net, 'default', True) == before


# An SR-IOV PF network as an operator defines it by hand; kvmnt-pf0 does not exist, so it is never started.
SRIOV_PF = ("<network><name>%ssriov</name><forward mode='hostdev' managed='yes'><driver name='vfio'/>"
            "<pf dev='%spf0'/></forward></network>" % (P, P))


@pytest.fixture
def sriov_network(libvirt_conn):
    net = libvirt_conn.networkDefineXML(SRIOV_PF)
    try:
        yield net
    finally:
        net.undefine()


def test_an_sriov_pf_network_takes_autostart_and_keeps_its_pf(libvirt_conn, sriov_network):
    """Issue 19: the module read such a network without its <pf> and refused it ("forward_mode hostdev needs
    forward_devices") when asked for autostart alone."""
    args = {'name': P + 'sriov', 'state': 'present', 'autostart': True}
    rc, result, out = lab.run_module('kvm_libvirt_network', args, check=True)
    assert rc == 0 and result['changed'] is True, out
    assert not sriov_network.autostart()                                  # check mode changed nothing
    rc, result, out = lab.run_module('kvm_libvirt_network', args)
    assert rc == 0, out
    assert result['changed'] is True and result['applied'] == 'none'
    assert result['network']['forward_mode'] == 'hostdev' and result['network']['autostart'] is True
    assert sriov_network.autostart() and not sriov_network.isActive()
    root = etree.fromstring(xml_of(libvirt_conn, P + 'sriov', True).encode())
    assert [pf.get('dev') for pf in root.findall('forward/pf')] == [P + 'pf0']
    rc, again, out = lab.run_module('kvm_libvirt_network', args)
    assert rc == 0 and again['changed'] is False, out
    rc, facts, out = lab.run_module('kvm_network_facts', {'gather_subset': ['networks']})
    assert rc == 0, out
    found = [n for n in facts['ansible_facts']['kvm_host_network']['networks'] if n['name'] == P + 'sriov']
    assert len(found) == 1 and found[0]['forward_mode'] == 'hostdev' and found[0]['autostart'] is True
    assert found[0]['active'] is False and found[0]['forward_devices'] == [P + 'pf0']
